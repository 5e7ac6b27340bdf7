package io.stepwise.deploy;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The local stack's dependencies in one process (ARCHITECTURE.md, "Local stack"): an embedded
 * PostgreSQL whose data stays under {@code <home>/postgres}, and Temporal's Java test server in real
 * time, both listening on the bind address only (127.0.0.1 unless told otherwise). Writes
 * {@code <home>/devstack.ready} when both answer and stops both on SIGTERM.
 * Usage: {@code DevStack <home> <postgres port> <temporal port> [bind address]}.
 */
public final class DevStack implements AutoCloseable {
    static final String LOOPBACK = "127.0.0.1";
    private final EmbeddedPostgres postgres;
    private final TestServicesStarter temporalServices;
    private final Server temporal;

    private DevStack(EmbeddedPostgres postgres, TestServicesStarter temporalServices, Server temporal) {
        this.postgres = postgres;
        this.temporalServices = temporalServices;
        this.temporal = temporal;
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int pgPort = Integer.parseInt(args[1]);
        int temporalPort = Integer.parseInt(args[2]);
        String bind = args.length > 3 && !args[3].isBlank() ? args[3] : LOOPBACK;
        Path ready = home.resolve("devstack.ready");
        Files.deleteIfExists(ready);

        DevStack stack = start(home, pgPort, temporalPort, bind);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("devstack stopping");
            stack.close();
            stopped.countDown();
        }));
        String host = connectHost(bind);
        Files.writeString(ready, "postgres=jdbc:postgresql://" + host + ":" + pgPort + "/stepwise\ntemporal=" + host + ":"
                + temporalPort + "\n");
        System.out.println("devstack ready postgres=" + bind + ":" + pgPort + " temporal=" + bind + ":" + temporalPort);
        stopped.await();
    }

    /** Starts PostgreSQL (database {@code stepwise} created once) and Temporal, each on {@code bind} only. */
    static DevStack start(Path home, int pgPort, int temporalPort, String bind) throws Exception {
        Path data = home.resolve("postgres");
        Files.createDirectories(data);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                // PostgreSQL's own default is "localhost", which is also ::1; say exactly what is meant
                .setServerConfig("listen_addresses", bind)
                .start();
        try {
            createDatabase(connectHost(bind), pgPort);
            // TestServer.createPortBoundServer listens on every interface; the same services on one address
            TestServicesStarter services = new TestServicesStarter(true, 0);
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(bind, temporalPort),
                    InsecureServerCredentials.create());
            GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
            return new DevStack(postgres, services, builder.build().start());
        } catch (Exception e) {
            postgres.close();
            throw e;
        }
    }

    /** Where a client on this host reaches a server bound to {@code bind}. */
    static String connectHost(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? LOOPBACK : bind;
    }

    private static void createDatabase(String host, int port) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", "postgres",
                "postgres");
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'stepwise'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE stepwise");
                }
            }
        }
    }

    @Override
    public void close() {
        temporal.shutdown();
        try {
            if (!temporal.awaitTermination(5, TimeUnit.SECONDS)) {
                temporal.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            temporal.shutdownNow();
        }
        temporalServices.close();
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("devstack: postgres did not stop cleanly: " + e.getMessage());
        }
    }
}
