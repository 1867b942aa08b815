package org.resistancecds.knowledgepage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Library;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.RelatedArtifact;
import org.resistancecds.cds.cards.CardText;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * What the page of one PlanDefinition shows: its title and description, and per action (in the plan's order, groups
 * before their members) the text, the evidence level and the citations.
 *
 * @param id the page's id (the last segment of the canonical URL)
 * @param retired whether the plan is retired, so kept for the record and not applied
 * @param actions every action, flattened; a group heads the actions under it
 */
record PlanPage(String id, String title, String description, String canonical, String version, boolean retired,
        List<ActionSection> actions) {

    /**
     * One action; {@code id} is the anchor a card links to.
     *
     * @param descriptionHtml its Markdown description as safe HTML ({@link MarkdownHtml})
     * @param group whether it holds other actions (a heading) rather than advice of its own
     */
    record ActionSection(String id, String title, String descriptionHtml, String evidenceLevel,
            List<CitationLine> citations, boolean group) {}

    /**
     * A citation as the action gives it.
     *
     * @param doiUrl its https://doi.org/ link, present only where the DOI was verified
     * @param catalogueEntry where the evidence catalogue places it ("Review reference [6]"), if it does
     */
    record CitationLine(String label, String text, String doiUrl, String catalogueEntry) {}

    private static final String DOI_PREFIX = "https://doi.org/";

    /** @param catalogue the citations Library (resistance-citations), or null when it is not stored */
    static PlanPage of(String id, PlanDefinition plan, Library catalogue) {
        Map<String, String> catalogueEntries = new HashMap<>();
        if (catalogue != null) {
            for (RelatedArtifact entry : catalogue.getRelatedArtifact()) {
                if (entry.hasLabel() && entry.hasDisplay()) {
                    catalogueEntries.put(entry.getLabel(), entry.getDisplay());
                }
            }
        }
        List<ActionSection> sections = new ArrayList<>();
        addActions(plan.getAction(), catalogueEntries, sections);
        String title = plan.hasTitle() ? plan.getTitle() : plan.hasName() ? plan.getName() : id;
        return new PlanPage(id, title, plan.getDescription(), plan.getUrl(), plan.getVersion(),
                plan.getStatus() == Enumerations.PublicationStatus.RETIRED, sections);
    }

    private static void addActions(List<PlanDefinitionActionComponent> actions, Map<String, String> catalogueEntries,
            List<ActionSection> sections) {
        for (PlanDefinitionActionComponent action : actions) {
            List<CitationLine> citations = new ArrayList<>();
            for (RelatedArtifact citation : action.getDocumentation()) {
                String url = citation.getUrl();
                citations.add(new CitationLine(citation.getLabel(), citation.getCitation(),
                        url != null && url.startsWith(DOI_PREFIX) ? url : null,
                        catalogueEntries.get(citation.getLabel())));
            }
            sections.add(new ActionSection(action.getId(), action.hasTitle() ? action.getTitle() : action.getId(),
                    MarkdownHtml.render(action.getDescription()), evidenceLevel(action), citations,
                    action.hasAction()));
            addActions(action.getAction(), catalogueEntries, sections);
        }
    }

    /**
     * The level in the words its card uses, from its code (the engine reads the code; an author's display could say
     * "Preclinical" of an action coded approved); null when the action states none.
     */
    private static String evidenceLevel(PlanDefinitionActionComponent action) {
        List<Extension> extensions = action.getExtensionsByUrl(KnowledgeCodes.EVIDENCE_LEVEL_EXTENSION);
        if (extensions.isEmpty() || !(extensions.get(0).getValue() instanceof CodeableConcept level)) {
            return null;
        }
        for (Coding coding : level.getCoding()) {
            if (KnowledgeCodes.EVIDENCE_LEVEL_SYSTEM.equals(coding.getSystem())) {
                return CardText.evidenceLevel(coding.getCode());
            }
        }
        return level.getText();
    }
}
