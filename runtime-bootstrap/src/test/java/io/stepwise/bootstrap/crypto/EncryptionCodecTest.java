package io.stepwise.bootstrap.crypto;

import io.stepwise.core.crypto.Keyring;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptionCodecTest {
    private static final String SECRET = "Bearer tok-9f8e7d6c5b4a";
    private static final String OLD = Keyring.newKeyLine("old");
    private static final String NEW = Keyring.newKeyLine("new");

    @Test
    void aPayloadIsEncryptedWithTheNewestKeyAndItsIdInTheMetadata() {
        DataConverter converter = EncryptionCodec.dataConverter(Keyring.parse(OLD + "\n" + NEW, "test"));
        Payload payload = converter.toPayload(Map.of("Authorization", SECRET)).orElseThrow();
        assertThat(payload.toByteString().toString(StandardCharsets.ISO_8859_1)).doesNotContain("tok-9f8e7d6c5b4a");
        assertThat(payload.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo(EncryptionCodec.ENCODING);
        assertThat(payload.getMetadataOrThrow(EncryptionCodec.KEY_ID).toStringUtf8()).isEqualTo("new");
        assertThat(converter.fromPayload(payload, Map.class, Map.class)).isEqualTo(Map.of("Authorization", SECRET));
    }

    @Test
    void afterRotationOldPayloadsStillDecodeAndAKeyringWithoutTheirKeySaysWhichIsMissing() {
        Payload sealedOld = EncryptionCodec.dataConverter(Keyring.parse(OLD, "test")).toPayload(SECRET).orElseThrow();
        DataConverter rotated = EncryptionCodec.dataConverter(Keyring.parse(OLD + "\n" + NEW, "test"));
        assertThat(rotated.fromPayload(sealedOld, String.class, String.class)).isEqualTo(SECRET);

        EncryptionCodec withoutOld = new EncryptionCodec(Keyring.parse(NEW, "test"));
        assertThatThrownBy(() -> withoutOld.decode(sealedOld)).isInstanceOf(PayloadCodecException.class)
                .hasMessageContaining("key 'old', which is not in the keyring");
    }

    @Test
    void aPayloadWrittenBeforeEncryptionDecodesAsItIs() {
        Payload plain = io.temporal.common.converter.DefaultDataConverter.newDefaultInstance().toPayload("hello")
                .orElseThrow();
        EncryptionCodec codec = new EncryptionCodec(Keyring.parse(NEW, "test"));
        assertThat(codec.decode(plain)).isEqualTo(plain);
        assertThat(codec.decode(codec.encode(plain))).isEqualTo(plain);
    }
}
