package io.stepwise.bootstrap.projection;

import io.stepwise.core.runtime.AuthoredWorkflowImpl;
import io.stepwise.core.runtime.DefinitionActivities;
import io.temporal.failure.ApplicationFailure;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/** Loads a pinned definition version's canonical JSON from Postgres, parsed ahead into the worker's cache. */
public class DbDefinitionActivities implements DefinitionActivities {
    private final DataSource db;

    public DbDefinitionActivities(DataSource db) {
        this.db = db;
    }

    @Override
    public String loadDefinition(String versionId) {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT definition::text FROM definition_versions WHERE id = ?")) {
            s.setObject(1, UUID.fromString(versionId));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw ApplicationFailure.newNonRetryableFailure("no definition version " + versionId, "DefinitionMissing");
                }
                String canonical = rs.getString(1);
                AuthoredWorkflowImpl.parseAhead(canonical);
                return canonical;
            }
        } catch (SQLException e) {
            // the database may be back in a moment: let the activity retry
            throw ApplicationFailure.newFailure("cannot read definition version " + versionId + ": " + e.getMessage(),
                    "DatabaseUnavailable");
        }
    }
}
