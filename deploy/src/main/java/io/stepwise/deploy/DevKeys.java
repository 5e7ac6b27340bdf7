package io.stepwise.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The dev key pair and dev tokens, with nothing but the JDK. {@code DevKeys keys <dir>} makes
 * {@code private.pem} (PKCS#8) and {@code public.pem} once; {@code DevKeys token <dir> <role> <ttl>}
 * prints an RS256 token signed by that key (issuer {@value #ISSUER}, audience
 * {@code STEPWISE_JWT_AUDIENCE} or {@value #AUDIENCE}). The folder is 0700 and every secret in it is
 * created 0600 ({@link #writeOwnerOnly}); nothing is written first and restricted afterwards.
 */
public final class DevKeys {
    public static final String ISSUER = "https://stepwise.local";
    /** The api-server's default {@code mp.jwt.verify.audiences}; {@code STEPWISE_JWT_AUDIENCE} overrides both. */
    public static final String AUDIENCE = "stepwise-api";
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private DevKeys() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "keys" -> keys(dir);
            case "token" -> {
                Duration ttl = Duration.parse("PT" + args[3].toUpperCase());
                if (ttl.compareTo(maxTokenAge()) > 0) {
                    System.err.println("note: the api-server refuses a token " + maxTokenAge().toSeconds()
                            + " s after its iat (STEPWISE_JWT_MAX_TOKEN_AGE), whatever its exp");
                }
                System.out.println(token(dir, args[2], ttl));
            }
            default -> throw new IllegalArgumentException("usage: DevKeys keys <dir> | token <dir> <role> <ttl>");
        }
    }

    /** The dev payload keyring (docs/security.md): one AES-256 key, made once, read by both services. */
    public static final String PAYLOAD_KEYS = "payload.keys";

    static void keys(Path dir) throws Exception {
        ownerOnlyDirectory(dir);
        Path keyring = dir.resolve(PAYLOAD_KEYS);
        if (!Files.exists(keyring)) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            writeOwnerOnly(keyring, ("# Stepwise dev keyring: <id>:<base64 AES-256 key>, newest last (docs/security.md)\n"
                    + "dev-1:" + Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        Path privateKey = dir.resolve("private.pem");
        if (Files.exists(privateKey)) {
            return;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        writeOwnerOnly(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        // public: the api-server (and a container's user, in deploy/smoke.sh) reads it
        Files.writeString(dir.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    }

    /** The keys folder, created 0700; one that already exists is restricted to its owner too. */
    public static Path ownerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        } else {
            Files.createDirectories(dir.toAbsolutePath().getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        }
        return dir;
    }

    /**
     * Writes a new secret file that is 0600 from the moment it exists (the mode is given at creation,
     * so no umask or race leaves it readable); refuses to replace one that exists.
     */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
        try (SeekableByteChannel out = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null, "a secret is never overwritten");
        }
    }

    /** The api-server's default {@code mp.jwt.verify.token.age}, or {@code STEPWISE_JWT_MAX_TOKEN_AGE} (seconds). */
    static Duration maxTokenAge() {
        String configured = System.getenv("STEPWISE_JWT_MAX_TOKEN_AGE");
        return Duration.ofSeconds(configured == null || configured.isBlank() ? 86_400 : Long.parseLong(configured.strip()));
    }

    static String audience() {
        String configured = System.getenv("STEPWISE_JWT_AUDIENCE");
        // the api-server accepts any of a comma-separated list; a dev token carries the first
        return configured == null || configured.isBlank() ? AUDIENCE : configured.split(",")[0].strip();
    }

    static String token(Path dir, String role, Duration ttl) throws Exception {
        String pem = Files.readString(dir.resolve("private.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        long now = Instant.now().getEpochSecond();
        String group = role.startsWith("stepwise.") ? role : "stepwise." + role;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + audience() + "\",\"sub\":\"dev-" + role
                + "\",\"upn\":\"dev-" + role + "\",\"groups\":[\"" + group + "\"],\"iat\":" + now
                + ",\"exp\":" + (now + ttl.toSeconds()) + "}");
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
