package io.stepwise.bootstrap.testing;

import io.stepwise.bootstrap.crypto.EncryptionCodec;
import io.stepwise.core.crypto.Keyring;
import io.temporal.client.WorkflowClientOptions;

/**
 * The keyring of one test JVM: generated at first use (never stored in the repository) and kept in
 * a system property, so the service under test, its stand-in worker and the test's own Temporal
 * clients share it whatever class loader each one runs in.
 */
public final class TestKeys {
    public static final String PROPERTY = "stepwise.test.keys";

    private TestKeys() {
    }

    /** The keyring's text, {@code <id>:<base64>}, as {@code stepwise.keys.value} takes it. */
    public static synchronized String value() {
        String keys = System.getProperty(PROPERTY);
        if (keys == null) {
            keys = Keyring.newKeyLine("test-1");
            System.setProperty(PROPERTY, keys);
        }
        return keys;
    }

    public static Keyring keyring() {
        return Keyring.parse(value(), PROPERTY);
    }

    /** Client options that read and write payloads as the services do. */
    public static WorkflowClientOptions.Builder clientOptions() {
        return WorkflowClientOptions.newBuilder().setDataConverter(EncryptionCodec.dataConverter(keyring()));
    }
}
