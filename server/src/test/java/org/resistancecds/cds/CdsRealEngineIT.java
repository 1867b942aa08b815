package org.resistancecds.cds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resistancecds.AbstractTrustedEhrIT;

/**
 * End to end with the real knowledge engine: a golden scenario is stored through a transaction, then the
 * patient-view service is called without prefetch (the server reads its own repository) and with prefetch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdsRealEngineIT extends AbstractTrustedEhrIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "/cds-services/ici-resistance-patient-view";

    @BeforeAll
    void storeScenario() throws Exception {
        String bundle = Files.readString(Path.of("../examples/scenarios/acquired-resistance-b2m-loss.bundle.json"));
        HttpResponse<String> stored = postJson("/fhir", "application/fhir+json", bundle);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    }

    @Test
    void patientViewWithoutPrefetchReadsTheRepositoryAndExplainsTheMechanism() throws Exception {
        JsonNode cards = call(request(null)).get("cards");

        assertCardsForB2mLoss(cards);
    }

    @Test
    void patientViewWithPrefetchGivesTheSameCards() throws Exception {
        JsonNode withoutPrefetch = call(request(null)).get("cards");
        String prefetch = "{\"patient\":" + get("/fhir/Patient/sc-b2m").body()
                + ",\"observations\":" + get("/fhir/Observation?subject=Patient/sc-b2m&_count=200").body()
                + ",\"medicationStatements\":" + get("/fhir/MedicationStatement?subject=Patient/sc-b2m").body()
                + ",\"medicationAdministrations\":" + get("/fhir/MedicationAdministration?subject=Patient/sc-b2m").body()
                + ",\"medicationRequests\":" + get("/fhir/MedicationRequest?subject=Patient/sc-b2m").body()
                + ",\"conditions\":" + get("/fhir/Condition?subject=Patient/sc-b2m").body() + "}";

        JsonNode withPrefetch = call(request(prefetch)).get("cards");

        assertThat(uuids(withPrefetch)).containsExactlyInAnyOrderElementsOf(uuids(withoutPrefetch));
        assertCardsForB2mLoss(withPrefetch);
    }

    /** The repository's answers are cached between hook calls; a write in between must still be seen. */
    @Test
    void aWriteBetweenTwoCallsWithoutPrefetchIsSeenByTheSecond() throws Exception {
        String patient = newPatient("cache");
        JsonNode before = call(request(null, patient)).get("cards");
        assertThat(call(request(null, patient)).get("cards")).as("unchanged record, same cards").isEqualTo(before);

        recordPembrolizumab(patient, "\"medicationCodeableConcept\":" + PEMBROLIZUMAB);

        JsonNode after = call(request(null, patient)).get("cards");
        assertThat(after).as("cards after the ICI therapy was recorded").isNotEqualTo(before);
    }

    /**
     * The prefetch templates ask for {@code _include=...:medication}: a therapy recorded with a reference to a
     * Medication resource must be read with that Medication, or the engine cannot tell it is a PD-1 inhibitor.
     */
    @Test
    void aTherapyThatRefersToAMedicationResourceIsReadWithIt() throws Exception {
        String untreated = newPatient("untreated");
        String byConcept = newPatient("concept");
        recordPembrolizumab(byConcept, "\"medicationCodeableConcept\":" + PEMBROLIZUMAB);
        String byReference = newPatient("reference");
        String medication = "pembro-" + byReference;
        HttpResponse<String> stored = putJson("/fhir/Medication/" + medication,
                "{\"resourceType\":\"Medication\",\"id\":\"" + medication + "\",\"code\":" + PEMBROLIZUMAB + "}");
        assertThat(stored.statusCode()).as(stored.body()).isIn(200, 201);
        recordPembrolizumab(byReference, "\"medicationReference\":{\"reference\":\"Medication/" + medication + "\"}");

        List<String> referenced = summaries(call(request(null, byReference)).get("cards"));

        assertThat(referenced).isEqualTo(summaries(call(request(null, byConcept)).get("cards")));
        assertThat(referenced).isNotEqualTo(summaries(call(request(null, untreated)).get("cards")));
    }

    /**
     * The order hooks warn when an anti-PD-(L)1 agent is ordered under acquired resistance (sc-b2m received
     * pembrolizumab), however the draft order codes the drug: in the order, in a contained Medication, in a
     * Medication sent with the draft orders, or in one stored on this server.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "order-sign   | codeable concept",
        "order-sign   | contained Medication",
        "order-sign   | Medication in draftOrders",
        "order-sign   | Medication on this server",
        "order-select | codeable concept",
        "order-select | contained Medication",
        "order-select | Medication in draftOrders",
        "order-select | Medication on this server"})
    void theSameAgentOrderedInAnyFormIsWarnedAbout(String hook, String form) throws Exception {
        String medication = "pembro-order-" + UUID.randomUUID().toString().substring(0, 8);
        String order;
        String extra = "";
        switch (form) {
            case "codeable concept" -> order = draftOrder("\"medicationCodeableConcept\":" + PEMBROLIZUMAB_ATC);
            case "contained Medication" -> order = draftOrder("\"contained\":[{\"resourceType\":\"Medication\","
                    + "\"id\":\"m\",\"code\":" + PEMBROLIZUMAB_ATC + "}],\"medicationReference\":{\"reference\":\"#m\"}");
            case "Medication in draftOrders" -> {
                order = draftOrder("\"medicationReference\":{\"reference\":\"Medication/" + medication + "\"}");
                extra = ",{\"resource\":{\"resourceType\":\"Medication\",\"id\":\"" + medication + "\",\"code\":"
                        + PEMBROLIZUMAB + "}}";
            }
            case "Medication on this server" -> {
                HttpResponse<String> stored = putJson("/fhir/Medication/" + medication,
                        "{\"resourceType\":\"Medication\",\"id\":\"" + medication + "\",\"code\":" + PEMBROLIZUMAB_ATC + "}");
                assertThat(stored.statusCode()).as(stored.body()).isIn(200, 201);
                order = draftOrder("\"medicationReference\":{\"reference\":\"Medication/" + medication + "\"}");
            }
            default -> throw new IllegalArgumentException(form);
        }

        JsonNode cards = callOrderHook(hook, order + extra, 200).get("cards");

        assertThat(summaries(cards)).as(form).anySatisfy(summary ->
                assertThat(summary).contains("Ordering an anti-PD-(L)1 agent after acquired resistance"));
        JsonNode warning = cards.get(0);
        assertThat(warning.get("indicator").asText()).isEqualTo("warning");
        assertThat(warning.get("detail").asText()).contains("Kluger 2020", "Evidence level: expert consensus")
                .doesNotContain("approved therapy", "Investigational");
    }

    /** Acquired resistance is to PD-(L)1 blockade, the class: nivolumab after pembrolizumab warns too; carboplatin not. */
    @Test
    void anotherAntiPd1AgentByReferenceIsWarnedAboutAndAnotherDrugIsNot() throws Exception {
        String nivolumab = storedMedication("nivo-order-", "L01FF01");
        String carboplatin = storedMedication("carbo-order-", "L01XA02");

        JsonNode switched = callOrderHook("order-sign",
                draftOrder("\"medicationReference\":{\"reference\":\"Medication/" + nivolumab + "\"}"), 200).get("cards");
        JsonNode chemotherapy = callOrderHook("order-sign",
                draftOrder("\"medicationReference\":{\"reference\":\"Medication/" + carboplatin + "\"}"), 200).get("cards");

        assertThat(summaries(switched)).anySatisfy(summary ->
                assertThat(summary).contains("Ordering an anti-PD-(L)1 agent after acquired resistance"));
        assertThat(summaries(chemotherapy)).noneSatisfy(summary -> assertThat(summary).contains("acquired resistance"));
    }

    private String storedMedication(String idPrefix, String atc) throws Exception {
        String id = idPrefix + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> stored = putJson("/fhir/Medication/" + id, "{\"resourceType\":\"Medication\","
                + "\"id\":\"" + id + "\",\"code\":{\"coding\":[{\"system\":\"http://www.whocc.no/atc\","
                + "\"code\":\"" + atc + "\"}]}}");
        assertThat(stored.statusCode()).as(stored.body()).isIn(200, 201);
        return id;
    }

    /** A referenced Medication that is neither sent nor stored leaves the order unchecked: 412, not silence. */
    @Test
    void aDraftOrderReferringToAnUnknownMedicationIsAPreconditionFailure() throws Exception {
        callOrderHook("order-sign", draftOrder("\"medicationReference\":{\"reference\":\"Medication/absent-"
                + UUID.randomUUID().toString().substring(0, 8) + "\"}"), 412);
    }

    private static String draftOrder(String medication) {
        return "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"draft-1\",\"status\":\"draft\","
                + "\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/sc-b2m\"}," + medication + "}}";
    }

    private JsonNode callOrderHook(String hook, String entries, int expectedStatus) throws Exception {
        String service = "/cds-services/ici-resistance-" + hook;
        String selections = hook.equals("order-select") ? "\"selections\":[\"MedicationRequest/draft-1\"]," : "";
        String body = "{\"hook\":\"" + hook + "\",\"hookInstance\":\"" + UUID.randomUUID() + "\",\"context\":{"
                + "\"userId\":\"" + PatientViewRequests.USER + "\",\"patientId\":\"sc-b2m\"," + selections
                + "\"draftOrders\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[" + entries + "]}}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + service))
                        .header("Content-Type", "application/json")
                        .header("Authorization", ehrAuthorization(baseUrl() + service))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        if (expectedStatus != 200) {
            return null;
        }
        assertThat(CdsHooksModelValidator.get().errors(response.body(), CdsHooksModelValidator.RESPONSE))
                .as("CDSHooksResponse errors").isEmpty();
        return JSON.readTree(response.body());
    }

    private static final String PEMBROLIZUMAB_ATC =
            "{\"coding\":[{\"system\":\"http://www.whocc.no/atc\",\"code\":\"L01FF02\"}]}";

    private static final String PEMBROLIZUMAB = "{\"coding\":[{\"system\":"
            + "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"1547545\",\"display\":\"pembrolizumab\"}]}";

    private String newPatient(String prefix) throws Exception {
        String patient = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = putJson("/fhir/Patient/" + patient,
                "{\"resourceType\":\"Patient\",\"id\":\"" + patient + "\",\"gender\":\"female\"}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        return patient;
    }

    private void recordPembrolizumab(String patient, String medication) throws Exception {
        HttpResponse<String> therapy = postJson("/fhir/MedicationStatement", "application/fhir+json",
                "{\"resourceType\":\"MedicationStatement\",\"status\":\"active\"," + medication + ","
                        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"},"
                        + "\"effectivePeriod\":{\"start\":\"2024-01-10\"}}");
        assertThat(therapy.statusCode()).as(therapy.body()).isEqualTo(201);
    }

    private static List<String> summaries(JsonNode cards) {
        List<String> summaries = new ArrayList<>();
        cards.forEach(card -> summaries.add(card.get("summary").asText()));
        return summaries;
    }

    private static void assertCardsForB2mLoss(JsonNode cards) {
        List<String> summaries = summaries(cards);
        assertThat(summaries).anySatisfy(s -> assertThat(s).contains("Acquired resistance"));
        JsonNode mechanismCard = null;
        for (JsonNode card : cards) {
            if ("antigen-presentation-defect".equals(card.at("/source/topic/code").asText())) {
                mechanismCard = card;
            }
        }
        assertThat(mechanismCard).as("a card for the antigen presentation defect in " + summaries).isNotNull();
        String detail = mechanismCard.get("detail").asText();
        assertThat(detail).containsIgnoringCase("investigational");
        assertThat(detail).containsIgnoringCase("evidence");
        assertThat(mechanismCard.get("uuid").asText()).isNotBlank();
        // A proposal cites nothing the EHR does not hold: the derived status Observation is this server's.
        assertThat(mechanismCard.get("suggestions")).isNotEmpty().allSatisfy(suggestion -> assertThat(
                suggestion.at("/actions/0/resource/reasonReference").toString()).doesNotContain("resistance-status-"));
        cards.forEach(card -> assertThat(card.get("summary").asText().length()).isLessThan(140));
    }

    private JsonNode call(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + SERVICE))
                        .header("Content-Type", "application/json")
                        .header("Authorization", ehrAuthorization(baseUrl() + SERVICE))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(CdsHooksModelValidator.get().errors(response.body(), CdsHooksModelValidator.RESPONSE))
                .as("CDSHooksResponse errors").isEmpty();
        return JSON.readTree(response.body());
    }

    private static String request(String prefetch) {
        return request(prefetch, "sc-b2m");
    }

    private static String request(String prefetch, String patient) {
        return PatientViewRequests.withPrefetch(patient, prefetch);
    }

    private static List<String> uuids(JsonNode cards) {
        List<String> ids = new ArrayList<>();
        cards.forEach(card -> ids.add(card.get("uuid").asText()));
        return ids;
    }
}
