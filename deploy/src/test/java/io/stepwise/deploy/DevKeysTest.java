package io.stepwise.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dev keys are the owner's alone, and the dev tokens carry what the api-server checks. */
class DevKeysTest {
    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void theKeysFolderIs0700AndThePrivateKey0600(@TempDir Path home) throws Exception {
        Path keys = home.resolve("stepwise/keys");

        DevKeys.keys(keys);

        assertThat(mode(keys)).isEqualTo("rwx------");
        assertThat(mode(keys.resolve("private.pem"))).isEqualTo("rw-------");
        assertThat(Files.readString(keys.resolve("private.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(mode(keys.resolve("public.pem"))).startsWith("rw-");
        assertThat(mode(keys.getParent())).as("the folder above keeps the usual mode").isNotEqualTo("rwx------");
    }

    @Test
    void aKeysFolderThatAlreadyExistsIsRestrictedToo(@TempDir Path home) throws Exception {
        Path keys = Files.createDirectory(home.resolve("keys"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));

        DevKeys.keys(keys);

        assertThat(mode(keys)).isEqualTo("rwx------");
        assertThat(mode(keys.resolve("private.pem"))).isEqualTo("rw-------");
    }

    @Test
    void aSecretFileIsCreated0600AndNeverOverwritten(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("codec.key");

        DevKeys.writeOwnerOnly(secret, "first".getBytes(StandardCharsets.UTF_8));

        assertThat(mode(secret)).isEqualTo("rw-------");
        assertThat(Files.readString(secret)).isEqualTo("first");
        assertThatThrownBy(() -> DevKeys.writeOwnerOnly(secret, "second".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(secret)).isEqualTo("first");
    }

    @Test
    void aSecondRunKeepsTheKeyPair(@TempDir Path home) throws Exception {
        Path keys = home.resolve("keys");
        DevKeys.keys(keys);
        String before = Files.readString(keys.resolve("private.pem"));

        DevKeys.keys(keys);

        assertThat(Files.readString(keys.resolve("private.pem"))).isEqualTo(before);
    }

    @Test
    void theDevDefaultsAreTheApiServersDefaults() throws Exception {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path root = Files.isDirectory(base.resolve("api-server")) ? base : base.getParent();
        String config = Files.readString(root.resolve("api-server/src/main/resources/application.properties"));
        assertThat(config).contains("mp.jwt.verify.audiences=${STEPWISE_JWT_AUDIENCE:" + DevKeys.AUDIENCE + "}")
                .contains("mp.jwt.verify.issuer=${STEPWISE_JWT_ISSUER:" + DevKeys.ISSUER + "}");
        if (System.getenv("STEPWISE_JWT_MAX_TOKEN_AGE") == null) {
            assertThat(config).contains("mp.jwt.verify.token.age=${STEPWISE_JWT_MAX_TOKEN_AGE:"
                    + DevKeys.maxTokenAge().toSeconds() + "}");
        }
    }

    @Test
    void aDevTokenCarriesIssuerAudienceAndAgeAndVerifiesWithThePublicKey(@TempDir Path home) throws Exception {
        Path keys = home.resolve("keys");
        DevKeys.keys(keys);

        String token = DevKeys.token(keys, "viewer", Duration.ofHours(24));

        String[] parts = token.split("\\.");
        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        long now = Instant.now().getEpochSecond();
        assertThat(claims.path("iss").asText()).isEqualTo(DevKeys.ISSUER);
        assertThat(claims.path("aud").asText()).isEqualTo(System.getenv().getOrDefault("STEPWISE_JWT_AUDIENCE",
                DevKeys.AUDIENCE));
        assertThat(claims.path("groups").get(0).asText()).isEqualTo("stepwise.viewer");
        assertThat(claims.path("iat").asLong()).isBetween(now - 5, now + 1);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(Duration.ofHours(24).toSeconds());

        String pem = Files.readString(keys.resolve("public.pem")).replaceAll("-----[A-Z ]+-----", "");
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }
}
