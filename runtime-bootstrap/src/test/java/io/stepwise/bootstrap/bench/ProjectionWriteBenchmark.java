package io.stepwise.bootstrap.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stepwise.bootstrap.projection.DbRunProjection;
import io.stepwise.bootstrap.testing.TestKeys;
import io.stepwise.bootstrap.testing.TestPostgres;
import io.stepwise.core.runtime.ProjectionChange;
import io.stepwise.core.runtime.ProjectionChange.RunFinished;
import io.stepwise.core.runtime.ProjectionChange.RunStarted;
import io.stepwise.core.runtime.ProjectionChange.StepFinished;
import io.stepwise.core.runtime.ProjectionChange.StepStarted;
import io.stepwise.core.runtime.RunStatus;
import io.stepwise.core.runtime.StepStatus;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What the worker's projection writes cost (issue 14): the two batches a run of the e2e benchmark's
 * four-step workflow sends (its start with the first step's start, then the four steps' outcomes and
 * the run's end), written through {@link DbRunProjection} for N new runs on one connection, in
 * turns: each statement in a round trip of its own (as before the batch's statements went
 * together) and the batch's statements together. Prints per run: wall time, the writing thread's
 * CPU and the PostgreSQL backend's CPU (from /proc, so the server must run on this machine).
 * Run with deploy/bench/projection-write.sh [runs, default 2000] [rounds, default 3].
 */
public final class ProjectionWriteBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProjectionWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (TestPostgres postgres = TestPostgres.start()) {
            Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                    .locations("classpath:db/migration").load().migrate();
            try (Connection connection = postgres.connect()) {
                DataSource one = oneConnection(connection);
                int backend = backendPid(connection);
                UUID[] workflow = storeWorkflow(connection);
                System.out.printf("%d runs a measurement, 2 batches (13 statements) a run, %d rounds; "
                        + "PostgreSQL backend pid %d%n", runs, rounds, backend);
                measure(one, connection, workflow, backend, runs / 4, 1); // warm-up, both ways
                measure(one, connection, workflow, backend, runs / 4, 64);
                for (int r = 1; r <= rounds; r++) {
                    for (int perRoundTrip : new int[]{1, 64}) {
                        double[] m = measure(one, connection, workflow, backend, runs, perRoundTrip);
                        System.out.printf("round %d, %s: %.0f us wall, %.0f us writer CPU, %.0f us PostgreSQL CPU a run%n",
                                r, perRoundTrip == 1 ? "each statement alone    " : "a batch's statements together",
                                m[0], m[1], m[2]);
                    }
                }
            }
        }
    }

    /** Wall, writer-thread CPU and backend CPU, each in microseconds per run. */
    private static double[] measure(DataSource db, Connection connection, UUID[] workflow, int backend, int runs,
                                    int perRoundTrip) throws Exception {
        DbRunProjection projection = new DbRunProjection(db, JSON, new SimpleMeterRegistry(), TestKeys.keyring(),
                perRoundTrip);
        List<String> ids = storeRuns(connection, workflow, runs);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long wall = System.nanoTime();
        long cpu = threads.getCurrentThreadCpuTime();
        long pg = backendCpuMicros(backend);
        for (String id : ids) {
            for (ProjectionChange[] batch : batches(id)) {
                projection.apply(batch);
            }
        }
        return new double[]{(System.nanoTime() - wall) / 1e3 / runs,
                (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / runs, (double) (backendCpuMicros(backend) - pg) / runs};
    }

    /** The e2e workflow's run: http.request, transform, noop, log. */
    private static List<ProjectionChange[]> batches(String run) {
        Instant t = Instant.parse("2026-12-08T02:00:00Z");
        String[][] steps = {{"shape", "transform"}, {"mark", "noop"}, {"say", "log"}};
        List<ProjectionChange> second = new ArrayList<>();
        second.add(new StepFinished(run, 1, t.plusMillis(20).toString(), "call", StepStatus.SUCCEEDED,
                JSON.createObjectNode().put("status", 200).put("body", "{\"ok\":true}"), null, 1));
        for (String[] step : steps) {
            second.add(new StepStarted(run, 1, t.plusMillis(21).toString(), step[0], step[1]));
            second.add(new StepFinished(run, 1, t.plusMillis(21).toString(), step[0], StepStatus.SUCCEEDED,
                    JSON.createObjectNode().put("ok", true), null, 1));
        }
        second.add(new RunFinished(run, 1, t.plusMillis(22).toString(), RunStatus.SUCCEEDED,
                JSON.createObjectNode().put("ok", true), null));
        return List.of(new ProjectionChange[]{new RunStarted(run, 1, t.toString()),
                new StepStarted(run, 1, t.plusMillis(1).toString(), "call", "http.request")},
                second.toArray(ProjectionChange[]::new));
    }

    private static UUID[] storeWorkflow(Connection c) throws SQLException {
        UUID definition = UUID.randomUUID();
        UUID version = UUID.randomUUID();
        execute(c, "INSERT INTO definitions (id, ref, pack, name, source, status) VALUES (?, 'bench.e2e', 'bench', 'e2e', "
                + "'API', 'ACTIVE')", definition);
        execute(c, "INSERT INTO definition_versions (id, definition_id, seq, content_hash, definition, yaml_source) "
                + "VALUES (?, ?, 1, 'bench', '{}'::jsonb, '')", version, definition);
        return new UUID[]{definition, version};
    }

    private static List<String> storeRuns(Connection c, UUID[] workflow, int runs) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO runs (id, definition_id, version_id, workflow_ref, "
                + "status, inputs, inputs_redacted) VALUES (?, ?, ?, 'bench.e2e', 'PENDING', '{}', '{}')")) {
            for (int i = 0; i < runs; i++) {
                UUID id = UUID.randomUUID();
                s.setObject(1, id);
                s.setObject(2, workflow[0]);
                s.setObject(3, workflow[1]);
                s.addBatch();
                ids.add(id.toString());
            }
            s.executeBatch();
        }
        return ids;
    }

    private static int backendPid(Connection c) throws SQLException {
        try (ResultSet r = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }

    /** utime + stime of a process, in microseconds (fields 14 and 15 of /proc/pid/stat, in clock ticks of 10 ms). */
    private static long backendCpuMicros(int pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000;
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    /** A DataSource that hands out one connection, whose close does nothing: no pool in the measurement. */
    private static DataSource oneConnection(Connection connection) {
        Connection kept = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[]{Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return new DataSource() {
            @Override
            public Connection getConnection() {
                return kept;
            }

            @Override
            public Connection getConnection(String user, String password) {
                return kept;
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getGlobal();
            }

            @Override
            public <T> T unwrap(Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean isWrapperFor(Class<?> type) {
                return false;
            }
        };
    }
}
