package org.resistancecds.monitoring;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The patients one database transaction wrote for: stored as pending re-evaluations just before it commits (one
 * row per patient, in that transaction), handed on once it has committed (never for one that rolls back).
 */
final class TransactionPatients implements TransactionSynchronization {

    private final Object key;
    private final PendingReevaluations pending;
    private final Consumer<String> onCommit;
    private final Set<String> patients = new LinkedHashSet<>();

    private TransactionPatients(Object key, PendingReevaluations pending, Consumer<String> onCommit) {
        this.key = key;
        this.pending = pending;
        this.onCommit = onCommit;
    }

    /**
     * Notes a patient for the transaction in progress; {@code key} tells one caller's set from another's in the
     * same transaction. Outside a transaction the row is stored and the patient handed on at once.
     */
    static void add(Object key, String patientId, PendingReevaluations pending, Consumer<String> onCommit) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            pending.add(List.of(patientId));
            onCommit.accept(patientId);
            return;
        }
        // Looked up among the synchronizations of the transaction in progress, so an inner transaction that
        // suspended an outer one gets its own set and commits its own rows.
        TransactionPatients current = null;
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof TransactionPatients notes && notes.key == key) {
                current = notes;
            }
        }
        if (current == null) {
            current = new TransactionPatients(key, pending, onCommit);
            TransactionSynchronizationManager.registerSynchronization(current);
        }
        current.patients.add(patientId);
    }

    @Override
    public void beforeCommit(boolean readOnly) {
        pending.add(patients);
    }

    @Override
    public void afterCommit() {
        patients.forEach(onCommit);
    }
}
