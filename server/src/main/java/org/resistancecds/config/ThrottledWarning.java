package org.resistancecds.config;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A warning that a flood of requests can set off thousands of times a minute (16,000 a minute under the slow-upload
 * test): the first is written, then at most one per interval, saying how many like it were left out meanwhile.
 */
public final class ThrottledWarning {

    private final Consumer<String> sink;
    private final Duration interval;
    private final LongSupplier nanoTime;
    private final AtomicLong nextAt;
    private final AtomicLong leftOut = new AtomicLong();

    ThrottledWarning(Consumer<String> sink, Duration interval, LongSupplier nanoTime) {
        this.sink = sink;
        this.interval = interval;
        this.nanoTime = nanoTime;
        this.nextAt = new AtomicLong(nanoTime.getAsLong());
    }

    /** At most one warning every ten seconds, to {@code sink}. */
    public static ThrottledWarning tenSecondsApart(Consumer<String> sink) {
        return new ThrottledWarning(sink, Duration.ofSeconds(10), System::nanoTime);
    }

    public void warn(String message) {
        long now = nanoTime.getAsLong();
        long next = nextAt.get();
        if (now - next >= 0 && nextAt.compareAndSet(next, now + interval.toNanos())) {
            long more = leftOut.getAndSet(0);
            sink.accept(more == 0 ? message
                    : message + " (and " + more + " more like it since the last such warning)");
        } else {
            leftOut.incrementAndGet();
        }
    }
}
