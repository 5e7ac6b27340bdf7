package io.stepwise.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The worker never migrates (the api-server does); at start it checks that the database has the
 * schema version it needs and, if not, says exactly what is missing instead of failing later.
 */
@ApplicationScoped
public class SchemaCheck {
    /** The newest migration this worker's code reads and writes (V7: steps.output_sealed, waits.correlation_key_digest). */
    static final MigrationVersion REQUIRED = MigrationVersion.fromVersion("7");

    private final Flyway flyway;

    public SchemaCheck(Flyway flyway) {
        this.flyway = flyway;
    }

    /** Null when the schema is recent enough; otherwise what is missing. */
    public String problem() {
        MigrationInfo current = flyway.info().current();
        if (current != null && current.getVersion().compareTo(REQUIRED) >= 0) {
            return null;
        }
        String missing = Arrays.stream(flyway.info().pending())
                .filter(m -> m.getVersion().compareTo(REQUIRED) <= 0)
                .map(m -> "V" + m.getVersion() + "__" + m.getDescription().replace(' ', '_'))
                .collect(Collectors.joining(", "));
        return "the database schema is at version " + (current == null ? "none" : current.getVersion())
                + " but this worker needs version " + REQUIRED + "; missing: " + missing
                + ". Start the api-server once (it migrates), then start the worker again";
    }
}
