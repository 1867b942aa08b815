package org.resistancecds.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class ErrorSanitizingInterceptorTest {

    @Test
    void aLostConnectionAnywhereInTheChainIsTheDatabaseGone() {
        assertThat(ErrorSanitizingInterceptor.lostTheDatabase(
                wrapped(new SQLException("An I/O error occurred", "08006")))).isTrue();
        assertThat(ErrorSanitizingInterceptor.lostTheDatabase(
                wrapped(new SQLTransientConnectionException("pool - Connection is not available")))).isTrue();
        assertThat(ErrorSanitizingInterceptor.lostTheDatabase(
                wrapped(new SQLException("Connection is closed")))).isTrue();
    }

    @Test
    void otherFaultsAreNot() {
        assertThat(ErrorSanitizingInterceptor.lostTheDatabase(
                wrapped(new SQLException("duplicate key value", "23505")))).isFalse();
        assertThat(ErrorSanitizingInterceptor.lostTheDatabase(new IllegalStateException("bug"))).isFalse();
    }

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeException("Failed to call access method", new IllegalStateException("rollback", cause));
    }
}
