package org.resistancecds.monitoring;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.resistancecds.bulk.ImportChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues for re-evaluation the patients whose data a bulk {@code $import} stored: each once, when the import job
 * has ended, with the time their first data committed.
 *
 * <p>The import stores through HAPI's Batch2 job with a system request, which {@link ReevaluationTrigger}, on the
 * REST server only, never sees. This one is registered with the storage layer's interceptors but notes a write only
 * while a chunk of an import job runs on the thread ({@link ImportChunks}), so REST writes stay
 * {@link ReevaluationTrigger}'s (never queued twice) and other internal writes trigger nothing. The job's chunks (a file each, or 800 of its lines) run in
 * parallel and commit separately; queuing per chunk assessed a patient on part of its data, storing an assessment
 * and a Communication that the next chunk replaced. The job's end is polled rather than hooked because on several
 * nodes it may come on another node than the chunks.
 */
public class ImportedDataTrigger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImportedDataTrigger.class);
    /** How soon an ended import is seen; a check reads one job row per import in progress, nothing otherwise. */
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private final ReevaluationQueue queue;
    private final IJobCoordinator jobs;
    private final PendingReevaluations pending;
    private final ChangedPatients changedPatients;
    /** Per import job this node worked on: its patients whose data committed, with the first commit's time. */
    private final Map<String, Map<String, Instant>> patientsByJob = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;

    public ImportedDataTrigger(ReevaluationQueue queue, IJobCoordinator jobs, PendingReevaluations pending,
            ChangedPatients changedPatients) {
        this.changedPatients = changedPatients;
        this.queue = queue;
        this.jobs = jobs;
        this.pending = pending;
        this.checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "import-reevaluation");
            thread.setDaemon(true);
            return thread;
        });
        long interval = CHECK_INTERVAL.toMillis();
        checker.scheduleWithFixedDelay(this::queueEndedImports, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        ImportChunks.currentJob().ifPresent(job -> note(job, changedPatients.ofCreated(resource)));
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        ImportChunks.currentJob().ifPresent(job -> note(job, changedPatients.ofUpdated(oldResource, newResource)));
    }

    private void note(String job, Set<String> patients) {
        patients.forEach(patient -> TransactionPatients.add(
                this, patient, pending, committed -> noteCommitted(job, committed)));
    }

    /** Atomic against the job's removal by the check: a patient noted after it starts a new entry, not a lost one. */
    private void noteCommitted(String job, String patient) {
        Instant now = Instant.now();
        patientsByJob.compute(job, (id, patients) -> {
            Map<String, Instant> noted = patients == null ? new ConcurrentHashMap<>() : patients;
            noted.putIfAbsent(patient, now);
            return noted;
        });
    }

    /** Queues, once each, the patients of every import that has ended (completed, failed or cancelled). */
    void queueEndedImports() {
        for (String job : patientsByJob.keySet()) {
            try {
                Map<String, Instant> patients = hasEnded(job) ? patientsByJob.remove(job) : null;
                if (patients != null) {
                    patients.forEach(queue::submit);
                    LOG.info("Import job {} has ended: {} patients queued for re-evaluation", job, patients.size());
                }
            } catch (RuntimeException e) {
                LOG.warn("Cannot read the state of import job {}, trying again: {}", job, e.toString());
            }
        }
    }

    private boolean hasEnded(String job) {
        try {
            return jobs.getInstance(job).getStatus().isEnded();
        } catch (ResourceNotFoundException purged) {
            return true;
        }
    }

    @Override
    public void close() throws InterruptedException {
        checker.shutdownNow();
        checker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
