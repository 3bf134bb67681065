package dev.scaleplane.adapters.webhooks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scaleplane.adapters.webhooks.WebhookSettings.Endpoint;
import dev.scaleplane.adapters.webhooks.internal.SenderProtocol;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiRunCompleted;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.DeduplicationWindow;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embeddable webhook handler: framework-neutral, it takes a {@link WebhookRequest} (method, path, headers, raw
 * body) and returns a {@link WebhookResponse}; {@link WebhookServer} serves it on the JDK's HTTP server, and any other
 * server can call {@link #handle} from its own route.
 *
 * <h2>What a delivery goes through</h2>
 *
 * <ol>
 *   <li>The path selects the endpoint (404 if none); only {@code POST} is accepted (405).
 *   <li>A body larger than the endpoint's {@code max-body-bytes} is refused with 400 before anything else is done
 *       with it.
 *   <li>The sender's proof of origin is checked ({@link Sender}): a missing or wrong signature or token is 401 and
 *       nothing is published.
 *   <li>The body must be a JSON object: anything else is 400.
 *   <li>The delivery id ({@code X-GitHub-Delivery}, GitLab's {@code Idempotency-Key}, ...) is looked up in the
 *       receiver's {@link DeduplicationWindow}, keyed by (source {@code /webhooks/<endpoint>}, delivery id): a
 *       delivery accepted before within the window is answered 200 and nothing is published.
 *   <li>The payload becomes a CloudEvent: type {@code dev.scaleplane.webhook.<sender>.<event>.v1} (e.g. {@code
 *       dev.scaleplane.webhook.github.workflow_run.v1}), id the delivery id, source {@code /webhooks/<endpoint>},
 *       subject what it is about (repository, project, issue key, job), data the JSON object as plain Java values
 *       ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean}, null), the same shape an
 *       unregistered type decodes to on every bus. It is published on the endpoint's topic. A CI run that ended
 *       (GitHub {@code workflow_run} completed, GitLab pipeline with a final status, Jenkins COMPLETED or FINALIZED)
 *       also becomes a {@link CiRunCompleted} ({@link CiRunCompleted.Via#WEBHOOK}) of the endpoint's {@code
 *       ci-instance}, built by {@link CiEvents#runCompleted} exactly as polling builds it, on that instance's
 *       completions topic.
 *   <li>202 once the bus accepted every event; the delivery id is remembered only then. A bus that refuses or does
 *       not answer within {@code publish-timeout} gets 503 with {@code Retry-After}, and the id is not remembered, so
 *       the sender's retry goes through. Events of a delivery whose publish failed half-way may be published again by
 *       the retry; they keep their ids, so consumers that de-duplicate by (source, id) see them once.
 * </ol>
 *
 * Two copies of one delivery arriving at the same moment may both be published (the window is checked before and
 * written after publishing, so that a failed publish is never remembered); they carry the same id.
 *
 * <h2>Logging and metrics</h2>
 *
 * Rejections (400, 401) are logged at WARN, at most one line per endpoint and status every 30 s with a count of the
 * rest; a line names the endpoint and the reason, never a header value, secret or signature. With a meter registry,
 * counter {@value #DELIVERIES} counts deliveries by {@code endpoint}, {@code sender} and {@code outcome} ({@code
 * accepted}, {@code duplicate}, {@code unauthorized}, {@code bad_request}, {@code unavailable}, {@code error}).
 *
 * <p>Thread-safe: one receiver serves every endpoint from any number of threads.
 */
public final class WebhookReceiver {
    /** Prefix of the type names of webhook events. */
    public static final String EVENT_TYPE_PREFIX = "dev.scaleplane.webhook.";

    /** Name of the deliveries counter. */
    public static final String DELIVERIES = "scaleplane.webhooks.deliveries";

    /** Seconds a 503 asks the sender to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    /** One endpoint with what serving it needs. */
    private record Route(Endpoint endpoint, SenderProtocol protocol, URI source) {}

    private final WebhookSettings settings;
    private final EventBus bus;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final @Nullable MeterRegistry meters;
    private final Map<String, Route> routes = new HashMap<>();
    private final DeduplicationWindow accepted;
    /** The shortest time between two logged rejections of one endpoint and status. */
    static final Duration REJECTION_LOG_INTERVAL = Duration.ofSeconds(30);

    /**
     * Rejections at WARN, one line per endpoint and status every 30 s: a misconfigured sender or someone probing the
     * endpoint must not flood the log. Reasons name headers and sizes only, never a value, a secret or a signature.
     */
    private final RateLimitedLog rejections;

    private WebhookReceiver(Builder b) {
        this.settings = b.settings;
        this.bus = b.bus;
        this.clock = b.clock;
        this.nanoTime = b.nanoTime;
        this.meters = b.meters;
        for (Endpoint e : settings.endpoints()) {
            routes.put(e.path(), new Route(e, SenderProtocol.of(e.sender()), URI.create("/webhooks/" + e.name())));
        }
        this.accepted = new DeduplicationWindow(settings.dedupWindow(), settings.dedupMaxEntries());
        this.rejections = new RateLimitedLog(
                LoggerFactory.getLogger("dev.scaleplane.adapters.webhooks"), REJECTION_LOG_INTERVAL, clock);
    }

    /**
     * A receiver for {@code platform}: settings from its configuration ({@code scaleplane.webhooks.*}), events on its
     * bus, counters in its meter registry.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every problem of the settings
     */
    public static WebhookReceiver create(ScaleplanePlatform platform) {
        Objects.requireNonNull(platform, "platform");
        return builder(platform.events(), WebhookSettings.read(platform.config()))
                .meterRegistry(platform.meterRegistry())
                .build();
    }

    /** A builder of a receiver publishing on {@code bus}. */
    public static Builder builder(EventBus bus, WebhookSettings settings) {
        return new Builder(bus, settings);
    }

    /** The settings. */
    public WebhookSettings settings() {
        return settings;
    }

    /**
     * Handles one delivery; see the class documentation for the steps and answers. Never throws for anything a
     * sender can send: an unexpected failure is a 500.
     */
    public WebhookResponse handle(WebhookRequest request) {
        Objects.requireNonNull(request, "request");
        Route route = routes.get(request.path());
        if (route == null) {
            return response(404, "not found", "no webhook endpoint at this path", null, Map.of());
        }
        Endpoint endpoint = route.endpoint();
        if (!"POST".equalsIgnoreCase(request.method())) {
            return response(
                    405, "method not allowed", "webhooks are delivered with POST", null, Map.of("Allow", "POST"));
        }
        if (request.body().length > endpoint.maxBodyBytes()) {
            return tooLarge(route, request.body().length);
        }
        String refusal;
        try {
            refusal = route.protocol().reject(request, endpoint.secret());
        } catch (RuntimeException e) {
            log.error("webhook endpoint {}: checking the delivery's origin failed", endpoint.name(), e);
            return outcome(route, "error", response(500, "error", "the delivery could not be checked", null, Map.of()));
        }
        if (refusal != null) {
            rejected(endpoint.name(), 401, refusal);
            return outcome(route, "unauthorized", response(401, "unauthorized", refusal, null, Map.of()));
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(request.body());
        } catch (IOException e) { // Jackson's parse errors included
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            String reason = "the body is not a JSON object";
            rejected(endpoint.name(), 400, reason);
            return outcome(route, "bad_request", response(400, "bad request", reason, null, Map.of()));
        }
        try {
            return deliver(route, request, (ObjectNode) payload);
        } catch (RuntimeException e) {
            log.error("webhook endpoint {}: handling a delivery failed", endpoint.name(), e);
            return outcome(route, "error", response(500, "error", "the delivery could not be handled", null, Map.of()));
        }
    }

    private WebhookResponse deliver(Route route, WebhookRequest request, ObjectNode payload) {
        Endpoint endpoint = route.endpoint();
        SenderProtocol protocol = route.protocol();
        String deliveryId = protocol.deliveryId(request, payload);
        String key = DeduplicationWindow.key(route.source(), deliveryId);
        if (accepted.seen(key, nanoTime.getAsLong())) {
            log.debug("webhook endpoint {}: delivery {} was accepted before", endpoint.name(), deliveryId);
            return outcome(route, "duplicate", response(200, "duplicate", null, deliveryId, Map.of()));
        }
        Instant now = clock.instant();
        String type = EVENT_TYPE_PREFIX + endpoint.sender().id() + "." + protocol.event(request, payload) + ".v1";
        Map<String, Object> data = JSON.convertValue(payload, MAP);
        Event<Map<String, Object>> event = Event.builder(type, data)
                .id(deliveryId)
                .source(route.source())
                .subject(protocol.subject(payload))
                .time(now)
                .build();
        Event<CiRunCompleted> completion = null;
        if (endpoint.ciInstance() != null) {
            Optional<CiRun> ended = protocol.endedRun(request, payload, now);
            if (ended.isPresent()) {
                completion = CiEvents.runCompleted(
                        new CiRunCompleted(
                                endpoint.sender().id(), endpoint.ciInstance(), ended.get(), CiRunCompleted.Via.WEBHOOK),
                        now);
            }
        }
        String failure = publish(endpoint, event, completion);
        if (failure != null) {
            log.warn(
                    "webhook endpoint {}: delivery {} answered 503, the event bus did not accept it: {}",
                    endpoint.name(),
                    deliveryId,
                    failure);
            return outcome(
                    route,
                    "unavailable",
                    response(
                            503,
                            "unavailable",
                            "the event bus did not accept the event; retry later",
                            deliveryId,
                            Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))));
        }
        accepted.record(key, nanoTime.getAsLong());
        log.debug("webhook endpoint {}: delivery {} published as {}", endpoint.name(), deliveryId, type);
        return outcome(route, "accepted", response(202, "accepted", null, deliveryId, Map.of()));
    }

    /** Publishes the events and waits for the bus; null when every one was accepted, else what went wrong. */
    private @Nullable String publish(
            Endpoint endpoint, Event<Map<String, Object>> event, @Nullable Event<CiRunCompleted> completion) {
        List<CompletableFuture<PublishReceipt>> pending = new ArrayList<>(2);
        try {
            pending.add(bus.publish(endpoint.topic(), event));
            if (completion != null) {
                pending.add(bus.publish(Objects.requireNonNull(endpoint.ciTopic()), completion));
            }
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                    .get(settings.publishTimeout().toNanos(), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return cause.toString();
        } catch (TimeoutException e) {
            return "no answer within " + settings.publishTimeout();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for the bus";
        } catch (PublishException e) { // a bus may refuse at once instead of through the future
            return e.toString();
        }
    }

    /** The maximum body of the endpoint at {@code path}, or 0 when there is none: for servers reading the body. */
    int maxBodyBytes(String path) {
        Route route = routes.get(path);
        return route == null ? 0 : route.endpoint().maxBodyBytes();
    }

    /** The answer to a body of {@code length} bytes at {@code path}, which a server found too large to read. */
    WebhookResponse tooLarge(String path, long length) {
        Route route = routes.get(path);
        if (route == null) {
            return response(404, "not found", "no webhook endpoint at this path", null, Map.of());
        }
        return tooLarge(route, length);
    }

    private WebhookResponse tooLarge(Route route, long length) {
        String reason = "the body of " + length + " bytes is larger than the endpoint's limit of "
                + route.endpoint().maxBodyBytes() + " bytes (max-body-bytes)";
        rejected(route.endpoint().name(), 400, reason);
        return outcome(route, "bad_request", response(400, "bad request", reason, null, Map.of()));
    }

    private WebhookResponse outcome(Route route, String outcome, WebhookResponse response) {
        if (meters != null) {
            meters.counter(
                            DELIVERIES,
                            "endpoint",
                            route.endpoint().name(),
                            "sender",
                            route.endpoint().sender().id(),
                            "outcome",
                            outcome)
                    .increment();
        }
        return response;
    }

    private static WebhookResponse response(
            int status,
            String word,
            @Nullable String reason,
            @Nullable String deliveryId,
            Map<String, String> headers) {
        ObjectNode body = JSON.createObjectNode().put("status", word);
        if (deliveryId != null) {
            body.put("delivery", deliveryId);
        }
        if (reason != null) {
            body.put("reason", reason);
        }
        return new WebhookResponse(status, WebhookResponse.JSON, body.toString(), headers);
    }

    @Override
    public String toString() {
        return "WebhookReceiver" + settings.endpoints();
    }

    /** Builds a {@link WebhookReceiver}. Not thread-safe. */
    public static final class Builder {
        private final EventBus bus;
        private final WebhookSettings settings;
        private Clock clock = Clock.systemUTC();
        private LongSupplier nanoTime = System::nanoTime;
        private @Nullable MeterRegistry meters;

        private Builder(EventBus bus, WebhookSettings settings) {
            this.bus = Objects.requireNonNull(bus, "bus");
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** The clock of event times and of the rejection log (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where {@value WebhookReceiver#DELIVERIES} is counted (default: nowhere). */
        public Builder meterRegistry(MeterRegistry meters) {
            this.meters = Objects.requireNonNull(meters, "meters");
            return this;
        }

        /** The reading of the de-duplication window's clock; tests move it instead of waiting. */
        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /** Builds the receiver. */
        public WebhookReceiver build() {
            return new WebhookReceiver(this);
        }
    }

    private void rejected(String endpoint, int status, String reason) {
        rejections.warn(endpoint + " " + status, "webhook endpoint {} answered {}: {}", endpoint, status, reason);
    }
}
