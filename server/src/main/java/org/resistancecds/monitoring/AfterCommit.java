package org.resistancecds.monitoring;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Runs an action once the database transaction in progress has committed (never for one that rolls back). */
final class AfterCommit {

    private AfterCommit() {}

    /** Outside a transaction there is nothing to wait for: the action runs at once. */
    static void run(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
