package org.resistancecds.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * Writes an embedded H2 database's committed changes to its file before the commit is acknowledged.
 *
 * <p>Why not H2's {@code WRITE_DELAY=0}, which does the same: with it H2 starts no background writer, and that
 * thread is the one that rewrites half-empty chunks and reuses their space, so the file grew without bound (about
 * 60 KB per stored resource). With a write delay the background writer runs, and a commit is made durable here
 * instead. One store call writes every change committed so far, so concurrent commits share one chunk.
 */
public final class H2CommitFlusher {

    private H2CommitFlusher() {
    }

    /**
     * The store behind an embedded, file-based H2 connection whose writes H2 itself delays; empty for any other
     * database, for in-memory H2 and for H2 running with {@code WRITE_DELAY=0} (which already writes on commit).
     */
    public static Optional<MVStore> delayedStoreOf(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)
                || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty();
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        boolean delayed = store.getFileStore() != null && store.getAutoCommitDelay() > 0;
        return delayed ? Optional.of(store) : Optional.empty();
    }

    /**
     * Writes whatever is committed and not yet in the file. Waits for a write already under way, which may hold
     * the caller's changes; returns at once when there is nothing left to write.
     */
    public static void flush(MVStore store) {
        store.commit();
    }
}
