package io.stepwise.worker;

import io.stepwise.bootstrap.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker says what is missing when the api-server has not migrated the database far enough. */
class SchemaCheckTest {

    private static Flyway flyway(TestPostgres db, String target) {
        var config = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration");
        return (target == null ? config : config.target(target)).load();
    }

    @Test
    void anOlderSchemaIsNamedWithTheMissingMigrations() throws Exception {
        try (TestPostgres db = TestPostgres.start()) {
            flyway(db, "2").migrate();

            String problem = new SchemaCheck(flyway(db, null)).problem();

            assertThat(problem).contains("version 2", "needs version 7", "V3__audit_and_events", "V4__queue_leases", "V5__runs_never_stranded",
                    "V6__console_reads", "V7__secrets_at_rest",
                    "Start the api-server once");
        }
    }

    @Test
    void anEmptyDatabaseIsNamedToo() throws Exception {
        try (TestPostgres db = TestPostgres.start()) {
            assertThat(new SchemaCheck(flyway(db, null)).problem()).contains("version none", "V1__definitions");
        }
    }

    @Test
    void theCurrentSchemaIsFine() throws Exception {
        try (TestPostgres db = TestPostgres.start()) {
            flyway(db, null).migrate();
            assertThat(new SchemaCheck(flyway(db, null)).problem()).isNull();
        }
    }
}
