package dev.scaleplane.adapters.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplane.adapters.http.internal.AuthInterceptor;
import dev.scaleplane.adapters.http.internal.CircuitBreakerInterceptor;
import dev.scaleplane.adapters.http.internal.ErrorMapping;
import dev.scaleplane.adapters.http.internal.Json;
import dev.scaleplane.adapters.http.internal.LoggingInterceptor;
import dev.scaleplane.adapters.http.internal.MetricsInterceptor;
import dev.scaleplane.adapters.http.internal.RateLimitInterceptor;
import dev.scaleplane.adapters.http.internal.RealChain;
import dev.scaleplane.adapters.http.internal.RetryInterceptor;
import dev.scaleplane.adapters.http.internal.Transport;
import dev.scaleplane.api.RetryPolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP client of one adapter instance (e.g. the {@code github-com} instance of system {@code github}): sends
 * {@link AdapterRequest}s through a chain of {@link Interceptor}s and maps failures to the typed exceptions of {@link
 * dev.scaleplane.api.adapters}.
 *
 * <p>Chain, outermost first: application interceptors, metrics, retry, circuit breaker, rate-limit governor,
 * authentication, redacting log, network interceptors, transport. See {@link Interceptor}.
 *
 * <p><b>One JDK client.</b> Unless given one, every {@code AdapterHttpClient} with the same connect timeout shares one
 * {@link HttpClient}: it holds the connection pools and selector thread, both made for sharing, and the JDK client
 * sets the connect timeout per client but the request timeout per request. Redirects are not followed: following one
 * would resend the credential to wherever it points; adapters see the 3xx.
 *
 * <p><b>Metrics</b> (Micrometer), tags {@code system}, {@code instance}, {@code method}, {@code path} (the request's
 * {@linkplain AdapterRequest#pathTemplate() template}, so no ids), {@code status} (the HTTP status, or {@code
 * IO_ERROR}, {@code CIRCUIT_OPEN}, {@code RATE_LIMITED} when there was none) and {@code outcome} ({@code SUCCESS},
 * {@code REDIRECTION}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}, {@code UNAVAILABLE}):
 *
 * <ul>
 *   <li>{@code scaleplane.adapter.calls}: timer, p50/p95/p99; its count is the number of calls;
 *   <li>{@code scaleplane.adapter.errors}: counter of calls ending in a status >= 400 or with no response;
 *   <li>{@code scaleplane.adapter.ratelimit.remaining}: gauge, tags {@code system} and {@code instance}, the budget
 *       left for the client's credential (NaN until a server reports it).
 * </ul>
 *
 * <p>Thread-safe; build one per instance and share it.
 */
public final class AdapterHttpClient {
    private static final Map<Duration, HttpClient> SHARED_CLIENTS = new ConcurrentHashMap<>();
    private static final CircuitBreakerRegistry SHARED_BREAKERS = CircuitBreakerRegistry.ofDefaults();

    private final String system;
    private final String instance;
    private final URI baseUri;
    private final Clock clock;
    private final List<Interceptor> links;
    private final @Nullable BodyErrors bodyErrors;

    private AdapterHttpClient(Builder b, URI baseUri) {
        system = b.system;
        instance = b.instance;
        this.baseUri = baseUri;
        clock = b.clock;
        bodyErrors = b.bodyErrors;
        HttpClient http = b.httpClient != null
                ? b.httpClient
                : SHARED_CLIENTS.computeIfAbsent(b.connectTimeout, t -> HttpClient.newBuilder()
                        .connectTimeout(t)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build());
        String endpoint = system + "@" + baseUri.getHost() + (baseUri.getPort() > 0 ? ":" + baseUri.getPort() : "");
        var breaker = b.circuitBreakerConfig != null
                ? b.circuitBreakers.circuitBreaker(endpoint, b.circuitBreakerConfig)
                : b.circuitBreakers.circuitBreaker(endpoint);
        List<Interceptor> chain = new ArrayList<>(b.interceptors);
        chain.add(new MetricsInterceptor(new AdapterMetrics(b.meterRegistry, system, instance)));
        chain.add(new RetryInterceptor(b.retryPolicy, b.sleeper, clock, b.random));
        chain.add(new CircuitBreakerInterceptor(breaker));
        chain.add(new RateLimitInterceptor(b.governor, b.authenticator, b.sleeper));
        chain.add(new AuthInterceptor(b.authenticator));
        chain.add(new LoggingInterceptor(baseUri, clock));
        chain.addAll(b.networkInterceptors);
        chain.add(new Transport(http, baseUri, b.requestTimeout));
        links = List.copyOf(chain);
        String key = b.authenticator.credentialKey();
        RateLimitGovernor governor = b.governor;
        Gauge.builder(AdapterMetrics.RATE_LIMIT_REMAINING, governor, g -> g.remaining(key)
                        .orElse(Double.NaN))
                .description("Calls left in the credential's rate budget, as last reported")
                .tags("system", system, "instance", instance)
                .register(b.meterRegistry);
    }

    /**
     * A builder for an instance of a system.
     *
     * @param system the kind of system, e.g. {@code github}; a metrics tag and part of every error message
     * @param instance the configured instance name, e.g. {@code github-com}
     */
    public static Builder builder(String system, String instance) {
        return new Builder(system, instance);
    }

    /** The kind of system. */
    public String system() {
        return system;
    }

    /** The instance name. */
    public String instance() {
        return instance;
    }

    /** The base URI requests are resolved against. */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * Sends {@code request} through the chain and returns the response if its status is below 400 and the client's
     * {@link BodyErrors}, if it has one, finds no failure in its body (then the failure's kind decides the exception,
     * whatever the status).
     *
     * @throws dev.scaleplane.api.adapters.AdapterAuthenticationException on 401/403
     * @throws dev.scaleplane.api.adapters.AdapterNotFoundException on 404/410
     * @throws dev.scaleplane.api.adapters.AdapterRequestRefusedException on 400/409/422
     * @throws dev.scaleplane.api.adapters.AdapterRateLimitedException when the budget is spent beyond the wait allowed
     * @throws dev.scaleplane.api.adapters.AdapterUnavailableException on 5xx, timeouts, connection failures and an
     *     open circuit breaker, once the allowed retries are spent
     * @throws dev.scaleplane.api.adapters.AdapterException on any other status >= 400
     * @throws IllegalArgumentException if the request names an absolute URI on another host
     */
    public AdapterResponse send(AdapterRequest request) {
        AdapterResponse response = exchange(request);
        if (bodyErrors != null) {
            var failure = bodyErrors.find(response);
            if (failure.isPresent()) {
                throw ErrorMapping.toException(system, instance, response, clock, failure.get());
            }
        }
        if (response.status() >= 400) {
            throw ErrorMapping.toException(system, instance, response, clock);
        }
        return response;
    }

    /**
     * Sends {@code request} through the chain and returns the response whatever its status, for adapters that treat
     * some error statuses as answers (e.g. a 404 meaning "no such issue yet").
     *
     * @throws dev.scaleplane.api.adapters.AdapterException only when there is no response (see {@link #send})
     */
    public AdapterResponse exchange(AdapterRequest request) {
        Objects.requireNonNull(request, "request");
        return RealChain.run(links, request, system, instance);
    }

    /** {@link #send} and the body as a JSON tree. */
    public JsonNode sendForJson(AdapterRequest request) {
        return send(request).json();
    }

    /**
     * {@link #send} and the body bound to {@code type}.
     *
     * @throws UncheckedIOException if the body is not JSON of that shape
     */
    public <T> T send(AdapterRequest request, Class<T> type) {
        return send(request).as(type);
    }

    /** {@link #send} and the body bound to a generic type. */
    public <T> T send(AdapterRequest request, TypeReference<T> type) {
        return send(request).as(type);
    }

    /**
     * A lazy paginator over the items at JSON pointer {@code itemsPointer} of each page ({@code ""} for a body that is
     * the array itself, {@code /issues} for Jira, {@code /data/issues/nodes} for a Relay connection).
     */
    public <T> Paginator<T> paginate(AdapterRequest first, PageStyle style, String itemsPointer, Class<T> type) {
        Objects.requireNonNull(itemsPointer, "itemsPointer");
        Objects.requireNonNull(type, "type");
        return paginate(first, style, response -> {
            JsonNode items = response.json().at(itemsPointer);
            List<T> out = new ArrayList<>(items.size());
            for (JsonNode item : items) {
                try {
                    out.add(Json.MAPPER.treeToValue(item, type));
                } catch (IOException e) {
                    throw new UncheckedIOException("an item of " + response + " is not a " + type.getSimpleName(), e);
                }
            }
            return out;
        });
    }

    /** A lazy paginator whose items {@code items} extracts from each page's response. */
    public <T> Paginator<T> paginate(AdapterRequest first, PageStyle style, Function<AdapterResponse, List<T>> items) {
        return new Paginator<>(this::send, first, style, items);
    }

    @Override
    public String toString() {
        return "AdapterHttpClient[" + system + "/" + instance + " " + baseUri + "]";
    }

    /** Builds an {@link AdapterHttpClient}. Not thread-safe. */
    public static final class Builder {
        /** Default connect timeout: 10 s. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
        /** Default per-request timeout, to the end of the response: 30 s. */
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
        /** Default retries: 3 attempts, exponential from 200 ms doubling up to 10 s, full jitter. */
        public static final RetryPolicy DEFAULT_RETRY = RetryPolicy.builder()
                .maxAttempts(3)
                .exponential(Duration.ofMillis(200), 2.0)
                .maxDelay(Duration.ofSeconds(10))
                .build();

        private final String system;
        private final String instance;
        private @Nullable URI baseUri;
        private Authenticator authenticator = Authenticator.none();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private MeterRegistry meterRegistry = new CompositeMeterRegistry();
        private RateLimitGovernor governor = RateLimitGovernor.shared();
        private RetryPolicy retryPolicy = DEFAULT_RETRY;
        private CircuitBreakerRegistry circuitBreakers = SHARED_BREAKERS;
        private @Nullable CircuitBreakerConfig circuitBreakerConfig;
        private @Nullable HttpClient httpClient;
        private @Nullable BodyErrors bodyErrors;
        private final List<Interceptor> interceptors = new ArrayList<>();
        private final List<Interceptor> networkInterceptors = new ArrayList<>();

        private Builder(String system, String instance) {
            this.system = requireName(system, "system");
            this.instance = requireName(instance, "instance");
        }

        /** The base URI, e.g. {@code https://api.github.com} or {@code https://ghe.example.com/api/v3}. Required. */
        public Builder baseUri(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            if (!"https".equals(baseUri.getScheme()) && !"http".equals(baseUri.getScheme())) {
                throw new IllegalArgumentException("baseUri must be http or https, but was " + baseUri);
            }
            this.baseUri = baseUri;
            return this;
        }

        /** How requests are signed. Default {@link Authenticator#none()}. */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Connect timeout; clients with the same one share a JDK client. Default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Timeout of each attempt, from sending to the end of the response. Default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** Clock for rate-limit resets, Retry-After dates and log throttling. Default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Every wait (rate limits, backoff) goes through it. Default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Source of jitter, uniform in [0, 1). Default {@link ThreadLocalRandom}. */
        public Builder random(DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Where call metrics go. Default none (a registry without backends). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The governor of rate budgets. Default {@link RateLimitGovernor#shared()}. */
        public Builder governor(RateLimitGovernor governor) {
            this.governor = Objects.requireNonNull(governor, "governor");
            return this;
        }

        /** Attempts and backoff; see the retry rules on {@link Interceptor}'s chain. Default {@link #DEFAULT_RETRY}. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Settings of the endpoint's circuit breaker; the first client of an endpoint (system and host) in a registry
         * decides them. Default resilience4j's defaults (50% failures over 100 calls, 60 s open).
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Where breakers per endpoint live. Default one registry for the process. */
        public Builder circuitBreakers(CircuitBreakerRegistry registry) {
            this.circuitBreakers = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** A JDK client to use instead of the shared one (then its connect timeout and redirects apply). */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Reads failures that responses report in their bodies (GraphQL {@code errors} in a 200), for {@link
         * AdapterHttpClient#send} and the paginators. Default none: the status alone decides.
         */
        public Builder bodyErrors(BodyErrors bodyErrors) {
            this.bodyErrors = Objects.requireNonNull(bodyErrors, "bodyErrors");
            return this;
        }

        /** Adds an interceptor before all others: it sees each call once, as the adapter made it. */
        public Builder addInterceptor(Interceptor interceptor) {
            interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Adds an interceptor just before the transport: it sees every attempt, signed. */
        public Builder addNetworkInterceptor(Interceptor interceptor) {
            networkInterceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /**
         * The client.
         *
         * @throws IllegalStateException if no base URI was set
         */
        public AdapterHttpClient build() {
            if (baseUri == null) {
                throw new IllegalStateException("baseUri is required for " + system + " instance " + instance);
            }
            return new AdapterHttpClient(this, baseUri);
        }

        private static String requireName(String name, String what) {
            Objects.requireNonNull(name, what);
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return name;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, but was " + d);
            }
            return d;
        }
    }
}
