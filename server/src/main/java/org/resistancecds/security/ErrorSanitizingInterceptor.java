package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.resistancecds.storage.DatabaseUnreachable;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps server faults' internals (exception text, SQL, class names) out of FHIR responses: a 5xx is answered
 * with a generic message and an incident id, and the full exception is logged under that id. Client errors
 * (4xx) and 501 (an operation this server does not perform) keep their messages, which say what was wrong with the request. A lost database connection is a 503 with
 * a Retry-After: the client may try again, and the server recovers by itself once the database is back.
 */
public class ErrorSanitizingInterceptor {

    private static final Logger log = LoggerFactory.getLogger(ErrorSanitizingInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException sanitize(RequestDetails request, Throwable failure) {
        // A 501 is the server's deliberate answer (an operation it cannot perform), with a reason meant for the client.
        if (failure instanceof BaseServerResponseException answer
                && (answer.getStatusCode() < 500 || failure instanceof NotImplementedOperationException)) {
            return null;
        }
        // A value the parser could not read (a bad date in an operation parameter, say) is the client's fault.
        if (failure instanceof DataFormatException unreadable) {
            return new InvalidRequestException(unreadable.getMessage());
        }
        // So is a number that is none (ValueSet/$expand?count=abc): the R4 integer and decimal types fail on it
        // with an IllegalArgumentException, not a DataFormatException.
        if (failure instanceof IllegalArgumentException && failure.getCause() instanceof NumberFormatException notANumber
                && failure.getStackTrace().length > 0
                && failure.getStackTrace()[0].getClassName().startsWith("org.hl7.fhir.r4.model.")) {
            return new InvalidRequestException("A parameter that must be a number is not one: " + notANumber.getMessage());
        }
        String incident = UUID.randomUUID().toString();
        if (DatabaseUnreachable.poolExhausted(failure)) {
            log.warn("FHIR request {} {} failed with 503: every database connection stayed in use ({}; incident {})",
                    request.getRequestType(), request.getRequestPath(),
                    ExceptionUtils.getRootCause(failure).getMessage(), incident);
            return retryLater("The server is too busy at the moment: every database connection stayed in use while "
                    + "this request waited. Retry later; if this was a write, read the resource first, as part of the "
                    + "request may have been done before the wait. Incident " + incident + " is in the server log.");
        }
        if (DatabaseUnreachable.causedBy(failure)) {
            log.error("FHIR request {} {} failed with 503: the database is unreachable (incident {})",
                    request.getRequestType(), request.getRequestPath(), incident, failure);
            return retryLater("The server cannot reach its database at the moment. Retry later; if this was a write, "
                    + "read the resource first, as it may have been stored before the connection was lost. Incident "
                    + incident + " is in the server log.");
        }
        int status = failure instanceof BaseServerResponseException answer ? answer.getStatusCode() : 500;
        log.error("FHIR request {} {} failed with {} (incident {})",
                request.getRequestType(), request.getRequestPath(), status, incident, failure);
        InternalErrorException generic = new InternalErrorException(
                "The server failed while answering this request. Incident " + incident
                        + " is in the server log with the details.");
        return generic;
    }

    private static BaseServerResponseException retryLater(String message) {
        BaseServerResponseException unavailable = new UnclassifiedServerFailureException(503, message);
        unavailable.addResponseHeader("Retry-After", DatabaseUnreachable.RETRY_AFTER_SECONDS);
        return unavailable;
    }

    /**
     * A batch entry, or a read of a transaction (HAPI runs those after the writes), that failed with a server fault
     * carries HAPI's exception text in its outcome, class names included: it gets the same incident treatment.
     */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean sanitizeEntries(RequestDetails request, ResponseDetails response) {
        if (!(response.getResponseResource() instanceof Bundle bundle)
                || bundle.getType() != Bundle.BundleType.BATCHRESPONSE
                        && bundle.getType() != Bundle.BundleType.TRANSACTIONRESPONSE) {
            return true;
        }
        for (int i = 0; i < bundle.getEntry().size(); i++) {
            Bundle.BundleEntryResponseComponent entry = bundle.getEntry().get(i).getResponse();
            // 501 (not done here) and 503 (database unreachable, retry) are answers meant for the client.
            if (entry.getStatus() == null || !entry.getStatus().startsWith("5") || entry.getStatus().startsWith("501")
                    || entry.getStatus().startsWith("503")) {
                continue;
            }
            String incident = UUID.randomUUID().toString();
            String detail = entry.getOutcome() instanceof OperationOutcome outcome
                    ? outcome.getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                            .filter(Objects::nonNull).collect(Collectors.joining("; "))
                    : "";
            log.error("FHIR request {} {}: entry {} failed with {} (incident {}): {}", request.getRequestType(),
                    request.getRequestPath(), i, entry.getStatus(), incident, detail);
            OperationOutcome generic = new OperationOutcome();
            generic.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.EXCEPTION)
                    .setDiagnostics("The server failed while answering this entry. Incident " + incident
                            + " is in the server log with the details.");
            entry.setOutcome(generic);
        }
        return true;
    }
}
