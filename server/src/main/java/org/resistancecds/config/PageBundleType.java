package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A page fetched by a paging link without its {@code _bundletype} (a client that rebuilt the link) is still a valid
 * Bundle: HAPI answered it with no {@code type}, which FHIR requires. A page of a history has its entries' requests
 * (FHIR's rule for history Bundles), so it is typed history; any other page searchset.
 */
public class PageBundleType {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean typePage(RequestDetails request, ResponseDetails response) {
        if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE
                && response.getResponseResource() instanceof Bundle page && !page.hasType()) {
            boolean history = page.getEntry().stream().anyMatch(Bundle.BundleEntryComponent::hasRequest);
            page.setType(history ? Bundle.BundleType.HISTORY : Bundle.BundleType.SEARCHSET);
        }
        return true;
    }
}
