package org.resistancecds.cds.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remembers the ids ({@code iss} + {@code jti}) of accepted tokens until they expire, so none is accepted twice.
 * Bounded: expired ids are dropped when the cache fills, and if it is still full the token is refused — a replay
 * must never slip through because memory ran out.
 */
final class JtiReplayCache implements TokenIdRecord {

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Clock clock;

    JtiReplayCache(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    /**
     * Records a token id until {@code forgetAfter}.
     *
     * @throws AuthenticationFailure if the id was seen before, or the cache is full of unexpired ids
     */
    @Override
    public void record(String issuer, String jti, Instant forgetAfter) {
        if (size.get() >= capacity) {
            purgeExpired();
            if (size.get() >= capacity) {
                throw new ReplayCheckUnavailable("too many recent tokens to check for replay; try again shortly");
            }
        }
        String key = issuer + "\u0000" + jti;
        Instant now = clock.instant();
        Instant[] replayed = {null};
        seen.compute(key, (k, previous) -> {
            if (previous != null && previous.isAfter(now)) {
                replayed[0] = previous;
                return previous;
            }
            if (previous == null) {
                size.incrementAndGet();
            }
            return forgetAfter;
        });
        if (replayed[0] != null) {
            throw new AuthenticationFailure("token replayed: jti '" + jti + "' was already used");
        }
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        for (Map.Entry<String, Instant> entry : seen.entrySet()) {
            if (!entry.getValue().isAfter(now) && seen.remove(entry.getKey(), entry.getValue())) {
                size.decrementAndGet();
            }
        }
    }

    int size() {
        return size.get();
    }
}
