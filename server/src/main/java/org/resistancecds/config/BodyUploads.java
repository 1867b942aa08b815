package org.resistancecds.config;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Bounds what clients sending request bodies can hold. A worker thread waits on a body's bytes as they come, so
 * clients that send slowly held every worker: 205 connections each sending a byte every 8 s left no request answered,
 * health probes included. Here a body must arrive at {@code minBytesPerSecond} on average once {@code grace} has
 * passed, and only {@code slots} bodies are received at once, a quarter of them at most from one client address, so
 * that the rest of the workers always serve requests that have arrived whole (reads, health probes) and one client's
 * slow uploads cannot take every slot from the others.
 */
public final class BodyUploads {

    private static final int MIN_PER_CLIENT = 8;

    private final int slots;
    private final int slotsPerClient;
    private final Semaphore free;
    /** Slots taken, by the client's address; an address holding none has no entry. */
    private final ConcurrentHashMap<String, Integer> takenByClient = new ConcurrentHashMap<>();
    private final long minBytesPerSecond;
    private final Duration grace;
    private final LongSupplier nanoTime;

    public BodyUploads(int slots, long minBytesPerSecond, Duration grace, LongSupplier nanoTime) {
        this.slots = Math.max(1, slots);
        // A small pool is not split: a loader sending a few bodies at once from one host must not meet 503s.
        this.slotsPerClient = Math.min(this.slots, Math.max(MIN_PER_CLIENT, this.slots / 4));
        this.free = new Semaphore(this.slots);
        this.minBytesPerSecond = minBytesPerSecond;
        this.grace = grace;
        this.nanoTime = nanoTime;
    }

    /** {@code configured}, or three quarters of the container's worker threads when 0: 150 of Tomcat's 200. */
    static int slots(int configured, int workerThreads) {
        return configured > 0 ? configured : Math.max(1, workerThreads * 3 / 4);
    }

    /**
     * A slot to receive one body from {@code client} (its address) in, or false when all are taken or the client
     * holds a quarter of them (at least 8) already, so that one client's slow uploads leave the others room;
     * {@link #finish(String)} gives it back. Behind a reverse proxy every client has the proxy's address, and the
     * proxy, which has the bodies whole, sends each in moments.
     */
    boolean tryStart(String client) {
        if (!free.tryAcquire()) {
            return false;
        }
        int[] taken = new int[1];
        takenByClient.compute(client, (address, count) -> {
            taken[0] = count == null ? 1 : count + 1;
            return taken[0] > slotsPerClient ? count : Integer.valueOf(taken[0]);
        });
        if (taken[0] > slotsPerClient) {
            free.release();
            return false;
        }
        return true;
    }

    void finish(String client) {
        takenByClient.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
        free.release();
    }

    int slots() {
        return slots;
    }

    int slotsPerClient() {
        return slotsPerClient;
    }

    long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    Duration grace() {
        return grace;
    }

    /** The body's stream, failing with {@link TooSlow} when its bytes arrive below the rate after the grace. */
    InputStream paced(InputStream body) {
        return new PacedStream(body);
    }

    /** The client sent its body more slowly than this server waits for. */
    static final class TooSlow extends IOException {
        TooSlow(long bytes, long millis) {
            super(bytes + " bytes in " + millis + " ms");
        }
    }

    private final class PacedStream extends FilterInputStream {
        private final long start = nanoTime.getAsLong();
        private long received;

        PacedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n >= 0) {
                counted(n);
            }
            return n;
        }

        /**
         * Checked after each read that returns bytes (a read waits for the client's next ones, up to Tomcat's
         * timeout); a body that has come whole is taken however long it took.
         */
        private void counted(int n) throws TooSlow {
            received += n;
            long elapsed = nanoTime.getAsLong() - start;
            if (elapsed > grace.toNanos() && received < minBytesPerSecond * (elapsed / 1_000_000_000.0)) {
                throw new TooSlow(received, elapsed / 1_000_000);
            }
        }
    }
}
