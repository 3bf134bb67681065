package dev.scaleplane.adapters.webhooks;

import java.util.Map;
import java.util.Objects;

/**
 * What the receiver answers a delivery: a status, a small JSON body and a few headers (such as {@code Retry-After} on a
 * 503 or {@code Allow} on a 405). Never holds a secret or a signature.
 *
 * @param status the HTTP status: 202 accepted, 200 duplicate, 400, 401, 404, 405, 503 (retry), 500
 * @param contentType the body's media type
 * @param body the body, a small JSON object such as {@code {"status":"accepted","delivery":"..."}}
 * @param headers further response headers
 */
public record WebhookResponse(int status, String contentType, String body, Map<String, String> headers) {

    /** Media type of every body the receiver writes. */
    public static final String JSON = "application/json";

    /** Validates and copies. */
    public WebhookResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100-599), but was " + status);
        }
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }
}
