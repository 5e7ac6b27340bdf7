package io.stepwise.api.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stepwise.bootstrap.testing.TestKeys;
import io.stepwise.bootstrap.testing.TestPostgres;
import io.temporal.testserver.TestServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * What an api-server test needs: a database of its own, a fresh RSA key pair (generated here,
 * never stored in the repository) whose public half the server trusts, an empty packs root, and
 * Temporal's test server on a loopback port in real time.
 * The private key and the packs root reach the tests through system properties.
 */
public class StepwiseTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String ISSUER = "https://stepwise.test";
    /** application.properties' default {@code mp.jwt.verify.audiences}, deliberately not set here. */
    public static final String AUDIENCE = "stepwise-api";
    static final String PRIVATE_KEY_PROPERTY = "stepwise.test.private-key";
    static final String PACKS_PROPERTY = "stepwise.test.packs-dir";

    static final String TEMPORAL_PROPERTY = "stepwise.test.temporal-target";

    private static volatile StepwiseTestResource current;

    private TestPostgres postgres;
    private TestServer.PortBoundTestServer temporal;
    private int temporalPort;

    /** Takes the running test's Temporal server away, as an outage would; its state goes with it. */
    public static synchronized void stopTemporal() {
        current.temporal.close();
        current.temporal = null;
    }

    /** Brings a fresh Temporal server back on the port the api-server was configured with. */
    public static synchronized void startTemporal() {
        current.temporal = TestServer.createPortBoundServer(current.temporalPort, true);
    }

    private static boolean contractInstalled;

    @Override
    public Map<String, String> start() {
        synchronized (StepwiseTestResource.class) {
            if (!contractInstalled) {
                // every REST test's exchanges are held to the served OpenAPI document
                io.restassured.RestAssured.filters(new OpenApiContract());
                contractInstalled = true;
            }
        }
        try {
            postgres = TestPostgres.start();
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            Path dir = Files.createTempDirectory("stepwise-test");
            Path publicKey = dir.resolve("public.pem");
            Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            Path packs = Files.createDirectories(dir.resolve("packs"));
            System.setProperty(PRIVATE_KEY_PROPERTY, Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()));
            System.setProperty(PACKS_PROPERTY, packs.toString());

            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            temporalPort = port;
            temporal = TestServer.createPortBoundServer(port, true);
            current = this;
            System.setProperty(TEMPORAL_PROPERTY, "127.0.0.1:" + port);

            Map<String, String> config = new HashMap<>();
            config.put("stepwise.temporal.target", "127.0.0.1:" + port);
            config.putAll(postgres.quarkusDatasource());
            config.put("mp.jwt.verify.publickey.location", publicKey.toUri().toString());
            config.put("mp.jwt.verify.issuer", ISSUER);
            config.put("stepwise.packs.dir", packs.toString());
            config.put("stepwise.keys.value", TestKeys.value());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("test infrastructure did not start: " + e.getMessage(), e);
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
