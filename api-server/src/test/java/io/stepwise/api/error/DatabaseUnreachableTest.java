package io.stepwise.api.error;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** A database out of reach is a 503 a client retries, not a 500 (PostgresRestartIT meets it for real). */
class DatabaseUnreachableTest {
    @Test
    void connectionFailuresShutdownsAndAnEmptyPoolAreUnreachable() {
        assertThat(ProblemMapper.databaseUnreachable(new SQLException("Connection refused", "08001"))).isTrue();
        assertThat(ProblemMapper.databaseUnreachable(new RuntimeException("wrapped",
                new SQLException("An I/O error occurred while sending to the backend", "08006")))).isTrue();
        assertThat(ProblemMapper.databaseUnreachable(new SQLException(
                "terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(ProblemMapper.databaseUnreachable(new IllegalStateException(
                new SQLException("Acquisition timeout while waiting for new connection")))).isTrue();
    }

    @Test
    void otherDatabaseErrorsAndBugsAreNot() {
        assertThat(ProblemMapper.databaseUnreachable(new SQLException("duplicate key value", "23505"))).isFalse();
        assertThat(ProblemMapper.databaseUnreachable(new NullPointerException())).isFalse();
    }
}
