package dev.scaleplane.adapters.datadog.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.BodyErrors;
import java.util.Optional;

/**
 * Failures Datadog reports in the body of a successful answer, read as refusals: the series intake's {@code 202
 * {"errors": [...]}} (IntakePayloadAccepted: an empty list when all was taken), and a query's {@code "status":
 * "error"} with its {@code error} text (MetricsQueryResponse). Answers of status >= 400 are left to the plumbing's
 * status mapping, whose server message is Datadog's {@code {"errors": [...]}}.
 */
final class DatadogErrors implements BodyErrors {
    static final DatadogErrors INSTANCE = new DatadogErrors();

    private DatadogErrors() {}

    @Override
    public Optional<Failure> find(AdapterResponse response) {
        if (!response.successful()) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = response.json();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!body.isObject()) {
            return Optional.empty();
        }
        if ("error".equals(body.path("status").asText())) {
            String error = body.path("error").asText("");
            return Optional.of(new Failure(Kind.REFUSED, error.isBlank() ? "status: error" : error));
        }
        JsonNode errors = body.path("errors");
        String message = errors.isArray() ? BodyErrors.text(errors) : null;
        return message == null ? Optional.empty() : Optional.of(new Failure(Kind.REFUSED, message));
    }
}
