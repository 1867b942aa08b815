package org.resistancecds.bench;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.resistancecds.cds.security.TestJwts;

/**
 * Signed CDS client tokens (ES384, a new {@code jti} each) for one service, signed before a measured window so
 * that the load generator's signing does not take the two cores from the server while it is measured. A window
 * that outruns the pool signs the rest as it goes, and says how many.
 */
final class ClientTokens implements Supplier<String> {

    private final String audience;
    private final Queue<String> signed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger signedLate = new AtomicInteger();

    ClientTokens(String audience) {
        this.audience = audience;
    }

    /** Signs {@code count} tokens ahead, after dropping those left from the last window. */
    void prepare(int count) {
        signed.clear();
        signedLate.set(0);
        for (int i = 0; i < count; i++) {
            signed.add(sign());
        }
    }

    @Override
    public String get() {
        String token = signed.poll();
        if (token != null) {
            return token;
        }
        signedLate.incrementAndGet();
        return sign();
    }

    /** Tokens signed during the window because the pool ran out. */
    int signedLate() {
        return signedLate.get();
    }

    private String sign() {
        return TestJwts.es384(TestJwts.claims(audience).build());
    }
}
