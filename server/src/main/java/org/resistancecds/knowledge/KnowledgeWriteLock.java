package org.resistancecds.knowledge;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import java.sql.ResultSet;
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

    /**
     * Waits for this writer's turn, which lasts until the current database transaction ends. A transaction that has
     * its turn already (a Bundle asks at every entry and again at its check) is answered at once, without another
     * round trip to PostgreSQL or another hold on the JVM lock.
     */
    void holdUntilTransactionEnds() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("A knowledge write is checked outside a database transaction");
        }
        if (TransactionSynchronizationManager.hasResource(this)) {
            return;
        }
        if (!(postgres ? takeAdvisoryLock() : takeLocalLock())) {
            // A writer that waits this long is most likely waiting on a row the lock's holder needs: give way.
            throw new ResourceVersionConflictException("Another knowledge write has been under way for "
                    + WAIT_SECONDS + " s; nothing was changed. Retry the write.");
        }
        TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(KnowledgeWriteLock.this);
                // PostgreSQL gave the advisory lock back with the transaction itself.
                if (!postgres) {
                    local.unlock();
                }
            }
        });
    }

    /** Tried until the wait is over, on the transaction's own connection, so the database gives it back at the end. */
    private boolean takeAdvisoryLock() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        Session session = entityManager.unwrap(Session.class);
        while (true) {
            // Through JDBC, so that what the transaction has not yet written is not flushed here.
            boolean taken = session.doReturningWork(connection -> {
                try (Statement statement = connection.createStatement();
                        ResultSet result = statement.executeQuery("select pg_try_advisory_xact_lock(" + KEY + ")")) {
                    return result.next() && result.getBoolean(1);
                }
            });
            if (taken) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
    }

    private boolean takeLocalLock() {
        try {
            return local.tryLock(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceVersionConflictException("Interrupted while waiting for another knowledge write");
        }
    }
}
