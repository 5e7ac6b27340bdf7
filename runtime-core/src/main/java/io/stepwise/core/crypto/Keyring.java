package io.stepwise.core.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The AES-256 keys Stepwise encrypts with: Temporal payloads (the payload codec) and secret
 * values at rest in PostgreSQL. One key per line, {@code <id>:<base64 of 32 bytes>}, oldest
 * first; {@code #} starts a comment. The last key (the newest) encrypts, every key decrypts: to
 * rotate, append a new key and restart both services, and keep the old keys for as long as
 * histories or rows sealed with them live (docs/security.md).
 *
 * <p>Sealed bytes are AES-GCM: a random 12-byte nonce, then the ciphertext with its 16-byte tag.
 * The key id travels beside them (payload metadata, or the text form {@code v1:<id>:<base64>}).
 */
public final class Keyring {
    public static final String TEXT_PREFIX = "v1:";
    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * One AES-GCM cipher per thread, initialised afresh (key, nonce) for every seal and open:
     * Cipher.getInstance looks the provider up each time, 2% of a loaded worker's samples.
     */
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    });

    private final Map<String, SecretKey> keys;
    private final String current;

    /** Sealed bytes and the id of the key that sealed them. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    /** A keyring that does not parse, or sealed data it can't open: says what and where. */
    public static final class KeyringException extends RuntimeException {
        public KeyringException(String message) {
            super(message);
        }
    }

    private Keyring(Map<String, SecretKey> keys, String current) {
        this.keys = keys;
        this.current = current;
    }

    /**
     * Parses a keyring's text; {@code source} names where it came from in error messages. Keys are
     * separated by new lines or commas (an environment variable holds one line).
     */
    public static Keyring parse(String text, String source) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        String last = null;
        List<String> entries = new ArrayList<>();
        List<String> wheres = new ArrayList<>();
        String[] lines = text.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().startsWith("#")) {
                continue; // a comment line, commas and all
            }
            String[] parts = lines[i].split(",");
            for (int j = 0; j < parts.length; j++) {
                if (!parts[j].isBlank()) {
                    entries.add(parts[j].strip());
                    wheres.add(source + " line " + (i + 1) + (parts.length > 1 ? " entry " + (j + 1) : ""));
                }
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            String line = entries.get(i);
            String where = wheres.get(i);
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new KeyringException(where + ": expected <id>:<base64 key>");
            }
            String id = line.substring(0, colon);
            if (!ID.matcher(id).matches()) {
                throw new KeyringException(where + ": key id '" + id + "' must be 1-64 of A-Z a-z 0-9 . _ -");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(line.substring(colon + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new KeyringException(where + ": key '" + id + "' is not base64");
            }
            if (raw.length != KEY_BYTES) {
                throw new KeyringException(where + ": key '" + id + "' has " + raw.length
                        + " bytes; AES-256 needs " + KEY_BYTES);
            }
            if (keys.put(id, new SecretKeySpec(raw, "AES")) != null) {
                throw new KeyringException(where + ": key id '" + id + "' appears twice");
            }
            last = id;
        }
        if (last == null) {
            throw new KeyringException(source + " holds no key; generate one with: echo \"k1:$(openssl rand -base64 32)\"");
        }
        return new Keyring(java.util.Collections.unmodifiableMap(keys), last);
    }

    /** A keyring line with a fresh random key, for dev stacks and tests. */
    public static String newKeyLine(String id) {
        byte[] raw = new byte[KEY_BYTES];
        RANDOM.nextBytes(raw);
        return id + ":" + Base64.getEncoder().encodeToString(raw);
    }

    /** The id of the key that encrypts. */
    public String currentKeyId() {
        return current;
    }

    public List<String> keyIds() {
        return new ArrayList<>(keys.keySet());
    }

    public Sealed seal(byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(current), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, sealed, NONCE_BYTES);
            return new Sealed(current, sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    public byte[] open(String keyId, byte[] sealed) {
        SecretKey key = keys.get(keyId);
        if (key == null) {
            throw new KeyringException("data sealed with key '" + keyId + "', which is not in the keyring (it has "
                    + String.join(", ", keys.keySet()) + "); add the old key back to read it");
        }
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new KeyringException("sealed data of " + sealed.length + " bytes is too short to be AES-GCM");
        }
        try {
            Cipher cipher = GCM.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new KeyringException("data sealed with key '" + keyId + "' does not authenticate: it was changed, "
                    + "or the key with that id is not the one that sealed it");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * A keyed digest of {@code text} under every key, the current key's first: {@code <id>:<base64
     * HMAC-SHA256>}. Lets a secret be found by equality (a correlation key) without being stored.
     */
    public List<String> digests(String text) {
        List<String> out = new ArrayList<>();
        out.add(digest(current, text));
        keys.keySet().stream().filter(id -> !id.equals(current)).sorted().forEach(id -> out.add(digest(id, text)));
        return out;
    }

    /** The digest under the current key, the one to store. */
    public String digest(String text) {
        return digest(current, text);
    }

    private String digest(String keyId, String text) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            // a MAC key of its own, derived from the AES key, so the two uses never share a key
            javax.crypto.Mac derive = javax.crypto.Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(keys.get(keyId).getEncoded(), "HmacSHA256"));
            mac.init(new SecretKeySpec(derive.doFinal("stepwise digest v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256"));
            return keyId + ":" + Base64.getEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Text sealed into the storable form {@code v1:<key id>:<base64>}. */
    public String sealText(String plain) {
        Sealed sealed = seal(plain.getBytes(StandardCharsets.UTF_8));
        return TEXT_PREFIX + sealed.keyId() + ":" + Base64.getEncoder().encodeToString(sealed.bytes());
    }

    public String openText(String sealed) {
        int colon = sealed.indexOf(':', TEXT_PREFIX.length());
        if (!sealed.startsWith(TEXT_PREFIX) || colon < 0) {
            throw new KeyringException("sealed text does not start with " + TEXT_PREFIX + "<key id>:");
        }
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(colon + 1));
        return new String(open(sealed.substring(TEXT_PREFIX.length(), colon), bytes), StandardCharsets.UTF_8);
    }
}
