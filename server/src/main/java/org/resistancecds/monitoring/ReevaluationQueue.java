package org.resistancecds.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.resistancecds.assessment.AssessmentRecorder;
import org.resistancecds.storage.DatabaseUnreachable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Patients waiting for re-evaluation, worked off by one background thread.
 *
 * <p>One entry per patient: a write for a patient already waiting only keeps the earlier commit time (the lag is
 * measured from the oldest write not yet seen). The entry is removed before the patient is evaluated, so a write
 * that commits during the evaluation queues the patient again: every committed write is followed by at least one
 * evaluation that reads it. The queue is bounded; when it is full the write is still stored, the patient is not
 * queued, and the refusal is logged and counted ({@code resistance.reevaluation.requests{outcome=rejected}}).
 * A failed run is tried again up to {@code max-attempts} times, except when the database cannot be reached: then
 * the patient waits for it, however long. The queue lives in memory; {@link PendingReevaluations} keeps its
 * entries in the database as well, each removed once an evaluation that read its write has run. Those left by a
 * process that stopped or died are queued again when the server is next ready; and every {@code sweep-interval}
 * each node queues the patients whose rows have outlasted the previous sweep: left by another node that died, by a
 * patient refused because the queue was full, or by one given up on after {@code max-attempts}.
 */
public class ReevaluationQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReevaluationQueue.class);
    private static final Duration MAX_DATABASE_RETRY_DELAY = Duration.ofSeconds(30);

    private final PatientReevaluator reevaluator;
    private final PendingReevaluations pendingRows;
    private final MonitoringProperties properties;
    private final LinkedBlockingQueue<String> order;
    private final ConcurrentHashMap<String, Instant> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService worker;
    private final ScheduledExecutorService sweeper;
    /** Rows up to this id were there at the previous sweep (or when the server became ready). */
    private volatile long sweptUpTo = -1;
    private volatile boolean running = true;

    private final Counter queued;
    private final Counter merged;
    private final Counter rejected;
    private final Counter changed;
    private final Counter citationsUpdated;
    private final Counter restored;
    private final Counter unchanged;
    private final Counter noPatient;
    private final Counter retried;
    private final Counter failed;
    private final Timer lag;
    private final Timer duration;

    public ReevaluationQueue(PatientReevaluator reevaluator, PendingReevaluations pendingRows,
            MonitoringProperties properties, MeterRegistry registry) {
        this.reevaluator = reevaluator;
        this.pendingRows = pendingRows;
        this.properties = properties;
        this.order = new LinkedBlockingQueue<>(properties.queueCapacity());
        this.queued = requests(registry, "queued");
        this.merged = requests(registry, "merged");
        this.rejected = requests(registry, "rejected");
        this.changed = runs(registry, "changed");
        this.citationsUpdated = runs(registry, "citations-updated");
        this.restored = runs(registry, "restored");
        this.unchanged = runs(registry, "unchanged");
        this.noPatient = runs(registry, "no-patient");
        this.retried = runs(registry, "retried");
        this.failed = runs(registry, "failed");
        this.lag = Timer.builder("resistance.reevaluation.lag")
                .description("From the commit of a write to the end of the re-evaluation that read it")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.duration = Timer.builder("resistance.reevaluation.duration")
                .description("One re-evaluation: read, evaluate, compare, write")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        Gauge.builder("resistance.reevaluation.pending", this, ReevaluationQueue::pending)
                .description("Patients waiting or being re-evaluated")
                .register(registry);
        this.worker = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reevaluation");
            thread.setDaemon(true);
            return thread;
        });
        worker.execute(this::work);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "reevaluation-sweep");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static Counter requests(MeterRegistry registry, String outcome) {
        return Counter.builder("resistance.reevaluation.requests").tag("outcome", outcome)
                .description("Writes that asked for a re-evaluation").register(registry);
    }

    private static Counter runs(MeterRegistry registry, String result) {
        return Counter.builder("resistance.reevaluation.runs").tag("result", result)
                .description("Re-evaluation runs by result").register(registry);
    }

    /** Queues a patient whose data changed in a transaction that committed at {@code committed}. */
    public void submit(String patientId, Instant committed) {
        if (!running) {
            return;
        }
        if (waiting.putIfAbsent(patientId, committed) != null) {
            merged.increment();
            return;
        }
        if (order.offer(patientId)) {
            queued.increment();
            return;
        }
        waiting.remove(patientId, committed);
        rejected.increment();
        LOG.warn("Re-evaluation queue full ({} patients): Patient/{} not queued; its data are stored, run "
                + "$evaluate-resistance to assess it", properties.queueCapacity(), patientId);
    }

    /**
     * Queues the patients whose pending rows an earlier run of any node left (it stopped or died first), and starts
     * the periodic sweep.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void queueLeftOver() {
        try {
            long last = pendingRows.lastRow();
            List<String> patients = pendingRows.patientsUpTo(last);
            sweptUpTo = last;
            if (!patients.isEmpty()) {
                LOG.info("{} patients written before the last stop were not re-evaluated yet: queued now",
                        patients.size());
                submitAll(patients);
            }
        } catch (RuntimeException e) {
            LOG.error("Cannot read the pending re-evaluations an earlier run left; a later sweep queues them: {}",
                    e.toString(), e);
        }
        Duration interval = properties.sweepInterval();
        if (!interval.isZero() && !sweeper.isShutdown()) {
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Queues every patient whose rows were there at the previous sweep: a live node clears a row within seconds of
     * its write, so a row that outlasted a whole interval was left by a node that died, by a full queue, or by an
     * evaluation that failed. A patient already waiting is merged; one evaluated twice comes to no harm, since an
     * unchanged assessment writes nothing.
     */
    void sweep() {
        long last = pendingRows.lastRow();
        List<String> patients = sweptUpTo < 0 ? List.of() : pendingRows.patientsUpTo(sweptUpTo);
        sweptUpTo = last;
        if (!patients.isEmpty()) {
            LOG.info("{} patients' re-evaluations waited a whole sweep interval ({}) in the database: queued now",
                    patients.size(), properties.sweepInterval());
            submitAll(patients);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("Sweep of pending re-evaluations failed, tried again in {}: {}", properties.sweepInterval(),
                    e.toString());
        }
    }

    private void submitAll(List<String> patients) {
        Instant now = Instant.now();
        patients.forEach(patient -> submit(patient, now));
    }

    /** Patients waiting or in evaluation. */
    public int pending() {
        return waiting.size() + inFlight.get();
    }

    private void work() {
        while (running) {
            String patientId;
            try {
                patientId = order.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (patientId == null) {
                continue;
            }
            inFlight.incrementAndGet();
            try {
                Instant since = waiting.remove(patientId);
                process(patientId, since == null ? Instant.now() : since);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void process(String patientId, Instant since) {
        for (int attempt = 1; running; attempt++) {
            long start = System.nanoTime();
            try {
                // Rows seen before the evaluation reads: their writes are read, so these rows may go afterwards.
                // A failed evaluation leaves them, so a patient given up on here is tried again at the next sweep.
                List<Long> rows = pendingRows.rowsOf(patientId);
                Optional<AssessmentRecorder.Outcome> outcome = reevaluator.reevaluate(patientId);
                removeQuietly(patientId, rows);
                duration.record(Duration.ofNanos(System.nanoTime() - start));
                lag.record(Duration.between(since, Instant.now()));
                if (outcome.isEmpty()) {
                    noPatient.increment();
                    LOG.debug("Re-evaluation skipped: Patient/{} is not stored", patientId);
                    return;
                }
                switch (outcome.get()) {
                    case CHANGED -> {
                        changed.increment();
                        LOG.info("Re-evaluated Patient/{}: assessment changed, new Observations and a Communication stored", patientId);
                    }
                    case CITATIONS_UPDATED -> {
                        citationsUpdated.increment();
                        LOG.info("Re-evaluated Patient/{}: same assessment, its citations of the record updated", patientId);
                    }
                    case RESTORED -> {
                        restored.increment();
                        LOG.info("Re-evaluated Patient/{}: its deleted status assessment stored again", patientId);
                    }
                    case UNCHANGED -> {
                        unchanged.increment();
                        LOG.debug("Re-evaluated Patient/{}: unchanged", patientId);
                    }
                    case DISCARDED -> {
                        noPatient.increment();
                        LOG.info("Re-evaluated Patient/{}: its record was deleted meanwhile; the assessments and "
                                + "Communications stored for it were deleted too", patientId);
                    }
                }
                return;
            } catch (RuntimeException e) {
                // A lost database is not this patient's fault: dropping the entry would leave its assessment stale
                // once the database is back, so it waits for the database instead, backing off.
                boolean databaseDown = DatabaseUnreachable.causedBy(e);
                if (!databaseDown && attempt >= properties.maxAttempts()) {
                    failed.increment();
                    LOG.error("Re-evaluation of Patient/{} failed after {} attempts (tried again at the next "
                            + "sweep): {}", patientId, attempt, e.toString(), e);
                    return;
                }
                retried.increment();
                Duration delay = databaseDown ? databaseRetryDelay(attempt) : properties.retryDelay();
                if (databaseDown) {
                    LOG.warn("Re-evaluation of Patient/{} waits for the database (attempt {}), next try in {} ms: {}",
                            patientId, attempt, delay.toMillis(), e.toString());
                } else {
                    LOG.warn("Re-evaluation of Patient/{} failed (attempt {} of {}), retrying: {}", patientId, attempt,
                            properties.maxAttempts(), e.toString());
                }
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A row that cannot be removed now only has its patient evaluated once more, at the next sweep or start. */
    private void removeQuietly(String patientId, List<Long> rows) {
        try {
            pendingRows.remove(rows);
        } catch (RuntimeException e) {
            LOG.warn("Pending re-evaluation of Patient/{} not cleared (it runs again at the next sweep): {}",
                    patientId, e.toString());
        }
    }

    /** The retry delay doubled per attempt, up to 30 s: a long outage costs a log line or two a minute. */
    private Duration databaseRetryDelay(int attempt) {
        long doubled = properties.retryDelay().toMillis() << Math.min(attempt - 1, 16);
        return Duration.ofMillis(Math.min(doubled, MAX_DATABASE_RETRY_DELAY.toMillis()));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sweeper.shutdownNow();
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
