package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.search.BatchResourceLoader;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Specimen;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/** Searches answered from kept parsed resources return what a fresh parse would, through every kind of change. */
class ParsedResourceCacheIT extends AbstractServerIT {

    private static final String TAG_SYSTEM = "https://example.org/tags";

    @Autowired
    private BatchResourceLoader loader;

    @Test
    void searchesServedFromKeptResourcesFollowUpdatesAndTagChanges() {
        assertThat(loader).isInstanceOf(ParsedResourceCache.class);
        ParsedResourceCache cache = (ParsedResourceCache) loader;
        IGenericClient client = fhirClient();
        String patientId = client.create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
                .setFamily("Cache-" + UUID.randomUUID()))).execute().getId().getIdPart();
        Observation observation = observation(patientId, "first");
        IdType id = (IdType) client.create().resource(observation).execute().getId().toUnqualifiedVersionless();

        long hitsBefore = settledHits(cache);
        Observation parsed = onlyMatch(client, patientId);
        assertThat(cache.hits()).as("a version not seen before is parsed").isEqualTo(hitsBefore);
        Observation copied = onlyMatch(client, patientId);
        assertThat(cache.hits()).as("the second search copies the kept one").isEqualTo(hitsBefore + 1);
        assertThat(encode(copied)).isEqualTo(encode(parsed));
        assertThat(copied.getIdElement().getVersionIdPart()).isEqualTo("1");
        assertThat(copied.getMeta().getLastUpdated()).isEqualTo(parsed.getMeta().getLastUpdated());

        // A tag added without a new version shows on the next search, and goes again when deleted.
        Meta tag = new Meta();
        tag.addTag().setSystem(TAG_SYSTEM).setCode("reviewed");
        client.meta().add().onResource(id).meta(tag).execute();
        assertThat(onlyMatch(client, patientId).getMeta().getTag()).extracting(Coding::getCode).containsExactly("reviewed");
        assertThat(onlyMatch(client, patientId).getMeta().getTag()).extracting(Coding::getCode).containsExactly("reviewed");
        client.meta().delete().onResource(id).meta(tag).execute();
        assertThat(onlyMatch(client, patientId).getMeta().getTag()).isEmpty();
        assertThat(onlyMatch(client, patientId).getMeta().getTag()).isEmpty();

        // An update is a new version, parsed anew.
        Observation changed = onlyMatch(client, patientId);
        changed.setValue(new StringType("second"));
        client.update().resource(changed).execute();
        Observation updated = onlyMatch(client, patientId);
        assertThat(updated.getValueStringType().getValue()).isEqualTo("second");
        assertThat(updated.getIdElement().getVersionIdPart()).isEqualTo("2");
        assertThat(onlyMatch(client, patientId).getValueStringType().getValue()).isEqualTo("second");
    }

    @Test
    void resourcesWithContainedResourcesAreParsedEachTime() {
        ParsedResourceCache cache = (ParsedResourceCache) loader;
        IGenericClient client = fhirClient();
        String patientId = client.create().resource(new Patient()).execute().getId().getIdPart();
        Observation observation = observation(patientId, "with specimen");
        Specimen specimen = new Specimen();
        specimen.setId("sp");
        specimen.getType().setText("plasma");
        observation.addContained(specimen);
        observation.setSpecimen(new Reference("#sp"));
        client.create().resource(observation).execute();

        onlyMatch(client, patientId);
        long hits = settledHits(cache);
        Observation again = onlyMatch(client, patientId);
        assertThat(cache.hits()).isEqualTo(hits);
        assertThat(again.getContained()).hasSize(1);
        assertThat(again.getSpecimen().getReference()).isEqualTo("#sp");
    }

    /**
     * The hit count once background work stops adding to it: the count is the shared server's, and other work (the
     * re-evaluation a write queues, for one) searches through the same loader; a CI run saw 48 hits in between.
     */
    private static long settledHits(ParsedResourceCache cache) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = cache.hits();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        return last[0];
    }

    private static Observation observation(String patientId, String value) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.setCode(new CodeableConcept(new Coding("http://loinc.org", "94076-7", null)));
        observation.setSubject(new Reference("Patient/" + patientId));
        observation.setValue(new StringType(value));
        return observation;
    }

    private static Observation onlyMatch(IGenericClient client, String patientId) {
        Bundle bundle = client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patientId))
                .returnBundle(Bundle.class).execute();
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        assertThat(entries).hasSize(1);
        return (Observation) entries.get(0).getResource();
    }

    private String encode(Observation observation) {
        return fhirContext.newJsonParser().encodeResourceToString(observation);
    }
}
