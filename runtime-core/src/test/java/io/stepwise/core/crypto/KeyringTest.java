package io.stepwise.core.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyringTest {
    private static final String K1 = Keyring.newKeyLine("k1");
    private static final String K2 = Keyring.newKeyLine("k2");

    @Test
    void sealsWithTheNewestKeyAndOpensWithAny() {
        Keyring old = Keyring.parse(K1, "test");
        String sealedOld = old.sealText("s3cret-token");
        assertThat(sealedOld).startsWith("v1:k1:").doesNotContain("s3cret-token");

        Keyring rotated = Keyring.parse("# rotated\n" + K1 + "\n" + K2 + "\n", "test");
        assertThat(rotated.currentKeyId()).isEqualTo("k2");
        assertThat(rotated.openText(sealedOld)).isEqualTo("s3cret-token");
        String sealedNew = rotated.sealText("s3cret-token");
        assertThat(sealedNew).startsWith("v1:k2:");
        assertThatThrownBy(() -> old.openText(sealedNew))
                .hasMessageContaining("key 'k2', which is not in the keyring");
    }

    @Test
    void aCommentMayHoldCommasAndColons() {
        Keyring ring = Keyring.parse("# dev keyring: <id>:<base64>, newest last\n" + K1 + "\n# rotated, 2027\n" + K2,
                "payload.keys");
        assertThat(ring.keyIds()).containsExactly("k1", "k2");
    }

    @Test
    void aCommaSeparatedLineIsAKeyringToo() {
        Keyring ring = Keyring.parse(K1 + "," + K2, "STEPWISE_KEYS");
        assertThat(ring.keyIds()).containsExactly("k1", "k2");
    }

    @Test
    void everySealIsDifferentAndTamperingIsCaught() {
        Keyring ring = Keyring.parse(K1, "test");
        byte[] plain = "same".getBytes(StandardCharsets.UTF_8);
        Keyring.Sealed a = ring.seal(plain);
        Keyring.Sealed b = ring.seal(plain);
        assertThat(a.bytes()).isNotEqualTo(b.bytes());
        a.bytes()[a.bytes().length - 1] ^= 1;
        assertThatThrownBy(() -> ring.open("k1", a.bytes())).hasMessageContaining("does not authenticate");
        assertThat(ring.open("k1", b.bytes())).isEqualTo(plain);
    }

    @Test
    void badKeyringsSayWhatAndWhere() {
        assertThatThrownBy(() -> Keyring.parse("", "keys.txt")).hasMessageContaining("keys.txt holds no key");
        assertThatThrownBy(() -> Keyring.parse(K1 + "\nnokey", "keys.txt"))
                .hasMessageContaining("keys.txt line 2: expected <id>:<base64 key>");
        assertThatThrownBy(() -> Keyring.parse("k1:" + "QUJD", "keys.txt"))
                .hasMessageContaining("key 'k1' has 3 bytes; AES-256 needs 32");
        assertThatThrownBy(() -> Keyring.parse(K1 + "\n" + K1, "keys.txt")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> Keyring.parse("bad id:AAAA", "keys.txt")).hasMessageContaining("key id 'bad id'");
    }
}
