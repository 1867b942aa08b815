package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.resistancecds.knowledge.KnowledgeCodes;

/**
 * A write that names no version to build on is tried again when it loses a race with another write (HAPI: 409).
 *
 * <p>Two clients PUTting the same resource at once, neither with {@code If-Match}, each asked for its version to be
 * stored; HAPI's optimistic lock failed the later one with 409, which such a client cannot act on but by sending the
 * same request again. That is what this does, up to {@value #MAX_RETRIES} times, inside the server: the last writer
 * wins, as without a race. A conditional create that lost then finds the winner's resource (200).
 *
 * <p>Only creates, updates, patches and transactions or batches of them, without deletes. HAPI retries every 409
 * thrown in its transaction that its hook allows, after a growing pause, so a 409 that a retry cannot change must not
 * get one: knowledge writes (their turn-taking answers 409 after 30 s of waiting: ten retries would hold a client five
 * minutes), operations, and writes with a precondition ({@code If-Match}, {@code If-None-Match}, {@code ifMatch} /
 * {@code ifNoneMatch} on a Bundle entry), which asked to fail rather than overwrite. Deletes keep HAPI's answer. A
 * client's own {@code X-Retry-On-Version-Conflict} is HAPI's to apply.
 */
@Interceptor
public class UnconditionalWriteRetry {

    static final int MAX_RETRIES = 10;

    private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
            RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.TRANSACTION,
            RestOperationTypeEnum.BATCH);

    /** Before HAPI's header interceptor (order 100), which answers every conflict, with or without its header. */
    @Hook(value = Pointcut.STORAGE_VERSION_CONFLICT, order = 50)
    public ResourceVersionConflictResolutionStrategy retry(RequestDetails request) {
        if (!(request instanceof ServletRequestDetails servlet) || request.isRetry() || !retriable(servlet)) {
            return null;
        }
        ResourceVersionConflictResolutionStrategy strategy = new ResourceVersionConflictResolutionStrategy();
        strategy.setRetry(true);
        strategy.setMaxRetries(MAX_RETRIES);
        return strategy;
    }

    private static boolean retriable(ServletRequestDetails request) {
        if (!WRITES.contains(request.getRestOperationType())
                || (request.getResourceName() != null
                        && KnowledgeCodes.KNOWLEDGE_TYPES.contains(request.getResourceName()))
                || request.getHeader("If-Match") != null || request.getHeader("If-None-Match") != null
                || ConditionalHeaders.ifMatchAny(request)) {
            return false;
        }
        return !(request.getResource() instanceof Bundle bundle) || bundle.getEntry().stream().allMatch(entry ->
                entry.getRequest().getMethod() != Bundle.HTTPVerb.DELETE
                        && !entry.getRequest().hasIfMatch() && !entry.getRequest().hasIfNoneMatch()
                        && !(entry.getResource() != null
                                && KnowledgeCodes.KNOWLEDGE_TYPES.contains(entry.getResource().fhirType())));
    }
}
