package org.resistancecds.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.dao.data.ISearchDao;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.VersionUtil;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentReader;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.validation.ConsistentValidationSupportChain;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The FHIR endpoint over HTTP: capability, CRUD and search, transactions, validation, health. */
class FhirServerIT extends AbstractServerIT {

    @Autowired
    private ISearchDao searches;

    @Autowired
    private PlatformTransactionManager transactions;

    @Autowired
    private IValidationSupport validationSupport;

    @Test
    void capabilityStatementDescribesAnR4JpaServer() {
        CapabilityStatement capabilities =
                fhirClient().capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(capabilities.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(capabilities.getName()).isEqualTo("ResistanceCdsServer");
        assertThat(capabilities.getTitle()).isEqualTo("Resistance CDS Server");
        assertThat(capabilities.getPublisher()).isEqualTo("Resistance CDS Server project");
        assertThat(capabilities.getVersion()).isEqualTo("0.1.0");
        assertThat(capabilities.getRestFirstRep().getResource())
                .extracting(CapabilityStatement.CapabilityStatementRestResourceComponent::getType)
                .contains("Patient", "Observation", "PlanDefinition", "CodeSystem");
        // What conditionalReadsAnswer304WithTheEtag shows, and vread: HAPI declared neither.
        assertThat(capabilities.getRestFirstRep().getResource()).allSatisfy(resource -> {
            assertThat(resource.getConditionalRead()).isEqualTo(CapabilityStatement.ConditionalReadStatus.FULLSUPPORT);
            assertThat(resource.getReadHistory()).as(resource.getType()).isTrue();
        });
    }

    @Test
    void capabilityStatementListsOurProfilesAndOperations() {
        CapabilityStatement capabilities =
                fhirClient().capabilities().ofType(CapabilityStatement.class).execute();
        List<String> supported = capabilities.getRestFirstRep().getResource().stream()
                .flatMap(r -> r.getSupportedProfile().stream())
                .map(CanonicalType::getValue)
                .toList();
        List<String> ours = new ContentReader(fhirContext).read("profiles").stream()
                .map(ContentFile::resource)
                .filter(r -> r instanceof StructureDefinition sd && "resource".equals(sd.getKind().toCode()))
                .map(r -> ((StructureDefinition) r).getUrl())
                .toList();

        assertThat(ours).isNotEmpty();
        assertThat(supported).containsAll(ours);
        assertThat(capabilities.getRestFirstRep().getOperation())
                .extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("evaluate-resistance");
    }

    /** The exact HAPI version tells an attacker which of its advisories apply: no answer names it. */
    @Test
    void answersDoNotNameTheHapiVersion() throws Exception {
        String hapiVersion = VersionUtil.getVersion();
        String created = "{\"resourceType\":\"Patient\",\"gender\":\"female\"}";
        List<HttpResponse<String>> answers = List.of(get("/fhir/metadata"), get("/fhir/Patient?_count=1"),
                get("/fhir/Patient/no-such-patient"), postJson("/fhir/Patient", "application/fhir+json", created));

        for (HttpResponse<String> answer : answers) {
            String what = answer.request().method() + " " + answer.request().uri().getPath();
            assertThat(answer.headers().firstValue("X-Powered-By")).as(what).isEmpty();
            answer.headers().map().forEach((name, values) ->
                    assertThat(values).as(what + " " + name).noneMatch(value -> value.contains(hapiVersion)));
        }
        CapabilityStatement capabilities = fhirContext.newJsonParser()
                .parseResource(CapabilityStatement.class, answers.get(0).body());
        assertThat(capabilities.getSoftware().getName()).isEqualTo("Resistance CDS Server");
        assertThat(capabilities.getSoftware().getVersion()).isNotEqualTo(hapiVersion);
        assertThat(answers.get(0).body()).doesNotContain("HAPI FHIR Server");
    }

    /**
     * $lastn would answer with every patient's Observations, $subsumes with a 500, $reindex-terminology with a 200
     * saying it failed: all need indexes not run here. HAPI's merge operations are not offered either.
     */
    @Test
    void operationsThisServerCannotPerformAreRefusedAndNotOffered() throws Exception {
        HttpResponse<String> lastn = get("/fhir/Observation/$lastn?patient=Patient/p1&max=1");
        HttpResponse<String> subsumes = get("/fhir/CodeSystem/$subsumes?system="
                + "https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism&codeA=tumor-intrinsic"
                + "&codeB=antigen-presentation-defect");
        HttpResponse<String> reindexTerminology = postJson("/fhir/$reindex-terminology", "application/fhir+json",
                "{\"resourceType\":\"Parameters\"}");
        HttpResponse<String> replaceReferences = postJson("/fhir/$hapi.fhir.replace-references",
                "application/fhir+json", "{\"resourceType\":\"Parameters\",\"parameter\":["
                        + "{\"name\":\"source-reference-id\",\"valueString\":\"Patient/a\"},"
                        + "{\"name\":\"target-reference-id\",\"valueString\":\"Patient/b\"}]}");
        HttpResponse<String> merge = postJson("/fhir/Patient/$hapi.fhir.merge", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-resource\",\"valueReference\":"
                        + "{\"reference\":\"Patient/a\"}},{\"name\":\"target-resource\",\"valueReference\":"
                        + "{\"reference\":\"Patient/b\"}},{\"name\":\"preview\",\"valueBoolean\":false}]}");
        CapabilityStatement capabilities =
                fhirClient().capabilities().ofType(CapabilityStatement.class).execute();
        List<String> offered = capabilities.getRestFirstRep().getResource().stream()
                .flatMap(r -> r.getOperation().stream())
                .map(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .toList();

        assertThat(lastn.statusCode()).isEqualTo(501);
        assertThat(lastn.body()).contains("OperationOutcome", "Elasticsearch");
        assertThat(subsumes.statusCode()).isEqualTo(501);
        assertThat(subsumes.body()).contains("OperationOutcome", "$lookup");
        assertThat(offered).isNotEmpty().doesNotContain("lastn", "subsumes", "expunge", "hapi.fhir.merge",
                "hapi.fhir.undo-merge");
        assertThat(reindexTerminology.statusCode()).as(reindexTerminology.body()).isEqualTo(501);
        // HAPI's merge operations failed with a 500 (libraries left out) and would rewrite our assessments.
        assertThat(replaceReferences.statusCode()).as(replaceReferences.body()).isEqualTo(501);
        assertThat(merge.statusCode()).as(merge.body()).isEqualTo(501);
        assertThat(merge.body()).contains("OperationOutcome", "not offered");
        assertThat(capabilities.getRestFirstRep().getOperation())
                .extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .doesNotContain("expunge", "reindex-terminology", "hapi.fhir.replace-references",
                        "hapi.fhir.undo-replace-references");
    }

    /** Batch and update-as-create work (BadInputIT, FhirServerIT); HAPI's statement did not say so. */
    @Test
    void capabilityStatementDeclaresBatchAndUpdateCreate() {
        CapabilityStatement capabilities =
                fhirClient().capabilities().ofType(CapabilityStatement.class).execute();

        assertThat(capabilities.getRestFirstRep().getInteraction())
                .extracting(i -> i.getCode().toCode())
                .contains("transaction", "batch");
        assertThat(capabilities.getRestFirstRep().getResource())
                .allSatisfy(resource -> assertThat(resource.getUpdateCreate()).as(resource.getType()).isTrue());
    }

    /** HAPI's provider of generated OperationDefinitions answered the read of a stored one with 404. */
    @Test
    void storedOperationDefinitionsCanBeReadById() {
        OperationDefinition evaluate = fhirClient().read()
                .resource(OperationDefinition.class).withId("evaluate-resistance").execute();

        assertThat(evaluate.getUrl()).isEqualTo("https://resistance-cds.org/fhir/OperationDefinition/evaluate-resistance");
    }

    @Test
    void createReadAndSearchRoundTrip() {
        IGenericClient client = fhirClient();
        String mrn = UUID.randomUUID().toString();
        Patient patient = new Patient();
        patient.addIdentifier(new Identifier().setSystem("urn:test:mrn").setValue(mrn));
        patient.addName().setFamily("Roundtrip").addGiven("Ada");
        patient.setGender(AdministrativeGender.FEMALE);

        MethodOutcome created = client.create().resource(patient).execute();
        Patient read = client.read().resource(Patient.class).withId(created.getId().toUnqualifiedVersionless()).execute();
        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:test:mrn", mrn))
                .returnBundle(Bundle.class)
                .execute();

        assertThat(created.getCreated()).isTrue();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Roundtrip");
        assertThat(found.getEntry()).hasSize(1);
        assertThat(found.getEntryFirstRep().getResource().getIdElement().getIdPart())
                .isEqualTo(created.getId().getIdPart());
    }

    /**
     * A Provenance says which version of a result it vouches for; HAPI stored {@code Observation/x/_history/1} as
     * {@code Observation/x}, which now means the current version. A version the server does not hold is refused.
     */
    @Test
    void provenanceKeepsTheVersionsItNamesAndRefusesOneNotHeld() throws Exception {
        String id = "versioned-" + UUID.randomUUID();
        String observation = "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"%s\","
                + "\"code\":{\"text\":\"tumour mutational burden\"}}";
        assertThat(putJson("/fhir/Observation/" + id, observation.formatted("preliminary")).statusCode()).isEqualTo(201);
        assertThat(putJson("/fhir/Observation/" + id, observation.formatted("final")).statusCode()).isEqualTo(200);
        String provenance = "{\"resourceType\":\"Provenance\",\"recorded\":\"2026-12-07T10:00:00Z\","
                + "\"agent\":[{\"who\":{\"display\":\"molecular lab\"}}],"
                + "\"target\":[{\"reference\":\"Observation/" + id + "/_history/%s\"}],"
                + "\"entity\":[{\"role\":\"source\",\"what\":{\"reference\":\"Observation/" + id + "/_history/2\"}}]}";

        HttpResponse<String> kept = postJson("/fhir/Provenance", "application/fhir+json", provenance.formatted("1"));
        HttpResponse<String> notHeld = postJson("/fhir/Provenance", "application/fhir+json", provenance.formatted("3"));
        String storedId = fhirContext.newJsonParser().parseResource(kept.body()).getIdElement().getIdPart();
        HttpResponse<String> read = get("/fhir/Provenance/" + storedId);
        HttpResponse<String> search = get("/fhir/Provenance?target=Observation/" + id);

        assertThat(kept.statusCode()).isEqualTo(201);
        assertThat(read.body()).contains("\"Observation/" + id + "/_history/1\"", "\"Observation/" + id + "/_history/2\"");
        assertThat(search.body()).contains(storedId);
        assertThat(notHeld.statusCode()).isEqualTo(400);
        assertThat(notHeld.body()).contains("Version 3 of Observation/" + id + " is not held here")
                .contains("Provenance.target");
    }

    /**
     * FHIR R4 allows HEAD in a batch or transaction entry; HAPI failed the entry with 400. A read of a missing resource
     * fails a transaction as a whole, and a batch's entry alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"batch", "transaction"})
    void headEntriesAnswerAsGetWithoutTheResource(String type) throws Exception {
        String id = createActivePatient();
        String missing = "{\"request\":{\"method\":\"HEAD\",\"url\":\"Patient/no-such-patient\"}},";
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":["
                + "{\"request\":{\"method\":\"HEAD\",\"url\":\"" + id + "\"}},"
                + "{\"request\":{\"method\":\"HEAD\",\"url\":\"Patient?_id=" + new IdType(id).getIdPart() + "\"}},"
                + "%s{\"request\":{\"method\":\"GET\",\"url\":\"" + id + "\"}}]}";
        boolean batch = type.equals("batch");

        HttpResponse<String> answer = postJson("/fhir", "application/fhir+json",
                bundle.formatted(batch ? missing : ""));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Bundle entries = fhirContext.newJsonParser().parseResource(Bundle.class, answer.body());
        assertThat(entries.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactlyElementsOf(batch
                ? List.of("200 OK", "200 OK", "404 Not Found", "200 OK") : List.of("200 OK", "200 OK", "200 OK"));
        assertThat(entries.getEntry()).extracting(Bundle.BundleEntryComponent::hasResource).containsExactlyElementsOf(
                batch ? List.of(false, false, false, true) : List.of(false, false, true));
        assertThat(entries.getEntry().get(0).getResponse().getEtag()).isEqualTo("W/\"1\"");
        assertThat(entries.getEntry().get(0).getResponse().getLastModified()).isNotNull();
        if (!batch) {
            HttpResponse<String> failed = postJson("/fhir", "application/fhir+json", bundle.formatted(missing));
            assertThat(failed.statusCode()).as(failed.body()).isEqualTo(404);
        }
    }

    /** HAPI sends the new version's ETag after an update but not after a patch; a chained If-Match needs it. */
    @Test
    void patchAnswersWithTheNewVersionsEtag() throws Exception {
        String id = createActivePatient();
        String deactivate = "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]";
        String activate = "[{\"op\":\"replace\",\"path\":\"/active\",\"value\":true}]";

        HttpResponse<String> patched = patch("/fhir/" + id, deactivate, "W/\"1\"", "return=representation");
        HttpResponse<String> minimal = patch("/fhir/" + id, activate, "W/\"2\"", "return=minimal");
        HttpResponse<String> stale = patch("/fhir/" + id, deactivate, "W/\"2\"", "return=minimal");

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.headers().firstValue("ETag")).contains("W/\"2\"");
        assertThat(minimal.statusCode()).isEqualTo(200);
        assertThat(minimal.headers().firstValue("ETag")).contains("W/\"3\"");
        assertThat(stale.statusCode()).as("a stale If-Match: Precondition Failed").isEqualTo(412);
    }

    /** HEAD is GET without the body (RFC 9110); HAPI refused it on a search with a 400. */
    @Test
    void headAnswersSearchesAndReadsLikeGetWithoutABody() throws Exception {
        String id = createActivePatient();

        HttpResponse<String> search = head("/fhir/Patient?active=true");
        HttpResponse<String> read = head("/fhir/" + id);
        HttpResponse<String> badSearch = head("/fhir/Patient?active:foo=true");

        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).isEmpty();
        assertThat(search.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/fhir+json"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEmpty();
        assertThat(read.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(badSearch.statusCode()).isEqualTo(400);
    }

    /**
     * A client that echoes the Last-Modified it was sent gets a 304 (HAPI compared milliseconds with the header's
     * whole seconds and answered 200); every 304 names the version held in its ETag.
     */
    @Test
    void conditionalReadsAnswer304WithTheEtag() throws Exception {
        String id = createActivePatient();
        HttpResponse<String> read = get("/fhir/" + id);
        String lastModified = read.headers().firstValue("Last-Modified").orElseThrow();

        HttpResponse<String> sinceSent = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/" + id))
                .header("If-Modified-Since", lastModified).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> sameVersion = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/" + id))
                .header("If-None-Match", "W/\"1\"").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> longBefore = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/" + id))
                .header("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anyVersion = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/" + id))
                .header("If-None-Match", "*").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(sinceSent.statusCode()).isEqualTo(304);
        assertThat(sinceSent.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(sameVersion.statusCode()).isEqualTo(304);
        assertThat(sameVersion.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(longBefore.statusCode()).isEqualTo(200);
        assertThat(anyVersion.statusCode()).as("If-None-Match: * matches any version").isEqualTo(304);
        assertThat(anyVersion.headers().firstValue("ETag")).contains("W/\"1\"");
    }

    /** RFC 9110 13.1: an ETag list matches when one of its ETags does; If-Match on a read must hold. HAPI: 200, 200. */
    @Test
    void aReadHonoursAnEtagListAndIfMatch() throws Exception {
        String id = createActivePatient();

        HttpResponse<String> listHolding = getWithHeader("/fhir/" + id, "If-None-Match", "W/\"7\", W/\"1\"");
        HttpResponse<String> listNotHolding = getWithHeader("/fhir/" + id, "If-None-Match", "W/\"7\", W/\"8\"");
        HttpResponse<String> ifMatchCurrent = getWithHeader("/fhir/" + id, "If-Match", "W/\"1\"");
        HttpResponse<String> ifMatchOther = getWithHeader("/fhir/" + id, "If-Match", "W/\"2\"");

        assertThat(listHolding.statusCode()).isEqualTo(304);
        assertThat(listHolding.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(listNotHolding.statusCode()).isEqualTo(200);
        assertThat(ifMatchCurrent.statusCode()).isEqualTo(200);
        assertThat(ifMatchOther.statusCode()).isEqualTo(412);
        assertThat(ifMatchOther.body()).contains("\"conflict\"", "If-Match names version 2, but this is version 1");
    }

    private HttpResponse<String> getWithHeader(String path, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header(header, value).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * An update that creates names the new resource in Location; transaction entries give weak ETags; answers that
     * name no stored resource (a transaction's, a history's, a delete's) carry no Location.
     */
    @Test
    void writesAnswerWithLocationAndWeakEtags() throws Exception {
        String id = "put-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient/" + id))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> transaction = postJson("/fhir", "application/fhir+json",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
                        + "\"id\":\"" + id + "\",\"active\":true},\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + id + "\"}}]}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).endsWith("/fhir/Patient/" + id + "/_history/1"));
        assertThat(transaction.statusCode()).as(transaction.body()).isEqualTo(200);
        Bundle answer = fhirContext.newJsonParser().parseResource(Bundle.class, transaction.body());
        assertThat(answer.getEntryFirstRep().getResponse().getEtag()).isEqualTo("W/\"2\"");
        assertThat(transaction.headers().firstValue("Location")).as("HAPI named an unstored Bundle/<id>").isEmpty();
        assertThat(transaction.headers().firstValue("Content-Location")).isEmpty();
        assertThat(get("/fhir/Patient/" + id + "/_history").headers().firstValue("Content-Location")).isEmpty();
        assertThat(created.headers().firstValue("Content-Location")).as("a stored resource keeps it").isPresent();
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient/" + id))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.headers().firstValue("Content-Location")).as("HAPI named the version before the delete")
                .isEmpty();
    }

    /** HAPI's paging links dropped _summary: page two came back in full. */
    @Test
    void everyPageOfASummarySearchIsASummary() throws Exception {
        String family = "Paged" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            postJson("/fhir/Patient", "application/fhir+json",
                    "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}],"
                            + "\"text\":{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">x</div>\"}}");
        }
        Bundle first = fhirContext.newJsonParser().parseResource(Bundle.class,
                get("/fhir/Patient?family=" + family + "&_count=1&_summary=true").body());
        String next = first.getLink("next").getUrl();

        Bundle second = fhirContext.newJsonParser().parseResource(Bundle.class,
                get(next.substring(next.indexOf("/fhir"))).body());

        assertThat(next).contains("_summary=true");
        assertThat(second.getEntry()).hasSize(1);
        Patient summarised = (Patient) second.getEntryFirstRep().getResource();
        assertThat(summarised.hasText()).as("the summary leaves out the narrative").isFalse();
        assertThat(summarised.getMeta().getTag()).anyMatch(tag -> "SUBSETTED".equals(tag.getCode()));
    }

    @Test
    void preferHandlingLenientLeavesOutUnsupportedSearchParametersAndNamesThem() throws Exception {
        String family = "Lenient" + UUID.randomUUID().toString().substring(0, 8);
        postJson("/fhir/Patient", "application/fhir+json",
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
        String query = "/fhir/Patient?family=" + family + "&foo:missing=true&_fhirpath=name";

        HttpResponse<String> strict = searchPreferring(query, "handling=strict");
        HttpResponse<String> unstated = get("/fhir/Patient?family=" + family + "&_fhirpath=name");
        HttpResponse<String> lenient = searchPreferring(query, "return=representation, handling=lenient");

        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(strict.body()).contains("_fhirpath, foo:missing").contains("family");
        assertThat(unstated.statusCode()).as("HAPI ignored unknown _ parameters, yet echoed them as searched")
                .isEqualTo(400);
        assertThat(lenient.statusCode()).isEqualTo(200);
        Bundle bundle = fhirContext.newJsonParser().parseResource(Bundle.class, lenient.body());
        assertThat(bundle.getTotal()).isEqualTo(1);
        assertThat(bundle.getLink("self").getUrl()).contains("family=" + family).doesNotContain("foo")
                .doesNotContain("_fhirpath");
        List<Bundle.BundleEntryComponent> outcomes = bundle.getEntry().stream()
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME)
                .toList();
        assertThat(outcomes).hasSize(1);
        OperationOutcome outcome = (OperationOutcome) outcomes.get(0).getResource();
        assertThat(outcome.getIssue()).extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .anyMatch(d -> d.contains("foo:missing")).anyMatch(d -> d.contains("_fhirpath"));
        assertThat(searchPreferring("/fhir/Patient?family=" + family + "&_count=5&_sort=-_lastUpdated",
                "handling=strict").statusCode()).as("result parameters are supported").isEqualTo(200);
    }

    /**
     * {@code ge} and {@code le} of a month or a year take in what lies inside it (FHIR search, prefixes); HAPI missed
     * it: {@code date=ge2024-03} did not find an Observation of 2024-03-15.
     */
    @Test
    void geAndLeOfAMonthOrYearFindWhatLiesInsideIt() throws Exception {
        String code = "urn:example:partial-date|" + UUID.randomUUID();
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem("urn:example:partial-date").setCode(code.split("\\|")[1]);
        observation.setEffective(new org.hl7.fhir.r4.model.DateTimeType("2024-03-15T10:00:00Z"));
        fhirClient().create().resource(observation).execute();
        String family = "Partial" + UUID.randomUUID().toString().substring(0, 8);
        Patient patient = new Patient();
        patient.addName().setFamily(family);
        patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-05-05"));
        fhirClient().create().resource(patient).execute();

        for (String date : List.of("ge2024-03", "le2024-03", "ge2024", "le2024", "2024-03", "ge2024-03-15")) {
            assertThat(total("Observation?code=" + code + "&date=" + date)).as(date).isEqualTo(1);
        }
        for (String date : List.of("ge2024-04", "le2024-02", "ge2025", "le2023")) {
            assertThat(total("Observation?code=" + code + "&date=" + date)).as(date).isZero();
        }
        for (String date : List.of("ge1970-05", "le1970-05", "ge1970", "le1970")) {
            assertThat(total("Patient?family:exact=" + family + "&birthdate=" + date)).as(date).isEqualTo(1);
        }
        // A transaction's read entry is searched the same way.
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET)
                .setUrl("Observation?code=" + code + "&date=ge2024-03");
        Bundle answer = fhirClient().transaction().withBundle(transaction).execute();
        assertThat(((Bundle) answer.getEntryFirstRep().getResource()).getEntry()).hasSize(1);
        // A conditional create's URL finds it too (checked: HAPI matches these right without PartialDateBounds).
        MethodOutcome conditional = fhirClient().create().resource(observation)
                .conditionalByUrl("Observation?code=" + code + "&date=ge2024-03").execute();
        assertThat(conditional.getCreated()).as("created a second Observation").isNotEqualTo(Boolean.TRUE);
        assertThat(total("Observation?code=" + code)).isEqualTo(1);
    }

    private int total(String search) {
        return fhirClient().search().byUrl(search).returnBundle(Bundle.class).execute().getEntry().size();
    }

    private HttpResponse<String> searchPreferring(String path, String prefer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Prefer", prefer).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReadWithTheTextSummaryAnswersTheNarrativeIdMetaAndMandatoryElements() throws Exception {
        HttpResponse<String> created = postJson("/fhir/Observation", "application/fhir+json",
                "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"weight\"},"
                        + "\"valueQuantity\":{\"value\":70,\"unit\":\"kg\"},\"text\":{\"status\":\"generated\","
                        + "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">Weight 70 kg</div>\"}}");
        String id = new IdType(created.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless()
                .getValue();

        HttpResponse<String> read = get("/fhir/" + id + "?_summary=text");
        HttpResponse<String> vread = get("/fhir/" + id + "/_history/1?_summary=text");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).as("HAPI wrote the narrative alone as HTML").startsWith("application/fhir+json"));
        Observation summary = fhirContext.newJsonParser().parseResource(Observation.class, read.body());
        assertThat(summary.getText().getDivAsString()).contains("Weight 70 kg");
        assertThat(summary.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
        assertThat(summary.getCode().getText()).isEqualTo("weight");
        assertThat(summary.hasValue()).as("not in the text summary").isFalse();
        assertThat(summary.getMeta().getTag()).anyMatch(tag -> "SUBSETTED".equals(tag.getCode()));
        assertThat(read.headers().firstValue("ETag")).hasValue("W/\"1\"");
        assertThat(vread.statusCode()).isEqualTo(200);
        assertThat(fhirContext.newJsonParser().parseResource(Observation.class, vread.body()).hasValue()).isFalse();
    }

    /** An unstored search has no next page: HAPI cut it silently and gave the cut number as the total. */
    @Test
    void aFullUnstoredPageGivesTheTrueTotalAndSaysWhatItLeftOut() throws Exception {
        String family = "Unstored" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            postJson("/fhir/Patient", "application/fhir+json",
                    "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
        }

        Bundle cut = unstoredSearch("/fhir/Patient?family=" + family + "&_count=3");
        Bundle whole = unstoredSearch("/fhir/Patient?family=" + family + "&_count=10");

        assertThat(cut.getLink("next")).isNull();
        assertThat(cut.getTotal()).as("HAPI said 3").isEqualTo(5);
        List<Bundle.BundleEntryComponent> outcomes = cut.getEntry().stream()
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.OUTCOME).toList();
        assertThat(outcomes).hasSize(1);
        assertThat(((OperationOutcome) outcomes.get(0).getResource()).getIssueFirstRep().getDiagnostics())
                .contains("holds 3 of the 5 matches");
        assertThat(whole.getTotal()).isEqualTo(5);
        assertThat(whole.getEntry()).hasSize(5)
                .allMatch(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH);
    }

    private Bundle unstoredSearch(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Cache-Control", "no-store, max-results=1000").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fhirContext.newJsonParser().parseResource(Bundle.class, response.body());
    }

    /** Observation/[id] of a new final Observation with the LOINC code, claiming no profile. */
    private String createFinalObservation(String loinc) throws Exception {
        HttpResponse<String> created = postJson("/fhir/Observation", "application/fhir+json",
                "{\"resourceType\":\"Observation\",\"status\":\"final\","
                        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\"}]}}");
        return new IdType(created.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getValue();
    }

    /** Patient/[id] of a new active Patient, at version 1. */
    private String createActivePatient() throws Exception {
        HttpResponse<String> created = postJson("/fhir/Patient", "application/fhir+json",
                "{\"resourceType\":\"Patient\",\"active\":true}");
        return new IdType(created.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getValue();
    }

    private HttpResponse<String> head(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> patch(String path, String body, String ifMatch, String prefer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", "application/json-patch+json")
                        .header("If-Match", ifMatch)
                        .header("Prefer", prefer)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** HAPI by default answers a repeated search from its result of up to a minute before, missing new writes. */
    @Test
    void searchRepeatedAfterAWriteSeesTheWrite() {
        IGenericClient client = fhirClient();
        String family = "ReadYourWrites" + UUID.randomUUID().toString().substring(0, 8);
        Patient patient = new Patient();
        patient.addName().setFamily(family);

        client.create().resource(patient).execute();
        Bundle first = client.search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute();
        client.create().resource(patient).execute();
        Bundle second = client.search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute();

        assertThat(first.getEntry()).hasSize(1);
        assertThat(second.getEntry()).hasSize(2);
    }

    /**
     * Loaders racing on one conditional create all get the single resource: the losers' writes are tried again and
     * then match it, by the server's own retry of a write without a precondition (UnconditionalWriteRetry) or by HAPI's
     * retry header when a client sends it; without either, losers got 409 (a concurrency audit: 7 of 8).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void conditionalCreatesRacingAllGetTheOneResource(boolean retryHeader) throws Exception {
        String mrn = UUID.randomUUID().toString();
        String body = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:test:race\",\"value\":\""
                + mrn + "\"}]}";
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl() + "/fhir/Patient"))
                .header("Content-Type", "application/fhir+json")
                .header("If-None-Exist", "identifier=urn:test:race|" + mrn)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (retryHeader) {
            builder.header("X-Retry-On-Version-Conflict", "retry; max-retries=10");
        }
        HttpRequest create = builder.build();
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> http.send(create, HttpResponse.BodyHandlers.ofString()));
        }

        List<Integer> statuses = statusesOfCallsAtOnce(calls);

        assertThat(statuses).containsOnly(200, 201).containsOnlyOnce(201);
        assertThat(get("/fhir/Patient?identifier=urn:test:race%7C" + mrn + "&_summary=count").body())
                .contains("\"total\":1");
    }

    /**
     * Writers racing on one resource without a precondition: every PUT is stored, one version each, the last
     * writer's is current (UnconditionalWriteRetry; HAPI failed most of them with 409: in a concurrency audit, 24 of 30).
     */
    @Test
    void unconditionalPutsRacingOnOneResourceAreAllStored() throws Exception {
        String id = new IdType(createActivePatient()).getIdPart();
        int writers = 6;
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Writer" + i
                    + "\"}]}";
            calls.add(() -> putJson("/fhir/Patient/" + id, body));
        }

        List<Integer> statuses = statusesOfCallsAtOnce(calls);

        assertThat(statuses).containsOnly(200);
        Bundle history = fhirContext.newJsonParser().parseResource(Bundle.class,
                get("/fhir/Patient/" + id + "/_history").body());
        assertThat(history.getTotal()).isEqualTo(writers + 1);
    }

    /** Sends the calls at once, one client each, and gives their answers' statuses in the calls' order. */
    private static List<Integer> statusesOfCallsAtOnce(List<Callable<HttpResponse<String>>> calls)
            throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(calls.size());
        try {
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : clients.invokeAll(calls)) {
                statuses.add(answer.get().statusCode());
            }
            return statuses;
        } finally {
            clients.shutdown();
        }
    }

    /** HAPI answered a history's total from a count cached for a minute: v4 alone, v1-v3 missing (an audit). */
    @Test
    void historyReadAfterUpdatesHasEveryVersion() throws Exception {
        String id = createActivePatient();
        assertThat(get("/fhir/" + id + "/_history").body()).contains("\"total\":1");
        for (boolean active : List.of(false, true, false)) {
            assertThat(putJson("/fhir/" + id, "{\"resourceType\":\"Patient\",\"id\":\"" + new IdType(id).getIdPart()
                    + "\",\"active\":" + active + "}").statusCode()).isEqualTo(200);
        }

        Bundle history = fhirContext.newJsonParser().parseResource(Bundle.class, get("/fhir/" + id + "/_history").body());

        assertThat(history.getTotal()).isEqualTo(4);
        assertThat(history.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId())
                .containsExactly("4", "3", "2", "1");
    }

    @Test
    void searchSentWithCacheControlNoStoreFindsTheSameEntriesWithoutStoringTheSearch() throws Exception {
        IGenericClient client = fhirClient();
        String patientId = client.create().resource(new Patient()).execute().getId().getIdPart();
        for (int i = 0; i < 3; i++) {
            Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
            observation.getCode().setText("heart rate");
            observation.setSubject(new Reference("Patient/" + patientId));
            client.create().resource(observation).execute();
        }
        String search = "/fhir/Observation?patient=" + patientId + "&_count=100";

        Bundle stored = searchWithCacheControl(search, "no-cache");
        Bundle unstored = searchWithCacheControl(search, "no-store, max-results=100");

        assertThat(fullUrls(unstored)).hasSize(3).isEqualTo(fullUrls(stored));
        // HAPI keeps a stored search under the id it gives the Bundle, for paging; it saves it in the background.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> isStoredSearch(stored.getIdPart()));
        assertThat(isStoredSearch(unstored.getIdPart())).isFalse();
    }

    private boolean isStoredSearch(String uuid) {
        return Boolean.TRUE.equals(new TransactionTemplate(transactions)
                .execute(status -> searches.findByUuidAndFetchIncludes(uuid).isPresent()));
    }

    private Bundle searchWithCacheControl(String path, String cacheControl) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Accept", "application/fhir+json")
                        .header("Cache-Control", cacheControl)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return fhirContext.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private static List<String> fullUrls(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getFullUrl).sorted().toList();
    }

    @Test
    void transactionWithOneInvalidEntryStoresNothing() {
        IGenericClient client = fhirClient();
        String mrn = UUID.randomUUID().toString();
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient patient = new Patient();
        patient.addIdentifier(new Identifier().setSystem("urn:test:mrn").setValue(mrn));
        transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(patient)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        Observation missingCode = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        missingCode.setSubject(new Reference(transaction.getEntryFirstRep().getFullUrl()));
        transaction.addEntry().setResource(missingCode)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

        assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("Bundle.entry[1] (Observation)")
                .satisfies(e -> assertThat(((OperationOutcome) ((UnprocessableEntityException) e)
                                .getOperationOutcome()).getIssue())
                        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
                        .isNotEmpty()
                        .allSatisfy(i -> assertThat(i.getExpression()).isNotEmpty()
                                .allMatch(x -> x.getValue().startsWith("Bundle.entry[1].resource"))));

        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:test:mrn", mrn))
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getEntry()).isEmpty();
    }

    /** A batch entry fails alone; its outcome names the entry, as a transaction's 422 does. */
    @Test
    void invalidBatchEntryIsNamedInItsOutcome() throws Exception {
        HttpResponse<String> response = postJson("/fhir", "application/fhir+json", """
                {"resourceType": "Bundle", "type": "batch", "entry": [
                  {"resource": {"resourceType": "Patient", "active": true},
                   "request": {"method": "POST", "url": "Patient"}},
                  {"resource": {"resourceType": "Observation", "status": "final"},
                   "request": {"method": "POST", "url": "Observation"}}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        Bundle result = (Bundle) fhirContext.newJsonParser().parseResource(response.body());
        assertThat(result.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(result.getEntry().get(1).getResponse().getStatus()).startsWith("422");
        OperationOutcome outcome = (OperationOutcome) result.getEntry().get(1).getResponse().getOutcome();
        // The validator's own issues, re-rooted as in a transaction; HAPI kept only the exception's message.
        assertThat(outcome.getIssue()).anySatisfy(issue -> {
            assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
            assertThat(issue.getDiagnostics()).startsWith("Bundle.entry[1] (Observation): ").contains("Observation.code");
            assertThat(issue.getExpression()).extracting(StringType::getValue).containsExactly("Bundle.entry[1].resource");
        });
    }

    @Test
    void invalidWriteIsRejectedWith422AndAnOperationOutcome() throws Exception {
        HttpResponse<String> response = postJson(
                "/fhir/Observation", "application/fhir+json", "{\"resourceType\":\"Observation\",\"status\":\"final\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        OperationOutcome outcome = (OperationOutcome) fhirContext.newJsonParser().parseResource(response.body());
        assertThat(outcome.getIssue())
                .anySatisfy(issue -> {
                    assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
                    assertThat(issue.getDiagnostics()).contains("Observation.code");
                });
    }

    /**
     * A FHIRPath Patch changes the stored resource in place; HAPI's validator read the JSON that resource had been
     * parsed from, so it validated the version before the patch: a patch removing a required element was stored,
     * and one putting it back was refused.
     */
    @Test
    void aFhirPathPatchIsValidatedAsPatched() throws Exception {
        String id = createFinalObservation("94076-7");
        String removeCode = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"delete\"},{\"name\":\"path\",\"valueString\":\"Observation.code\"}]}]}";
        String setStatus = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Observation.status\"},"
                + "{\"name\":\"value\",\"valueCode\":\"amended\"}]}]}";
        // A path ending in a function: HAPI's path parser calls a PlantUML helper there, which failed (500) without
        // our stand-in.
        String replaceCoding = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"replace\"},"
                + "{\"name\":\"path\",\"valueString\":\"Observation.code.coding.where(code = '94076-7')\"},"
                + "{\"name\":\"value\",\"valueCoding\":{\"system\":\"http://loinc.org\",\"code\":\"94076-7\","
                + "\"display\":\"Tumor mutational burden\"}}]}]}";

        // The same patch as a transaction's second entry: the outcome names that entry (a patch makes a new
        // resource object, which HAPI's entry could not be matched to).
        HttpResponse<String> inTransaction = postJson("/fhir", "application/fhir+json",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                        + "{\"resource\":{\"resourceType\":\"Patient\",\"active\":true},"
                        + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
                        + "{\"resource\":" + removeCode + ",\"request\":{\"method\":\"PATCH\",\"url\":\"" + id + "\"}}]}");
        assertThat(inTransaction.statusCode()).as(inTransaction.body()).isEqualTo(422);
        assertThat(inTransaction.body()).contains("Bundle.entry[1] (Observation)", "Bundle.entry[1].resource");

        HttpResponse<String> invalid = fhirPathPatch("/fhir/" + id, removeCode);
        HttpResponse<String> valid = fhirPathPatch("/fhir/" + id, setStatus);
        HttpResponse<String> withFunction = fhirPathPatch("/fhir/" + id, replaceCoding);

        assertThat(invalid.statusCode()).as(invalid.body()).isEqualTo(422);
        assertThat(invalid.body()).contains("Observation.code");
        assertThat(valid.statusCode()).as(valid.body()).isEqualTo(200);
        assertThat(withFunction.statusCode()).as(withFunction.body()).isEqualTo(200);
        Observation stored = fhirClient().read().resource(Observation.class).withId(id).execute();
        assertThat(stored.getMeta().getVersionId()).isEqualTo("3");
        assertThat(stored.hasCode()).isTrue();
        assertThat(stored.getStatus()).isEqualTo(Observation.ObservationStatus.AMENDED);
        assertThat(stored.getCode().getCodingFirstRep().getDisplay()).isEqualTo("Tumor mutational burden");
    }

    /** HAPI added the claim in place, unvalidated: an Observation with no gene came to claim resistance-variant. */
    @Test
    void metaAddOfOurProfileIsRefusedAndOtherMetaIsAdded() throws Exception {
        String id = createFinalObservation("69548-6");
        String ourProfile = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{"
                + "\"profile\":[\"https://resistance-cds.org/fhir/StructureDefinition/resistance-variant\"]}}]}";
        String aTag = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{"
                + "\"tag\":[{\"system\":\"urn:test:tags\",\"code\":\"reviewed\"}]}}]}";

        HttpResponse<String> refused = postJson("/fhir/" + id + "/$meta-add", "application/fhir+json", ourProfile);
        HttpResponse<String> tagged = postJson("/fhir/" + id + "/$meta-add", "application/fhir+json", aTag);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("OperationOutcome", "resistance-variant", "Nothing was changed");
        assertThat(tagged.statusCode()).as(tagged.body()).isEqualTo(200);
        Observation stored = fhirClient().read().resource(Observation.class).withId(id).execute();
        assertThat(stored.getMeta().getProfile()).isEmpty();
        assertThat(stored.getMeta().getTag()).extracting(tag -> tag.getCode()).containsExactly("reviewed");
    }

    /** FHIR: "empty parameters are not an error - they are just ignored". HAPI matched nothing or only some. */
    @Test
    void emptySearchParametersAreIgnored() throws Exception {
        String id = fhirClient().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
                .setFamily("Unaddressed"))).execute().getId().getIdPart();

        for (String empty : List.of("address-city=", "name:exact=", "birthdate=", "address-city=&name=",
                "_has:Observation:patient:code=")) {
            HttpResponse<String> found = get("/fhir/Patient?_id=" + id + "&" + empty);
            assertThat(found.statusCode()).as(empty + ": " + found.body()).isEqualTo(200);
            Bundle bundle = (Bundle) fhirContext.newJsonParser().parseResource(found.body());
            assertThat(bundle.getEntry()).as(empty).hasSize(1);
        }
    }

    /** HAPI answered a page whose link had lost its _bundletype with a Bundle without a type. */
    @Test
    void aPageFetchedWithoutItsBundleTypeIsStillTyped() throws Exception {
        for (int i = 0; i < 3; i++) {
            fhirClient().create().resource(new Patient().setActive(true)).execute();
        }
        for (String first : List.of("/fhir/Patient?active=true&_count=1", "/fhir/Patient/_history?_count=1")) {
            Bundle firstPage = (Bundle) fhirContext.newJsonParser().parseResource(get(first).body());
            String next = firstPage.getLink("next").getUrl().replaceAll("&_bundletype=[a-z]+", "");
            Bundle page = (Bundle) fhirContext.newJsonParser().parseResource(
                    get(next.substring(next.indexOf("/fhir"))).body());

            assertThat(page.getType()).as(next).isEqualTo(firstPage.getType());
        }
    }

    /** HAPI answered a Composition it does not hold with 200 and an empty document. */
    @Test
    void documentOfAStoredCompositionIsAssembledAndOfAnUnstoredOneNotFound() throws Exception {
        String patient = fhirClient().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
                .setFamily("Document"))).execute().getId().toUnqualifiedVersionless().getValue();
        String composition = postJson("/fhir/Composition", "application/fhir+json", "{\"resourceType\":"
                + "\"Composition\",\"status\":\"final\",\"type\":{\"text\":\"Resistance review\"},\"subject\":"
                + "{\"reference\":\"" + patient + "\"},\"date\":\"2026-12-07\",\"author\":[{\"display\":\"Tumour "
                + "board\"}],\"title\":\"Resistance review\"}").headers().firstValue("Location").orElseThrow()
                .replaceAll(".*/fhir/", "").replaceAll("/_history/.*", "");

        HttpResponse<String> document = get("/fhir/" + composition + "/$document");
        fhirClient().delete().resourceById(new IdType(composition)).execute();
        HttpResponse<String> deleted = get("/fhir/" + composition + "/$document");
        HttpResponse<String> deletedVersion = get("/fhir/" + composition + "/_history/1/$document");
        HttpResponse<String> unknown = get("/fhir/Composition/never-stored/$document");

        assertThat(document.statusCode()).as(document.body()).isEqualTo(200);
        Bundle bundle = (Bundle) fhirContext.newJsonParser().parseResource(document.body());
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.DOCUMENT);
        assertThat(bundle.getEntryFirstRep().getResource().fhirType()).isEqualTo("Composition");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(410);
        assertThat(deletedVersion.statusCode()).as(deletedVersion.body()).isEqualTo(410);
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("OperationOutcome", "never-stored");
    }

    /** A retry of a claim made by a validated update was refused as if it added one. */
    @Test
    void metaAddOfAProfileTheResourceAlreadyClaimsChangesNothing() throws Exception {
        List<ContentFile> valid = new ContentReader(fhirContext).read("examples/valid");
        IBaseResource patient = valid.stream().filter(f -> f.location().contains("Patient-nsclc-ar-01"))
                .findFirst().orElseThrow().resource();
        Observation variant = (Observation) valid.stream()
                .filter(f -> f.location().contains("Observation-jak1-tissue-ar-01")).findFirst().orElseThrow().resource();
        fhirClient().update().resource(patient).execute();
        fhirClient().update().resource(variant).execute();
        String claimed = variant.getMeta().getProfile().get(0).getValue();
        String path = "/fhir/Observation/" + variant.getIdElement().getIdPart() + "/$meta-add";

        HttpResponse<String> again = postJson(path, "application/fhir+json", metaAddingProfile(claimed));
        HttpResponse<String> another = postJson(path, "application/fhir+json",
                metaAddingProfile("https://resistance-cds.org/fhir/StructureDefinition/expression-biomarker"));
        HttpResponse<String> nothingStored = postJson("/fhir/Observation/no-such-observation/$meta-add",
                "application/fhir+json", metaAddingProfile(claimed));

        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(another.statusCode()).as(another.body()).isEqualTo(422);
        assertThat(another.body()).contains("expression-biomarker");
        assertThat(nothingStored.statusCode()).as(nothingStored.body()).isEqualTo(404);
        // HAPI adds a claim to a deleted resource's last version: refused like any claim not made by an update.
        String deleted = createFinalObservation("69548-6");
        assertThat(fhirClient().delete().resourceById(new IdType(deleted)).execute()).isNotNull();
        HttpResponse<String> onDeleted = postJson("/fhir/" + deleted + "/$meta-add", "application/fhir+json",
                metaAddingProfile(claimed));
        assertThat(onDeleted.statusCode()).as(onDeleted.body()).isEqualTo(422);
        Observation stored = fhirClient().read().resource(Observation.class).withId(variant.getIdElement().getIdPart())
                .execute();
        assertThat(stored.getMeta().getProfile()).extracting(p -> p.getValue()).containsExactly(claimed);
    }

    private static String metaAddingProfile(String profile) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{"
                + "\"profile\":[\"" + profile + "\"]}}]}";
    }

    private HttpResponse<String> fhirPathPatch(String path, String parameters) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", "application/fhir+json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(parameters))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resourceClaimingAnExternalProfileIsAccepted() {
        Observation observation = new Observation()
                .setStatus(Observation.ObservationStatus.FINAL);
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("83053-9");
        observation.getMeta().addProfile("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-tumor-marker-test");

        MethodOutcome outcome = fhirClient().create().resource(observation).execute();

        assertThat(outcome.getCreated()).isTrue();
    }

    /**
     * Counts from the start, of resources not deleted: HAPI's answered an empty Parameters until a job ran 10 minutes
     * after start, kept the counts 4 hours, and counted deleted resources.
     */
    @Test
    void resourceCountsAreCurrentAndLeaveDeletedResourcesOut() {
        IGenericClient client = fhirClient();
        Parameters before = resourceCounts(client);
        assertThat(count(before, "StructureDefinition")).as("the packaged profiles").isPositive();
        long basics = count(before, "Basic");

        Basic basic = new Basic().setCode(new CodeableConcept().setText("counted"));
        client.create().resource(basic).execute();
        IIdType deleted = client.create().resource(basic).execute().getId();
        client.delete().resourceById(deleted.toUnqualifiedVersionless()).execute();

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> count(resourceCounts(client), "Basic") == basics + 1);
    }

    private static Parameters resourceCounts(IGenericClient client) {
        return client.operation().onServer().named("$get-resource-counts").withNoParameters(Parameters.class)
                .useHttpGet().execute();
    }

    private static long count(Parameters counts, String type) {
        return counts.getParameter().stream().filter(p -> type.equals(p.getName()))
                .mapToLong(p -> ((IntegerType) p.getValue()).getValue()).findFirst().orElse(0);
    }

    /**
     * A version written between two pages of a history does not push the next page down: HAPI paged by offset, so
     * the second page repeated the first's version.
     */
    @Test
    void historyPagesKeepToTheVersionsOfTheFirstPage() throws Exception {
        Patient patient = new Patient();
        patient.addName().setFamily("History1");
        IIdType id = fhirClient().create().resource(patient).execute().getId().toUnqualifiedVersionless();
        for (String family : List.of("History2", "History3")) {
            patient.setId(id);
            patient.getNameFirstRep().setFamily(family);
            fhirClient().update().resource(patient).execute();
        }
        Bundle first = fhirClient().history().onInstance(id).returnBundle(Bundle.class).count(1).execute();
        patient.getNameFirstRep().setFamily("History4");
        fhirClient().update().resource(patient).execute();
        Bundle second = fhirClient().loadPage().next(first).execute();

        assertThat(first.getEntryFirstRep().getResource().getMeta().getVersionId()).isEqualTo("3");
        assertThat(second.getEntryFirstRep().getResource().getMeta().getVersionId()).as(first.getLink("next").getUrl())
                .isEqualTo("2");
        assertThat(second.getTotal()).as("the versions there were at the first page").isEqualTo(3);
        // With _since, which HAPI will not take beside _at, the pages hold too.
        Bundle sinceFirst = fhirClient().history().onInstance(id).returnBundle(Bundle.class)
                .since(new java.util.Date(0)).count(1).execute();
        Bundle sinceSecond = fhirClient().loadPage().next(sinceFirst).execute();
        assertThat(sinceSecond.getEntryFirstRep().getResource().getMeta().getVersionId()).isEqualTo("3");
    }

    /** HAPI's chain could lose its list of all definitions to a cache clear (ConsistentValidationSupportChainTest). */
    @Test
    void theValidatorsChainKeepsItsDefinitionsWholeWhileCachesAreCleared() {
        assertThat(validationSupport).isInstanceOf(ConsistentValidationSupportChain.class);
    }

    @Test
    void validateOperationReportsErrorsOnlyForTheBadResource() {
        IGenericClient client = fhirClient();
        Observation good = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        good.getCode().addCoding().setSystem("http://loinc.org").setCode("94076-7");
        Observation bad = new Observation();
        bad.addNote().setText("neither status nor code");

        MethodOutcome goodOutcome = client.validate().resource(good).execute();
        assertThat(errors((OperationOutcome) goodOutcome.getOperationOutcome())).isEmpty();

        OperationOutcome badOutcome;
        try {
            badOutcome = (OperationOutcome) client.validate().resource(bad).execute().getOperationOutcome();
        } catch (BaseServerResponseException e) {
            // HAPI answers 412 when the validated resource has errors; the body is still the outcome.
            badOutcome = (OperationOutcome) e.getOperationOutcome();
        }
        assertThat(errors(badOutcome))
                .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .anySatisfy(d -> assertThat(d).contains("Observation.status"))
                .anySatisfy(d -> assertThat(d).contains("Observation.code"));
    }

    /**
     * $validate's Parameters form names the profile as a uri (or canonical); HAPI read it as "UriType[...]" and
     * checked the Parameters resource itself against it.
     */
    @Test
    void validateWithAParametersBodyChecksTheResourceAgainstTheNamedProfile() throws Exception {
        String tmeFinding = "https://resistance-cds.org/fhir/StructureDefinition/tme-finding";
        String plainObservation = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":"
                + "{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"94076-7\"}]}}";

        for (String valueType : List.of("valueUri", "valueCanonical", "valueString")) {
            HttpResponse<String> response = postJson("/fhir/Observation/$validate", "application/fhir+json",
                    "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"resource\",\"resource\":"
                            + plainObservation + "},{\"name\":\"profile\",\"" + valueType + "\":\"" + tmeFinding
                            + "\"}]}");
            OperationOutcome outcome = (OperationOutcome) fhirContext.newJsonParser().parseResource(response.body());

            assertThat(errors(outcome)).as(valueType)
                    .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                    .anySatisfy(d -> assertThat(d).contains("Observation.method", "tme-finding"))
                    .noneSatisfy(d -> assertThat(d).contains("Parameters"))
                    .noneSatisfy(d -> assertThat(d).contains("UriType"));
        }
    }

    /** The same in XML, which the filter had left to HAPI (an XML audit): "UriType[...]", and no type check. */
    @Test
    void validateWithAnXmlParametersBodyChecksTheResourceAgainstTheNamedProfile() throws Exception {
        String tmeFinding = "https://resistance-cds.org/fhir/StructureDefinition/tme-finding";
        String plainObservation = "<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><coding>"
                + "<system value=\"http://loinc.org\"/><code value=\"94076-7\"/></coding></code></Observation>";

        for (String valueType : List.of("valueUri", "valueCanonical", "valueString")) {
            HttpResponse<String> response = postJson("/fhir/Observation/$validate", "application/fhir+xml",
                    "<Parameters xmlns=\"http://hl7.org/fhir\"><parameter><name value=\"resource\"/><resource>"
                            + plainObservation + "</resource></parameter><parameter><name value=\"profile\"/><"
                            + valueType + " value=\"" + tmeFinding + "\"/></parameter></Parameters>");
            OperationOutcome outcome = (OperationOutcome) fhirContext.newXmlParser().parseResource(response.body());

            assertThat(errors(outcome)).as(valueType)
                    .extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                    .anySatisfy(d -> assertThat(d).contains("Observation.method", "tme-finding"))
                    .noneSatisfy(d -> assertThat(d).contains("Parameters"))
                    .noneSatisfy(d -> assertThat(d).contains("UriType"));
        }
        HttpResponse<String> anotherType = postJson("/fhir/Observation/$validate", "application/fhir+xml",
                "<Patient xmlns=\"http://hl7.org/fhir\"><gender value=\"male\"/></Patient>");
        assertThat(anotherType.statusCode()).isEqualTo(400);
        assertThat(anotherType.body()).contains("The resource is a Patient but was sent to Observation/$validate");
    }

    /** The Parameters form with no resource (mode=delete asks whether the stored one may be deleted) was a 400. */
    @Test
    void validateWithParametersNamingOnlyTheModeAnswersAsTheUrlFormDoes() throws Exception {
        String id = fhirClient().create().resource(new org.hl7.fhir.r4.model.Patient()).execute().getId().getIdPart();

        HttpResponse<String> parametersForm = postJson("/fhir/Patient/" + id + "/$validate", "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"delete\"}]}");

        assertThat(parametersForm.statusCode()).as(parametersForm.body()).isEqualTo(200);
        assertThat(parametersForm.body()).contains("OperationOutcome", "Ok to delete").doesNotContain("\"error\"");
    }

    @Test
    void conformanceContentIsInstalledAtStart() {
        CodeSystem mechanisms = fhirClient().read().resource(CodeSystem.class).withId("resistance-mechanism").execute();

        assertThat(mechanisms.getUrl()).isEqualTo("https://resistance-cds.org/fhir/CodeSystem/resistance-mechanism");
        Parameters lookup = fhirClient().operation().onType(CodeSystem.class).named("$lookup")
                .withParameter(Parameters.class, "system", mechanisms.getUrlElement())
                .andParameter("code", new org.hl7.fhir.r4.model.CodeType("ifn-gamma-signaling-alteration"))
                .execute();
        assertThat(lookup.getParameter("display").getValue().primitiveValue())
                .isEqualTo("IFN-gamma signalling alteration");
    }

    @Test
    void healthProbesReportUpWithContentLoaded() throws Exception {
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        HttpResponse<String> liveness = get("/actuator/health/liveness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).startsWith("{\"status\":\"UP\"");
        // An operator can see which part readiness waits for; no component's details are shown.
        assertThat(readiness.body()).contains("\"content\":{\"status\":\"UP\"}", "\"db\":{\"status\":\"UP\"}");
        assertThat(readiness.body()).doesNotContain("details");
        assertThat(liveness.statusCode()).isEqualTo(200);
    }

    private static java.util.List<OperationOutcome.OperationOutcomeIssueComponent> errors(OperationOutcome outcome) {
        return outcome.getIssue().stream()
                .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
                .toList();
    }
}
