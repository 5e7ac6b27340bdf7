package io.stepwise.deploy;

import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack's dependencies in one process (ARCHITECTURE.md, "Local stack"): an embedded
 * PostgreSQL whose data stays under {@code <home>/postgres}, and Temporal's Java test server on a
 * loopback port in real time. Writes {@code <home>/devstack.ready} when both answer and stops both
 * on SIGTERM. Usage: {@code DevStack <home> <postgres port> <temporal port>}.
 */
public final class DevStack {
    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int pgPort = Integer.parseInt(args[1]);
        int temporalPort = Integer.parseInt(args[2]);
        Path data = home.resolve("postgres");
        Files.createDirectories(data);
        Path ready = home.resolve("devstack.ready");
        Files.deleteIfExists(ready);

        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .start();
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'stepwise'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE stepwise");
                }
            }
        }
        TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort, true);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("devstack stopping");
            temporal.close();
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("devstack: postgres did not stop cleanly: " + e.getMessage());
            }
            stopped.countDown();
        }));
        Files.writeString(ready, "postgres=jdbc:postgresql://127.0.0.1:" + pgPort + "/stepwise\ntemporal=127.0.0.1:"
                + temporalPort + "\n");
        System.out.println("devstack ready postgres=127.0.0.1:" + pgPort + " temporal=127.0.0.1:" + temporalPort);
        stopped.await();
    }
}
