package org.resistancecds.search;

import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.IPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A search sent with {@code Cache-Control: no-store} is not stored, so its answer is one page with no {@code next}
 * link, of at most the server's largest page. HAPI cut the matches to that page without a word and gave the cut
 * number as {@code Bundle.total}: a client taking the whole record in one call got part of it, told it was all.
 * When such a page is full, the matches are counted: {@code total} becomes the count, and if the page holds fewer,
 * an OperationOutcome entry says how many were left out and how to get them.
 */
public class UnstoredSearchTotal {

    private final DaoRegistry daoRegistry;
    private final MatchUrlService matchUrlService;

    public UnstoredSearchTotal(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
        this.daoRegistry = daoRegistry;
        this.matchUrlService = matchUrlService;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean countWhenFull(RequestDetails request, ResponseDetails response) {
        if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE
                || !new CacheControlDirective().parse(request.getHeaders(Constants.HEADER_CACHE_CONTROL)).isNoStore()
                || !(response.getResponseResource() instanceof Bundle bundle)
                || bundle.getLink(Bundle.LINK_NEXT) != null
                || request.getParameters().containsKey(Constants.PARAM_OFFSET)) {
            return true;
        }
        long matches = bundle.getEntry().stream()
                .filter(entry -> entry.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
                .count();
        int limit = pageLimit(request);
        if (matches < limit || limit == 0) {
            return true; // HAPI held every match, or the client asked for none (_count=0)
        }
        Integer total = count(request);
        if (total == null) {
            return true;
        }
        bundle.setTotal(total);
        if (total > matches) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.WARNING)
                    .setCode(OperationOutcome.IssueType.INCOMPLETE)
                    .setDiagnostics("This page holds " + matches + " of the " + total + " matches: a search sent with "
                            + "Cache-Control: no-store is not stored, so it has no next page. Ask for a _count that "
                            + "covers them (a page holds at most " + maxPage(request) + " here), or search without "
                            + "no-store to page through them with next links.");
            bundle.addEntry().setResource(outcome).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return true;
    }

    private static int maxPage(RequestDetails request) {
        return ((RestfulServer) request.getServer()).getPagingProvider().getMaximumPageSize();
    }

    /** The page HAPI filled: the client's {@code _count}, or the default, within the server's largest page. */
    private static int pageLimit(RequestDetails request) {
        IPagingProvider paging = ((RestfulServer) request.getServer()).getPagingProvider();
        String[] count = request.getParameters().get(Constants.PARAM_COUNT);
        int asked = paging.getDefaultPageSize();
        if (count != null && count.length > 0) {
            try {
                asked = Integer.parseInt(count[0]);
            } catch (NumberFormatException e) {
                // SearchSyntaxFilter refuses such a _count before the search runs.
            }
        }
        return Math.min(asked, paging.getMaximumPageSize());
    }

    /** The same search, counted, under the same request (so the same access rules narrow it). */
    private Integer count(RequestDetails request) {
        StringJoiner query = new StringJoiner("&", request.getResourceName() + "?", "");
        for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
            if (!AnswerParameters.NAMES.contains(parameter.getKey().split(":", 2)[0])) {
                for (String value : parameter.getValue()) {
                    query.add(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8) + "="
                            + URLEncoder.encode(value, StandardCharsets.UTF_8));
                }
            }
        }
        RuntimeResourceDefinition definition =
                request.getFhirContext().getResourceDefinition(request.getResourceName());
        SearchParameterMap map = matchUrlService.translateMatchUrl(query.toString(), definition);
        map.setSummaryMode(SummaryEnum.COUNT);
        map.setLoadSynchronous(true);
        IBundleProvider counted = daoRegistry.getResourceDao(request.getResourceName()).search(map, request);
        return counted.size();
    }
}
