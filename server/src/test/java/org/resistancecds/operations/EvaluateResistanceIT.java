package org.resistancecds.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.GuidanceResponse;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RequestGroup;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractServerIT;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** $evaluate-resistance over HTTP against the real server. */
class EvaluateResistanceIT extends AbstractServerIT {

    private Bundle scenario(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/content/examples/scenarios/" + name + ".bundle.json")) {
            return fhirContext.newJsonParser().parseResource(Bundle.class, in);
        }
    }

    private static Parameters asOf(String day) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("asOf").setValue(new DateTimeType(day));
        return parameters;
    }

    private static <T extends Resource> List<T> entries(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(type::isInstance).map(type::cast).toList();
    }

    private static String codeOf(Observation observation) {
        return observation.getValueCodeableConcept().getCodingFirstRep().getCode();
    }

    @Test
    void evaluatesAStoredPatientAndStoresTheAssessmentsWhenAsked() throws IOException {
        IGenericClient client = fhirClient();
        client.transaction().withBundle(scenario("acquired-resistance-jak1-jak2")).execute();

        Parameters parameters = asOf("2024-10-01");
        Bundle result = client.operation().onInstance("Patient/sc-jak").named("$evaluate-resistance")
                .withParameters(parameters).returnResourceType(Bundle.class).execute();

        assertThat(result.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        List<Observation> observations = entries(result, Observation.class);
        assertThat(observations).extracting(EvaluateResistanceIT::codeOf)
                .containsExactly("acquired-resistance", "ifn-gamma-signaling-alteration");
        assertThat(observations.get(1).getDerivedFrom()).extracting(r -> r.getReference())
                .containsExactlyInAnyOrder("Observation/sc-jak-var6", "Observation/sc-jak-var7");
        RequestGroup group = entries(result, RequestGroup.class).get(0);
        assertThat(group.getAction()).extracting(RequestGroup.RequestGroupActionComponent::getId)
                .contains("ici-plus-parp14-inhibitor", "pd1-ctla4-dual-blockade");
        RequestGroup.RequestGroupActionComponent parp14 = group.getAction().stream()
                .filter(a -> a.getId().equals("ici-plus-parp14-inhibitor")).findFirst().orElseThrow();
        assertThat(parp14.getDocumentationFirstRep().getUrl()).isEqualTo("https://doi.org/10.1038/s41467-023-41737-1");
        assertThat(parp14.getExtensionByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION).getValue().castToCodeableConcept(
                        parp14.getExtensionByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION).getValue())
                .getCodingFirstRep().getCode()).isEqualTo("preclinical");
        // A preclinical strategy says it is investigational wherever a client may show it, as its card does.
        assertThat(parp14.getTitle()).containsIgnoringCase("investigational");
        assertThat(parp14.getDescription()).containsIgnoringCase("investigational");
        assertThat(parp14.getResource().getDisplay()).containsIgnoringCase("investigational");
        String referralUrl = parp14.getResource().getReference();
        assertThat(result.getEntry()).anySatisfy(e -> {
            assertThat(e.getFullUrl()).isEqualTo(referralUrl);
            assertThat(e.getResource()).isInstanceOfSatisfying(ServiceRequest.class, referral -> assertThat(
                    referral.getNote()).anySatisfy(note -> assertThat(note.getText()).containsIgnoringCase("investigational")));
        });
        GuidanceResponse guidance = entries(result, GuidanceResponse.class).get(0);
        assertThat(guidance.getStatus()).isEqualTo(GuidanceResponse.GuidanceResponseStatus.SUCCESS);
        assertThat(guidance.getResult().getReference()).isEqualTo(
                result.getEntry().stream().filter(e -> e.getResource() instanceof RequestGroup).findFirst().orElseThrow().getFullUrl());
        // Not asked to persist: nothing stored.
        assertThat(searchAssessments(client, "sc-jak").getEntry()).isEmpty();

        // persist=true records the current assessment: a past date's verdict is not stored as today's.
        Parameters pastPersisted = asOf("2024-10-01");
        pastPersisted.addParameter().setName("persist").setValue(new BooleanType(true));
        assertThatThrownBy(() -> client.operation().onInstance("Patient/sc-jak").named("$evaluate-resistance")
                        .withParameters(pastPersisted).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("persist=true records the patient's current assessment");
        assertThat(searchAssessments(client, "sc-jak").getEntry()).isEmpty();

        for (int call = 0; call < 2; call++) {
            Parameters persist = new Parameters();
            persist.addParameter().setName("persist").setValue(new BooleanType(true));
            Bundle persisted = client.operation().onInstance("Patient/sc-jak").named("$evaluate-resistance")
                    .withParameters(persist).returnResourceType(Bundle.class).execute();
            assertThat(persisted.getEntryFirstRep().getFullUrl()).endsWith("/Observation/resistance-status-sc-jak");
        }
        // Recorded as the background re-evaluation records: the first call stored the assessments and told the care
        // team; the second found the same verdict on the same data and wrote nothing.
        Bundle stored = searchAssessments(client, "sc-jak");
        assertThat(entries(stored, Observation.class)).extracting(EvaluateResistanceIT::codeOf)
                .containsExactly("ifn-gamma-signaling-alteration");
        assertThat(entries(stored, Observation.class).get(0).getMeta().getVersionId()).isEqualTo("1");
        Observation status = client.read().resource(Observation.class).withId("resistance-status-sc-jak").execute();
        assertThat(codeOf(status)).isEqualTo("acquired-resistance");
        assertThat(status.getMeta().getVersionId()).isEqualTo("1");
        Bundle communications = client.search().forResource(Communication.class)
                .where(Communication.SUBJECT.hasId("Patient/sc-jak")).returnBundle(Bundle.class).execute();
        assertThat(entries(communications, Communication.class)).singleElement().satisfies(c -> {
            assertThat(c.getReasonCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("acquired-resistance");
            assertThat(c.getPriority()).isEqualTo(Communication.CommunicationPriority.URGENT);
        });
    }

    private Bundle searchAssessments(IGenericClient client, String patient) {
        return client.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId("Patient/" + patient))
                .and(Observation.CODE.exactly().systemAndCode(KnowledgeCodes.BIOMARKER_SYSTEM, KnowledgeCodes.MECHANISM_ASSESSMENT_CODE))
                .returnBundle(Bundle.class)
                .execute();
    }

    @Test
    void evaluatesAGivenBundleWithoutStoringIt() throws IOException {
        IGenericClient client = fhirClient();
        // A copy under a fresh patient id, so that no other test can have stored it.
        String patient = "given-" + UUID.randomUUID().toString().substring(0, 8);
        String json = fhirContext.newJsonParser().encodeResourceToString(scenario("acquired-resistance-kras-stk11"))
                .replace("sc-kras-stk11", patient);
        Parameters parameters = asOf("2024-10-01");
        parameters.addParameter().setName("bundle").setResource(fhirContext.newJsonParser().parseResource(Bundle.class, json));

        Bundle result = client.operation().onServer().named("$evaluate-resistance")
                .withParameters(parameters).returnResourceType(Bundle.class).execute();

        assertThat(entries(result, Observation.class)).extracting(EvaluateResistanceIT::codeOf)
                .containsExactly("acquired-resistance", "oncogenic-pathway-activation");
        assertThat(entries(result, RequestGroup.class).get(0).getAction())
                .extracting(RequestGroup.RequestGroupActionComponent::getId).contains("ici-plus-cox2-inhibitor");
        assertThat(result.getEntry()).allSatisfy(e -> assertThat(e.getFullUrl()).startsWith("urn:uuid:"));
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId(patient).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client.read().resource(Observation.class).withId("resistance-status-" + patient).execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }

    /** Another patient's data in the same Bundle must not count, whichever order the entries come in. */
    @Test
    void aGivenBundleOfTwoPatientsIsEvaluatedForTheNamedOneOnly() throws IOException {
        Bundle both = scenario("acquired-resistance-b2m-loss");
        both.getEntry().addAll(scenario("acquired-resistance-jak1-jak2").getEntry());
        Bundle reversed = scenario("acquired-resistance-jak1-jak2");
        reversed.getEntry().addAll(scenario("acquired-resistance-b2m-loss").getEntry());

        for (Bundle bundle : List.of(both, reversed)) {
            Parameters parameters = asOf("2024-10-01");
            parameters.addParameter().setName("bundle").setResource(bundle);
            parameters.addParameter().setName("patient").setValue(new StringType("Patient/sc-b2m"));
            Bundle result = fhirClient().operation().onServer().named("$evaluate-resistance")
                    .withParameters(parameters).returnResourceType(Bundle.class).execute();

            assertThat(entries(result, Observation.class)).extracting(EvaluateResistanceIT::codeOf)
                    .containsExactly("acquired-resistance", "antigen-presentation-defect");
            assertThat(entries(result, Observation.class)).allSatisfy(o -> {
                assertThat(o.getSubject().getReference()).isEqualTo("Patient/sc-b2m");
                assertThat(o.getDerivedFrom()).noneSatisfy(d -> assertThat(d.getReference()).contains("sc-jak"));
            });
        }

        Parameters nobody = asOf("2024-10-01");
        nobody.addParameter().setName("bundle").setResource(both);
        nobody.addParameter().setName("patient").setValue(new StringType("nobody"));
        assertThatThrownBy(() -> fhirClient().operation().onServer().named("$evaluate-resistance")
                        .withParameters(nobody).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no Patient/nobody");
    }

    /** "Patient/urn:uuid:..." is no reference: a patient known only by its fullUrl is referred to by it. */
    @Test
    void aPatientKnownOnlyByItsFullUrlIsReferredToByIt() {
        String fullUrl = "urn:uuid:" + UUID.randomUUID();
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl(fullUrl).setResource(new Patient());
        Parameters parameters = asOf("2024-10-01");
        parameters.addParameter().setName("bundle").setResource(bundle);

        Bundle result = fhirClient().operation().onServer().named("$evaluate-resistance")
                .withParameters(parameters).returnResourceType(Bundle.class).execute();

        assertThat(entries(result, Observation.class)).isNotEmpty()
                .allSatisfy(o -> assertThat(o.getSubject().getReference()).isEqualTo(fullUrl));
    }

    @Test
    void notesTellWhatDidNotCount() throws IOException {
        Parameters parameters = asOf("2024-10-01");
        parameters.addParameter().setName("bundle").setResource(scenario("acquired-resistance-germline-b2m"));
        Bundle result = fhirClient().operation().onServer().named("$evaluate-resistance")
                .withParameters(parameters).returnResourceType(Bundle.class).execute();
        OperationOutcome notes = entries(result, OperationOutcome.class).get(0);
        assertThat(notes.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("germline"));
    }

    @Test
    void badInputIsA4xxWithAnOperationOutcome() throws Exception {
        IGenericClient client = fhirClient();
        assertThatThrownBy(() -> client.operation().onServer().named("$evaluate-resistance")
                        .withParameters(asOf("2024-10-01")).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'bundle' is required");
        assertThatThrownBy(() -> client.operation().onInstance("Patient/no-such-patient").named("$evaluate-resistance")
                        .withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute())
                .isInstanceOf(ResourceNotFoundException.class);

        Bundle twoPatients = new Bundle().setType(Bundle.BundleType.COLLECTION);
        twoPatients.addEntry().setResource(new Patient().setId("a"));
        twoPatients.addEntry().setResource(new Patient().setId("b"));
        Parameters ambiguous = new Parameters();
        ambiguous.addParameter().setName("bundle").setResource(twoPatients);
        assertThatThrownBy(() -> client.operation().onServer().named("$evaluate-resistance")
                        .withParameters(ambiguous).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'patient' parameter");

        // HAPI would take the first of two dates and drop the second without a word.
        Parameters twoDates = asOf("2024-10-01");
        twoDates.addParameter().setName("asOf").setValue(new DateTimeType("2025-10-01"));
        twoDates.addParameter().setName("bundle").setResource(scenario("empty-record"));
        assertThatThrownBy(() -> client.operation().onServer().named("$evaluate-resistance")
                        .withParameters(twoDates).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'asOf' may be given at most once; it was given 2 times");

        Parameters persistGiven = new Parameters();
        persistGiven.addParameter().setName("bundle").setResource(scenario("empty-record"));
        persistGiven.addParameter().setName("persist").setValue(new BooleanType(true));
        assertThatThrownBy(() -> client.operation().onServer().named("$evaluate-resistance")
                        .withParameters(persistGiven).returnResourceType(Bundle.class).execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("persist=true needs stored data");

        // HAPI reads the body alone: the URL's date was dropped and the body's used, without a word.
        HttpResponse<String> urlAndBody = postJson("/fhir/Patient/no-such-patient/$evaluate-resistance?asOf=2023-01-01",
                "application/fhir+json", fhirContext.newJsonParser().encodeResourceToString(asOf("2024-10-01")));
        assertThat(urlAndBody.statusCode()).isEqualTo(400);
        assertThat(urlAndBody.body()).contains("'asOf' is in the URL of a request with a Parameters body");

        // A Patient version named in the URL was ignored: the current record was evaluated as if it were that one's.
        HttpResponse<String> versioned = postJson("/fhir/Patient/sc-jak/_history/1/$evaluate-resistance",
                "application/fhir+json", fhirContext.newJsonParser().encodeResourceToString(asOf("2024-10-01")));
        assertThat(versioned.statusCode()).as(versioned.body()).isEqualTo(400);
        assertThat(versioned.body()).contains("leave out _history/1");

        HttpResponse<String> notParameters = postJson("/fhir/$evaluate-resistance", "application/fhir+json", "{\"resourceType\":");
        assertThat(notParameters.statusCode()).isEqualTo(400);
        assertThat(notParameters.body()).contains("OperationOutcome");

        // A Bundle sent to a patient's instance was ignored without a word: the stored record was evaluated instead.
        Parameters bundleToInstance = new Parameters();
        bundleToInstance.addParameter().setName("bundle").setResource(scenario("empty-record"));
        Parameters unknownName = asOf("2024-10-01");
        unknownName.addParameter().setName("asof").setValue(new DateTimeType("2025-10-01"));
        for (Parameters refused : List.of(bundleToInstance, unknownName)) {
            HttpResponse<String> answer = postJson("/fhir/Patient/sc-jak/$evaluate-resistance", "application/fhir+json",
                    fhirContext.newJsonParser().encodeResourceToString(refused));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.body()).contains("is not taken by Patient/sc-jak/$evaluate-resistance, which takes asOf, "
                    + "persist");
        }
        // The Bundle as the whole body, as the system level takes it (review).
        HttpResponse<String> bundleBody = postJson("/fhir/Patient/sc-jak/$evaluate-resistance", "application/fhir+json",
                fhirContext.newJsonParser().encodeResourceToString(scenario("empty-record")));
        assertThat(bundleBody.statusCode()).as(bundleBody.body()).isEqualTo(400);
        assertThat(bundleBody.body()).contains("takes a Parameters body only");
    }

    /** The golden scenarios end to end: stored through a validated transaction, evaluated by the operation. */
    @Test
    void everyScenarioGivesTheSameAnswerOverHttp() throws Exception {
        IGenericClient client = fhirClient();
        org.springframework.core.io.Resource[] files = new PathMatchingResourcePatternResolver()
                .getResources("classpath*:content/examples/scenarios/*.expected.json");
        assertThat(files).hasSizeGreaterThan(10);
        int evaluated = 0;
        for (org.springframework.core.io.Resource file : files) {
            JsonNode scenario;
            try (InputStream in = file.getInputStream()) {
                scenario = new ObjectMapper().readTree(in);
            }
            JsonNode request = scenario.get("request");
            String name = file.getFilename().replace(".expected.json", "");
            client.transaction().withBundle(scenario(name)).execute();
            if (!request.get("trigger").asText().equals("evaluate-resistance")) {
                continue; // order hooks carry draft orders: CDS Hooks territory, covered by ScenarioTest
            }
            Bundle result = client.operation().onInstance("Patient/" + request.get("patient").asText())
                    .named("$evaluate-resistance").withParameters(asOf(request.get("asOf").asText()))
                    .returnResourceType(Bundle.class).execute();
            JsonNode expected = scenario.get("expected");
            List<Observation> observations = entries(result, Observation.class);
            assertThat(codeOf(observations.get(0))).as(name).isEqualTo(expected.get("status").asText());
            Map<String, String> mechanisms = new LinkedHashMap<>();
            observations.stream().skip(1).forEach(o -> mechanisms.put(codeOf(o),
                    o.getComponentFirstRep().getValueCodeableConcept().getCodingFirstRep().getCode()));
            Map<String, String> expectedMechanisms = new LinkedHashMap<>();
            expected.get("mechanisms").fields().forEachRemaining(e -> expectedMechanisms.put(e.getKey(), e.getValue().asText()));
            assertThat(mechanisms).as(name).isEqualTo(expectedMechanisms);
            List<String> actions = entries(result, RequestGroup.class).get(0).getAction().stream()
                    .map(RequestGroup.RequestGroupActionComponent::getId).toList();
            List<String> expectedActions = new ArrayList<>();
            expected.get("recommendations").forEach(a -> expectedActions.add(a.asText()));
            assertThat(actions).as(name).isEqualTo(expectedActions);
            evaluated++;
        }
        assertThat(evaluated).isGreaterThan(10);
    }

    @Test
    void theOperationIsListedInTheCapabilityStatement() {
        CapabilityStatement capabilities = fhirClient().capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(capabilities.getRestFirstRep().getOperation())
                .extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("evaluate-resistance");
        assertThat(capabilities.getRestFirstRep().getResource().stream()
                        .filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow().getOperation())
                .extracting(CapabilityStatement.CapabilityStatementRestResourceOperationComponent::getName)
                .contains("evaluate-resistance");
    }
}
