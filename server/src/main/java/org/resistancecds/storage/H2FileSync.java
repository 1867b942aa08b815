package org.resistancecds.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * On an embedded H2 file database: forces the file to disk every second and lets H2 reuse the space of dead
 * chunks after three seconds instead of 45.
 *
 * <p>Why both: H2 keeps a chunk that no current data refers to for its retention time, because until the writes
 * that replaced it are on disk, a machine crash could bring back a version that still needs it. H2 never forces the
 * file itself and so waits 45 seconds, the operating system's own write-back horizon. Under steady writes every
 * commit leaves a chunk, and 45 seconds' worth of them, rewritten only once they expire, made the file several times
 * larger than its data. Forcing the file every second brings that horizon down to one second, so three seconds of
 * retention keep the same protection.
 *
 * <p>It also watches for H2 giving up on its file (a write failed, on a full disk say): H2 then closes the database
 * and every later request fails. Reopening it in this process would leave HAPI's caches and id blocks ahead of what
 * the file holds, so the server instead reports itself broken (liveness and readiness down) for a restart, which
 * finds every acknowledged write in the file.
 */
public class H2FileSync implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(H2FileSync.class);

    static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    static final Duration RETENTION = Duration.ofSeconds(3);

    private final DataSource dataSource;
    private final MeterRegistry registry;
    private final ApplicationEventPublisher events;
    private final Duration syncInterval;
    private final Duration retention;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "h2-file-sync");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MVStore store;

    public H2FileSync(DataSource dataSource, MeterRegistry registry, ApplicationEventPublisher events) {
        this(dataSource, registry, events, SYNC_INTERVAL, RETENTION);
    }

    H2FileSync(DataSource dataSource, MeterRegistry registry, ApplicationEventPublisher events, Duration syncInterval,
            Duration retention) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.events = events;
        this.syncInterval = syncInterval;
        this.retention = retention;
    }

    @Override
    public void afterPropertiesSet() throws SQLException {
        Optional<MVStore> found = currentStore();
        if (found.isEmpty()) {
            return;
        }
        adopt(found.get());
        long millis = syncInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::syncSafely, millis, millis, TimeUnit.MILLISECONDS);
        // The file grows faster than its data while the server writes (README, Durability): let operators watch it.
        Gauge.builder("resistance.h2.file.size", this, sync -> sync.store.getFileStore().size())
                .baseUnit("bytes").description("Size of the H2 database file").register(registry);
        Gauge.builder("resistance.h2.chunks.live", this, sync -> sync.store.getFileStore().getChunksFillRate())
                .baseUnit("percent").description("Share of the H2 file's chunk space holding live data")
                .register(registry);
        log.info("H2 file database: each commit is written through before it is acknowledged, the file is forced to "
                + "disk every {} ms, dead chunks are reused after {} ms; compaction on close: {} ms (h2.maxCompactTime)",
                millis, retention.toMillis(), H2CloseCompaction.setting());
    }

    /** True while this database gets the treatment (an embedded H2 file with a write delay). */
    boolean active() {
        return store != null;
    }

    private void syncSafely() {
        MVStoreException failure = store.getPanicException();
        if (failure != null) {
            reportBroken(failure);
            return;
        }
        try {
            if (store.isClosed()) {
                // H2 reopened the database (e.g. after every pooled connection closed): follow the new store.
                currentStore().ifPresent(this::adopt);
            }
            if (!store.isClosed()) {
                store.sync();
            }
        } catch (SQLException | RuntimeException e) {
            // Keep going: one failed force is retried a second later, and H2's own file is unaffected.
            log.warn("Could not force the H2 file to disk: {}", e.toString());
        }
    }

    private void reportBroken(MVStoreException failure) {
        log.error("H2 could not write its file and closed the database ({}). The server now reports itself broken: "
                + "liveness and readiness down, FHIR and CDS requests answered with 503. Fix the cause (free disk "
                + "space, or a larger heap when it names an OutOfMemoryError) and restart it: every acknowledged "
                + "write is in the file.", failure.getMessage());
        AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        scheduler.shutdown();
    }

    private void adopt(MVStore found) {
        found.setRetentionTime((int) retention.toMillis());
        store = found;
    }

    private Optional<MVStore> currentStore() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return H2CommitFlusher.delayedStoreOf(connection);
        }
    }

    /** Waits for a sync under way: it may hold a connection that would otherwise outlive the data source's close. */
    @Override
    public void destroy() throws InterruptedException {
        scheduler.shutdownNow();
        if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
            log.warn("The H2 file sync did not stop within 5 s");
        }
    }
}
