package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.List;

/**
 * A resource sent in a format the server cannot read as one ({@code text/plain}, {@code application/octet-stream}, a
 * form where a resource belongs) is answered 415 Unsupported Media Type, as HTTP says; HAPI answered 400. A body with
 * no {@code Content-Type} at all stays a 400, and {@code Binary} still takes any format (HAPI stores it as the
 * Binary's content).
 */
public class UnsupportedBodyFormat {

    /** HAPI's codes for a form (446) and for any other format that is neither FHIR JSON nor XML (449). */
    private static final List<String> HAPI_UNREADABLE_FORMAT = List.of("HAPI-0446: ", "HAPI-0449: ");

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException unsupported(Throwable failure) {
        if (failure instanceof InvalidRequestException refused && refused.getMessage() != null
                && HAPI_UNREADABLE_FORMAT.stream().anyMatch(refused.getMessage()::startsWith)) {
            return new UnclassifiedServerFailureException(415, refused.getMessage()
                    + ". Send it as application/fhir+json or application/fhir+xml.");
        }
        return null;
    }
}
