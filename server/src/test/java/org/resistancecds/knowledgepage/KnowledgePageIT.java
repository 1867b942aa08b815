package org.resistancecds.knowledgepage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.junit.jupiter.api.Test;
import org.resistancecds.AbstractOpenServerIT;
import org.resistancecds.cds.PatientViewRequests;
import org.resistancecds.cds.cards.CardText;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * The knowledge pages over HTTP: a card whose evidence has no verified DOI links to one, and the link opens the
 * strategy with its evidence level; the pages escape what they show. (That they need no token: FhirSecurityIT.)
 */
class KnowledgePageIT extends AbstractOpenServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCardSourceWithoutDoiOpensTheStrategyWithItsEvidenceLevel() throws Exception {
        storeScenario("acquired-resistance-b2m-loss");
        HttpResponse<String> called = postJson("/cds-services/ici-resistance-patient-view", "application/json",
                PatientViewRequests.withPrefetch("sc-b2m", null));
        assertThat(called.statusCode()).as(called.body()).isEqualTo(200);

        List<JsonNode> linkedHere = new ArrayList<>();
        for (JsonNode card : JSON.readTree(called.body()).get("cards")) {
            String url = card.at("/source/url").asText();
            assertThat(url).as(card.get("summary").asText()).isNotBlank();
            if (!url.startsWith("https://doi.org/")) {
                linkedHere.add(card);
            }
        }
        // The antigen presentation strategy cites two references, neither with a verified DOI.
        assertThat(linkedHere).isNotEmpty();
        for (JsonNode card : linkedHere) {
            String url = card.at("/source/url").asText();
            assertThat(url).startsWith(baseUrl() + "/knowledge/").contains("#");
            HttpResponse<String> page = get(url.substring(baseUrl().length(), url.indexOf('#')));
            assertThat(page.statusCode()).as(url).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");

            PlanPageExpectation expected = PlanPageExpectation.of(url);
            assertThat(page.body()).as(url)
                    .contains("id=\"" + expected.actionId() + "\"", html(expected.title()),
                            html(expected.evidenceLevel()), card.at("/source/label").asText());
        }
    }

    @Test
    void theIndexListsThePlansAndAnUnknownIdIs404WithTheIdEscaped() throws Exception {
        HttpResponse<String> index = get("/knowledge/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("href=\"/knowledge/acquired-resistance-strategies\"",
                "href=\"/knowledge/resistance-monitoring\"", "href=\"/knowledge/acquired-resistance-order-check\"");

        HttpResponse<String> unknown = get("/knowledge/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(unknown.body()).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img");
    }

    /** What the packaged PlanDefinition says about the action a link points at. */
    private record PlanPageExpectation(String actionId, String title, String evidenceLevel) {

        static PlanPageExpectation of(String url) throws Exception {
            String planId = url.substring(url.indexOf("/knowledge/") + "/knowledge/".length(), url.indexOf('#'));
            String actionId = url.substring(url.indexOf('#') + 1);
            PlanDefinition plan = FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class,
                    Files.readString(Path.of("../knowledge/PlanDefinition-" + planId + ".json")));
            PlanDefinitionActionComponent action = find(plan.getAction(), actionId);
            assertThat(action).as(url).isNotNull();
            CodeableConcept level =
                    (CodeableConcept) action.getExtensionByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION).getValue();
            return new PlanPageExpectation(actionId, action.getTitle(),
                    CardText.evidenceLevel(level.getCodingFirstRep().getCode()));
        }

        private static PlanDefinitionActionComponent find(List<PlanDefinitionActionComponent> actions, String id) {
            for (PlanDefinitionActionComponent action : actions) {
                PlanDefinitionActionComponent found = id.equals(action.getId()) ? action : find(action.getAction(), id);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
    }

    /** Text as an HTML page holds it (Thymeleaf escapes the markup characters). */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
