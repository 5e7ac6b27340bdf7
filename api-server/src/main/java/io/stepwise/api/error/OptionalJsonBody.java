package io.stepwise.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The body of an action whose options are all optional (replay): none at all, sent with or
 * without a Content-Type, means "no options", as {@code curl -X POST} and a browser's bodiless
 * fetch send it; a body must be JSON ({@code application/json} or a {@code +json} type), else 415.
 */
public final class OptionalJsonBody {
    private OptionalJsonBody() {
    }

    public static <T> T read(ObjectMapper json, String contentType, String body, Class<T> type)
            throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            return null;
        }
        if (contentType == null || !isJson(contentType)) {
            throw new ApiException.UnsupportedMediaType("the request body must be application/json, not "
                    + (contentType == null ? "a body with no Content-Type" : contentType)
                    + "; send no body at all for the defaults");
        }
        return json.readValue(body, type);
    }

    private static boolean isJson(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
