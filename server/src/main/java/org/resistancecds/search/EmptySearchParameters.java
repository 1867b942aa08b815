package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.method.SearchMethodBinding;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.resistancecds.config.PercentEncoding;

/**
 * A search parameter without a value ({@code address-city=}, {@code name:exact=}) is left out of the search, as FHIR
 * says ("empty parameters are not an error - they are just ignored"). HAPI searched some of them: an empty string
 * matched only resources that had the element, and {@code :exact} with nothing matched nothing. The same holds for
 * the searches of a batch or transaction.
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

    /** The searches of a batch or transaction, which HAPI runs past the hook above. */
    @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
    public void dropEmptyInEntries(IBaseBundle bundle) {
        if (!(bundle instanceof Bundle requests)) {
            return;
        }
        for (Bundle.BundleEntryComponent entry : requests.getEntry()) {
            String url = entry.getRequest().getUrl();
            if (entry.getRequest().getMethod() == Bundle.HTTPVerb.GET && url != null && url.contains("?")) {
                entry.getRequest().setUrl(withoutEmpty(url));
            }
        }
    }

    /** The URL without its {@code name=} parameters whose value is blank; the others as written. */
    static String withoutEmpty(String url) {
        int query = url.indexOf('?');
        String kept = Arrays.stream(url.substring(query + 1).split("&"))
                .filter(parameter -> {
                    int equals = parameter.indexOf('=');
                    // A value that is no valid percent-encoding is no blank: the search's own check refuses it.
                    return equals < 0
                            || !PercentEncoding.decodedOrAsWritten(parameter.substring(equals + 1)).isBlank();
                })
                .collect(Collectors.joining("&"));
        return url.substring(0, query) + (kept.isEmpty() ? "" : "?" + kept);
    }
}
