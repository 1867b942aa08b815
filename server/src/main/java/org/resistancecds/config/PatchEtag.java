package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Sends the new version's {@code ETag} after a PATCH, as HAPI does after an update but not after a patch, so that a
 * client can make its next conditional write ({@code If-Match}) without reading the resource again.
 */
public class PatchEtag {

    private static final String VERSION = PatchEtag.class.getName() + ".version";

    /** The stored version, also when {@code Prefer: return=minimal} leaves the response without the resource. */
    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void patched(IBaseResource previous, IBaseResource current, RequestDetails request) {
        if (request != null && request.getRestOperationType() == RestOperationTypeEnum.PATCH) {
            String version = current.getIdElement().hasVersionIdPart()
                    ? current.getIdElement().getVersionIdPart()
                    : current.getMeta().getVersionId();
            if (version != null) {
                request.getUserData().put(VERSION, version);
            }
        }
    }

    /** Called only once the patch has succeeded, so a failed one never carries an ETag. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean addEtag(RequestDetails request, HttpServletResponse servletResponse) {
        if (request.getRestOperationType() == RestOperationTypeEnum.PATCH
                && servletResponse != null
                && request.getUserData().get(VERSION) instanceof String version) {
            servletResponse.setHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(version));
        }
        return true;
    }
}
