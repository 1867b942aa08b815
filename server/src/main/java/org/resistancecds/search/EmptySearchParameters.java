package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.method.SearchMethodBinding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A search parameter without a value ({@code address-city=}, {@code name:exact=}) is left out of the search, as FHIR
 * says ("empty parameters are not an error - they are just ignored"). HAPI searched some of them: an empty string
 * matched only resources that had the element, and {@code :exact} with nothing matched nothing.
 */
public class EmptySearchParameters {

    /** Before the check of unsupported names: an empty one is ignored whatever its name. */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED, order = -10)
    public void dropEmpty(RequestDetails request) {
        if (!SearchMethodBinding.isPlainSearchRequest(request)) {
            return;
        }
        Map<String, String[]> kept = new LinkedHashMap<>();
        boolean dropped = false;
        for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
            String[] values = Arrays.stream(parameter.getValue()).filter(value -> !value.isBlank())
                    .toArray(String[]::new);
            dropped |= values.length < parameter.getValue().length;
            if (values.length > 0) {
                kept.put(parameter.getKey(), values);
            }
        }
        if (dropped) {
            request.setParameters(kept);
        }
    }
}
