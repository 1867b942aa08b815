package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.param.ParameterUtil;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.NotModifiedException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.DateUtils;
import java.util.Arrays;
import java.util.Date;
import org.apache.commons.lang3.StringUtils;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Conditional reads answered as HTTP says. {@code If-Modified-Since} is compared at the precision of an HTTP date,
 * whole seconds: HAPI compared the resource's milliseconds with it, so the {@code Last-Modified} a client had been
 * sent, echoed back, almost never gave a 304. {@code If-None-Match: *} matches any version, and a list matches when
 * one of its ETags does (HAPI read the list as one version and answered 200). A 304 carries the {@code ETag} of the
 * version the client holds (RFC 9110 15.4.5), which HAPI left out. {@code If-Match} on a read that names another
 * version is 412 (RFC 9110 13.1.1); HAPI ignored it.
 */
public class NotModifiedAnswers {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean modifiedSinceInWholeSeconds(RequestDetails request, ResponseDetails response) {
        String since = request.getHeader(Constants.HEADER_IF_MODIFIED_SINCE);
        IBaseResource resource = response.getResponseResource();
        String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
        if (ifMatch != null && isRead(request) && resource instanceof Resource current
                && !matches(ifMatch, current.getMeta().getVersionId())) {
            // MalformedRequestFilter has let only a single version through.
            throw IssueCodeByStatus.coded(new PreconditionFailedException("If-Match names version "
                    + ConditionalHeaders.parseVersion(ifMatch).orElse(ifMatch) + ", but this is version "
                    + current.getMeta().getVersionId() + " of " + current.getIdElement().toUnqualifiedVersionless()
                    .getValue() + "."));
        }
        // If-None-Match: * holds for any current version (RFC 9110 13.1.2); HAPI compared "*" with the version id.
        String ifNoneMatch = request.getHeader(Constants.HEADER_IF_NONE_MATCH);
        if (ifNoneMatch != null && isRead(request) && resource instanceof Resource current
                && matches(ifNoneMatch, current.getMeta().getVersionId())) {
            throw withEtag(new NotModifiedException("Not Modified"), current.getMeta().getVersionId());
        }
        // If-None-Match, when sent too, is the one that counts (RFC 9110 13.2.2); HAPI answers it.
        if (since == null || !isRead(request) || request.getHeader(Constants.HEADER_IF_NONE_MATCH) != null
                || !(resource instanceof Resource read) || read.getMeta().getLastUpdated() == null) {
            return true;
        }
        Date sinceDate = DateUtils.parseDate(since);
        long lastUpdatedSeconds = read.getMeta().getLastUpdated().getTime() / 1000;
        if (sinceDate != null && lastUpdatedSeconds <= sinceDate.getTime() / 1000) {
            throw withEtag(new NotModifiedException("Not Modified"), read.getMeta().getVersionId());
        }
        return true;
    }

    /** HAPI's own 304 for a matching {@code If-None-Match}: the version matched, so it is the current one. */
    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException etagOnNotModified(RequestDetails request, Throwable failure) {
        String ifNoneMatch = request.getHeader(Constants.HEADER_IF_NONE_MATCH);
        if (failure instanceof NotModifiedException notModified && StringUtils.isNotBlank(ifNoneMatch)
                && !notModified.hasResponseHeaders()) {
            return withEtag(notModified, ParameterUtil.parseETagValue(ifNoneMatch));
        }
        return null;
    }

    /** Whether an ETag list ({@code *}, or versions separated by commas) holds this version. */
    private static boolean matches(String etags, String version) {
        return Arrays.stream(etags.split(",")).map(String::trim).anyMatch(etag -> "*".equals(etag)
                || ConditionalHeaders.parseVersion(etag).filter(listed -> listed.equals(version)).isPresent());
    }

    private static boolean isRead(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.READ
                || request.getRestOperationType() == RestOperationTypeEnum.VREAD;
    }

    private static NotModifiedException withEtag(NotModifiedException notModified, String version) {
        if (StringUtils.isNotBlank(version) && !"*".equals(version)) {
            notModified.addResponseHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(version));
        }
        return notModified;
    }
}
