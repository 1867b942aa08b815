package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

/**
 * A conditional reference ({@code Patient?identifier=...}) that matches no stored resource fails its write with 412
 * Precondition Failed, as one matching several already does; HAPI answered 404, which reads as if the endpoint or
 * the resource written to were missing.
 */
public class ConditionalReferenceUnmatched {

    public static final String HINT = "Nothing was stored; store the referenced resource first, or refer to it by id.";

    /** HAPI's message for a match URL in a reference that found nothing. */
    public static final String NO_MATCH = "HAPI-1091: ";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asPreconditionFailed(Throwable failure) {
        if (!(failure instanceof ResourceNotFoundException) || failure.getMessage() == null
                || !failure.getMessage().startsWith(NO_MATCH)) {
            return null;
        }
        return IssueCodeByStatus.coded(new PreconditionFailedException(failure.getMessage() + ". " + HINT));
    }
}
