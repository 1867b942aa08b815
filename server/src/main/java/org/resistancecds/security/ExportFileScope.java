package org.resistancecds.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.resistancecds.security.SmartScope.Level;
import org.resistancecds.security.SmartScope.Permission;

/**
 * A Bulk Data export file is a Binary holding every exported resource of one type, of every patient. A scope on
 * Binary alone must not open them: reading one by id also needs the system-level read scope that exporting its type
 * needs, and a search or history of Binaries leaves out the files the caller may not read.
 * HAPI marks each file with the type it holds; since that mark is a meta extension a client could patch away, a
 * client may not change an export file at all. A file is also only for the client whose export wrote it
 * ({@link ExportJobOwner}).
 */
public final class ExportFileScope {

    private static final Set<RestOperationTypeEnum> READS =
            EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);

    /**
     * Before HAPI builds the answer, so that a search or history, on any page, leaves the file out (HAPI's history
     * answer failed on a resource blanked later, when the answer is shown).
     */
    @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
    public void check(RequestDetails request, IPreResourceAccessDetails details) {
        FhirAccess access = request == null ? null : SmartAuthorizationInterceptor.access(request);
        if (access == null) {
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            String type = exportedType(resource);
            String refusal = type == null ? null : refusal((Binary) resource, type, access);
            if (refusal == null) {
                continue;
            }
            // A read of the file is refused; a search or history leaves it out and shows the caller's other Binaries.
            if (READS.contains(request.getRestOperationType())) {
                throw new ForbiddenOperationException(refusal);
            }
            details.setDontReturnResourceAtIndex(i);
        }
    }

    private static String refusal(Binary file, String type, FhirAccess access) {
        if (!access.allows(Level.SYSTEM, type, Permission.READ)) {
            return "This Binary is a Bulk Data export file of " + type + " resources of every patient: reading it "
                    + "needs a system-level read scope on " + type + ".";
        }
        if (ExportJobOwner.belongsToAnotherClient(file, access)) {
            return "This Binary is a file of another client's Bulk Data export: only the client that started the "
                    + "export may read it.";
        }
        return null;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        if (request != null && SmartAuthorizationInterceptor.access(request) != null && exportedType(previous) != null) {
            throw new ForbiddenOperationException("This Binary is a Bulk Data export file: the export job writes it, "
                    + "clients may read it (with the scopes its type needs) or delete it, not change it.");
        }
    }

    private static String exportedType(IBaseResource resource) {
        if (!(resource instanceof Binary binary)) {
            return null;
        }
        Extension type = binary.getMeta().getExtensionByUrl(JpaConstants.BULK_META_EXTENSION_RESOURCE_TYPE);
        return type != null && type.getValue() != null ? type.getValue().primitiveValue() : null;
    }
}
