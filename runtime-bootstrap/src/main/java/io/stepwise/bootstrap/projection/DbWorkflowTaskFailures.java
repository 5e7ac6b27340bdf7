package io.stepwise.bootstrap.projection;

import io.stepwise.bootstrap.persistence.StoredJson;
import io.stepwise.core.runtime.WorkflowTaskFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Records a failing workflow task on the run: {@code runs.workflow_task_failure} (the latest
 * failure's text) and {@code workflow_task_failed_at} (since when, the first failure kept). Only
 * on an active run: a run that ended has nothing stuck. Written on a thread of its own, never
 * the workflow thread; when many pile up the extra ones are dropped (the task fails again within
 * seconds and is recorded then). A projection batch that lands with a later change clears both
 * ({@link ProjectionTransaction}).
 */
public final class DbWorkflowTaskFailures implements WorkflowTaskFailures, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DbWorkflowTaskFailures.class);
    private static final int MAX_TEXT = 2000;
    private final DataSource db;
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), r -> {
                Thread t = new Thread(r, "stepwise-workflow-task-failures");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    public DbWorkflowTaskFailures(DataSource db) {
        this.db = db;
    }

    @Override
    public void record(String runId, String failure) {
        LOG.error("workflow_task_failing run_id={} failure=\"{}\"", runId, failure.replace('\n', ' '));
        writer.execute(() -> write(runId, failure));
    }

    private void write(String runId, String failure) {
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException notARun) {
            return;
        }
        String text = StoredJson.encode(failure.length() > MAX_TEXT ? failure.substring(0, MAX_TEXT) : failure);
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE runs SET workflow_task_failure = ?, "
                     + "workflow_task_failed_at = COALESCE(workflow_task_failed_at, now()) "
                     + "WHERE id = ? AND status IN ('PENDING', 'RUNNING', 'WAITING')")) {
            s.setString(1, text);
            s.setObject(2, id);
            s.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("workflow_task_failure_not_recorded run_id={} reason=\"{}\"", runId, e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
