package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.resistancecds.security.SmartScope.Permission;

/**
 * A resource written under patient-level scopes alone may name no patient but the token's. HAPI's compartment rule
 * lets a write through when the resource is in the token patient's compartment, and a resource is in every
 * compartment it names: an Observation about another patient with the token's patient as {@code performer} was
 * stored in the other patient's record.
 */
public final class PatientWriteLimit {

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        check(resource, request, Permission.CREATE);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        check(resource, request, Permission.UPDATE);
    }

    private static void check(IBaseResource resource, RequestDetails request, Permission permission) {
        FhirAccess access = request == null ? null : SmartAuthorizationInterceptor.access(request);
        String type = resource.fhirType();
        if (access == null || access.patient() == null || access.allowsAcrossPatients(type, permission)) {
            return; // no patient to confine to, or a write scope that reaches every patient
        }
        FhirTerser terser = request.getFhirContext().newTerser();
        for (IBaseReference reference : terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class)) {
            IIdType target = reference.getReferenceElement();
            if (target != null && "Patient".equals(target.getResourceType()) && target.hasIdPart()
                    && !target.getIdPart().equals(access.patient())) {
                throw new ForbiddenOperationException("The " + type + " names Patient/" + target.getIdPart()
                        + ", but this token writes for patient " + access.patient() + " only.");
            }
        }
    }
}
