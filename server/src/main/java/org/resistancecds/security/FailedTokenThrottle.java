package org.resistancecds.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tokens refused per client address: once an address has had {@code limit} refused within a window, it is held
 * back until that window ends. The window starts at the address's first refusal; an address is forgotten a window
 * after its last. See {@link RefusedTokenLimitFilter} for why.
 */
public final class FailedTokenThrottle {

    /** Addresses remembered at once; beyond this the least recent are forgotten. */
    private static final int MAX_ADDRESSES = 100_000;

    private final int limit;
    private final Duration window;
    private final Clock clock;
    private final Cache<String, Refusals> byAddress;

    /** @param limit refused tokens an address may have per window; 0 turns the throttle off */
    public FailedTokenThrottle(int limit, Duration window, Clock clock) {
        this.limit = limit;
        this.window = window;
        this.clock = clock;
        this.byAddress = Caffeine.newBuilder().maximumSize(MAX_ADDRESSES).expireAfterWrite(window).build();
    }

    /** The refusals that hold an address back now, or null when its calls may be checked. */
    Refusals holding(String address) {
        if (limit <= 0) {
            return null;
        }
        Refusals refusals = byAddress.getIfPresent(address);
        boolean held = refusals != null && !refusals.endedBy(clock.millis()) && refusals.count.get() >= limit;
        return held ? refusals : null;
    }

    void refused(String address, String reason) {
        if (limit <= 0) {
            return;
        }
        long now = clock.millis();
        Refusals refusals = byAddress.asMap().compute(address, (key, current) ->
                current == null || current.endedBy(now) ? new Refusals(now + window.toMillis()) : current);
        refusals.count.incrementAndGet();
        refusals.lastReason = reason;
    }

    /** An address's refused tokens in its current window. */
    final class Refusals {
        private final long endsAt;
        private final AtomicInteger count = new AtomicInteger();
        private volatile String lastReason;

        private Refusals(long endsAt) {
            this.endsAt = endsAt;
        }

        private boolean endedBy(long now) {
            return now >= endsAt;
        }

        /** Whole seconds until the window ends, at least 1. */
        long secondsLeft() {
            return Math.max(1, (endsAt - clock.millis() + 999) / 1000);
        }

        int count() {
            return count.get();
        }

        String lastReason() {
            return lastReason;
        }
    }
}
