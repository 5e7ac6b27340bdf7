package io.stepwise.deploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The dev key pair and dev tokens, with nothing but the JDK. {@code DevKeys keys <dir>} makes
 * {@code private.pem} (PKCS#8) and {@code public.pem} once; {@code DevKeys token <dir> <role> <ttl>}
 * prints an RS256 token signed by that key (issuer {@value #ISSUER}).
 */
public final class DevKeys {
    public static final String ISSUER = "https://stepwise.local";

    private DevKeys() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "keys" -> keys(dir);
            case "token" -> System.out.println(token(dir, args[2], Duration.parse("PT" + args[3].toUpperCase())));
            default -> throw new IllegalArgumentException("usage: DevKeys keys <dir> | token <dir> <role> <ttl>");
        }
    }

    /** The dev payload keyring (docs/security.md): one AES-256 key, made once, read by both services. */
    public static final String PAYLOAD_KEYS = "payload.keys";

    static void keys(Path dir) throws Exception {
        Path keyring = dir.resolve(PAYLOAD_KEYS);
        if (!Files.exists(keyring)) {
            Files.createDirectories(dir);
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            writeSecret(keyring, "# Stepwise dev keyring: <id>:<base64 AES-256 key>, newest last (docs/security.md)\n"
                    + "dev-1:" + Base64.getEncoder().encodeToString(key) + "\n");
        }
        Path privateKey = dir.resolve("private.pem");
        if (Files.exists(privateKey)) {
            return;
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        privateKey.toFile().setReadable(false, false);
        privateKey.toFile().setReadable(true, true);
        Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    static String token(Path dir, String role, Duration ttl) throws Exception {
        String pem = Files.readString(dir.resolve("private.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        long now = Instant.now().getEpochSecond();
        String group = role.startsWith("stepwise.") ? role : "stepwise." + role;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"" + ISSUER + "\",\"sub\":\"dev-" + role + "\",\"upn\":\"dev-" + role
                + "\",\"groups\":[\"" + group + "\"],\"iat\":" + now + ",\"exp\":" + (now + ttl.toSeconds()) + "}");
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    /** A file only its owner reads, from the moment it exists (where the file system knows POSIX modes). */
    static void writeSecret(Path file, String text) throws java.io.IOException {
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, text);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
