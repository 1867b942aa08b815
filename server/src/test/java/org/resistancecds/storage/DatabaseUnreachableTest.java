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

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("Failed to call access method", new IllegalStateException("rollback", cause));
    }
}
