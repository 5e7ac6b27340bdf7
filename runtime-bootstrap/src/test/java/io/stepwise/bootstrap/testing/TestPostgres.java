package io.stepwise.bootstrap.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL database of its own for a test run, created here and dropped on close. Where the
 * server comes from, in order: {@code STEPWISE_TEST_JDBC_URL} (a server to create the database
 * in, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}); Testcontainers when a
 * Docker engine answers; else an embedded PostgreSQL from Maven Central (zonky). Never touches
 * another database than the one it created.
 */
public final class TestPostgres implements AutoCloseable {
    public static final String URL_VARIABLE = "STEPWISE_TEST_JDBC_URL";

    private final String adminUrl;
    private final String user;
    private final String password;
    private final String database;
    private final AutoCloseable server;
    private final String source;

    private TestPostgres(String adminUrl, String user, String password, AutoCloseable server, String source)
            throws SQLException {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.server = server;
        this.source = source;
        this.database = "stepwise_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    public static TestPostgres start() throws Exception {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new TestPostgres(url, null, null, () -> { }, URL_VARIABLE);
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    container::stop, "Testcontainers");
        }
        EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
        return new TestPostgres(embedded.getJdbcUrl("postgres", "postgres"), "postgres", null, embedded::close,
                "embedded PostgreSQL");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The JDBC URL of this test's own database. */
    public String jdbcUrl() {
        int query = adminUrl.indexOf('?');
        String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
        String params = query < 0 ? "" : adminUrl.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    /** Where the server came from, for the log. */
    public String source() {
        return source;
    }

    /** The datasource settings a Quarkus test resource hands to the app under test. */
    public java.util.Map<String, String> quarkusDatasource() {
        java.util.Map<String, String> config = new java.util.HashMap<>();
        config.put("quarkus.datasource.jdbc.url", jdbcUrl());
        if (user != null) {
            config.put("quarkus.datasource.username", user);
        }
        config.put("quarkus.datasource.password", password == null ? "" : password);
        return config;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database.toLowerCase(Locale.ROOT) + " WITH (FORCE)");
        } finally {
            server.close();
        }
    }
}
