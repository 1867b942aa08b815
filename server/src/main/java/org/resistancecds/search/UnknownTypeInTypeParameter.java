package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

/**
 * A {@code _type} naming no FHIR resource type ({@code Patient/$everything?_type=Foo}) is a malformed request, so 400;
 * HAPI answered 404, which reads as if the patient were missing.
 */
public class UnknownTypeInTypeParameter {

    /** HAPI's message for a {@code _type} value that is not a resource type. */
    static final String UNKNOWN_TYPE = "HAPI-2197: ";

    static final String HINT =
            "_type takes FHIR R4 resource types, comma-separated (e.g. _type=Observation,Condition).";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asBadRequest(Throwable failure) {
        if (!(failure instanceof ResourceNotFoundException) || failure.getMessage() == null
                || !failure.getMessage().startsWith(UNKNOWN_TYPE)) {
            return null;
        }
        return new InvalidRequestException(failure.getMessage() + " " + HINT);
    }
}
