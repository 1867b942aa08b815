package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Honours {@code If-Match} on DELETE, which HAPI checks on update and patch but not on delete: a client that
 * deletes the version it saw must not remove a newer one someone else wrote. Answered like a stale update, 409.
 * Only the resource the request names is checked; resources a cascading delete removes with it are not.
 */
public class DeleteVersionCheck {

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void checkVersion(IBaseResource current, RequestDetails request) {
        if (request == null || request.getRestOperationType() != RestOperationTypeEnum.DELETE) {
            return;
        }
        String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
        if (ifMatch == null) {
            return;
        }
        // A conditional delete with If-Match never gets here (MalformedRequestFilter refuses it).
        IIdType named = request.getId();
        IIdType stored = current.getIdElement();
        if (named == null || !named.hasIdPart() || !named.getIdPart().equals(stored.getIdPart())) {
            return;
        }
        String expected = ConditionalHeaders.parseVersion(ifMatch)
                .orElseThrow(() -> new InvalidRequestException(ConditionalHeaders.malformed(ifMatch)));
        if (!expected.equals(stored.getVersionIdPart())) {
            throw new ResourceVersionConflictException("If-Match names version " + expected + " of "
                    + stored.toUnqualifiedVersionless().getValue() + ", but the current version is "
                    + stored.getVersionIdPart() + ": nothing was deleted. Read it again before deleting.");
        }
    }
}
