package org.resistancecds.storage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a lost database apart from other failures, so that both FHIR and CDS requests can answer it with a 503
 * and a Retry-After (the client may try again; the pool reconnects by itself once the database is back) instead
 * of a 500.
 */
public final class DatabaseUnreachable {

    /** Seconds a client is asked to wait before trying again. */
    public static final String RETRY_AFTER_SECONDS = "5";

    private static final String POOL_CLOSED_CONNECTION = "Connection is closed";

    private DatabaseUnreachable() {}

    /**
     * A connection failure anywhere in the chain: SQLSTATE class 08 (the standard's "connection exception"), no
     * connection to be had from the pool in time, or the pool's "Connection is closed", which is what a request sees
     * when the pool dropped its connection on such a failure and the rollback then finds it gone (the rollback's
     * exception replaces the first one).
     */
    public static boolean causedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                    || POOL_CLOSED_CONNECTION.equals(sql.getMessage()))) {
                return true;
            }
        }
        return false;
    }
}
