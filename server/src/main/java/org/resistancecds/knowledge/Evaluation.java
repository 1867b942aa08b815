package org.resistancecds.knowledge;

import java.util.List;
import org.hl7.fhir.r4.model.Observation;

/**
 * The engine's answer for one patient.
 *
 * @param status the acquired-resistance classification with its reasons
 * @param mechanisms inferred mechanisms, each with its confidence and the findings it rests on
 * @param recommendations the applicable PlanDefinition actions, in knowledge order
 * @param derivedObservations the status and mechanism-assessment Observations (our profiles), with
 *     {@code derivedFrom} links to the resources used
 */
public record Evaluation(
        StatusVerdict status,
        List<MechanismFinding> mechanisms,
        List<Recommendation> recommendations,
        List<Observation> derivedObservations) {}
