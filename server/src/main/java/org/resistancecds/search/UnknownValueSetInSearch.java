package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A search whose {@code :in} or {@code :not-in} names a ValueSet this server lacks is the client's question gone
 * wrong, so 400; HAPI answered 404, which reads as "no such resource type", with the URL still percent-encoded
 * (or only its version, for a versioned one). A batch entry's answer is rewritten by
 * {@link BatchEntryStatuses}.
 */
public class UnknownValueSetInSearch {

    /** HAPI's message for a ValueSet URL it could not resolve while building a search. */
    static final String UNKNOWN_VALUE_SET = "HAPI-2024: Unknown ValueSet";

    /** What the client can do instead. */
    static final String HINT = "GET ValueSet?url=... lists the ones it holds; load the ValueSet first, or search by "
            + "code.";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asBadRequest(RequestDetails request, Throwable failure) {
        if (!(failure instanceof ResourceNotFoundException) || failure.getMessage() == null
                || !failure.getMessage().contains(UNKNOWN_VALUE_SET)
                || request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
            return null;
        }
        // Named as the client wrote them: HAPI's message gives only the version of a versioned URL.
        List<String> named = new ArrayList<>();
        request.getParameters().forEach((name, values) -> {
            if (name.endsWith(":in") || name.endsWith(":not-in")) {
                named.addAll(Arrays.asList(values));
            }
        });
        return new InvalidRequestException("The search names a ValueSet (with :in or :not-in: "
                + String.join(", ", named) + ") that this server does not hold. " + HINT);
    }
}
