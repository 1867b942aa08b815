package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * Gives a batch entry the status the same request gets alone, where this server corrects HAPI's 404s: a batch
 * answers each entry in the response Bundle, past the hooks that rewrite a lone request's failure.
 * <ul>
 * <li>a conditional reference that matches nothing: 412 ({@link ConditionalReferenceUnmatched});</li>
 * <li>a {@code _type} naming no resource type: 400 ({@code search.UnknownTypeInTypeParameter});</li>
 * <li>{@code :in} or {@code :not-in} naming a ValueSet the server lacks: 400 ({@code search.UnknownValueSetInSearch};
 * HAPI's message gives its URL percent-encoded).</li>
 * </ul>
 */
public class BatchEntryStatuses {

    private record Correction(String hapiMessage, String status, String hint) {}

    private static final List<Correction> CORRECTIONS = List.of(
            new Correction("HAPI-1091: ", "412 Precondition Failed", ConditionalReferenceUnmatched.HINT),
            new Correction("HAPI-2197: ", "400 Bad Request",
                    "_type takes FHIR R4 resource types, comma-separated (e.g. _type=Observation,Condition)."),
            new Correction("HAPI-2024: Unknown ValueSet", "400 Bad Request", "The search names a ValueSet (with :in "
                    + "or :not-in) that this server does not hold; GET ValueSet?url=... lists the ones it holds."));

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean correctEntries(RequestDetails request, ResponseDetails response) {
        if (request.getRestOperationType() != RestOperationTypeEnum.TRANSACTION
                || !(response.getResponseResource() instanceof Bundle answer)) {
            return true;
        }
        for (Bundle.BundleEntryComponent entry : answer.getEntry()) {
            Bundle.BundleEntryResponseComponent result = entry.getResponse();
            if (result.getStatus() == null || !result.getStatus().startsWith("404")
                    || !(result.getOutcome() instanceof OperationOutcome outcome)) {
                continue;
            }
            String diagnostics = outcome.getIssueFirstRep().getDiagnostics();
            for (Correction correction : CORRECTIONS) {
                if (diagnostics != null && diagnostics.startsWith(correction.hapiMessage())) {
                    result.setStatus(correction.status());
                    outcome.getIssueFirstRep().setDiagnostics(decoded(diagnostics) + " " + correction.hint());
                }
            }
        }
        return true;
    }

    private static String decoded(String message) {
        try {
            return URLDecoder.decode(message, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return message;
        }
    }
}
