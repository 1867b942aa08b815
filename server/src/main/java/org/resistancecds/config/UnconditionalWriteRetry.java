package org.resistancecds.config;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A write that names no version to build on is tried again when it loses a race with another write (HAPI: 409).
 *
 * <p>Two clients PUTting the same resource at once, neither with {@code If-Match}, each asked for its version to be
 * stored; HAPI's optimistic lock failed the later one with 409, which such a client cannot act on but by sending the
 * same request again. That is what this does, up to {@value #MAX_RETRIES} times, inside the server: the last writer
 * wins, as without a race. A conditional create that lost then finds the winner's resource (200). A write with a
 * precondition ({@code If-Match}, {@code If-None-Match}, or {@code ifMatch} / {@code ifNoneMatch} on a Bundle entry)
 * asked to fail rather than overwrite, and keeps its 409 / 412; a client's own {@code X-Retry-On-Version-Conflict}
 * is HAPI's to apply.
 */
@Interceptor
public class UnconditionalWriteRetry {

    static final int MAX_RETRIES = 10;

    /** Before HAPI's header interceptor (order 100), which answers every conflict, with or without its header. */
    @Hook(value = Pointcut.STORAGE_VERSION_CONFLICT, order = 50)
    public ResourceVersionConflictResolutionStrategy retry(RequestDetails request) {
        if (!(request instanceof ServletRequestDetails servlet) || request.isRetry() || hasPrecondition(servlet)) {
            return null;
        }
        ResourceVersionConflictResolutionStrategy strategy = new ResourceVersionConflictResolutionStrategy();
        strategy.setRetry(true);
        strategy.setMaxRetries(MAX_RETRIES);
        return strategy;
    }

    private static boolean hasPrecondition(ServletRequestDetails request) {
        if (request.getHeader("If-Match") != null || request.getHeader("If-None-Match") != null
                || request.getServletRequest().getAttribute(ConditionalHeaders.IF_MATCH_ANY) != null) {
            return true;
        }
        return request.getResource() instanceof Bundle bundle && bundle.getEntry().stream()
                .anyMatch(entry -> entry.getRequest().hasIfMatch() || entry.getRequest().hasIfNoneMatch());
    }
}
