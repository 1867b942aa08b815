package org.resistancecds.knowledge;

import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.resistancecds.knowledge.serial.SerialAnalysis;

/**
 * The engine's answer for one patient.
 *
 * @param status the acquired-resistance classification with its reasons
 * @param mechanisms inferred mechanisms, each with its confidence and the findings it rests on
 * @param recommendations the applicable PlanDefinition actions, in knowledge order
 * @param derivedObservations the status and mechanism-assessment Observations (our profiles), with
 *     {@code derivedFrom} links to the resources used
 * @param notes data that did not count and why (entered-in-error, germline, genes without a mechanism...)
 * @param serial the patient's variants lined up over serial samples, with their dynamics
 * @param omitted recommendations left out because the knowledge failed for this patient (each also in the notes):
 *     when there are any, the recommendations are incomplete
 */
public record Evaluation(
        StatusVerdict status,
        List<MechanismFinding> mechanisms,
        List<Recommendation> recommendations,
        List<Observation> derivedObservations,
        List<String> notes,
        SerialAnalysis serial,
        List<OmittedRecommendation> omitted) {

    public Evaluation {
        mechanisms = List.copyOf(mechanisms);
        recommendations = List.copyOf(recommendations);
        derivedObservations = List.copyOf(derivedObservations);
        notes = List.copyOf(notes);
        omitted = List.copyOf(omitted);
    }

    /** Nothing omitted. */
    public Evaluation(
            StatusVerdict status,
            List<MechanismFinding> mechanisms,
            List<Recommendation> recommendations,
            List<Observation> derivedObservations,
            List<String> notes,
            SerialAnalysis serial) {
        this(status, mechanisms, recommendations, derivedObservations, notes, serial, List.of());
    }

    /** Without serial analysis. */
    public Evaluation(
            StatusVerdict status,
            List<MechanismFinding> mechanisms,
            List<Recommendation> recommendations,
            List<Observation> derivedObservations,
            List<String> notes) {
        this(status, mechanisms, recommendations, derivedObservations, notes, new SerialAnalysis(null, List.of()));
    }

    /** Without notes: the original four-part contract. */
    public Evaluation(
            StatusVerdict status,
            List<MechanismFinding> mechanisms,
            List<Recommendation> recommendations,
            List<Observation> derivedObservations) {
        this(status, mechanisms, recommendations, derivedObservations, List.of());
    }
}
