package dev.scaleplane.adapters.http.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The base of every vendor simulation in the adapter tests: a stateful stand-in for a vendor's HTTP API (never the
 * real service) that runs inside its own WireMock server as a response transformer, so WireMock's request journal still
 * records every request for the tests' assertions. It owns what all simulations share, once:
 *
 * <ul>
 *   <li>the server's lifecycle: {@link #started} starts it on a free port of 127.0.0.1 with one catch-all stub (every
 *       request reaches {@link #transform}), {@link #shutdown()} stops it;
 *   <li>request counts: every request is counted ({@link #requestCount()}), and per key ({@link #requestCount(String)})
 *       when the simulation names one with {@link #requestKey} (e.g. the AWS operation of a JSON 1.1 call);
 *   <li>injected faults: {@link #failNext} queues failures; each request takes at most one, the oldest that applies to
 *       it (one without a key applies to every request, one with a key only to requests of that key), and is answered
 *       with the vendor's error for it ({@link #failure}) instead of its real answer;
 *   <li>{@link #reset()}: forgets counts, queued failures, the journal and (through {@link #resetState()}) the vendor's
 *       state.
 * </ul>
 *
 * <p>A subclass supplies the vendor: its answer to a request ({@link #answer}), its error body for an injected failure
 * ({@link #failure}), and its state ({@link #resetState()}). A typical one:
 *
 * <pre>{@code
 * final class FakeAcme extends VendorSimulation {
 *     static FakeAcme launch() {
 *         return started(new FakeAcme());
 *     }
 *
 *     private FakeAcme() {
 *         super("fake-acme");
 *     }
 *
 *     protected void resetState() { ... }
 *
 *     protected ResponseDefinition answer(Request request) { ... }
 *
 *     protected ResponseDefinition failure(InjectedFailure failure, Request request) { ... }
 * }
 * }</pre>
 *
 * <p>Simulations also share the reading of requests: {@link #formFields}, {@link #queryParam}, {@link
 * #jsonBody} and {@link #jsonBodyOrEmpty}.
 *
 * <p>Thread-safety: the adapter under test calls from its own threads while the test acts on the simulation, so every
 * method here that reads or changes the simulation's state, and every hook, runs holding the simulation's monitor
 * ({@code this}); subclasses guard their state with the same monitor ({@code synchronized} methods or {@code
 * synchronized (this)}). The hooks run on WireMock's request threads and must not block.
 */
public abstract class VendorSimulation implements ResponseDefinitionTransformerV2 {

    /**
     * A failure queued with {@link #failNext(InjectedFailure)}: the {@code status} to answer, the {@code Retry-After}
     * to send (null: none, or the vendor's default), the request key it applies to (null: the next request whatever
     * it is), the vendor's error code and message (null: the simulation's default for {@code status}), and whether
     * the vendor acts on the request before the answer is lost ({@code afterApplying}, a response lost on the way
     * back) rather than refusing it.
     */
    public record InjectedFailure(
            int status,
            @Nullable Duration retryAfter,
            @Nullable String key,
            @Nullable String code,
            @Nullable String message,
            boolean afterApplying) {

        /** A failure of the next request with {@code status} and, unless null, {@code retryAfter}. */
        public static InjectedFailure of(int status, @Nullable Duration retryAfter) {
            return new InjectedFailure(status, retryAfter, null, null, null, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final WireMockServer server;

    // guarded by this
    private final Deque<InjectedFailure> failures = new ArrayDeque<>();
    private final Map<String, Integer> requestsByKey = new TreeMap<>();
    private int requests;

    /**
     * A simulation whose WireMock extension is called {@code name} (e.g. {@code fake-github}); the server is not
     * started until {@link #started}.
     */
    protected VendorSimulation(String name) {
        this.name = name;
        // The transformer is this object, so the server is made here; it serves nothing before started().
        server = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .extensions(this));
    }

    /**
     * Starts {@code simulation}'s server on a free port, routes every request to it and resets it; returns it, for a
     * subclass's {@code launch()}.
     */
    protected static <S extends VendorSimulation> S started(S simulation) {
        simulation.server().start();
        simulation.server().stubFor(any(anyUrl()).willReturn(ok()));
        simulation.reset();
        return simulation;
    }

    /** Stops the server. */
    public final void shutdown() {
        server.stop();
    }

    /** The WireMock server, for its request journal ({@code findAll}, {@code verify}). */
    public final WireMockServer server() {
        return server;
    }

    /** The server's root URL ({@code http://localhost:<port>}); a simulation under a context path adds it. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** Forgets the vendor's state, every count, every queued failure and the request journal. */
    public final synchronized void reset() {
        requests = 0;
        requestsByKey.clear();
        failures.clear();
        resetState();
        server.resetRequests();
    }

    /** Makes the next request fail with {@code status} and the vendor's error body for it. */
    public final void failNext(int status) {
        failNext(InjectedFailure.of(status, null));
    }

    /**
     * Makes the next request, whatever it is, fail with {@code status} and the vendor's error body for it, with {@code
     * Retry-After} when {@code retryAfter} is not null; later requests are served normally (unless more failures are
     * queued).
     */
    public final void failNext(int status, @Nullable Duration retryAfter) {
        failNext(InjectedFailure.of(status, retryAfter));
    }

    /** Queues {@code failure}, behind the failures queued before it. */
    public final synchronized void failNext(InjectedFailure failure) {
        failures.add(Objects.requireNonNull(failure, "failure"));
    }

    /** Forgets the failures queued and not yet taken. */
    public final synchronized void clearFailures() {
        failures.clear();
    }

    /** How many requests reached the simulation since the last {@link #reset()}, failed ones included. */
    public final synchronized int requestCount() {
        return requests;
    }

    /** How many requests of {@code key} (see {@link #requestKey}) reached the simulation since the last reset. */
    public final synchronized int requestCount(String key) {
        return requestsByKey.getOrDefault(key, 0);
    }

    @Override
    public final String getName() {
        return name;
    }

    /**
     * Counts the request, then answers it: with {@link #refuseBeforeFaults}'s refusal if any, else with the vendor's
     * error for the oldest queued failure that applies to it, else with {@link #answer}. A failure {@code
     * afterApplying} lets the vendor answer (and act) first, then answers the failure instead.
     */
    @Override
    public final synchronized ResponseDefinition transform(ServeEvent event) {
        Request request = event.getRequest();
        requests++;
        String key = requestKey(request);
        if (key != null) {
            requestsByKey.merge(key, 1, Integer::sum);
        }
        ResponseDefinition refused = refuseBeforeFaults(request);
        if (refused != null) {
            return refused;
        }
        InjectedFailure failure = takeFailure(key);
        if (failure == null) {
            return answer(request);
        }
        if (failure.afterApplying()) {
            answer(request);
        }
        return failure(failure, request);
    }

    private @Nullable InjectedFailure takeFailure(@Nullable String key) {
        for (Iterator<InjectedFailure> it = failures.iterator(); it.hasNext(); ) {
            InjectedFailure f = it.next();
            if (f.key() == null || f.key().equals(key)) {
                it.remove();
                return f;
            }
        }
        return null;
    }

    /** Forgets the vendor's state (called by {@link #reset()}, under the monitor); the base's own is already gone. */
    protected abstract void resetState();

    /** The vendor's answer to {@code request}, acting on the simulated state (called under the monitor). */
    protected abstract ResponseDefinition answer(Request request);

    /** The vendor's error answer for an injected {@code failure} of {@code request} (called under the monitor). */
    protected abstract ResponseDefinition failure(InjectedFailure failure, Request request);

    /**
     * The key {@code request} is counted under and that keyed failures match, or null (the default) for none: e.g. the
     * operation of an RPC-style API whose requests all share one path.
     */
    protected @Nullable String requestKey(Request request) {
        return null;
    }

    /**
     * A refusal the vendor gives before anything else, so that an injected failure is not spent on it (e.g. a request
     * whose signature does not verify), or null (the default) to go on.
     */
    protected @Nullable ResponseDefinition refuseBeforeFaults(Request request) {
        return null;
    }

    // ---- reading requests ----

    /**
     * The fields of a query string or an {@code application/x-www-form-urlencoded} body, decoded as UTF-8, in their
     * order; a field without {@code =} has the empty value, and a repeated name keeps its last value. Empty for null
     * or empty {@code raw}.
     */
    protected static Map<String, String> formFields(@Nullable String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** The first value of query parameter {@code name} of {@code request}, or null without one. */
    protected static @Nullable String queryParam(Request request, String name) {
        QueryParameter p = request.queryParameter(name);
        return p.isPresent() ? p.firstValue() : null;
    }

    /** The body of {@code request} as JSON, or null when it is empty or not JSON (the simulation answers that). */
    protected static @Nullable JsonNode jsonBody(Request request) {
        String text = request.getBodyAsString();
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** The body of {@code request} as JSON, or an empty object when it is empty or not JSON. */
    protected static JsonNode jsonBodyOrEmpty(Request request) {
        JsonNode body = jsonBody(request);
        return body == null ? JSON.createObjectNode() : body;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + server.baseUrl() + "]";
    }
}
