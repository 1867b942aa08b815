package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Answers to writes in the form the rest of the API uses: a transaction or batch response gives each entry's
 * {@code etag} as the weak ETag the {@code ETag} header and history Bundles carry ({@code W/"2"}; HAPI wrote a bare
 * {@code "2"}), and an update that created the resource names it in {@code Location} as a create does.
 */
public class WriteAnswers {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean complete(RequestDetails request, ResponseDetails response, HttpServletResponse servletResponse) {
        if (response.getResponseResource() instanceof Bundle bundle
                && (bundle.getType() == Bundle.BundleType.TRANSACTIONRESPONSE
                        || bundle.getType() == Bundle.BundleType.BATCHRESPONSE)) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                String etag = entry.getResponse().getEtag();
                if (etag != null && !etag.startsWith("W/")) {
                    entry.getResponse().setEtag(RestfulServerUtils.createEtag(etag.replace("\"", "")));
                }
            }
        }
        if (request.getRestOperationType() == RestOperationTypeEnum.UPDATE && response.getResponseCode() == 201
                && servletResponse != null && servletResponse.getHeader(Constants.HEADER_LOCATION) == null
                && response.getResponseResource() instanceof Resource created && created.getIdElement().hasIdPart()) {
            servletResponse.setHeader(Constants.HEADER_LOCATION, created.getIdElement()
                    .withServerBase(request.getFhirServerBase(), created.fhirType()).getValue());
        }
        return true;
    }
}
