package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * {@code If-Match} naming a version that is no longer current is answered 412 Precondition Failed, as FHIR's RESTful
 * API says, on update, patch and delete. HAPI answered 409 on update and patch, and did not check delete at all: a
 * client that deletes the version it saw must not remove a newer one someone else wrote. Only the resource the
 * request names is checked; resources a cascading delete removes with it are not. A conflict between writers
 * without a precondition stays a 409.
 */
public class IfMatchVersionCheck {

    /** HAPI's codes for an update (989) and a patch (974) of a version that is not the current one (may be wrapped). */
    private static final List<String> HAPI_STALE_VERSION = List.of("HAPI-0989: ", "HAPI-0974: ");

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
            throw new PreconditionFailedException("If-Match names version " + expected + " of "
                    + stored.toUnqualifiedVersionless().getValue() + ", but the current version is "
                    + stored.getVersionIdPart() + ": nothing was deleted. Read it again before deleting.");
        }
    }

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException staleVersion(Throwable failure) {
        if (failure instanceof ResourceVersionConflictException conflict && conflict.getMessage() != null
                && HAPI_STALE_VERSION.stream().anyMatch(conflict.getMessage()::contains)) {
            return new PreconditionFailedException(conflict.getMessage()
                    + ". Read the resource again and base the change on its current version.");
        }
        return null;
    }
}
