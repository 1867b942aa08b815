package org.resistancecds.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.tx.Transaction;

/**
 * Writes the changes of one committed transaction of an embedded H2 database to its file before the commit is
 * acknowledged.
 *
 * <p>Why not H2's {@code WRITE_DELAY=0}, which does the same for every commit: with it H2 starts no background
 * writer, and that thread is the one that rewrites half-empty chunks and reuses their space, so the file grew
 * without bound (about 60 KB per stored resource). With a write delay the background writer runs, and a commit is
 * made durable here instead: only a transaction that changed something, and one store call writes every change
 * committed so far, so concurrent commits share one chunk.
 *
 * <p>It reaches into H2's engine ({@code SessionLocal}, the MVStore and its transaction), which is not public API:
 * H2's version is pinned by Spring Boot's dependency management, and {@code H2CommitFlusherTest} and
 * {@code PackagedJarLifecycleIT} fail if an upgrade changes what is relied on here.
 */
public final class H2CommitFlusher {

    private final MVStore store;
    private final Transaction transaction;

    private H2CommitFlusher(MVStore store, Transaction transaction) {
        this.store = store;
        this.transaction = transaction;
    }

    /**
     * Taken just before a commit on this connection (the transaction being committed is the session's current
     * one); empty unless the connection is to an embedded H2 file whose writes H2 delays.
     */
    public static Optional<H2CommitFlusher> beforeCommit(Connection connection) throws SQLException {
        return sessionOf(connection).flatMap(session ->
                delayedStoreOf(session).map(store -> new H2CommitFlusher(store, session.getTransaction())));
    }

    /** After the commit: writes the store if the transaction changed anything, and returns once it is written. */
    public void afterCommit() {
        // Waits for a store already under way, which may hold these changes; writes nothing if nothing is left.
        if (transaction.hasChanges()) {
            store.commit();
        }
    }

    /**
     * The store behind an embedded, file-based H2 connection whose writes H2 itself delays; empty for any other
     * database, for in-memory H2 and for H2 running with {@code WRITE_DELAY=0} (which already writes on commit).
     */
    public static Optional<MVStore> delayedStoreOf(Connection connection) throws SQLException {
        return sessionOf(connection).flatMap(H2CommitFlusher::delayedStoreOf);
    }

    private static Optional<MVStore> delayedStoreOf(SessionLocal session) {
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() != null && store.getAutoCommitDelay() > 0 ? Optional.of(store) : Optional.empty();
    }

    private static Optional<SessionLocal> sessionOf(Connection connection) throws SQLException {
        if (connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
            return Optional.of(session);
        }
        return Optional.empty();
    }
}
