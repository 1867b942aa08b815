package org.resistancecds.knowledge.mechanism;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.resistancecds.knowledge.terminology.Confidence;

/**
 * One finding's support for one mechanism.
 *
 * @param kind genomic or non-genomic: corroboration needs both
 * @param findingCode what the finding is about (for a variant: the gene studied, LOINC 48018-6)
 * @param findingValue the gene or the finding's result, as it appears in the assessment's component
 * @param source reference of the Observation
 */
public record Contribution(
        String mechanism,
        String mechanismDisplay,
        Confidence confidence,
        Kind kind,
        CodeableConcept findingCode,
        CodeableConcept findingValue,
        String source,
        String reason) {

    /** The line of evidence a finding belongs to. */
    public enum Kind {
        GENOMIC,
        NON_GENOMIC
    }
}
