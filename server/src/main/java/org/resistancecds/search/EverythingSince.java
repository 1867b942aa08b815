package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * {@code Patient/$everything?_since=...} answers only the resources changed at or after {@code _since}, on every
 * page, as FHIR R4 defines the parameter for a client keeping a chart in step. HAPI accepts {@code _since} and
 * {@code _lastUpdated} there and applies neither (hapi-fhir issue 8039): every poll got the whole chart. Older
 * resources are left out of each page as it is shown, the paging links carry {@code _since} on, and the page has no
 * {@code total}, since HAPI's counts the whole chart. {@code _lastUpdated}, which FHIR does not define for the
 * operation, and the care dates {@code start} and {@code end}, which HAPI ignores too (hapi-fhir issue 2053), are
 * refused (400) rather than ignored.
 */
public class EverythingSince {

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public void refuseFiltersNotApplied(RequestDetails request) {
        if (!JpaConstants.OPERATION_EVERYTHING.equals(request.getOperation())) {
            return;
        }
        if (request.getParameters().containsKey(Constants.PARAM_LASTUPDATED)) {
            throw new InvalidRequestException("$everything does not filter by _lastUpdated; use _since (resources "
                    + "changed at or after an instant) instead.");
        }
        if (request.getParameters().containsKey("start") || request.getParameters().containsKey("end")) {
            throw new InvalidRequestException("$everything here does not filter by care dates (start, end): it would "
                    + "answer the whole chart. Leave them out, and filter by date in a search of each type.");
        }
    }

    @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
    public void leaveOutUnchanged(IPreResourceShowDetails shown, RequestDetails request) {
        Date since = since(request);
        if (since == null) {
            return;
        }
        for (int index = 0; index < shown.size(); index++) {
            IBaseResource resource = shown.getResource(index);
            Date updated = resource == null ? null : resource.getMeta().getLastUpdated();
            if (updated != null && updated.before(since)) {
                shown.setResource(index, null);
            }
        }
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean carrySinceOn(RequestDetails request, ResponseDetails response) {
        if (since(request) == null || !(response.getResponseResource() instanceof Bundle page)) {
            return true;
        }
        page.setTotalElement(null);
        String parameter = Constants.PARAM_SINCE + "="
                + URLEncoder.encode(request.getParameters().get(Constants.PARAM_SINCE)[0], StandardCharsets.UTF_8);
        for (Bundle.BundleLinkComponent link : page.getLink()) {
            String url = link.getUrl();
            if (url != null && url.contains(Constants.PARAM_PAGINGACTION + "=")
                    && !url.contains("&" + Constants.PARAM_SINCE + "=")) {
                link.setUrl(url + "&" + parameter);
            }
        }
        return true;
    }

    /** The instant of an $everything's {@code _since}, or of a page of one that carries it; else {@code null}. */
    private static Date since(RequestDetails request) {
        if (request == null) {
            return null;
        }
        String[] since = request.getParameters().get(Constants.PARAM_SINCE);
        boolean everything = JpaConstants.OPERATION_EVERYTHING.equals(request.getOperation())
                || request.getParameters().containsKey(Constants.PARAM_PAGINGACTION);
        if (!everything || since == null || since.length != 1) {
            return null;
        }
        return new DateTimeType(since[0]).getValue();
    }
}
