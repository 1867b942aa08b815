package org.resistancecds.cds.cards;

import java.util.List;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledge.Recommendation.Citation;

/** Wording shared by the cards: summaries within the 140-character limit, evidence and citations in Markdown. */
public final class CardText {

    /** CDS Hooks: "summary ... SHOULD be under 140 characters". */
    static final int SUMMARY_LIMIT = 140;

    /** The note on an investigational action whose own text does not say so. */
    static final String INVESTIGATIONAL = "**Investigational:** " + Recommendation.NOT_STANDARD_CARE;

    private CardText() {}

    static String summary(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        if (oneLine.length() < SUMMARY_LIMIT) {
            return oneLine;
        }
        return oneLine.substring(0, SUMMARY_LIMIT - 2).strip() + "…";
    }

    public static String evidenceLevel(String code) {
        if (code == null || code.isBlank()) {
            return "not recorded in the knowledge base";
        }
        return switch (code) {
            case "preclinical" -> "preclinical evidence only";
            case "consensus" -> "expert consensus definitions (not a therapy approval or trial result)";
            case "observational" -> "observational cohort data (no interventional trial)";
            case "early-phase-trial" -> "early-phase clinical trial";
            case "late-phase-trial" -> "late-phase clinical trial";
            case "approved" -> "approved therapy (standard of care)";
            default -> code;
        };
    }

    static void appendCitations(StringBuilder md, List<Citation> citations) {
        if (citations.isEmpty()) {
            md.append("References: none recorded in the knowledge base for this recommendation.\n");
            return;
        }
        md.append("References:\n");
        for (Citation citation : citations) {
            appendReference(md, citation.label(), citation.citation(), citation.doi());
        }
    }

    static void appendReference(StringBuilder md, String label, String citation, String doi) {
        md.append("- ");
        if (label != null && !label.isBlank()) {
            md.append(escape(label)).append(": ");
        }
        // Citations often end with their own full stop ("PMID 32238470."); the DOI sentence adds one.
        md.append(escape(citation == null ? "" : citation.strip().replaceAll("\\.+$", "")));
        if (doi != null && !doi.isBlank()) {
            md.append(". DOI [").append(doi).append("](").append(doiUrl(doi)).append(")");
        } else {
            md.append(". DOI not verified; see the review's reference list");
        }
        md.append('\n');
    }

    static String doiUrl(String doi) {
        return "https://doi.org/" + doi;
    }

    static void appendBullets(StringBuilder md, List<String> lines) {
        for (String line : lines) {
            md.append("- ").append(escape(line)).append('\n');
        }
    }

    static void appendEvidenceResources(StringBuilder md, List<String> references) {
        if (references.isEmpty()) {
            return;
        }
        md.append("\nBased on: ");
        for (int i = 0; i < references.size(); i++) {
            md.append(i == 0 ? "" : ", ").append('`').append(references.get(i).replace("`", "")).append('`');
        }
        md.append('\n');
    }

    /** Keeps data from being read as Markdown structure (a reason starting with '#' is not a heading). */
    static String escape(String text) {
        return text.replace("\\", "\\\\")
                .replace("*", "\\*")
                .replace("_", "\\_")
                .replace("`", "\\`")
                .replace("#", "\\#")
                .replace("[", "\\[")
                .replace("]", "\\]")
                .replace("<", "&lt;");
    }
}
