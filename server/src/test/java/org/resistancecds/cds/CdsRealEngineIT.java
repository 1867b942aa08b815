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
