package org.resistancecds.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Instant;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Storage interceptor on the REST server: when a resource the engine reads about a patient ({@link ChangedPatients})
 * is created, updated or deleted, the patient is recorded as pending in the same database transaction and queued for
 * re-evaluation once it has committed (never for data that rolled back). Registered on the RestfulServer only, so internal writes (content
 * installation, example loading, the re-evaluation's own results) do not trigger it; {@code $import}'s writes have
 * {@link ImportedDataTrigger}.
 */
public class ReevaluationTrigger {

    private final ReevaluationQueue queue;
    private final PendingReevaluations pending;
    private final ChangedPatients changedPatients;

    public ReevaluationTrigger(ReevaluationQueue queue, PendingReevaluations pending, ChangedPatients changedPatients) {
        this.queue = queue;
        this.pending = pending;
        this.changedPatients = changedPatients;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        onWrite(changedPatients.ofCreated(resource));
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        onWrite(changedPatients.ofUpdated(oldResource, newResource));
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        onWrite(changedPatients.ofDeleted(resource));
    }

    private void onWrite(Set<String> patients) {
        patients.forEach(patient ->
                TransactionPatients.add(this, patient, pending, committed -> queue.submit(committed, Instant.now())));
    }
}
