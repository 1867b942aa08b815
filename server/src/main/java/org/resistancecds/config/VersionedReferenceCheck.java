package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * A version-specific reference this server keeps ({@link VersionSpecificReferences}) must name a version it holds,
 * as HAPI's referential integrity already requires of the resource: {@code Observation/o1/_history/99} of a result
 * with two versions is refused with 400, like a reference to an unknown resource. HAPI checks only the resource.
 */
public class VersionedReferenceCheck {

    private final DaoRegistry daos;

    public VersionedReferenceCheck(DaoRegistry daos) {
        this.daos = daos;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource created) {
        check(created);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource updated) {
        check(updated);
    }

    /** Every write passes here; only a resource a path belongs to (a Provenance) is walked. */
    private void check(IBaseResource resource) {
        for (String path : VersionSpecificReferences.PATHS) {
            if (!path.startsWith(resource.fhirType() + ".")) {
                continue;
            }
            FhirTerser terser = daos.getFhirContext().newTerser();
            for (IBaseReference reference : terser.getValues(resource, path, IBaseReference.class)) {
                IIdType target = reference.getReferenceElement();
                if (target.hasVersionIdPart() && !target.hasBaseUrl() && target.hasResourceType()
                        && daos.isResourceTypeSupported(target.getResourceType()) && !holds(target)) {
                    throw new InvalidRequestException("Version " + target.getVersionIdPart() + " of "
                            + target.toUnqualifiedVersionless().getValue() + " is not held here, specified in path: "
                            + path + ". Refer to a version the server holds, or to the resource without a version.");
                }
            }
        }
    }

    /** Read as the system: HAPI's own integrity check does not ask the client's scopes either. */
    private boolean holds(IIdType version) {
        try {
            daos.getResourceDao(version.getResourceType()).read(version, new SystemRequestDetails());
            return true;
        } catch (ResourceGoneException deletedThen) {
            return true; // that version records the deletion: it exists
        } catch (ResourceNotFoundException notHeld) {
            return false;
        }
    }
}
