package org.resistancecds.knowledge;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.hibernate.Session;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Makes knowledge writes take turns from their check to their commit. Each write is checked against the stored
 * knowledge plus its own change; two writers at the same moment each missed the other's change, so together they
 * could store knowledge that does not compile (a PlanDefinition using an ActivityDefinition deleted at the same
 * time), after which every knowledge write was refused. On PostgreSQL the turn is a transaction-scoped advisory
 * lock, so nodes sharing the database take turns too, and the database gives it back at commit or rollback; on H2
 * (one process) it is a lock in this JVM, given back when the transaction completes.
 */
final class KnowledgeWriteLock {

    // Any constant shared by all nodes, distinct from the schema start-up lock's.
    private static final long KEY = 0x4b6e_6f77_6c65L;
    private static final long WAIT_SECONDS = 30;

    private final EntityManager entityManager;
    private final boolean postgres;
    private final ReentrantLock local = new ReentrantLock();

    KnowledgeWriteLock(EntityManager entityManager, boolean postgres) {
        this.entityManager = entityManager;
        this.postgres = postgres;
    }

    /** Waits for this writer's turn, which lasts until the current database transaction ends. */
    void holdUntilTransactionEnds() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("A knowledge write is checked outside a database transaction");
        }
        if (postgres) {
            // On the transaction's own connection, without flushing what the transaction has not yet written.
            entityManager.unwrap(Session.class).doWork(connection -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("select pg_advisory_xact_lock(" + KEY + ")");
                }
            });
            return;
        }
        try {
            // A writer that waits this long is most likely waiting on a row the lock's holder needs: give way.
            if (!local.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ResourceVersionConflictException("Another knowledge write has been under way for "
                        + WAIT_SECONDS + " s; nothing was changed. Retry the write.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceVersionConflictException("Interrupted while waiting for another knowledge write");
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                local.unlock();
            }
        });
    }
}
