package org.resistancecds.cds.request;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Resource;

/**
 * The {@code context} of a hook call, checked against the hook's definition.
 *
 * @param userId the user, as {@code ResourceType/id}
 * @param patientId the patient's logical id
 * @param encounterId the encounter's logical id, or null
 * @param selections ids ({@code Type/id}) of the orders being selected (order-select only)
 * @param draftOrders the resources of the {@code draftOrders} Bundle (order-select and order-sign)
 * @param selectedOrders the draft orders that {@code selections} name (order-select only)
 * @param tokens the root-level primitive fields, the values prefetch tokens {@code {{context.x}}} may take
 */
public record HookContext(
        String userId,
        String patientId,
        String encounterId,
        List<String> selections,
        List<Resource> draftOrders,
        List<Resource> selectedOrders,
        Map<String, String> tokens) {

    public HookContext {
        selections = List.copyOf(selections);
        draftOrders = List.copyOf(draftOrders);
        selectedOrders = List.copyOf(selectedOrders);
        tokens = Map.copyOf(tokens);
    }
}
