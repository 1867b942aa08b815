package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A history's page links keep to the versions there were when its first page was asked for. HAPI pages a history by
 * offset, newest first, so each version written between two pages pushed the next page down by one: the client got
 * versions it had already seen again. The links now carry {@code _at=le} the first request's start (HAPI reads
 * {@code _at} as bounds on when a version was written, and carries it on); a {@code _since} becomes the equal
 * {@code _at=ge}, since HAPI refuses the two together. A history already bounded by {@code _at} is left as asked.
 */
public class PinnedHistoryPages {

    private static final Set<RestOperationTypeEnum> HISTORIES = Set.of(RestOperationTypeEnum.HISTORY_SYSTEM,
            RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_INSTANCE);
    private static final Set<String> PAGE_LINKS = Set.of("next", "previous", "prev", "first", "last");
    private static final Pattern SINCE = Pattern.compile("([?&])_since=");

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean pin(RequestDetails request, ResponseDetails response) {
        if (!HISTORIES.contains(request.getRestOperationType()) || request.getParameters().containsKey("_at")
                || !(response.getResponseResource() instanceof Bundle history)) {
            return true;
        }
        String upTo = "_at=le" + URLEncoder.encode(
                request.getRequestStopwatch().getStartedDate().toInstant().toString(), StandardCharsets.UTF_8);
        for (Bundle.BundleLinkComponent link : history.getLink()) {
            if (PAGE_LINKS.contains(link.getRelation()) && link.hasUrl()) {
                String url = SINCE.matcher(link.getUrl()).replaceFirst("$1_at=ge");
                link.setUrl(url + (url.contains("?") ? "&" : "?") + upTo);
            }
        }
        return true;
    }
}
