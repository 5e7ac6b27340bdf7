package io.stepwise.bootstrap.config;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the keyring is (docs/security.md): a file ({@code STEPWISE_KEYS_FILE}, one
 * {@code <id>:<base64>} per line, newest last) or the keys themselves ({@code STEPWISE_KEYS},
 * comma-separated, as a secret's environment variable). One of the two is required: neither service
 * starts without a key, so nothing reaches Temporal or PostgreSQL in clear by omission.
 */
@ConfigMapping(prefix = "stepwise.keys")
public interface KeysConfig {

    Optional<Path> file();

    Optional<String> value();
}
