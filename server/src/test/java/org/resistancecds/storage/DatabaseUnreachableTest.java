package org.resistancecds.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseUnreachableTest {

    @Test
    void aLostConnectionAnywhereInTheChainIsTheDatabaseGone() {
        assertThat(DatabaseUnreachable.causedBy(
                wrapped(new SQLException("An I/O error occurred", "08006")))).isTrue();
        assertThat(DatabaseUnreachable.causedBy(
                wrapped(new SQLTransientConnectionException("pool - Connection is not available")))).isTrue();
        assertThat(DatabaseUnreachable.causedBy(
                wrapped(new SQLException("Connection is closed")))).isTrue();
    }

    @Test
    void otherFaultsAreNot() {
        assertThat(DatabaseUnreachable.causedBy(
                wrapped(new SQLException("duplicate key value", "23505")))).isFalse();
        assertThat(DatabaseUnreachable.causedBy(new IllegalStateException("bug"))).isFalse();
    }

    /** Hikari's timeout with every connection in use is a busy server; with none to be had, a database lost. */
    @Test
    void aTimeoutWithEveryConnectionInUseIsAnExhaustedPool() {
        assertThat(DatabaseUnreachable.poolExhausted(wrapped(new SQLTransientConnectionException("HikariPool-1 - "
                + "Connection is not available, request timed out after 30000ms (total=20, active=20, idle=0, "
                + "waiting=35)")))).isTrue();
        assertThat(DatabaseUnreachable.poolExhausted(wrapped(new SQLTransientConnectionException("HikariPool-1 - "
                + "Connection is not available, request timed out after 3000ms (total=0, active=0, idle=0, "
                + "waiting=2)")))).isFalse();
        assertThat(DatabaseUnreachable.poolExhausted(wrapped(new SQLTransientConnectionException("HikariPool-1 - "
                + "Connection is not available, request timed out after 3000ms (total=5, active=3, idle=0, "
                + "waiting=0)")))).isFalse();
        assertThat(DatabaseUnreachable.poolExhausted(wrapped(new SQLException("An I/O error occurred", "08006"))))
                .isFalse();
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("Failed to call access method", new IllegalStateException("rollback", cause));
    }
}
