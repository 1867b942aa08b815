package org.resistancecds.knowledge;

/**
 * Turns one patient's FHIR data into a resistance status, mechanism assessments and guidance, using the
 * knowledge in {@code knowledge/}. Implementations import no web, servlet or CDS transport type.
 */
public interface ResistanceEvaluator {

    /** Evaluates the patient's data for one trigger (a CDS hook name or {@code evaluate-resistance}). */
    Evaluation evaluate(EvaluationRequest request);
}
