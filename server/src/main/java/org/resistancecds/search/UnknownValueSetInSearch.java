package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search whose {@code :in} or {@code :not-in} names a ValueSet this server lacks is the client's question gone
 * wrong, so 400; HAPI answered 404, which reads as "no such resource type", with the URL still percent-encoded.
 */
public class UnknownValueSetInSearch {

    /** HAPI's message for a ValueSet URL it could not resolve while building a search. */
    private static final Pattern UNKNOWN_VALUE_SET = Pattern.compile("HAPI-2024: Unknown ValueSet: (\\S+)");

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asBadRequest(RequestDetails request, Throwable failure) {
        if (!(failure instanceof ResourceNotFoundException) || failure.getMessage() == null
                || request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
            return null;
        }
        Matcher unknown = UNKNOWN_VALUE_SET.matcher(failure.getMessage());
        if (!unknown.find()) {
            return null;
        }
        String url = URLDecoder.decode(unknown.group(1), StandardCharsets.UTF_8);
        return new InvalidRequestException("The search names the ValueSet " + url + " (with :in or :not-in), which "
                + "this server does not hold. GET ValueSet?url=... lists the ones it holds; load the ValueSet first, "
                + "or search by code.");
    }
}
