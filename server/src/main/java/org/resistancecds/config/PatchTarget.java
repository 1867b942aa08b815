package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

/**
 * A PATCH that names neither a resource nor a search ({@code PATCH Patient}, {@code PATCH Patient?}) is 400, as the
 * same entry in a batch already was; HAPI failed on it with a 500.
 */
public class PatchTarget {

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void namesItsTarget(RequestDetails request) {
        if (request.getRestOperationType() == RestOperationTypeEnum.PATCH && request.getId() == null
                && request.getConditionalUrl(RestOperationTypeEnum.PATCH) == null) {
            throw new InvalidRequestException("A PATCH names the resource it changes: PATCH " + request.getResourceName()
                    + "/[id], or a conditional PATCH " + request.getResourceName() + "?[search] that matches one.");
        }
    }
}
