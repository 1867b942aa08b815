package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.resistancecds.config.ConditionalReferenceUnmatched;
import org.resistancecds.config.PercentEncoding;

/**
 * Gives a batch entry the status the same request gets alone, where this server corrects HAPI's 404s: a batch
 * answers each entry in the response Bundle, past the hooks that rewrite a lone request's failure.
 * <ul>
 * <li>a conditional reference that matches nothing: 412 ({@link ConditionalReferenceUnmatched});</li>
 * <li>a {@code _type} naming no resource type: 400 ({@link UnknownTypeInTypeParameter});</li>
 * <li>{@code :in} or {@code :not-in} naming a ValueSet the server lacks: 400 ({@link UnknownValueSetInSearch}; HAPI's
 * message gives its URL percent-encoded).</li>
 * </ul>
 */
public class BatchEntryStatuses {

    /** @param percentEncoded whether HAPI's message holds the URL percent-encoded, to be decoded for the client */
    private record Correction(String hapiMessage, String status, String hint, boolean percentEncoded) {}

    private static final List<Correction> CORRECTIONS = List.of(
            new Correction(ConditionalReferenceUnmatched.NO_MATCH, "412 Precondition Failed",
                    ConditionalReferenceUnmatched.HINT, false),
            new Correction(UnknownTypeInTypeParameter.UNKNOWN_TYPE, "400 Bad Request", UnknownTypeInTypeParameter.HINT,
                    false),
            new Correction(UnknownValueSetInSearch.UNKNOWN_VALUE_SET, "400 Bad Request", "The search names a ValueSet "
                    + "(with :in or :not-in) that this server does not hold. " + UnknownValueSetInSearch.HINT, true));

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
                    outcome.getIssueFirstRep().setDiagnostics((correction.percentEncoded()
                            ? PercentEncoding.decodedOrAsWritten(diagnostics) : diagnostics) + " " + correction.hint());
                }
            }
        }
        return true;
    }
}
