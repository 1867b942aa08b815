package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code If-Match} naming a version that is no longer current is answered 412 Precondition Failed, as FHIR's RESTful
 * API says, on update, patch and delete. HAPI answered 409 on update and patch, and did not check delete at all: a
 * client that deletes the version it saw must not remove a newer one someone else wrote. Only the resource the
 * request names is checked; resources a cascading delete removes with it are not. HAPI also ignored If-Match on a
 * conditional update or patch and on a PUT that creates: the version is checked against the resource the condition
 * matched, and a write that would create answers 412, since no version of it exists. A conflict between writers
 * without a precondition stays a 409; with one, the writer that lost the race gets 412 too. {@code If-Match: *} asks
 * only that the resource exist: an update, patch or delete of one that does goes ahead, and one that would create or
 * revive a deleted resource is 412.
 */
public class IfMatchVersionCheck {

    /** After the authorization hooks (order 0): a 412 must not tell of a resource the caller may not see. */
    static final int AFTER_AUTHORIZATION = 1000;
    /** HAPI's codes for an update (989) and a patch (974) of a version that is not the current one (may be wrapped). */
    private static final List<String> HAPI_STALE_VERSION = List.of("HAPI-0989: ", "HAPI-0974: ");
    /** HAPI's code for two writers storing the same new version at once: the loser's If-Match no longer held. */
    private static final String HAPI_CONCURRENT_VERSION = "HAPI-0823: ";
    private static final Set<RestOperationTypeEnum> WRITES = Set.of(RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.PATCH);

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER_AUTHORIZATION)
    public void checkUpdate(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        // HTTP's create-only precondition (RFC 9110 13.1.2): the write may not replace what exists. A deleted
        // resource has no current representation, so writing it again creates.
        if (request != null && request.getRestOperationType() == RestOperationTypeEnum.UPDATE
                && "*".equals(request.getHeader(Constants.HEADER_IF_NONE_MATCH)) && !isDeleted(previous)) {
            throw new PreconditionFailedException("If-None-Match: * asks to create only, but "
                    + previous.getIdElement().toUnqualifiedVersionless().getValue() + " exists: nothing was changed.");
        }
        if (anyVersion(request) && isDeleted(previous)) {
            throw new PreconditionFailedException("If-Match: * asks that the resource exist, but "
                    + previous.getIdElement().toUnqualifiedVersionless().getValue() + " was deleted: nothing was "
                    + "changed.");
        }
        expectedVersion(request).ifPresent(expected -> {
            IIdType stored = previous.getIdElement();
            if (!expected.equals(stored.getVersionIdPart())) {
                throw new PreconditionFailedException("If-Match names version " + expected + " of "
                        + stored.toUnqualifiedVersionless().getValue() + ", but the current version is "
                        + stored.getVersionIdPart() + ": nothing was changed. Read it again and base the change on "
                        + "its current version.");
            }
        });
    }

    private static boolean isDeleted(IBaseResource resource) {
        return resource instanceof IAnyResource stored && ResourceMetadataKeyEnum.DELETED_AT.get(stored) != null;
    }

    /** {@code If-Match: *} on an update or patch, which {@link MalformedRequestFilter} took off the request. */
    private static boolean anyVersion(RequestDetails request) {
        return WRITES.contains(request.getRestOperationType()) && ConditionalHeaders.ifMatchAny(request);
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER_AUTHORIZATION)
    public void checkCreate(IBaseResource created, RequestDetails request) {
        if (anyVersion(request)) {
            throw new PreconditionFailedException("If-Match: * asks that the resource exist, but none matches the "
                    + "request: nothing was created. Send the write without If-Match to create it.");
        }
        expectedVersion(request).ifPresent(expected -> {
            throw new PreconditionFailedException("If-Match names version " + expected + ", but no resource "
                    + "matches the request: nothing was created. Send the write without If-Match to create it.");
        });
    }

    /** If-Match of a single update or patch (a transaction's entries carry theirs in request.ifMatch). */
    private static Optional<String> expectedVersion(RequestDetails request) {
        if (request == null || !WRITES.contains(request.getRestOperationType())) {
            return Optional.empty();
        }
        String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
        if (ifMatch == null) {
            return Optional.empty();
        }
        return Optional.of(ConditionalHeaders.parseVersion(ifMatch)
                .orElseThrow(() -> new InvalidRequestException(ConditionalHeaders.malformed(ifMatch))));
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED, order = AFTER_AUTHORIZATION)
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

    /** A batch entry's stale version: HAPI answers it inside the batch, where the hook above does not see it. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean staleVersionEntries(ResponseDetails response) {
        if (response.getResponseResource() instanceof Bundle bundle
                && bundle.getType() == Bundle.BundleType.BATCHRESPONSE) {
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Bundle.BundleEntryResponseComponent answer = entry.getResponse();
                if (answer.getStatus() != null && answer.getStatus().startsWith("409")
                        && answer.getOutcome() instanceof OperationOutcome outcome && isStaleVersion(outcome)) {
                    answer.setStatus("412 Precondition Failed");
                }
            }
        }
        return true;
    }

    private static boolean isStaleVersion(OperationOutcome outcome) {
        return outcome.getIssue().stream().map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .anyMatch(text -> text != null && HAPI_STALE_VERSION.stream().anyMatch(text::contains));
    }

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -10)
    public BaseServerResponseException staleVersion(Throwable failure, RequestDetails request) {
        if (failure instanceof ResourceVersionConflictException conflict && conflict.getMessage() != null
                && (HAPI_STALE_VERSION.stream().anyMatch(conflict.getMessage()::contains)
                        || conflict.getMessage().contains(HAPI_CONCURRENT_VERSION)
                                && request != null && request.getHeader(Constants.HEADER_IF_MATCH) != null)) {
            return IssueCodeByStatus.coded(new PreconditionFailedException(conflict.getMessage()
                    + ". Read the resource again and base the change on its current version."));
        }
        return null;
    }
}
