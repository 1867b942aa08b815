package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.resistancecds.knowledge.EvaluationRequest;

/** Discovery and the three hooks over HTTP: prefetch sent, prefetch fetched (repository or EHR), 400, 404, 412. */
class CdsServicesIT extends AbstractCdsIT {

    private static final String PATIENT_VIEW = "ici-resistance-patient-view";
    private static final String ORDER_SELECT = "ici-resistance-order-select";
    private static final String ORDER_SIGN = "ici-resistance-order-sign";

    @Test
    void discoveryListsTheThreeHooksWithPrefetchForEverythingTheEngineReads() throws Exception {
        HttpResponse<String> response = cdsGet("/cds-services");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CdsHooksModelValidator.get().errors(response.body(), CdsHooksModelValidator.SERVICES)).isEmpty();
        Map<String, JsonNode> services = new java.util.HashMap<>();
        json(response).get("services").forEach(s -> services.put(s.get("id").asText(), s));
        assertThat(services).containsOnlyKeys(PATIENT_VIEW, ORDER_SELECT, ORDER_SIGN);
        assertThat(services.get(PATIENT_VIEW).get("hook").asText()).isEqualTo("patient-view");
        assertThat(services.get(ORDER_SELECT).get("hook").asText()).isEqualTo("order-select");
        assertThat(services.get(ORDER_SIGN).get("hook").asText()).isEqualTo("order-sign");
        for (JsonNode service : services.values()) {
            assertThat(service.get("description").asText()).isNotBlank();
            String usage = service.get("usageRequirements").asText();
            assertThat(usage).contains("fhirAuthorization", "412", "JWT");
            String packagePath = usage.replaceAll(".*(/package/\\S+\\.tgz).*", "$1");
            assertThat(get(packagePath).statusCode()).as("the package it names: " + packagePath).isEqualTo(200);
            JsonNode prefetch = service.get("prefetch");
            assertThat(prefetch.get("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
            assertThat(prefetch.get("observations").asText()).isEqualTo("Observation?patient={{context.patientId}}");
            assertThat(prefetch.get("conditions").asText()).isEqualTo("Condition?patient={{context.patientId}}");
            assertThat(prefetch.get("medicationStatements").asText()).startsWith("MedicationStatement?patient={{context.patientId}}");
            assertThat(prefetch.get("medicationAdministrations").asText())
                    .startsWith("MedicationAdministration?patient={{context.patientId}}");
            assertThat(prefetch.get("medicationRequests").asText()).startsWith("MedicationRequest?patient={{context.patientId}}");
        }
    }

    @Test
    void patientViewWithPrefetchDecidesOnWhatWasSent() throws Exception {
        SyntheticRecord record = new SyntheticRecord("pv-" + UUID.randomUUID(), 200);

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"prefetch\":" + record.prefetchJson(fhirContext), null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("cards")).hasSize(2);
        assertThat(json(response).at("/cards/0/summary").asText()).contains("Acquired resistance");
        EvaluationRequest asked = engine.lastCall();
        assertThat(asked.trigger()).isEqualTo("patient-view");
        assertThat(asked.patientId()).isEqualTo(record.patientId());
        assertThat(countByType(asked.resources())).isEqualTo(countByType(record.resources()));
        assertThat(asked.resources()).hasSize(200);
    }

    @Test
    void patientViewWithoutPrefetchReadsThisServersRepository() throws Exception {
        SyntheticRecord record = stored(60);

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(), null, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(countByType(engine.lastCall().resources())).isEqualTo(countByType(record.resources()));
    }

    @Test
    void theRepositoryAddsTheMedicationsATherapyRefersToAndNoOthers() throws Exception {
        SyntheticRecord record = stored(20);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        for (String medication : List.of("named-" + suffix, "unnamed-" + suffix)) {
            HttpResponse<String> stored = putJson("/fhir/Medication/" + medication,
                    "{\"resourceType\":\"Medication\",\"id\":\"" + medication + "\"}");
            assertThat(stored.statusCode()).as(stored.body()).isIn(200, 201);
        }
        HttpResponse<String> therapy = postJson("/fhir/MedicationRequest", "application/fhir+json",
                "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"intent\":\"order\","
                        + "\"medicationReference\":{\"reference\":\"Medication/named-" + suffix + "\"},"
                        + "\"subject\":{\"reference\":\"Patient/" + record.patientId() + "\"}}");
        assertThat(therapy.statusCode()).as(therapy.body()).isEqualTo(201);

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(), null, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> medications = engine.lastCall().resources().stream()
                .filter(resource -> resource.fhirType().equals("Medication"))
                .map(resource -> resource.getIdElement().getIdPart()).toList();
        assertThat(medications).containsExactly("named-" + suffix);
    }

    @Test
    void fhirServerNamingThisServerIsReadFromTheRepositoryOverPlainHttpOnLoopback() throws Exception {
        SyntheticRecord record = stored(30);

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"fhirServer\":\"" + fhirBase() + "\"", null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(countByType(engine.lastCall().resources())).isEqualTo(countByType(record.resources()));
    }

    @Test
    void nullAndOperationOutcomePrefetchEntriesAreFetched() throws Exception {
        SyntheticRecord record = stored(40);
        String prefetch = "{\"patient\":null,\"observations\":{\"resourceType\":\"OperationOutcome\",\"issue\":"
                + "[{\"severity\":\"error\",\"code\":\"timeout\"}]},\"conditions\":null}";

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"prefetch\":" + prefetch, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(countByType(engine.lastCall().resources())).isEqualTo(countByType(record.resources()));
    }

    @Test
    void missingPrefetchIsReadFromTheEhrWithItsTokenAcrossPages() throws Exception {
        FakeEhr ehr = FakeEhr.get();
        int before = ehr.authorizations().size();

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", FakeEhr.PATIENT,
                "\"fhirServer\":\"" + ehr.fhirBase() + "\",\"fhirAuthorization\":{\"access_token\":\""
                        + FakeEhr.ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                        + "\"scope\":\"user/*.read\",\"subject\":\"resistance-cds\"}", null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = engine.lastCall().resources().stream()
                .map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart()).toList();
        assertThat(ids).contains("Patient/" + FakeEhr.PATIENT, "Observation/obs-r1", "Observation/obs-r2");
        List<String> sent = ehr.authorizations().subList(before, ehr.authorizations().size());
        // Patient, five searches, and the second Observation page: each with the token the EHR granted.
        assertThat(sent).hasSize(7).allMatch(("Bearer " + FakeEhr.ACCESS_TOKEN)::equals);
    }

    /** A draft order's Medication that only the EHR holds is read from fhirServer with its token, then given to the engine. */
    @Test
    void aMedicationTheDraftOrderRefersToIsReadFromTheEhr() throws Exception {
        FakeEhr ehr = FakeEhr.get();
        String fhirServer = "\"fhirServer\":\"" + ehr.fhirBase() + "\",\"fhirAuthorization\":{\"access_token\":\""
                + FakeEhr.ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"scope\":\"user/*.read\",\"subject\":\"resistance-cds\"}";
        String draft = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":{"
                + "\"resourceType\":\"MedicationRequest\",\"id\":\"draft-1\",\"status\":\"draft\",\"intent\":\"order\","
                + "\"subject\":{\"reference\":\"Patient/" + FakeEhr.PATIENT + "\"},\"medicationReference\":"
                + "{\"reference\":\"Medication/%s\"}}}]}";

        HttpResponse<String> response = callService(ORDER_SIGN, request("order-sign", FakeEhr.PATIENT, fhirServer,
                "\"draftOrders\":" + draft.formatted(FakeEhr.MEDICATION)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(engine.lastCall().resources()).anySatisfy(r -> assertThat(r.getIdElement().toUnqualifiedVersionless()
                .getValue()).isEqualTo("Medication/" + FakeEhr.MEDICATION));

        HttpResponse<String> missing = callService(ORDER_SIGN, request("order-sign", FakeEhr.PATIENT, fhirServer,
                "\"draftOrders\":" + draft.formatted("not-at-the-ehr")));
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(412);
        assertThat(missing.body()).contains("Medication/not-at-the-ehr");
    }

    @Test
    void orderSelectAsksAboutTheSelectedOrdersWithAndWithoutPrefetch() throws Exception {
        SyntheticRecord record = stored(20);
        String context = "\"selections\":[\"MedicationRequest/draft-1\"],\"draftOrders\":" + draftOrders(record.patientId());

        for (String prefetch : new String[] {"\"prefetch\":" + record.prefetchJson(fhirContext), null}) {
            HttpResponse<String> response = callService(ORDER_SELECT,
                    request("order-select", record.patientId(), prefetch, context));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode cards = json(response).get("cards");
            assertThat(cards.get(0).get("indicator").asText()).isEqualTo("warning");
            assertThat(cards.get(1).get("indicator").asText()).isEqualTo("info");
            EvaluationRequest asked = engine.lastCall();
            assertThat(asked.trigger()).isEqualTo("order-select");
            assertThat(asked.draftOrders()).extracting(r -> r.getIdElement().getIdPart()).containsExactly("draft-1");
            assertThat(countByType(asked.resources())).isEqualTo(countByType(record.resources()));
        }
    }

    /** HAPI's parser gives an entry's resource its fullUrl as id: a selection still names the order by its own id. */
    @Test
    void orderSelectFindsTheSelectedOrderByItsOwnIdBehindAUuidFullUrl() throws Exception {
        SyntheticRecord record = new SyntheticRecord("os-" + UUID.randomUUID(), 20);
        String context = "\"selections\":[\"MedicationRequest/draft-2\"],\"draftOrders\":"
                + draftOrders(record.patientId(), true);

        HttpResponse<String> response = callService(ORDER_SELECT, request("order-select", record.patientId(),
                "\"prefetch\":" + record.prefetchJson(fhirContext), context));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(engine.lastCall().draftOrders()).extracting(r -> r.getIdElement().getValue())
                .containsExactly(uuidFullUrl("draft-2"));
    }

    @Test
    void orderSignAsksAboutEveryDraftOrderWithAndWithoutPrefetch() throws Exception {
        SyntheticRecord record = stored(20);

        for (String prefetch : new String[] {"\"prefetch\":" + record.prefetchJson(fhirContext), null}) {
            HttpResponse<String> response = callService(ORDER_SIGN,
                    request("order-sign", record.patientId(), prefetch, "\"draftOrders\":" + draftOrders(record.patientId())));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).at("/cards/0/summary").asText())
                    .isEqualTo("Pembrolizumab continued despite acquired resistance");
            assertThat(engine.lastCall().trigger()).isEqualTo("order-sign");
            assertThat(engine.lastCall().draftOrders()).hasSize(2);
            assertThat(countByType(engine.lastCall().resources())).isEqualTo(countByType(record.resources()));
        }
    }

    @Test
    void unknownPatientWithoutPrefetchIs412() throws Exception {
        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", "nobody-" + UUID.randomUUID(), null, null));

        assertThat(assertErrorBody(response, 412)).contains("prefetch patient", "not on this server");
        assertThat(engine.callCount()).isZero();
    }

    /**
     * A key sent as null says the client has no data for it (CDS Hooks 2.0, "Prefetch"). It is read to make sure
     * where it can be; where it cannot, the client's word stands, instead of a 412 for a call made correctly.
     */
    @Test
    void keysSentAsNullForAPatientNotOnThisServerAreTakenAsNoData() throws Exception {
        SyntheticRecord record = new SyntheticRecord("ehr-" + UUID.randomUUID(), 20);
        ObjectNode prefetch = (ObjectNode) JSON.readTree(record.prefetchJson(fhirContext));
        prefetch.putNull("medicationStatements");

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"prefetch\":" + prefetch, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(engine.lastCall().resources()).isNotEmpty()
                .noneMatch(resource -> resource.fhirType().equals("MedicationStatement"));
    }

    /** Missing keys are read from this server only for a patient it holds: a search there finds nothing else. */
    @Test
    void missingKeysOfAPatientNotOnThisServerAre412AndOfOneOnItAreRead() throws Exception {
        SyntheticRecord record = new SyntheticRecord("ehr-" + UUID.randomUUID(), 20);
        ObjectNode prefetch = (ObjectNode) JSON.readTree(record.prefetchJson(fhirContext));
        prefetch.remove("observations");
        prefetch.putNull("medicationStatements");

        for (String fhirServer : new String[] {null, "\"fhirServer\":\"" + fhirBase() + "\""}) {
            String members = "\"prefetch\":" + prefetch + (fhirServer == null ? "" : "," + fhirServer);
            HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(), members, null));

            assertThat(assertErrorBody(response, 412)).contains("The request holds no data for prefetch observations, medicationStatements,",
                    "Patient/" + record.patientId() + " is not on this server");
        }
        assertThat(engine.callCount()).isZero();

        fhirClient().transaction().withBundle(record.transaction()).execute();
        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"prefetch\":" + prefetch, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(countByType(engine.lastCall().resources())).isEqualTo(countByType(record.resources()));
    }

    @Test
    void prefetchOfAnotherPatientOrOfTheWrongKindIs400() throws Exception {
        SyntheticRecord record = new SyntheticRecord("pv-" + UUID.randomUUID(), 20);
        SyntheticRecord other = new SyntheticRecord("other-" + UUID.randomUUID(), 20);
        ObjectNode sent = (ObjectNode) JSON.readTree(record.prefetchJson(fhirContext));
        JsonNode othersObservation = JSON.readTree(other.prefetchJson(fhirContext)).at("/observations/entry/0");
        ObjectNode mixed = sent.get("observations").deepCopy();
        ((ArrayNode) mixed.get("entry")).add(othersObservation);
        ObjectNode conditionAsMatch = sent.get("conditions").deepCopy();
        ((ObjectNode) conditionAsMatch.at("/entry/0")).putObject("search").put("mode", "match");
        int ownObservations = (int) record.count("Observation");
        Map<String, List<Object>> cases = Map.of(
                "observations", List.of(mixed, "prefetch.observations.entry[" + ownObservations + "] (Observation/"
                        + other.patientId() + "-obs-0) is about Patient/" + other.patientId()
                        + ", but context.patientId is '" + record.patientId() + "'"),
                "conditions", List.of(sent.get("patient"), "prefetch.conditions must be a Bundle (the answer to the "
                        + "search 'Condition?patient={{context.patientId}}'), but was a Patient"),
                "medicationRequests", List.of(JSON.readTree("{\"resourceType\":\"Parameters\"}"),
                        "prefetch.medicationRequests must be a Bundle"),
                "patient", List.of(sent.get("observations"), "prefetch.patient must be a Patient"),
                "medicationStatements", List.of(sent.get("observations").at("/entry/0/resource"),
                        "prefetch.medicationStatements must be a Bundle"));

        for (Map.Entry<String, List<Object>> c : cases.entrySet()) {
            ObjectNode prefetch = sent.deepCopy();
            prefetch.set(c.getKey(), (JsonNode) c.getValue().get(0));
            HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                    "\"prefetch\":" + prefetch, null));

            assertThat(assertErrorBody(response, 400)).contains((String) c.getValue().get(1));
        }
        ObjectNode prefetch = sent.deepCopy();
        prefetch.set("observations", conditionAsMatch);
        assertThat(assertErrorBody(callService(PATIENT_VIEW, request("patient-view", record.patientId(),
                "\"prefetch\":" + prefetch, null)), 400))
                .contains("prefetch.observations.entry[0] is a Condition, but the search "
                        + "'Observation?patient={{context.patientId}}' matches Observation resources only");
        assertThat(engine.callCount()).isZero();
    }

    @Test
    void dataThatCannotBeFetchedIs412() throws Exception {
        String missing = request("patient-view", FakeEhr.PATIENT, "\"fhirServer\":\"http://ehr.example.org/fhir\"", null);
        assertThat(assertErrorBody(callService(PATIENT_VIEW, missing), 412)).contains("is not https");

        String badToken = request("patient-view", FakeEhr.PATIENT, "\"fhirServer\":\"" + FakeEhr.get().fhirBase()
                + "\",\"fhirAuthorization\":{\"access_token\":\"expired\",\"token_type\":\"Bearer\"}", null);
        assertThat(assertErrorBody(callService(PATIENT_VIEW, badToken), 412)).contains("answered HTTP 401");

        String unreachable = request("patient-view", FakeEhr.PATIENT, "\"fhirServer\":\"http://127.0.0.1:9/fhir\"", null);
        assertThat(assertErrorBody(callService(PATIENT_VIEW, unreachable), 412)).contains("could not be reached");
    }

    /** The EHR's server is held to what a client's prefetch is held to; before, its wrong answer gave a card. */
    @Test
    void aWrongAnswerFromTheEhrsServerIs412() throws Exception {
        String authorized = "\"fhirServer\":\"" + FakeEhr.get().fhirBase() + "\",\"fhirAuthorization\":{"
                + "\"access_token\":\"" + FakeEhr.ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"scope\":\"user/*.read\",\"subject\":\"resistance-cds\"}";
        int calls = engine.callCount();

        String outcome = assertErrorBody(callService(PATIENT_VIEW,
                request("patient-view", FakeEhr.PATIENT_ANSWERED_WITH_OUTCOME, authorized, null)), 412);
        String others = assertErrorBody(callService(PATIENT_VIEW,
                request("patient-view", FakeEhr.PATIENT_ANSWERED_WITH_OTHERS, authorized, null)), 412);

        assertThat(outcome).contains("fhirServer's answer to 'Observation?patient="
                + FakeEhr.PATIENT_ANSWERED_WITH_OUTCOME).contains("must be a Bundle").contains("OperationOutcome");
        assertThat(others).contains("is about Patient/" + FakeEhr.PATIENT);
        assertThat(engine.callCount()).as("no decision on such data").isEqualTo(calls);
    }

    @Test
    void malformedRequestsAre400WithTheReason() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"hook\": ", "not valid JSON",
                "{\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\",\"context\":{}}", "hook is required",
                "{\"hook\":\"patient-view\",\"context\":{}}", "hookInstance is required",
                "{\"hook\":\"patient-view\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\"}", "context is required",
                "{\"hook\":\"patient-view\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\",\"context\":{\"userId\":\"Practitioner/1\",\"patientId\":42}}",
                "context.patientId must be a string",
                "{\"hook\":\"order-sign\",\"hookInstance\":\"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\",\"context\":{}}", "this service answers 'patient-view'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(assertErrorBody(callService(PATIENT_VIEW, c.getKey()), 400)).contains(c.getValue());
        }
        String orderSelect = request("order-select", "p1", null, "\"selections\":[\"MedicationRequest/x\"],"
                + "\"draftOrders\":{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
        assertThat(assertErrorBody(callService(ORDER_SELECT, orderSelect), 400)).contains("context.selections[0]");
        assertThat(assertErrorBody(callService(PATIENT_VIEW, ""), 400)).contains("empty");
        // Beyond the JSON reader's limits, to a service and to its feedback: the reader reports no location there.
        String deep = request("patient-view", "p1", "\"pad\":" + "[".repeat(5000) + "]".repeat(5000), null);
        String longNumber = request("patient-view", "p1", "\"n\":" + "9".repeat(2000), null);
        for (String path : List.of("/cds-services/" + PATIENT_VIEW, "/cds-services/" + PATIENT_VIEW + "/feedback")) {
            for (String body : List.of(deep, longNumber)) {
                assertThat(assertErrorBody(cdsPost(path, body), 400)).contains("beyond what this service reads as JSON");
            }
        }
    }

    /** CDS Hooks speaks JSON; HAPI-style leniency here let a web page post a call or feedback as a plain form. */
    @Test
    void bodiesThatAreNotJsonAre415AndRepeatedKeys400() throws Exception {
        String call = request("patient-view", "p1", null, null);
        String path = "/cds-services/" + PATIENT_VIEW;
        for (String target : List.of(path, path + "/feedback")) {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
                HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(baseUrl() + target))
                        .header("Content-Type", type)
                        .header("Authorization", "Bearer " + token(target))
                        .POST(HttpRequest.BodyPublishers.ofString(call))
                        .build());
                assertThat(assertErrorBody(refused, 415)).as(target + " as " + type).contains("reads JSON only");
            }
        }
        String twice = call.replace("\"patientId\":\"p1\"", "\"patientId\":\"p1\",\"patientId\":\"p2\"");
        assertThat(assertErrorBody(callService(PATIENT_VIEW, twice), 400)).contains("Duplicate field 'patientId'");
        assertThat(engine.callCount()).isZero();
    }

    @Test
    void unknownServicesAre404() throws Exception {
        assertThat(assertErrorBody(callService("no-such-service", request("patient-view", "p1", null, null)), 404))
                .contains("no-such-service");
        assertThat(assertErrorBody(cdsPost("/cds-services/no-such-service/feedback", "{\"feedback\":[]}"), 404))
                .contains("no-such-service");
    }

    @Test
    void anEngineFailureIs500WithoutInternals() throws Exception {
        engine.answer(request -> {
            throw new IllegalStateException("secret internal detail");
        });

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", "p1",
                "\"prefetch\":" + new SyntheticRecord("p1", 5).prefetchJson(fhirContext), null));

        assertThat(assertErrorBody(response, 500)).contains("no cards were produced").doesNotContain("secret")
                .containsPattern("Incident [0-9a-f-]{36} is in the server log");
    }

    /** Spring's own refusals on the CDS paths are plain JSON too, as the services' own errors are. */
    @Test
    void errorsSpringAnswersOnTheCdsPathsArePlainJson() throws Exception {
        HttpResponse<String> get = cdsGet("/cds-services/" + PATIENT_VIEW);
        assertThat(assertErrorBody(get, 405)).contains("POST only");
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertErrorBody(cdsGet("/cds-services/" + PATIENT_VIEW + "/feedback"), 405);
        HttpResponse<String> options = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services/" + PATIENT_VIEW))
                .header("Authorization", "Bearer " + token("/cds-services/" + PATIENT_VIEW))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Allow")).hasValueSatisfying(
                allow -> assertThat(allow.replace(" ", "")).isEqualTo("POST,OPTIONS"));
        assertErrorBody(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services"))
                .header("Authorization", "Bearer " + token("/cds-services"))
                .header("Accept", "application/xml").GET().build()), 406);
    }

    /** Whatever the method, a service id the server lacks is 404: a 405 would suggest the service exists. */
    @Test
    void anUnknownServiceIsNotFoundWhateverTheMethod() throws Exception {
        assertThat(assertErrorBody(cdsGet("/cds-services/no-such-service"), 404)).contains("no-such-service");
        assertErrorBody(cdsGet("/cds-services/no-such-service/feedback"), 404);
        assertErrorBody(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services/no-such-service"))
                .header("Authorization", "Bearer " + token("/cds-services/no-such-service"))
                .DELETE().build()), 404);
    }

    @Test
    void anEvaluationWithNothingToSayIsAnEmptyCardList() throws Exception {
        engine.answer(request -> FakeEvaluations.notExposed());

        HttpResponse<String> response = callService(PATIENT_VIEW, request("patient-view", "p1",
                "\"prefetch\":" + new SyntheticRecord("p1", 5).prefetchJson(fhirContext), null));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("cards")).isEmpty();
    }

    private SyntheticRecord stored(int size) {
        SyntheticRecord record = new SyntheticRecord("st-" + UUID.randomUUID(), size);
        fhirClient().transaction().withBundle(record.transaction()).execute();
        return record;
    }

    private static Map<String, Long> countByType(List<? extends Resource> resources) {
        return resources.stream().collect(Collectors.groupingBy(Resource::fhirType, Collectors.counting()));
    }

    private static String draftOrders(String patientId) {
        return draftOrders(patientId, false);
    }

    /**
     * Two draft pembrolizumab orders for the patient, draft-1 and draft-2, optionally with urn:uuid: fullUrls as EHRs
     * often send.
     */
    private static String draftOrders(String patientId, boolean uuidFullUrls) {
        List<String> entries = new ArrayList<>();
        for (String id : List.of("draft-1", "draft-2")) {
            entries.add("{" + (uuidFullUrls ? "\"fullUrl\":\"" + uuidFullUrl(id) + "\"," : "")
                    + "\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"" + id + "\",\"status\":\"draft\","
                    + "\"intent\":\"proposal\",\"subject\":{\"reference\":\"Patient/" + patientId + "\"},"
                    + "\"medicationCodeableConcept\":"
                    + "{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"1547545\"}]}}}");
        }
        return "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static String uuidFullUrl(String id) {
        return "urn:uuid:" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }
}
