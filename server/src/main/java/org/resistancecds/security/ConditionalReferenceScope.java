package org.resistancecds.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A conditional reference in a write ({@code "subject": {"reference": "Patient?identifier=..."}}) is a search of the
 * referenced type across all patients: HAPI resolves it before any scope is checked, so the answer (stored, or 412
 * for no match) told a token that could not search Patients whether a patient with that identifier existed. Such a
 * reference now needs a user- or system-level scope that searches its type, unless any token may read that type
 * ({@code resistance.security.shared-read-types}); other tokens refer by id (403).
 */
final class ConditionalReferenceScope {

    private final FhirContext fhirContext;
    private final Set<String> sharedReadTypes;

    /** @param sharedReadTypes types any valid token may read (Medication, terminology): searching them tells nothing */
    ConditionalReferenceScope(FhirContext fhirContext, Set<String> sharedReadTypes) {
        this.fhirContext = fhirContext;
        this.sharedReadTypes = sharedReadTypes;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    private void check(IBaseResource resource, RequestDetails request) {
        FhirAccess access = SmartAuthorizationInterceptor.access(request);
        if (access == null) {
            return; // not a client's request (the server's own writes), or access control off
        }
        for (ResourceReferenceInfo reference : fhirContext.newTerser().getAllResourceReferences(resource)) {
            String value = reference.getResourceReference().getReferenceElement().getValue();
            int query = value == null ? -1 : value.indexOf('?');
            if (query <= 0) {
                continue; // not conditional, or without a type (refused with 400 elsewhere)
            }
            String type = value.substring(0, query);
            if (!sharedReadTypes.contains(type) && !access.allowsAcrossPatients(type, SmartScope.Permission.SEARCH)) {
                throw new ForbiddenOperationException("The conditional reference at " + reference.getName()
                        + " searches " + type + " across all patients, which this token's scopes do not allow (a "
                        + "user- or system-level scope that searches " + type + " does). Refer to the resource by "
                        + "id instead.");
            }
        }
    }
}
