package org.resistancecds.validation;

import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the validator within the heap. Its memory grows with a resource's elements, 2-2.6 KB each (measured: one
 * Patient of 300,000 elements took a 1 GB heap to its end; 87,000 ran -Xmx512m into 40 full collections), so one
 * large resource, or a few at once, ended in an OutOfMemoryError that failed every other request and stopped the
 * server. A resource over {@link #maxElements()} is not validated (an error says why), and validations in flight
 * together hold at most one and a half times that many elements; one that cannot start within {@link #WAIT} is
 * answered 503 (nothing of a write is stored).
 */
final class ValidationBudget {

    /**
     * What the idle server itself holds of the heap (its content, the validator's definitions: 360-380 MB live,
     * measured with -Xmx512m); the rest is shared out, 5 KB per element of one resource, so that one and a half
     * times that, at the 2.6 KB each measured, fits: 131,072 elements with -Xmx1g, 26,214 with -Xmx512m.
     */
    static final long HEAP_RESERVED_BYTES = 384L * 1024 * 1024;
    static final long HEAP_BYTES_PER_ELEMENT = 5 * 1024;
    /** The least, whatever the heap: larger than any single clinical resource this server was sent. */
    static final long MIN_ELEMENTS = 10_000;
    static final Duration WAIT = Duration.ofSeconds(20);

    private final int maxElements;
    private final Semaphore inFlight;
    private final Duration wait;

    ValidationBudget(long maxElements, Duration wait) {
        this.maxElements = (int) Math.min(Math.max(maxElements, 1), Integer.MAX_VALUE / 2);
        this.inFlight = new Semaphore(this.maxElements + this.maxElements / 2);
        this.wait = wait;
    }

    /** {@code configured} elements, or sized from the heap when {@code 0}. */
    static ValidationBudget of(long configured, long maxHeapBytes) {
        long fromHeap = Math.max(MIN_ELEMENTS, (maxHeapBytes - HEAP_RESERVED_BYTES) / HEAP_BYTES_PER_ELEMENT);
        return new ValidationBudget(configured > 0 ? configured : fromHeap, WAIT);
    }

    int maxElements() {
        return maxElements;
    }

    /** Why a resource of this many elements is not validated, or empty when it can be. */
    Optional<String> refusal(long elements) {
        if (elements <= maxElements) {
            return Optional.empty();
        }
        return Optional.of("The resource has " + elements + " elements; this server validates resources of up to "
                + maxElements + " (resistance.validation.max-elements, sized from the heap unless set), so it was not "
                + "validated. Split it (a Bundle into its entries), or give the server a larger heap.");
    }

    /** Holds {@code elements} of the budget until the returned permit is closed. */
    Permit acquire(long elements) {
        int permits = (int) Math.min(Math.max(elements, 1), maxElements);
        try {
            if (!inFlight.tryAcquire(permits, wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return () -> inFlight.release(permits);
    }

    private UnclassifiedServerFailureException busy() {
        UnclassifiedServerFailureException busy = new UnclassifiedServerFailureException(503, "The server is "
                + "validating other large resources and had no room for this one within " + wait.toSeconds()
                + " s: it was not validated and nothing was stored. Try again shortly.");
        busy.addResponseHeader("Retry-After", "5");
        return busy;
    }

    /** A share of the budget in use. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
