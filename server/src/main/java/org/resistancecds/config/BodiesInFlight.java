package org.resistancecds.config;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.resistancecds.cds.CdsErrorBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the request bodies handled at once, in bytes: a body is parsed into objects many times its size (a 15 MB
 * CDS call takes a few hundred MB while it runs), so bodies each under the size limit ran the heap out together
 * (eight 15 MB CDS calls: five 500s from OutOfMemoryError and two minutes of no answers to anyone). A request whose
 * body finds no room within {@link #WAIT} is answered 503 with {@code Retry-After}; a body larger than the whole
 * budget runs alone. Requests without a body pass freely. Runs after {@link RequestBodyLimitFilter}, which has
 * refused the oversized bodies and read the chunked ones, so every body's length is known here.
 */
public class BodiesInFlight extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(BodiesInFlight.class);
    static final Duration WAIT = Duration.ofSeconds(30);

    private final FhirContext fhirContext;
    private final int budgetKb;
    private final Semaphore kilobytes;
    private final Duration wait;

    public BodiesInFlight(FhirContext fhirContext, long budgetBytes, Duration wait) {
        this.fhirContext = fhirContext;
        this.budgetKb = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / 1024));
        this.kilobytes = new Semaphore(budgetKb);
        this.wait = wait;
    }

    /** {@code configured} bytes, or a 32nd of the heap when 0: 32 MB with -Xmx1g. */
    static long budget(long configured, long maxHeapBytes) {
        return configured > 0 ? configured : maxHeapBytes / 32;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length <= 0) {
            chain.doFilter(request, response);
            return;
        }
        int permits = (int) Math.min(budgetKb, (length + 1023) / 1024);
        boolean acquired;
        try {
            acquired = kilobytes.tryAcquire(permits, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            log.warn("Refused {} {}: its {}-byte body found no room among the bodies in flight within {} s",
                    request.getMethod(), request.getRequestURI(), length, wait.toSeconds());
            response.setHeader("Retry-After", "10");
            CdsErrorBody.write(request, response, fhirContext, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "The server is handling other large requests and had no room for this one's " + length
                            + "-byte body within " + wait.toSeconds() + " s (resistance.http.max-bodies-in-flight); "
                            + "nothing was done. Try again shortly, or send smaller requests.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            kilobytes.release(permits);
        }
    }
}
