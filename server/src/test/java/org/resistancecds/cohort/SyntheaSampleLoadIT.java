package org.resistancecds.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.junit.jupiter.api.Test;
import org.resistancecds.bench.AbstractBenchIT;

/**
 * The shipped Synthea sample ({@code examples/cohort-synthea/}) loads as {@code cohort/cohort.sh load} loads it:
 * Synthea's hospital and practitioner Bundles first, then the 2,475-resource patient split into transactions, with
 * write validation on. The stored record then gives the engine the result the manifest expects.
 */
class SyntheaSampleLoadIT extends AbstractBenchIT {

    private static final Path SAMPLE = Path.of("..", "examples", "cohort-synthea");

    @Test
    void theSyntheaSampleLoadsWholeAndTheEngineFindsTheExpectedResult() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(SAMPLE.resolve("cohort-manifest.json").toFile())
                .path("patients").get(0);
        CohortLoader loader = new CohortLoader(fhirContext, fhirBase(), 2, 500, null);

        List<LoadSummary> summaries = CohortCli.loadFiles(fhirContext, loader, CohortCli.bundleFiles(List.of(SAMPLE)));

        summaries.forEach(summary -> assertThat(summary.failures()).as(summary.describe()).isEmpty());
        LoadSummary patients = summaries.get(summaries.size() - 1);
        assertThat(patients.resources()).isEqualTo(expected.path("resources").asLong());
        assertThat(patients.requests()).as("split into transactions of at most 500 entries").isGreaterThan(4);
        String patientId = patients.patientIds().values().iterator().next();

        Bundle encounters = fhirClient().search().forResource(Encounter.class)
                .where(Encounter.PATIENT.hasId(patientId)).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
                .returnBundle(Bundle.class).execute();
        assertThat(encounters.getTotal()).as("Synthea's encounters stored against the patient").isPositive();

        StoredEvaluation found = StoredEvaluation.of(fhirClient(), patientId, expected.path("asOf").asText());
        Set<String> expectedMechanisms = new TreeSet<>();
        expected.path("expectedMechanisms").fieldNames().forEachRemaining(expectedMechanisms::add);
        assertThat(found.status()).isEqualTo(expected.path("expectedStatus").asText());
        assertThat(found.mechanisms()).isEqualTo(expectedMechanisms);
    }
}
