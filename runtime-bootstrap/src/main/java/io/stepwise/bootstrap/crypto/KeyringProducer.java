package io.stepwise.bootstrap.crypto;

import io.stepwise.bootstrap.config.KeysConfig;
import io.stepwise.core.crypto.Keyring;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The keyring both services encrypt with, read once at start. */
public class KeyringProducer {

    /** Made at start ({@code @Startup}): a service without a usable keyring does not start at all. */
    @Produces
    @Singleton
    @io.quarkus.runtime.Startup
    Keyring keyring(KeysConfig config) {
        return load(config.file(), config.value());
    }

    /** The keyring from its inline value, else its file; a clear error when neither is set. */
    public static Keyring load(Optional<Path> file, Optional<String> value) {
        if (value.isPresent() && !value.get().isBlank()) {
            return Keyring.parse(value.get(), "STEPWISE_KEYS");
        }
        if (file.isEmpty()) {
            throw new Keyring.KeyringException("no encryption keys: set STEPWISE_KEYS_FILE to a keyring file "
                    + "(./run.sh makes one under $STEPWISE_HOME/keys) or STEPWISE_KEYS to the keys; see docs/security.md");
        }
        try {
            return Keyring.parse(Files.readString(file.get()), file.get().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("the keyring file " + file.get() + " does not read: " + e.getMessage(), e);
        }
    }
}
