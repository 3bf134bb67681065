package dev.scaleplane.adapters.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.BodyErrors;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Maps a status to its typed exception, with the server's facts. The one place that decides which kind is which. */
public final class ErrorMapping {
    /** Request id headers of the systems we talk to: GitHub, GitLab and most proxies, Jira, others. */
    private static final List<String> REQUEST_ID_HEADERS =
            List.of("X-GitHub-Request-Id", "X-Request-Id", "X-ARequestId", "X-Correlation-Id", "X-Amzn-RequestId");

    private static final int MAX_MESSAGE = 300;

    private ErrorMapping() {}

    /** The exception for a response of status >= 400. */
    public static AdapterException toException(String system, String instance, AdapterResponse response) {
        return toException(system, instance, response, Clock.systemUTC());
    }

    /** The exception for a response of status >= 400, reading rate-limit waits on {@code clock}. */
    public static AdapterException toException(String system, String instance, AdapterResponse response, Clock clock) {
        AdapterCallFacts facts = facts(system, instance, response);
        int status = response.status();
        if (RateLimitSignals.isRateLimited(response)) {
            Duration wait = RateLimitSignals.waitHint(response, clock.instant()).orElse(Duration.ZERO);
            return new AdapterRateLimitedException(facts, wait, null);
        }
        return switch (status) {
            case 401, 403 -> new AdapterAuthenticationException(facts, null);
            case 404, 410 -> new AdapterNotFoundException(facts, null);
            case 400, 409, 422 -> new AdapterRequestRefusedException(facts, null);
            default -> status >= 500 || status == 408
                    ? new AdapterUnavailableException(facts, false, null)
                    : new AdapterException(facts, "", null);
        };
    }

    /**
     * The exception for a failure {@link BodyErrors} found in the body of {@code response}, whatever its status: the
     * failure's kind decides the type, the facts keep the response's status and request id, and the failure's message
     * (when it has one) replaces the one read by default.
     */
    public static AdapterException toException(
            String system, String instance, AdapterResponse response, Clock clock, BodyErrors.Failure failure) {
        AdapterCallFacts read = facts(system, instance, response);
        AdapterCallFacts facts = failure.serverMessage() == null
                ? read
                : new AdapterCallFacts(
                        read.system(),
                        read.instance(),
                        read.method(),
                        read.path(),
                        read.status(),
                        read.requestId(),
                        truncate(failure.serverMessage()));
        return switch (failure.kind()) {
            case AUTHENTICATION -> new AdapterAuthenticationException(facts, null);
            case NOT_FOUND -> new AdapterNotFoundException(facts, null);
            case REFUSED -> new AdapterRequestRefusedException(facts, null);
            case RATE_LIMITED -> new AdapterRateLimitedException(
                    facts, RateLimitSignals.waitHint(response, clock.instant()).orElse(Duration.ZERO), null);
            case UNAVAILABLE -> new AdapterUnavailableException(facts, false, null);
            case OTHER -> new AdapterException(facts, "", null);
        };
    }

    /** Facts of a call that got a response. */
    public static AdapterCallFacts facts(String system, String instance, AdapterResponse response) {
        return new AdapterCallFacts(
                system,
                instance,
                response.request().method(),
                path(response.request()),
                response.status(),
                requestId(response),
                serverMessage(response));
    }

    /** Facts of a call that got no response. */
    public static AdapterCallFacts facts(String system, String instance, AdapterRequest request) {
        return new AdapterCallFacts(system, instance, request.method(), path(request), 0, null, null);
    }

    /** The request's path without query string: query parameters may carry secrets. */
    static String path(AdapterRequest request) {
        String p = request.path();
        if (p.startsWith("http://") || p.startsWith("https://")) {
            p = URI.create(p).getRawPath();
        }
        int q = p.indexOf('?');
        return q >= 0 ? p.substring(0, q) : p;
    }

    private static @Nullable String requestId(AdapterResponse response) {
        for (String name : REQUEST_ID_HEADERS) {
            var id = response.header(name);
            if (id.isPresent()) {
                return id.get();
            }
        }
        return null;
    }

    /**
     * The server's message: GitHub and GitLab {@code message}, OAuth-style {@code error_description}/{@code error},
     * Jira {@code errorMessages}/{@code errors}, GraphQL {@code errors[0].message}, other {@code errors} as {@link
     * BodyErrors#text}; else the start of a text body.
     */
    static @Nullable String serverMessage(AdapterResponse response) {
        String text = response.bodyAsString().strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.startsWith("{")) {
            try {
                JsonNode body = response.json();
                String found = first(
                        body.path("message"),
                        body.path("error_description"),
                        body.path("error"),
                        body.path("errorMessages").path(0),
                        body.path("errors").path(0).path("message"));
                if (found == null) {
                    found = BodyErrors.text(body.path("errors"));
                }
                if (found != null) {
                    return truncate(found);
                }
            } catch (RuntimeException e) {
                // not JSON after all: fall through to the text
            }
        }
        if (text.startsWith("<")) {
            // HTML error pages (Jenkins, proxies): the status says more than the markup.
            return null;
        }
        return truncate(text);
    }

    private static @Nullable String first(JsonNode... candidates) {
        for (JsonNode n : candidates) {
            if (n.isTextual() && !n.asText().isBlank()) {
                return n.asText();
            }
            if (n.isContainerNode() && !n.isEmpty()) {
                return n.toString();
            }
        }
        return null;
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
