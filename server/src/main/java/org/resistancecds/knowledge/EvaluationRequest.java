package org.resistancecds.knowledge;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the engine evaluates.
 *
 * @param patientId the patient's logical id
 * @param trigger the event that asks: {@code patient-view}, {@code order-select}, {@code order-sign} or
 *     {@code evaluate-resistance}; PlanDefinitions name the triggers they answer
 * @param resources the patient's record (any resource types; irrelevant ones are ignored)
 * @param draftOrders orders being selected or signed (empty for patient-view and the operation)
 * @param asOf the date the evaluation speaks for (usually now)
 */
public record EvaluationRequest(
        String patientId, String trigger, List<Resource> resources, List<Resource> draftOrders, Instant asOf) {

    public EvaluationRequest {
        resources = List.copyOf(resources);
        draftOrders = List.copyOf(draftOrders);
    }
}
