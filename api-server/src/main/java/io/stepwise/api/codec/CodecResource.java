package io.stepwise.api.codec;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import com.google.protobuf.ByteString;
import io.stepwise.api.definitions.Roles;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.crypto.EncryptionCodec;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodecException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Temporal's codec-server protocol (docs/security.md): Temporal's web UI and CLI send the payloads
 * they show here, with the viewer's token, to see them decoded. Admins only: a decoded payload holds
 * secrets in clear. Payloads are the protobuf JSON form: metadata values and data in base64.
 */
@Path("/api/v1/codec")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class CodecResource {

    public record JsonPayload(Map<String, String> metadata, String data) {
    }

    public record Payloads(List<JsonPayload> payloads) {
    }

    private final EncryptionCodec codec;

    public CodecResource(io.stepwise.core.crypto.Keyring keyring) {
        this.codec = new EncryptionCodec(keyring);
    }

    @POST
    @Path("/decode")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "decodePayloads", summary = "Decode Temporal payloads",
            description = "Temporal's remote codec: decrypts payloads for the Temporal UI and CLI (admins only).")
    @Tag(name = "Codec")
    @APIResponse(responseCode = "200", description = "The decoded payloads")
    @APIResponse(responseCode = "400", description = "A payload cannot be decoded")
    public Payloads decode(Payloads body) {
        return map(body, codec::decode);
    }

    @POST
    @Path("/encode")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "encodePayloads", summary = "Encode Temporal payloads",
            description = "Temporal's remote codec: encrypts payloads with the current key (admins only).")
    @Tag(name = "Codec")
    @APIResponse(responseCode = "200", description = "The encoded payloads")
    @APIResponse(responseCode = "400", description = "A payload cannot be encoded")
    public Payloads encode(Payloads body) {
        return map(body, codec::encode);
    }

    private static Payloads map(Payloads body, UnaryOperator<Payload> op) {
        if (body == null || body.payloads() == null) {
            throw new ApiException.BadRequest("the body must be {\"payloads\": [...]}");
        }
        try {
            return new Payloads(body.payloads().stream().map(p -> toJson(op.apply(fromJson(p)))).toList());
        } catch (PayloadCodecException e) {
            throw new ApiException.BadRequest(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiException.BadRequest("a payload's metadata and data must be base64: " + e.getMessage());
        }
    }

    private static Payload fromJson(JsonPayload p) {
        Payload.Builder b = Payload.newBuilder();
        if (p.metadata() != null) {
            p.metadata().forEach((k, v) -> b.putMetadata(k, ByteString.copyFrom(Base64.getDecoder().decode(v))));
        }
        if (p.data() != null) {
            b.setData(ByteString.copyFrom(Base64.getDecoder().decode(p.data())));
        }
        return b.build();
    }

    private static JsonPayload toJson(Payload p) {
        Map<String, String> metadata = new LinkedHashMap<>();
        p.getMetadataMap().forEach((k, v) -> metadata.put(k, Base64.getEncoder().encodeToString(v.toByteArray())));
        return new JsonPayload(metadata, Base64.getEncoder().encodeToString(p.getData().toByteArray()));
    }
}
