package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Parameters;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

/**
 * {@code Patient/[id]/$evaluate-resistance} with {@code persist=true} may write the patient's assessment
 * Observations and a Communication to the care team, but writes only when the verdict or its citations changed.
 * HAPI checks each write as it happens, so a token without write scopes was refused or not depending on the stored
 * state. The write scopes are required up front instead: create and update of Observation and create of
 * Communication, at user or system level, or at patient level for the token's own patient.
 */
public final class PersistScope {

    private static final String OPERATION = "$evaluate-resistance";
    private static final List<String> CREATED = List.of("Observation", "Communication");

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        if (access == null || operation != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                || !OPERATION.equals(request.getOperation()) || !persistAsked(request)) {
            return;
        }
        boolean ownPatient = request.getId() != null && access.patientId()
                .map(id -> id.equals(request.getId().getIdPart())).orElse(false);
        boolean allowed = may(access, ownPatient, "Observation", Permission.UPDATE)
                && CREATED.stream().allMatch(type -> may(access, ownPatient, type, Permission.CREATE));
        if (!allowed) {
            throw new ForbiddenOperationException("persist=true records the patient's assessment Observations and a "
                    + "Communication to the care team: it needs create and update of Observation and create of "
                    + "Communication for this patient, which this token does not have.");
        }
    }

    private static boolean may(FhirAccess access, boolean ownPatient, String type, Permission permission) {
        return access.allowsAcrossPatients(type, permission) || ownPatient && access.allows(Level.PATIENT, type, permission);
    }

    private static boolean persistAsked(RequestDetails request) {
        return request.getResource() instanceof Parameters parameters && parameters.getParameter().stream()
                .anyMatch(p -> "persist".equals(p.getName()) && p.getValue() instanceof BooleanType persist
                        && persist.booleanValue());
    }
}
