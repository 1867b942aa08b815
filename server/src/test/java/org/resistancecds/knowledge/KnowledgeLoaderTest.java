package org.resistancecds.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.junit.jupiter.api.Test;
import org.resistancecds.conformance.ContentFile;
import org.resistancecds.conformance.ContentReader;
import org.resistancecds.knowledge.plan.CompiledAction;

class KnowledgeLoaderTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void theShippedKnowledgeLoadsAndEveryRecommendationHasEvidenceAndCitations() {
        KnowledgeBase knowledge = Fixtures.knowledge();
        assertThat(knowledge.plans()).extracting(p -> p.url()).contains(
                KnowledgeCodes.BASE + "/PlanDefinition/acquired-resistance-strategies",
                KnowledgeCodes.BASE + "/PlanDefinition/resistance-monitoring",
                KnowledgeCodes.BASE + "/PlanDefinition/acquired-resistance-order-check");
        List<CompiledAction> leaves = new ArrayList<>();
        knowledge.plans().forEach(p -> p.actions().forEach(a -> collectLeaves(a, leaves)));
        assertThat(leaves).hasSizeGreaterThan(10);
        assertThat(leaves).allSatisfy(leaf -> {
            assertThat(leaf.evidenceLevel()).isNotBlank();
            assertThat(leaf.citations()).isNotEmpty();
            assertThat(leaf.conditions()).as(leaf.id() + " is gated by conditions of its own or of its group").isNotNull();
        });
        assertThat(knowledge.criteria().confirmationMinimumIntervalDays()).isEqualTo(28.0);
        assertThat(knowledge.criteria().postDiscontinuationWindowDays()).isEqualTo(84.0);
        assertThat(knowledge.criteria().acquiredMinimumExposureDays()).isEqualTo(182.625);
    }

    @Test
    void onlyVerifiedDoisAppearInTheCatalogue() {
        // domain-facts.md section 5: the DOIs verified so far.
        List<String> verified = List.of("10.1038/s41467-023-41737-1", "10.1158/0008-5472.CAN-23-2627",
                "10.1126/sciadv.adm8660", "10.1186/s12943-023-01800-3", "10.1186/s13045-024-01581-2",
                "10.1038/s41586-018-0392-8", "10.1136/jitc-2019-000398", "10.1016/j.annonc.2021.08.2151");
        List<ContentFile> files = new ContentReader(FHIR).read("knowledge");
        List<String> dois = new ArrayList<>();
        for (ContentFile file : files) {
            FHIR.newTerser().getAllPopulatedChildElementsOfType(file.resource(), RelatedArtifact.class).stream()
                    .filter(RelatedArtifact::hasUrl)
                    .map(RelatedArtifact::getUrl)
                    .filter(url -> url.startsWith("https://doi.org/"))
                    .forEach(url -> dois.add(url.substring("https://doi.org/".length())));
        }
        assertThat(dois).isNotEmpty().allSatisfy(doi -> assertThat(verified).contains(doi));
    }

    @Test
    void aConditionThatDoesNotParseStopsLoading() {
        List<IBaseResource> resources = shippedResources();
        PlanDefinition plan = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("acquired-resistance-strategies"))
                .findFirst()
                .orElseThrow();
        plan.getActionFirstRep().getConditionFirstRep().getExpression().setExpression("%statusCode = ");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("acquired-resistance-strategies#acquired-resistance");
    }

    /** Retired is FHIR's way to withdraw a PlanDefinition: it was still applied. */
    @Test
    void aRetiredPlanDefinitionIsNotApplied() {
        List<IBaseResource> resources = shippedResources();
        String strategies = KnowledgeCodes.BASE + "/PlanDefinition/acquired-resistance-strategies";
        resources.stream().filter(r -> r instanceof PlanDefinition p && p.getUrl().equals(strategies))
                .forEach(r -> ((PlanDefinition) r).setStatus(Enumerations.PublicationStatus.RETIRED));

        KnowledgeBase knowledge = KnowledgeLoader.load(FHIR, resources);

        assertThat(knowledge.plans()).extracting(p -> p.url()).doesNotContain(strategies)
                .contains(KnowledgeCodes.BASE + "/PlanDefinition/resistance-monitoring");
    }

    /** A retired ActivityDefinition is withdrawn too, so a plan still suggesting it does not load. */
    @Test
    void aRetiredActivityDefinitionAPlanUsesStopsLoading() {
        List<IBaseResource> resources = shippedResources();
        resources.stream().filter(r -> r instanceof ActivityDefinition a && a.getUrl().endsWith("/ctdna-resistance-panel"))
                .forEach(r -> ((ActivityDefinition) r).setStatus(Enumerations.PublicationStatus.RETIRED));

        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("ctdna-resistance-panel");
    }

    /** A threshold without a unit failed with a Java message; a negative one turned verdicts. */
    @Test
    void aCriteriaDurationWithoutUnitOrNegativeStopsLoading() {
        List<IBaseResource> noUnit = shippedResources();
        exposure(noUnit).setCode(null);
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, noUnit)).isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("acquired-minimum-exposure needs a UCUM unit code");

        List<IBaseResource> negative = shippedResources();
        exposure(negative).setValue(-30);
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, negative)).isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("acquired-minimum-exposure must not be negative");
    }

    /** The acquired-resistance minimum exposure of the criteria Library among the resources. */
    private static Quantity exposure(List<IBaseResource> resources) {
        Library criteria = (Library) resources.stream()
                .filter(r -> r instanceof Library l && l.getUrl().equals(KnowledgeCodes.CRITERIA_LIBRARY))
                .findFirst().orElseThrow();
        return (Quantity) criteria.getParameter().stream().filter(p -> p.getName().equals("acquired-minimum-exposure"))
                .findFirst().orElseThrow().getExtensionFirstRep().getValue();
    }

    @Test
    void aCitationThatDiffersFromTheCatalogueStopsLoading() {
        List<IBaseResource> resources = shippedResources();
        PlanDefinition plan = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("acquired-resistance-strategies"))
                .findFirst()
                .orElseThrow();
        plan.getActionFirstRep().getActionFirstRep().getDocumentationFirstRep().setUrl("https://doi.org/10.9999/made-up");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("differs from the citation Library");
    }

    @Test
    void aRecommendationWithoutEvidenceLevelStopsLoading() {
        List<IBaseResource> resources = shippedResources();
        PlanDefinition plan = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("resistance-monitoring"))
                .findFirst()
                .orElseThrow();
        plan.getActionFirstRep().getActionFirstRep().getExtension().clear();
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("evidence level");
    }

    /** Card text is shown in the EHR's page: HTML or a script link in it is refused; Markdown autolinks are text. */
    @Test
    void markupInARecommendationsTextStopsLoading() {
        for (String text : List.of("See <img src=x onerror=alert(1)>.", "<script>alert(1)</script>",
                "[trial](javascript:alert(1))", "Note <!-- hidden -->")) {
            List<IBaseResource> resources = shippedResources();
            monitoringLeaf(resources).setDescription(text);
            assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources)).as(text)
                    .isInstanceOf(KnowledgeException.class)
                    .hasMessageContaining("resistance-monitoring#")
                    .hasMessageContaining("HTML or a script link");
        }
        List<IBaseResource> resources = shippedResources();
        monitoringLeaf(resources).setDescription("PD-L1 <1% and TMB < 10; see <https://doi.org/10.1000/x>.");
        assertThat(KnowledgeLoader.load(FHIR, resources).plans()).isNotEmpty();
    }

    /** Two evidence levels failed the compiler with a Java message; an unknown level was not named. */
    @Test
    void anEvidenceLevelStatedTwiceOrUnknownIsNamed() {
        List<IBaseResource> resources = shippedResources();
        PlanDefinition.PlanDefinitionActionComponent leaf = monitoringLeaf(resources);
        leaf.addExtension(leaf.getExtension().get(0).copy());
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class).hasMessageContaining("evidence level 2 times");

        List<IBaseResource> unknown = shippedResources();
        PlanDefinition.PlanDefinitionActionComponent other = monitoringLeaf(unknown);
        ((CodeableConcept) other.getExtension().get(0).getValue()).getCodingFirstRep().setCode("phase-2-trial");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, unknown))
                .isInstanceOf(KnowledgeException.class).hasMessageContaining("'phase-2-trial' is none of them");
    }

    /** A preclinical strategy labelled approved would read "approved therapy (standard of care)" on its card. */
    @Test
    void aRecommendationClaimingMoreEvidenceThanItsStrategyStopsLoading() {
        List<IBaseResource> resources = shippedResources();
        setLevel(strategyLeaf(resources, "ici-plus-cox2-inhibitor"), "approved");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, resources))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("acquired-resistance-strategies#ici-plus-cox2-inhibitor")
                .hasMessageContaining("states evidence level 'approved'")
                .hasMessageContaining("rates strategy 'ici-plus-cox2-inhibitor' at 'preclinical'");

        // Consensus ranks below the trials, but it is not investigational: it would drop the label from a trial.
        List<IBaseResource> consensus = shippedResources();
        setLevel(strategyLeaf(consensus, "pd1-ctla4-dual-blockade"), "consensus");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, consensus))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("rates strategy 'pd1-ctla4-dual-blockade' at 'early-phase-trial'");

        // A category without a level of its own is bounded by its weakest example: the action names none of them.
        List<IBaseResource> category = shippedResources();
        PlanDefinition.PlanDefinitionActionComponent tme = strategyLeaf(category, "mdsc-targeting");
        tme.getCodeFirstRep().getCodingFirstRep().setCode("tme-targeting");
        setLevel(tme, "early-phase-trial");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, category))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("rates strategy 'tme-targeting' at 'preclinical'");

        List<IBaseResource> weaker = shippedResources();
        setLevel(strategyLeaf(weaker, "pd1-ctla4-dual-blockade"), "preclinical");
        assertThat(KnowledgeLoader.load(FHIR, weaker).plans()).isNotEmpty();

        List<IBaseResource> unknown = shippedResources();
        strategyLeaf(unknown, "mdsc-targeting").getCodeFirstRep().getCodingFirstRep().setCode("mdsc-depletion");
        assertThatThrownBy(() -> KnowledgeLoader.load(FHIR, unknown))
                .isInstanceOf(KnowledgeException.class)
                .hasMessageContaining("strategy 'mdsc-depletion' is not in");
    }

    private static PlanDefinition.PlanDefinitionActionComponent strategyLeaf(List<IBaseResource> resources, String id) {
        PlanDefinition plan = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("acquired-resistance-strategies"))
                .findFirst()
                .orElseThrow();
        return plan.getActionFirstRep().getAction().stream().filter(a -> id.equals(a.getId())).findFirst().orElseThrow();
    }

    private static void setLevel(PlanDefinition.PlanDefinitionActionComponent action, String level) {
        ((CodeableConcept) action.getExtensionByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION).getValue())
                .getCodingFirstRep().setCode(level);
    }

    private static PlanDefinition.PlanDefinitionActionComponent monitoringLeaf(List<IBaseResource> resources) {
        PlanDefinition plan = (PlanDefinition) resources.stream()
                .filter(r -> r instanceof PlanDefinition p && p.getUrl().endsWith("resistance-monitoring"))
                .findFirst()
                .orElseThrow();
        return plan.getActionFirstRep().getActionFirstRep();
    }

    private static List<IBaseResource> shippedResources() {
        ContentReader reader = new ContentReader(FHIR);
        List<IBaseResource> resources = new ArrayList<>();
        reader.read("terminology").forEach(f -> resources.add(f.resource()));
        reader.read("knowledge").forEach(f -> resources.add(f.resource()));
        return resources;
    }

    private static void collectLeaves(CompiledAction action, List<CompiledAction> into) {
        if (action.isLeaf()) {
            into.add(action);
        } else {
            action.children().forEach(c -> collectLeaves(c, into));
        }
    }
}
