package dev.scaleplane.adapters.linear.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.BodyErrors;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Linear's GraphQL errors as the plumbing's typed failures. Linear answers 200 (400 for a document it cannot run, a
 * 401 for a refused key, or whatever a proxy says) with {@code {"errors": [{"message", "extensions": {"type", "code",
 * "userPresentableMessage"}}]}}; the kind comes from the first error's {@code extensions.type} (the names of
 * {@code @linear/sdk}'s error map) or else {@code extensions.code}, and only when neither is known from the status:
 *
 * <table>
 *   <caption>Linear errors and the exceptions they become</caption>
 *   <tr><th>{@code extensions.type} / {@code code}</th><th>exception</th></tr>
 *   <tr><td>{@code authentication error} / {@code AUTHENTICATION_ERROR}, {@code forbidden} / {@code FORBIDDEN}</td>
 *       <td>AdapterAuthenticationException</td></tr>
 *   <tr><td>{@code ratelimited} / {@code RATELIMITED}</td><td>AdapterRateLimitedException, waiting until the
 *       {@code X-RateLimit-*-Reset} of the exhausted budget</td></tr>
 *   <tr><td>{@code invalid input} / {@code INPUT_ERROR} whose message starts with {@code Entity not found}</td>
 *       <td>AdapterNotFoundException</td></tr>
 *   <tr><td>{@code invalid input}, {@code graphql error}, {@code user error}, {@code feature not accessible},
 *       {@code usage limit exceeded} (codes {@code INPUT_ERROR}, {@code GRAPHQL_VALIDATION_FAILED}, ...)</td>
 *       <td>AdapterRequestRefusedException</td></tr>
 *   <tr><td>{@code internal error}, {@code lock timeout}, {@code network error}, {@code bootstrap error}</td>
 *       <td>AdapterUnavailableException</td></tr>
 * </table>
 *
 * The message is Linear's {@code message}, followed by its {@code userPresentableMessage} when that says more, with
 * the credential masked should Linear ever echo it.
 */
final class LinearErrors implements BodyErrors {
    private static final Set<String> REFUSED_TYPES =
            Set.of("invalid input", "graphql error", "user error", "feature not accessible", "usage limit exceeded");
    private static final Set<String> REFUSED_CODES = Set.of(
            "INPUT_ERROR",
            "GRAPHQL_VALIDATION_FAILED",
            "GRAPHQL_PARSE_FAILED",
            "BAD_USER_INPUT",
            "FEATURE_NOT_ACCESSIBLE",
            "USAGE_LIMIT_EXCEEDED");
    private static final Set<String> UNAVAILABLE_TYPES =
            Set.of("internal error", "lock timeout", "network error", "bootstrap error");
    private static final Set<String> UNAVAILABLE_CODES = Set.of("INTERNAL_SERVER_ERROR", "LOCK_TIMEOUT");

    private final Secret credential;

    LinearErrors(Secret credential) {
        this.credential = credential;
    }

    @Override
    public Optional<Failure> find(AdapterResponse response) {
        String text = response.bodyAsString().strip();
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode errors;
        try {
            errors = response.json().path("errors");
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!errors.isArray() || errors.isEmpty()) {
            return Optional.empty();
        }
        JsonNode first = errors.get(0);
        JsonNode extensions = first.path("extensions");
        String type = extensions.path("type").asText("").toLowerCase(Locale.ROOT);
        String code = extensions.path("code").asText("").toUpperCase(Locale.ROOT);
        String message = first.path("message").asText("");
        return Optional.of(new Failure(kind(type, code, message, response.status()), describe(errors)));
    }

    private static Kind kind(String type, String code, String message, int status) {
        if (type.equals("authentication error") || code.equals("AUTHENTICATION_ERROR")) {
            return Kind.AUTHENTICATION;
        }
        if (type.equals("forbidden") || code.equals("FORBIDDEN")) {
            return Kind.AUTHENTICATION;
        }
        if (type.equals("ratelimited") || code.equals("RATELIMITED")) {
            return Kind.RATE_LIMITED;
        }
        if (REFUSED_TYPES.contains(type) || REFUSED_CODES.contains(code)) {
            return message.startsWith("Entity not found") ? Kind.NOT_FOUND : Kind.REFUSED;
        }
        if (UNAVAILABLE_TYPES.contains(type) || UNAVAILABLE_CODES.contains(code)) {
            return Kind.UNAVAILABLE;
        }
        // A kind Linear may add later: the status says what it can.
        if (status == 401 || status == 403) {
            return Kind.AUTHENTICATION;
        }
        if (status == 404 || status == 410) {
            return Kind.NOT_FOUND;
        }
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status == 400 || status == 409 || status == 422) {
            return Kind.REFUSED;
        }
        return status >= 500 ? Kind.UNAVAILABLE : Kind.OTHER;
    }

    private String describe(JsonNode errors) {
        JsonNode first = errors.get(0);
        String message = first.path("message").asText("").strip();
        String presentable = first.path("extensions")
                .path("userPresentableMessage")
                .asText("")
                .strip();
        StringBuilder s = new StringBuilder(message.isEmpty() ? presentable : message);
        if (!presentable.isEmpty() && !message.isEmpty() && !presentable.equals(message)) {
            s.append(" (").append(presentable).append(')');
        }
        if (errors.size() > 1) {
            s.append(" and ").append(errors.size() - 1).append(" more error(s)");
        }
        String key = credential.reveal();
        String out = s.toString();
        return key.isEmpty() ? out : out.replace(key, "****");
    }

    @Override
    public String toString() {
        return "LinearErrors";
    }
}
