package org.resistancecds.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.resistancecds.config.IssueCodeByStatus;

/**
 * {@code Patient/x/$everything} for a patient this server does not hold names the patient as a read would. HAPI's
 * 404 gave its internal search parameter instead: "Resource [[TokenParam[system=,value=x]]] is not known".
 */
public class EverythingOfUnknownPatient {

    /** HAPI's message for an {@code $everything} whose patient id matched nothing. */
    static final String UNKNOWN_PATIENT = "HAPI-2841: ";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException namedAsSent(RequestDetails request, Throwable failure) {
        if (!(failure instanceof ResourceNotFoundException) || failure.getMessage() == null
                || !failure.getMessage().startsWith(UNKNOWN_PATIENT) || request.getId() == null) {
            return null;
        }
        String named = request.getResourceName() + "/" + request.getId().getIdPart();
        return IssueCodeByStatus.coded(new ResourceNotFoundException("Resource " + named + " is not known. GET "
                + request.getResourceName() + "?identifier=... finds one by an identifier."));
    }
}
