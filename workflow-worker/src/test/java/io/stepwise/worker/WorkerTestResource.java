package io.stepwise.worker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stepwise.bootstrap.testing.TestKeys;
import io.stepwise.bootstrap.testing.TestPostgres;
import io.temporal.testserver.TestServer;
import org.flywaydb.core.Flyway;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * A migrated database of the worker's own (the api-server migrates in production; here the test
 * does it) and Temporal's test server on a loopback port in real time, as `./run.sh` runs it.
 */
public class WorkerTestResource implements QuarkusTestResourceLifecycleManager {
    static final String TARGET_PROPERTY = "stepwise.test.temporal-target";
    static final String JDBC_PROPERTY = "stepwise.test.jdbc-url";

    private TestPostgres postgres;
    private TestServer.PortBoundTestServer temporal;

    @Override
    public Map<String, String> start() {
        try {
            postgres = TestPostgres.start();
            Flyway.configure().dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                    .locations("classpath:db/migration").load().migrate();
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            temporal = TestServer.createPortBoundServer(port, true);
            System.setProperty(TARGET_PROPERTY, "127.0.0.1:" + port);
            System.setProperty(JDBC_PROPERTY, postgres.jdbcUrl());
            Map<String, String> config = new HashMap<>();
            config.putAll(postgres.quarkusDatasource());
            config.put("stepwise.temporal.target", "127.0.0.1:" + port);
            config.put("stepwise.worker.heartbeat", "1s");
            config.put("stepwise.keys.value", TestKeys.value());
            config.put("stepwise.worker.shutdown-grace", "2s");
            // below the 1 MiB default, so a test can see the worker's setting reach http.request
            config.put("stepwise.http.max-response-bytes", "65536");
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("worker test infrastructure did not start: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (temporal != null) {
            temporal.close();
        }
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
