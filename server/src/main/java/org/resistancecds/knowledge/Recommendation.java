package org.resistancecds.knowledge;

import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * One applicable action of a PlanDefinition.
 *
 * @param planDefinition canonical URL of the PlanDefinition
 * @param actionId the action's id within it, stable across releases (cards derive their uuid from it)
 * @param title short title (a card summary, under 140 characters)
 * @param description Markdown detail
 * @param priority {@code routine}, {@code urgent} or {@code asap} (maps to a card indicator)
 * @param evidenceLevel code of the evidence-level scale: {@code preclinical}, {@code consensus},
 *     {@code observational}, {@code early-phase-trial}, {@code late-phase-trial}, {@code approved}
 * @param investigational true when the action is not standard care (any level but approved and consensus)
 * @param mechanisms mechanism codes the action addresses (empty for status or monitoring advice)
 * @param citations the evidence it rests on
 * @param suggestions resources to create when the clinician accepts (e.g. a ServiceRequest)
 */
public record Recommendation(
        String planDefinition,
        String actionId,
        String title,
        String description,
        String priority,
        String evidenceLevel,
        boolean investigational,
        List<String> mechanisms,
        List<Citation> citations,
        List<Suggestion> suggestions) {

    /**
     * What every investigational action is, a test as much as a therapy (a ctDNA panel is on the market; using it to
     * find resistance mechanisms is what is not yet standard); where to offer it is for the action's own text.
     */
    public static final String NOT_STANDARD_CARE =
            "not standard of care for acquired resistance; the evidence for this use is still emerging.";

    /** The same as a plain-text note (the cards set its first word in bold). */
    public static final String INVESTIGATIONAL_NOTE = "Investigational: " + NOT_STANDARD_CARE;

    /** The title, with "(investigational)" added when the action is and the title does not say so. */
    public String labelledTitle() {
        String text = title == null ? "Recommendation" : title;
        return investigational && !saysInvestigational(text) ? text + " (investigational)" : text;
    }

    /** Whether the description still needs the investigational note (it is investigational and says nothing of it). */
    public boolean needsInvestigationalNote() {
        return investigational && (description == null || !saysInvestigational(description));
    }

    /** A suggestion's label (the title when it has none), led by "Investigational:" when that is due. */
    public String labelOf(Suggestion suggestion) {
        String label = suggestion.label() == null ? title : suggestion.label();
        return investigational && label != null && !saysInvestigational(label) ? "Investigational: " + label : label;
    }

    /**
     * A copy of the suggested resource to propose. An investigational ServiceRequest gets a note saying so, unless
     * one of its notes does: it is the order that stays in the EHR once a clinician accepts the suggestion.
     */
    public Resource proposalOf(Suggestion suggestion) {
        Resource copy = suggestion.resource().copy();
        if (investigational && copy instanceof ServiceRequest request && request.getNote().stream()
                .noneMatch(note -> note.hasText() && saysInvestigational(note.getText()))) {
            request.addNote().setText(INVESTIGATIONAL_NOTE);
        }
        return copy;
    }

    /**
     * Whether a text already says the option is investigational. Naming a trial is not enough: "Referral for a
     * clinical trial" reads like a routine referral, so it gets the word too.
     */
    public static boolean saysInvestigational(String text) {
        return text.toLowerCase(Locale.ROOT).contains("investigational");
    }

    /** A reference in the review, with its DOI when one is verified. */
    public record Citation(String label, String citation, String doi) {}

    /** Something the clinician can accept: create the resource. */
    public record Suggestion(String label, Resource resource) {}
}
