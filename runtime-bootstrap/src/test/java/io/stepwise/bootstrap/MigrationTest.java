package io.stepwise.bootstrap;

import io.stepwise.bootstrap.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A fresh database migrates to the schema every later issue builds on, and the schema's rules hold. */
class MigrationTest {
    private TestPostgres postgres;

    @BeforeEach
    void freshDatabase() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterEach
    void drop() throws Exception {
        postgres.close();
    }

    private Flyway flyway() {
        return Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                .locations("classpath:db/migration").load();
    }

    @Test
    void freshDatabaseMigratesAndASecondMigrateDoesNothing() throws SQLException {
        MigrateResult first = flyway().migrate();
        MigrateResult second = flyway().migrate();

        assertThat(first.migrationsExecuted).isEqualTo(9);
        assertThat(second.migrationsExecuted).isZero();
        assertThat(tables()).contains("definitions", "definition_versions", "runs", "steps", "waits", "run_events",
                "processed_events", "queue_leases", "packs");
        // the console's reads: a run's replays, and runs finished per minute
        assertThat(indexes("runs")).contains("runs_replay_of", "runs_finished");
        // secrets at rest: events find a wait whose correlation key is redacted by its digest
        assertThat(indexes("waits")).contains("waits_open_by_digest");
        // pack.yaml's tags: GET /workflows?tag= looks them up
        assertThat(indexes("packs")).contains("packs_tags");
    }

    private List<String> indexes(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = postgres.connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT indexname FROM pg_indexes WHERE tablename = '" + table + "'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    @Test
    void stepRowsAreUniqueByRunPathAndAttemptAndStatusesAreChecked() throws SQLException {
        flyway().migrate();
        UUID def = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO definitions (id, ref, pack, name, source, status) VALUES ('" + def
                    + "', 'ops.x', 'ops', 'x', 'FILE', 'ACTIVE')");
            s.execute("INSERT INTO definition_versions (id, definition_id, seq, content_hash, definition, yaml_source) VALUES ('"
                    + version + "', '" + def + "', 1, '" + "a".repeat(64) + "', '{}', 'x')");
            s.execute("INSERT INTO runs (id, definition_id, version_id, workflow_ref, status, inputs, inputs_redacted) VALUES ('"
                    + run + "', '" + def + "', '" + version + "', 'ops.x', 'PENDING', '{}', '{}')");
            String step = "INSERT INTO steps (run_id, path, attempt, step_id, status) VALUES ('" + run + "', 'a', 1, 'a', 'RUNNING')";
            s.execute(step);
            assertThatThrownBy(() -> s.execute(step)).isInstanceOf(SQLException.class).hasMessageContaining("steps_pkey");
            assertThatThrownBy(() -> s.execute("UPDATE runs SET status = 'DONE' WHERE id = '" + run + "'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("runs_status_check");
        }
    }

    private List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = postgres.connect();
             ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
