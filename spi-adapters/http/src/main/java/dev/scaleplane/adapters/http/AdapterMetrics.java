package dev.scaleplane.adapters.http;

import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The per-call meters of every adapter, the one home of their names and tags: {@link AdapterHttpClient} records
 * through it for adapters on the plumbing's HTTP client, and adapters built on a vendor SDK (AWS) call it around each
 * SDK call, so dashboards see one set of meters whatever the transport.
 *
 * <ul>
 *   <li>{@value #CALLS}: timer with p50/p95/p99; its count is the call count (one per call, retries included);
 *   <li>{@value #ERRORS}: counter of calls that ended in a status of 400 or more, or without a response.
 * </ul>
 *
 * Tags: {@code system}, {@code instance}, {@code method}, {@code path} (a template, never an id or a secret name),
 * {@code status} (the HTTP status, or {@code IO_ERROR}, {@code RATE_LIMITED}, {@code CIRCUIT_OPEN}) and {@code
 * outcome} ({@code SUCCESS}, {@code REDIRECTION}, {@code CLIENT_ERROR}, {@code SERVER_ERROR}, {@code UNAVAILABLE}).
 *
 * <p>Thread-safe.
 */
public final class AdapterMetrics {
    /** The call timer's name. */
    public static final String CALLS = "scaleplane.adapter.calls";
    /** The error counter's name. */
    public static final String ERRORS = "scaleplane.adapter.errors";
    /** The gauge of the rate-limit budget left, per credential. */
    public static final String RATE_LIMIT_REMAINING = "scaleplane.adapter.ratelimit.remaining";

    private final MeterRegistry registry;
    private final String system;
    private final String instance;

    /**
     * Creates the meters of one adapter instance.
     *
     * @param system the system's name, e.g. {@code aws-secrets-manager}
     * @param instance the instance's name
     */
    public AdapterMetrics(MeterRegistry registry, String system, String instance) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.system = Objects.requireNonNull(system, "system");
        this.instance = Objects.requireNonNull(instance, "instance");
    }

    /**
     * Runs {@code call} and records it: {@code statusOfSuccess} on success, or the status of the {@link
     * AdapterException} it throws. Any other exception propagates unrecorded (a bug, not a call failure); a caller
     * that maps vendor exceptions records with {@link #record} instead.
     *
     * @param method the request method, e.g. {@code GET}
     * @param path the path template, e.g. {@code /v1/{mount}/data/{path}}
     * @param statusOfSuccess the status to record when {@code call} returns, e.g. {@code 200}
     */
    public <T> T time(String method, String path, int statusOfSuccess, Supplier<T> call) {
        Timer.Sample sample = Timer.start(registry);
        try {
            T result = call.get();
            record(sample, method, path, statusOfSuccess);
            return result;
        } catch (AdapterException e) {
            record(sample, method, path, e);
            throw e;
        }
    }

    /** Starts timing one call; end it with one of the {@code record} methods. */
    public Timer.Sample start() {
        return Timer.start(registry);
    }

    /** Records a call that got a response with HTTP status {@code status}. */
    public void record(Timer.Sample sample, String method, String path, int status) {
        record(sample, method, path, String.valueOf(status), outcome(status));
    }

    /** Records a call that ended in {@code failure}. */
    public void record(Timer.Sample sample, String method, String path, AdapterException failure) {
        String status;
        if (failure.status() > 0) {
            status = String.valueOf(failure.status());
        } else if (failure instanceof AdapterUnavailableException u && u.circuitOpen()) {
            status = "CIRCUIT_OPEN";
        } else if (failure instanceof AdapterRateLimitedException) {
            status = "RATE_LIMITED";
        } else {
            status = "IO_ERROR";
        }
        record(sample, method, path, status, failure.status() > 0 ? outcome(failure.status()) : "UNAVAILABLE");
    }

    private void record(Timer.Sample sample, String method, String path, String status, String outcome) {
        Tags tags = Tags.of(
                "system", system,
                "instance", instance,
                "method", method,
                "path", path,
                "status", status,
                "outcome", outcome);
        sample.stop(Timer.builder(CALLS)
                .description("Calls to an external system, retries included in each")
                .tags(tags)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry));
        if (!"SUCCESS".equals(outcome) && !"REDIRECTION".equals(outcome)) {
            Counter.builder(ERRORS)
                    .description("Calls that failed")
                    .tags(tags)
                    .register(registry)
                    .increment();
        }
    }

    private static String outcome(int status) {
        if (status >= 500) {
            return "SERVER_ERROR";
        }
        if (status >= 400) {
            return "CLIENT_ERROR";
        }
        return status >= 300 ? "REDIRECTION" : "SUCCESS";
    }

    @Override
    public String toString() {
        return "AdapterMetrics[" + system + " " + instance + "]";
    }
}
