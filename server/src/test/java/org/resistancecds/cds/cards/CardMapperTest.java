package org.resistancecds.cds.cards;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.resistancecds.cds.CdsHooksModelValidator;
import org.resistancecds.cds.CdsJson;
import org.resistancecds.cds.FakeEvaluations;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.StatusVerdict;
import org.resistancecds.knowledgepage.KnowledgePageLinks;

/** Card mapping from hand-written evaluations; every response is also checked against HL7's CDSHooksResponse. */
class CardMapperTest {

    private static final CdsJson JSON = new CdsJson(FhirContext.forR4Cached());
    private static final ObjectMapper TREE = new ObjectMapper();

    private final CardMapper mapper = new CardMapper(KnowledgePageLinks.at("https://cds.example.org/"));

    /** Only approved therapy is called approved; each other level says what kind of evidence it is. */
    @Test
    void everyEvidenceLevelHasItsOwnHonestLabel() {
        List<String> labels = new ArrayList<>();
        for (String level : org.resistancecds.knowledge.KnowledgeCodes.EVIDENCE_LEVELS) {
            String label = CardText.evidenceLevel(level);
            assertThat(label).as(level).isNotEqualTo(level);
            if (!level.equals("approved")) {
                assertThat(label).as(level).doesNotContainIgnoringCase("standard of care").doesNotStartWith("approved");
            }
            labels.add(label);
        }
        assertThat(labels).doesNotHaveDuplicates();
        assertThat(CardText.evidenceLevel("consensus")).contains("consensus");
        assertThat(CardText.evidenceLevel("observational")).contains("observational cohort");
    }

    @Test
    void aMechanismWithOnlyInvestigationalStrategiesSaysSoInItsSummary() throws Exception {
        JsonNode mechanism = map("patient-view", FakeEvaluations.withInvestigationalStrategyOnly()).get("cards").get(1);

        assertThat(mechanism.get("summary").asText()).isEqualTo(
                "Antigen presentation defect (probable): 1 investigational strategy, clinical trials only");
    }

    @Test
    void patientViewShowsStatusThenOneCardPerMechanismWithItsStrategies() throws Exception {
        JsonNode cards = map("patient-view", FakeEvaluations.withMechanism()).get("cards");

        assertThat(cards).hasSize(2);
        JsonNode status = cards.get(0);
        assertThat(status.get("summary").asText()).isEqualTo("PD-(L)1 inhibitor resistance status: Acquired resistance");
        assertThat(status.get("indicator").asText()).isEqualTo("warning");
        assertThat(status.get("detail").asText())
                .contains("Partial response on pembrolizumab", "Progressive disease on 2024-03-01",
                        "`Observation/resp-1`", "Evidence level: consensus definition",
                        "[10.1136/jitc-2019-000398](https://doi.org/10.1136/jitc-2019-000398)",
                        "10.1016/j.annonc.2021.08.2151");
        assertThat(status.at("/source/url").asText()).isEqualTo("https://doi.org/10.1136/jitc-2019-000398");
        assertThat(status.at("/source/topic/system").asText()).isEqualTo(FakeEvaluations.STATUS_SYSTEM);
        assertThat(status.at("/source/topic/code").asText()).isEqualTo("acquired-resistance");

        JsonNode mechanism = cards.get(1);
        assertThat(mechanism.get("summary").asText())
                .as("the anti-TIGIT combination is investigational, and the summary says so in that word")
                .isEqualTo("Antigen presentation defect (probable): 2 strategies to consider (1 investigational)");
        // The approved strategy is urgent: the card carries the strongest indicator of its strategies.
        assertThat(mechanism.get("indicator").asText()).isEqualTo("warning");
        String detail = mechanism.get("detail").asText();
        assertThat(detail)
                .contains("B2M c.67+1G>T", "`Observation/variant-b2m`",
                        "#### 1. Switch to platinum doublet chemotherapy",
                        "Evidence level: approved therapy (standard of care).",
                        "#### 2. Anti-TIGIT plus anti-PD-1 combination",
                        "**Investigational:** not standard of care for acquired resistance; the evidence for this use is still emerging.",
                        "Evidence level: early-phase clinical trial.",
                        "DOI [10.1186/s12943-023-01800-3](https://doi.org/10.1186/s12943-023-01800-3)",
                        "Xiao et al., Table 1. DOI not verified",
                        "\nClassification:\n- Mechanism categories: Xiao et al.")
                .doesNotContain("category after");
        // The investigational statement belongs to the trial option only, not to the approved one.
        int approved = detail.indexOf("#### 1.");
        int trial = detail.indexOf("#### 2.");
        assertThat(detail.substring(approved, trial)).doesNotContain("Investigational");
        assertThat(mechanism.at("/source/label").asText()).isEqualTo("Schoenfeld 2021");
        assertThat(mechanism.at("/source/url").asText()).isEqualTo("https://doi.org/10.1016/j.annonc.2021.08.2151");
        assertThat(mechanism.at("/source/topic/system").asText()).isEqualTo(CardCodes.MECHANISM_SYSTEM);
        assertThat(mechanism.at("/source/topic/code").asText()).isEqualTo("antigen-presentation-defect");
        assertThat(mechanism.get("selectionBehavior").asText()).isEqualTo("any");
        JsonNode suggestion = mechanism.get("suggestions").get(0);
        assertThat(suggestion.get("label").asText())
                .isEqualTo("Investigational: Refer to a clinical trial of TIGIT co-inhibition");
        assertThat(suggestion.at("/actions/0/type").asText()).isEqualTo("create");
        assertThat(suggestion.at("/actions/0/resource/resourceType").asText()).isEqualTo("ServiceRequest");
        assertThat(suggestion.at("/actions/0/resource/id").asText()).isEqualTo(suggestion.get("uuid").asText());
        assertThat(suggestion.at("/actions/0/resource/subject/reference").asText()).isEqualTo("Patient/p1");
    }

    @Test
    void everyCardOffersOverrideReasonsWithDisplays() throws Exception {
        for (JsonNode card : map("patient-view", FakeEvaluations.withMechanism()).get("cards")) {
            assertThat(card.get("overrideReasons")).isNotEmpty();
            for (JsonNode reason : card.get("overrideReasons")) {
                assertThat(reason.get("system").asText()).isEqualTo(CardCodes.OVERRIDE_REASON_SYSTEM);
                assertThat(reason.get("code").asText()).isNotBlank();
                assertThat(reason.get("display").asText()).isNotBlank();
            }
        }
    }

    @Test
    void acquiredResistanceWithoutMechanismSuggestsTheMonitoringTests() throws Exception {
        JsonNode cards = map("patient-view", FakeEvaluations.withoutMechanism()).get("cards");

        assertThat(cards).hasSize(2);
        JsonNode workUp = cards.get(1);
        assertThat(workUp.get("summary").asText()).isEqualTo("Work up the resistance mechanism: ctDNA panel and re-biopsy");
        assertThat(workUp.get("indicator").asText()).isEqualTo("warning");
        assertThat(workUp.get("detail").asText())
                .contains("No resistance mechanism is identified yet", "Evidence level: late-phase clinical trial.")
                .doesNotContain("Investigational");
        assertThat(workUp.get("selectionBehavior").asText()).isEqualTo("any");
        assertThat(workUp.get("suggestions")).hasSize(2);
        List<String> tests = new ArrayList<>();
        for (JsonNode suggestion : workUp.get("suggestions")) {
            JsonNode action = suggestion.get("actions").get(0);
            assertThat(action.get("type").asText()).isEqualTo("create");
            assertThat(action.at("/resource/resourceType").asText()).isEqualTo("ServiceRequest");
            assertThat(action.at("/resource/id").asText()).isNotBlank();
            tests.add(action.at("/resource/code/text").asText());
        }
        assertThat(tests).containsExactly("ctDNA NGS panel", "Tissue re-biopsy NGS");
        assertThat(workUp.get("suggestions").get(0).get("uuid").asText())
                .isNotEqualTo(workUp.get("suggestions").get(1).get("uuid").asText());
    }

    @Test
    void orderHooksShowTheOrderRecommendationsOnly() throws Exception {
        for (String hook : List.of("order-select", "order-sign")) {
            JsonNode cards = map(hook, FakeEvaluations.forOrders()).get("cards");

            assertThat(cards).as(hook).hasSize(2);
            assertThat(cards.get(0).get("summary").asText()).isEqualTo("Pembrolizumab continued despite acquired resistance");
            assertThat(cards.get(0).get("indicator").asText()).isEqualTo("warning");
            assertThat(cards.get(0).get("detail").asText()).contains("Work up the mechanism", "Evidence level:");
            assertThat(cards.get(1).get("summary").asText()).isEqualTo("Order matches a strategy for the detected mechanism");
            assertThat(cards.get(1).get("indicator").asText()).isEqualTo("info");
            assertThat(cards.get(1).at("/source/topic/code").asText()).isEqualTo("antigen-presentation-defect");
        }
    }

    /** A canonical URL opens nothing in a browser: without a verified DOI the source is this server's page. */
    @Test
    void sourcesWithoutAVerifiedDoiLinkToTheKnowledgePage() throws Exception {
        JsonNode workUp = map("patient-view", FakeEvaluations.withoutMechanism()).at("/cards/1");
        assertThat(workUp.at("/source/label").asText()).isEqualTo("Review");
        assertThat(workUp.at("/source/url").asText())
                .isEqualTo("https://cds.example.org/knowledge/ar-monitoring#mechanism-workup");

        MechanismFinding unaddressed = new MechanismFinding("metabolic-reprogramming", "Metabolic reprogramming",
                "possible", List.of("finding"), List.of());
        JsonNode mechanism = map("patient-view", new Evaluation(FakeEvaluations.acquiredResistance(),
                List.of(unaddressed), List.of(), List.of())).at("/cards/1");
        assertThat(mechanism.at("/source/label").asText()).isEqualTo("Resistance CDS knowledge base");
        assertThat(mechanism.at("/source/url").asText()).isEqualTo("https://cds.example.org/knowledge/");

        KnowledgePageLinks links = KnowledgePageLinks.at("http://localhost:8080");
        assertThat(links.action(FakeEvaluations.PLAN + "|0.1.0", "tigit-combo"))
                .isEqualTo("http://localhost:8080/knowledge/ar-strategies#tigit-combo");
        assertThat(links.action("http://elsewhere.example/PlanDefinition/x", "a"))
                .isEqualTo("http://localhost:8080/knowledge/");
    }

    @Test
    void priorityMapsToIndicator() {
        assertThat(CardMapper.indicator("routine").name()).isEqualTo("INFO");
        assertThat(CardMapper.indicator("urgent").name()).isEqualTo("WARNING");
        assertThat(CardMapper.indicator("asap").name()).isEqualTo("CRITICAL");
        assertThat(CardMapper.indicator(null).name()).isEqualTo("INFO");
    }

    @Test
    void cardIdsAreStableAcrossCallsAndDistinctAcrossPatientsAndHooks() throws Exception {
        JsonNode first = map("patient-view", FakeEvaluations.withMechanism()).get("cards");
        JsonNode again = map("patient-view", FakeEvaluations.withMechanism()).get("cards");
        CdsServiceResponseJson other = mapper.map("patient-view", "p2", FakeEvaluations.withMechanism());

        for (int i = 0; i < first.size(); i++) {
            assertThat(first.get(i).get("uuid").asText()).isEqualTo(again.get(i).get("uuid").asText())
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(first.get(i).get("uuid").asText()).isNotEqualTo(other.getCards().get(i).getUuid());
        }
        assertThat(map("order-sign", FakeEvaluations.forOrders()).at("/cards/0/uuid").asText())
                .isNotEqualTo(map("order-select", FakeEvaluations.forOrders()).at("/cards/0/uuid").asText());
    }

    @Test
    void notExposedPatientsGetNoCardsEvenWithAMechanismFinding() throws Exception {
        assertThat(FakeEvaluations.notExposed().mechanisms()).isNotEmpty();
        assertThat(map("patient-view", FakeEvaluations.notExposed()).get("cards")).isEmpty();
    }

    @Test
    void longTitlesAreCutBelow140CharactersAndInvestigationalIsSaidInTheSummary() throws Exception {
        String title = "A ".repeat(100) + "combination";
        Recommendation long1 = new Recommendation(FakeEvaluations.PLAN, "long", title, "d", "routine",
                "preclinical", true, List.of(), List.of(), List.of());
        Recommendation plain = new Recommendation(FakeEvaluations.PLAN, "plain", "Bispecific antibody", "d",
                "routine", "preclinical", true, List.of(), List.of(), List.of());
        Evaluation evaluation = new Evaluation(new StatusVerdict("responding", "Responding", List.of(), List.of()),
                List.of(), List.of(long1, plain), List.of());

        JsonNode cards = map("patient-view", evaluation).get("cards");

        assertThat(cards.get(1).get("summary").asText()).hasSizeLessThan(140).endsWith("…");
        assertThat(cards.get(2).get("summary").asText()).isEqualTo("Bispecific antibody (investigational)");
        assertThat(cards.get(2).get("detail").asText())
                .contains("**Investigational:**", "Evidence level: preclinical evidence only.",
                        "References: none recorded in the knowledge base");
        assertThat(cards.get(0).get("indicator").asText()).isEqualTo("info");
    }

    /** Knowledge that failed for the patient: each hook says the cards are not the whole guidance. */
    @Test
    void recommendationsLeftOutByFailingKnowledgeAreAWarningOnEveryHook() throws Exception {
        Evaluation base = FakeEvaluations.withMechanism();
        List<org.resistancecds.knowledge.OmittedRecommendation> omitted = List.of(
                new org.resistancecds.knowledge.OmittedRecommendation(FakeEvaluations.PLAN, "acquired-resistance",
                        "Strategies under *acquired* resistance", "incident-1"));
        Evaluation incomplete = new Evaluation(base.status(), base.mechanisms(), base.recommendations(),
                base.derivedObservations(), base.notes(), base.serial(), omitted);
        Evaluation quiet = new Evaluation(FakeEvaluations.notExposed().status(), List.of(), List.of(), List.of(),
                List.of(), base.serial(), omitted);

        for (String hook : List.of("patient-view", "order-select", "order-sign")) {
            JsonNode cards = map(hook, incomplete).get("cards");
            assertThat(cards.size()).as(hook).isEqualTo(map(hook, base).get("cards").size() + 1);
            JsonNode notice = cards.get(0);
            assertThat(notice.get("indicator").asText()).isEqualTo("warning");
            assertThat(notice.get("summary").asText())
                    .isEqualTo("Guidance incomplete: 1 recommendation could not be evaluated for this patient");
            assertThat(notice.get("detail").asText())
                    .contains("- \"Strategies under \\*acquired\\* resistance\" (incident incident-1)",
                            "not the whole guidance", "Evidence level: not applicable");
        }
        // Never given PD-(L)1 blockade: patient-view shows no card at all, as without the failure.
        assertThat(map("patient-view", quiet).get("cards")).isEmpty();
        assertThat(map("order-select", quiet).get("cards").get(0).get("summary").asText())
                .startsWith("Guidance incomplete");
    }

    @Test
    void reasonsFromDataCannotInjectMarkdownStructure() throws Exception {
        StatusVerdict status = new StatusVerdict("responding", "Responding",
                List.of("# not a heading [click](http://evil.example)"), List.of());
        JsonNode card = map("patient-view", new Evaluation(status, List.of(), List.of(), List.of())).at("/cards/0");

        assertThat(card.get("detail").asText()).contains("- \\# not a heading \\[click\\](http://evil.example)");
    }

    /**
     * With the shipped knowledge: every investigational card and every trial referral says "Investigational", in the
     * label, the action and the ServiceRequest's notes.
     */
    @Test
    void investigationalOptionsSayItInSummaryAndSuggestionLabel() throws Exception {
        List<org.hl7.fhir.r4.model.Resource> record =
                new ArrayList<>(org.resistancecds.knowledge.Fixtures.acquiredResistanceCourse());
        record.add(org.resistancecds.knowledge.Fixtures.somatic(
                org.resistancecds.knowledge.Fixtures.variant("HGNC:6190", "JAK1", "p.Arg12Ter")));
        Evaluation evaluation = new org.resistancecds.knowledge.KnowledgeEvaluator(
                org.resistancecds.knowledge.Fixtures.knowledge()).evaluate(
                org.resistancecds.knowledge.Fixtures.request("patient-view", record, List.of()));

        JsonNode cards = map("patient-view", evaluation).get("cards");

        int referrals = 0;
        for (JsonNode card : cards) {
            if (card.get("detail").asText().startsWith("**Investigational:**")) {
                assertThat(card.get("summary").asText()).containsIgnoringCase("investigational");
            }
            for (JsonNode suggestion : card.path("suggestions")) {
                if (suggestion.at("/actions/0/resource/instantiatesCanonical/0").asText().endsWith("/trial-referral")) {
                    referrals++;
                    assertThat(suggestion.get("label").asText()).startsWith("Investigational: ");
                    assertThat(suggestion.at("/actions/0/description").asText()).startsWith("Investigational: ");
                    // The order that stays in the EHR once accepted says so too.
                    assertThat(suggestion.at("/actions/0/resource/note").findValuesAsText("text"))
                            .anySatisfy(note -> assertThat(note).containsIgnoringCase("investigational"));
                }
            }
        }
        assertThat(referrals).as("trial referrals offered").isGreaterThanOrEqualTo(3);
    }

    private JsonNode map(String hook, Evaluation evaluation) throws Exception {
        String json = new String(JSON.write(mapper.map(hook, "p1", evaluation)));
        assertThat(CdsHooksModelValidator.get().errors(json, CdsHooksModelValidator.RESPONSE)).isEmpty();
        return TREE.readTree(json);
    }
}
