package dev.scaleplane.adapters.prometheus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.BodyErrors;
import java.util.Optional;

/**
 * Prometheus' error answers (prometheus.io/docs/prometheus/latest/querying/api, "Format overview"): {@code
 * {"status": "error", "errorType": <type>, "error": <text>}}, with 400 for {@code bad_data} (a query that does not
 * parse, a bad parameter), 422 for {@code execution} (a query that cannot be evaluated), 503 for {@code timeout} and
 * {@code canceled}. The type decides the exception and {@code error} is its server message:
 *
 * <ul>
 *   <li>{@code bad_data}, {@code execution}: refused, the query must change;
 *   <li>{@code timeout}, {@code canceled}, {@code unavailable}, {@code internal}: unavailable;
 *   <li>{@code not_found}: not found;
 *   <li>any other type: as its status says.
 * </ul>
 *
 * A body that is not such an answer (a proxy's page, a 200 with data) is left to the status.
 */
final class PrometheusBodyErrors implements BodyErrors {

    @Override
    public Optional<Failure> find(AdapterResponse response) {
        String text = response.bodyAsString().stripLeading();
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = response.json();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!"error".equals(body.path("status").asText())) {
            return Optional.empty();
        }
        String type = body.path("errorType").asText("");
        String message = body.path("error").asText("");
        String serverMessage = message.isBlank() ? (type.isBlank() ? null : type) : message;
        Kind kind =
                switch (type) {
                    case "bad_data", "execution" -> Kind.REFUSED;
                    case "timeout", "canceled", "unavailable", "internal" -> Kind.UNAVAILABLE;
                    case "not_found" -> Kind.NOT_FOUND;
                    default -> byStatus(response.status());
                };
        return Optional.of(new Failure(kind, serverMessage));
    }

    private static Kind byStatus(int status) {
        if (status == 401 || status == 403) {
            return Kind.AUTHENTICATION;
        }
        if (status == 404 || status == 410) {
            return Kind.NOT_FOUND;
        }
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status >= 500) {
            return Kind.UNAVAILABLE;
        }
        return status >= 400 ? Kind.REFUSED : Kind.OTHER;
    }
}
