package org.resistancecds.validation;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

/**
 * Names the entry of the transaction or batch Bundle a stored resource came from ({@code Bundle.entry[3]}), so that
 * a validation error in a Bundle of hundreds of entries says which one failed. HAPI stores the entries' own resource
 * objects, so the entry is found by identity, or for a PATCH entry by its URL; a resource the request did not send
 * itself (or patched by a conditional URL) has no entry.
 */
record BundleEntryPath(int index) {

    private static final String BUNDLE = BundleEntryPath.class.getName() + ".bundle";
    private static final String BATCH_OUTCOMES = BundleEntryPath.class.getName() + ".batchOutcomes";

    /**
     * Keeps the request's Bundle where the storage hooks can find it: HAPI stores each entry under a sub-request
     * whose own resource is not the Bundle, but which shares the request's user data.
     */
    static void remember(RequestDetails request) {
        if (request.getResource() instanceof Bundle bundle) {
            request.getUserData().put(BUNDLE, bundle);
        }
    }

    static Optional<BundleEntryPath> of(RequestDetails request, IBaseResource resource) {
        if (request == null || !(request.getUserData().get(BUNDLE) instanceof Bundle bundle)) {
            return Optional.empty();
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).getResource() == resource) {
                return Optional.of(new BundleEntryPath(i));
            }
        }
        // A PATCH entry's resource is made by the patch, not sent: its entry is the one whose URL names it.
        String patched = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryRequestComponent entry = entries.get(i).getRequest();
            String url = entry.hasUrl() ? entry.getUrl().split("\\?", 2)[0].replaceFirst("/_history/.*$", "") : "";
            if (entry.getMethod() == Bundle.HTTPVerb.PATCH && (url.equals(patched) || url.endsWith("/" + patched))) {
                return Optional.of(new BundleEntryPath(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Keeps a failed batch entry's full outcome for its response entry: HAPI answers a failed batch entry with its
     * exception's message alone, dropping the outcome the exception carries (every issue, with its expression).
     */
    void keepForBatchResponse(RequestDetails request, OperationOutcome outcome) {
        if (request.getUserData().get(BUNDLE) instanceof Bundle bundle && bundle.getType() == Bundle.BundleType.BATCH) {
            @SuppressWarnings("unchecked")
            Map<Integer, OperationOutcome> outcomes = (Map<Integer, OperationOutcome>)
                    request.getUserData().computeIfAbsent(BATCH_OUTCOMES, key -> new ConcurrentHashMap<>());
            outcomes.put(index, outcome);
        }
    }

    /** Puts the kept outcomes into the batch response's entries, which answer the request's entries in order. */
    static void restoreBatchOutcomes(RequestDetails request, Bundle response) {
        @SuppressWarnings("unchecked")
        Map<Integer, OperationOutcome> outcomes =
                (Map<Integer, OperationOutcome>) request.getUserData().get(BATCH_OUTCOMES);
        if (outcomes == null || response.getType() != Bundle.BundleType.BATCHRESPONSE) {
            return;
        }
        outcomes.forEach((index, outcome) -> {
            if (index < response.getEntry().size()) {
                response.getEntry().get(index).getResponse().setOutcome(outcome);
            }
        });
    }

    String path() {
        return "Bundle.entry[" + index + "]";
    }

    /**
     * Re-roots the validator's issues on the entry: {@code Observation.code} becomes
     * {@code Bundle.entry[3].resource.code}, and each diagnostic starts with the entry.
     */
    void reroot(OperationOutcome outcome, String resourceType) {
        for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
            issue.getExpression().forEach(this::reroot);
            issue.getLocation().forEach(this::reroot);
            issue.setDiagnostics(path() + " (" + resourceType + "): " + issue.getDiagnostics());
        }
    }

    private void reroot(StringType expression) {
        String value = expression.getValue();
        if (value == null) {
            return;
        }
        int dot = value.indexOf('.');
        String head = dot < 0 ? value : value.substring(0, dot);
        // Only a path that starts at the resource type is re-rooted; anything else is kept as the validator said it.
        if (!head.isEmpty() && Character.isUpperCase(head.charAt(0)) && head.chars().allMatch(Character::isLetter)) {
            expression.setValue(path() + ".resource" + (dot < 0 ? "" : value.substring(dot)));
        }
    }
}
