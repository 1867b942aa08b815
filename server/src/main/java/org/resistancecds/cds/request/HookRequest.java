package org.resistancecds.cds.request;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Resource;

/**
 * A checked CDS Hooks service call.
 *
 * @param hook the hook that fired
 * @param hookInstance the client's id of this call
 * @param fhirServer the client's FHIR base URL, or null when none was given
 * @param fhirAuthorization the token for {@code fhirServer}, or null
 * @param context the hook context
 * @param prefetch usable prefetched resources by key; a key that was sent as {@code null}, as an
 *     OperationOutcome, or not at all is absent here
 * @param nullPrefetch keys the client sent as {@code null}: it has no data for them (CDS Hooks 2.0, "Prefetch")
 */
public record HookRequest(
        String hook,
        String hookInstance,
        URI fhirServer,
        FhirAuthorization fhirAuthorization,
        HookContext context,
        Map<String, IBaseResource> prefetch,
        Set<String> nullPrefetch) {

    public HookRequest {
        prefetch = Map.copyOf(prefetch);
        nullPrefetch = Set.copyOf(nullPrefetch);
    }

    /**
     * The draft orders this call asks about: order-select the ones just selected, order-sign all of them. The
     * Medications sent in the draftOrders Bundle are not orders but what orders may refer to: they are always
     * kept.
     */
    public List<Resource> ordersInQuestion() {
        List<Resource> drafts = context.draftOrders();
        if (!hook.equals("order-select")) {
            return drafts;
        }
        // The parser matched the selections to the drafts by their own ids (a fullUrl may be a urn:uuid).
        List<Resource> selected = context.selectedOrders();
        return drafts.stream()
                .filter(order -> order instanceof Medication || selected.contains(order))
                .toList();
    }
}
