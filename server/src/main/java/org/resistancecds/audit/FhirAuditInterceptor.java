package org.resistancecds.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;

/** Tells the audit record what a FHIR request was: interaction, resource type and id, operation. */
public class FhirAuditInterceptor {

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void describe(RequestDetails request, RestOperationTypeEnum operation) {
        // The entries of a batch or transaction share its servlet request: the record describes the whole.
        if (request.isSubRequest()
                || !(request instanceof ServletRequestDetails servlet) || servlet.getServletRequest() == null) {
            return;
        }
        HttpServletRequest http = servlet.getServletRequest();
        http.setAttribute(AuditAttributes.ACTION, operation == null ? null : operation.getCode());
        http.setAttribute(AuditAttributes.RESOURCE_TYPE, request.getResourceName());
        if (request.getId() != null && request.getId().hasIdPart()) {
            http.setAttribute(AuditAttributes.RESOURCE_ID, request.getId().getIdPart());
        }
        http.setAttribute(AuditAttributes.OPERATION, request.getOperation());
    }
}
