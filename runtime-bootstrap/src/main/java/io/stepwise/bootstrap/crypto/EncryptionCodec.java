package io.stepwise.bootstrap.crypto;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.stepwise.core.crypto.Keyring;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Temporal's payload codec for Stepwise: every payload (workflow input and result, activity inputs
 * and results, signals, queries, memo, and failure messages with their stack traces) is the
 * AES-256-GCM encryption of the whole original payload, with the key id in its metadata. A payload
 * without the encrypted encoding (a history from before encryption) decodes as it is.
 */
public final class EncryptionCodec implements PayloadCodec {
    public static final String ENCODING = "binary/encrypted";
    public static final String KEY_ID = "encryption-key-id";
    private static final ByteString ENCODING_BYTES = ByteString.copyFromUtf8(ENCODING);

    private final Keyring keyring;

    public EncryptionCodec(Keyring keyring) {
        this.keyring = keyring;
    }

    /** The converter both services and every test client use: Temporal's default, then this codec. */
    public static DataConverter dataConverter(Keyring keyring) {
        // true: failure messages and stack traces move into an encoded attribute, encrypted too
        return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(new EncryptionCodec(keyring)),
                true);
    }

    @Override
    public List<Payload> encode(List<Payload> payloads) {
        return payloads.stream().map(this::encode).toList();
    }

    @Override
    public List<Payload> decode(List<Payload> payloads) {
        return payloads.stream().map(this::decode).toList();
    }

    public Payload encode(Payload payload) {
        Keyring.Sealed sealed = keyring.seal(payload.toByteArray());
        return Payload.newBuilder()
                .putMetadata("encoding", ENCODING_BYTES)
                .putMetadata(KEY_ID, ByteString.copyFromUtf8(sealed.keyId()))
                .setData(ByteString.copyFrom(sealed.bytes()))
                .build();
    }

    public Payload decode(Payload payload) {
        if (!ENCODING_BYTES.equals(payload.getMetadataOrDefault("encoding", ByteString.EMPTY))) {
            return payload;
        }
        ByteString keyId = payload.getMetadataOrDefault(KEY_ID, null);
        if (keyId == null) {
            throw new PayloadCodecException("an encrypted payload without " + KEY_ID + " metadata");
        }
        try {
            return Payload.parseFrom(keyring.open(keyId.toString(StandardCharsets.UTF_8), payload.getData().toByteArray()));
        } catch (Keyring.KeyringException e) {
            throw new PayloadCodecException(e.getMessage());
        } catch (InvalidProtocolBufferException e) {
            throw new PayloadCodecException("a decrypted payload is not a Temporal payload: " + e.getMessage());
        }
    }
}
