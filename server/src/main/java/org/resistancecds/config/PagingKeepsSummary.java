package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Carries {@code _summary} into a search's paging links. HAPI's links keep {@code _elements}, {@code _format} and
 * {@code _pretty} but not {@code _summary}, so page two onwards came back in full although the search asked for a
 * summary (and without the SUBSETTED tag that says a page is one).
 */
public class PagingKeepsSummary {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean keepSummary(RequestDetails request, ResponseDetails response) {
        String[] summary = request.getParameters().get(Constants.PARAM_SUMMARY);
        if (summary == null || summary.length != 1 || !(response.getResponseResource() instanceof Bundle bundle)) {
            return true;
        }
        String parameter = Constants.PARAM_SUMMARY + "=" + URLEncoder.encode(summary[0], StandardCharsets.UTF_8);
        for (Bundle.BundleLinkComponent link : bundle.getLink()) {
            String url = link.getUrl();
            if (url != null && url.contains(Constants.PARAM_PAGINGACTION + "=")
                    && !url.contains("&" + Constants.PARAM_SUMMARY + "=")) {
                link.setUrl(url + "&" + parameter);
            }
        }
        return true;
    }
}
