package org.resistancecds.storage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Pattern;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Tells a lost database apart from other failures, so that both FHIR and CDS requests can answer it with a 503
 * and a Retry-After (the client may try again; the pool reconnects by itself once the database is back) instead
 * of a 500.
 */
public final class DatabaseUnreachable {

    /** Seconds a client is asked to wait before trying again. */
    public static final String RETRY_AFTER_SECONDS = "5";

    private static final String POOL_CLOSED_CONNECTION = "Connection is closed";

    /** Hikari's state in its timeout message: {@code (total=20, active=20, idle=0, waiting=35)}. */
    private static final Pattern POOL_STATE = Pattern.compile("total=(\\d+), active=(\\d+), idle=\\d+, waiting=\\d+");

    private DatabaseUnreachable() {}

    /**
     * Whether the failure is a wait for a connection that timed out because every connection of the pool was in use
     * (the database itself answering): a server too busy, not a database lost. Such a failure is also
     * {@link #causedBy}; it is told apart for the answer's text and the log, which need no stack trace for it.
     */
    public static boolean poolExhausted(Throwable failure) {
        return ExceptionUtils.getThrowableList(failure).stream()
                .filter(cause -> cause instanceof SQLTransientConnectionException && cause.getMessage() != null)
                .map(cause -> POOL_STATE.matcher(cause.getMessage()))
                .anyMatch(state -> state.find() && Integer.parseInt(state.group(1)) > 0
                        && state.group(1).equals(state.group(2)));
    }

    /**
     * A connection failure anywhere in the chain: SQLSTATE class 08 (the standard's "connection exception"), no
     * connection to be had from the pool in time, or the pool's "Connection is closed", which is what a request sees
     * when the pool dropped its connection on such a failure and the rollback then finds it gone (the rollback's
     * exception replaces the first one).
     */
    public static boolean causedBy(Throwable failure) {
        return ExceptionUtils.getThrowableList(failure).stream().anyMatch(cause ->
                cause instanceof SQLTransientConnectionException || cause instanceof SQLException sql
                        && (sql.getSQLState() != null && sql.getSQLState().startsWith("08")
                                || POOL_CLOSED_CONNECTION.equals(sql.getMessage())));
    }
}
