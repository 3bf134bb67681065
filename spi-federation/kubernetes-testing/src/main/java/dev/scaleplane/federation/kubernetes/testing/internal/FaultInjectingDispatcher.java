package dev.scaleplane.federation.kubernetes.testing.internal;

import io.fabric8.kubernetes.api.model.RootPathsBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP front of one simulated cluster: injects faults, answers the API server's fixed endpoints
 * ({@code /version}, {@code /readyz}, {@code /livez}, {@code /healthz}, {@code /}) and passes everything else to the
 * {@link SimulatedCrudDispatcher}.
 *
 * <p>Faults, checked on every request in this order:
 *
 * <ol>
 *   <li>targeted failures ({@link #failRequests(String, String, int, int)}): the next requests with a given method
 *       whose path matches a given expression are answered with the given status, before the store sees them;
 *   <li>error ratio: a seeded-random fraction of requests is answered with the configured status and a Kubernetes
 *       {@code Status} body, before the store sees the request (so a rejected write changes nothing, as when an API
 *       server sheds load); a 429 carries {@code Retry-After};
 *   <li>latency: every answer is held back by the configured duration. Answers with a body are delayed by a
 *       Vert.x timer, so the event loop keeps serving other connections; answers without one (a watch upgrade, an
 *       empty 200) can only be delayed by sleeping on the event loop, which stalls the other connections that share
 *       it for that time.
 * </ol>
 *
 * <p>A partition is not handled here: it stops the HTTP server itself (see the cluster), because an HTTP answer of any
 * kind would not look like an unreachable cluster.
 *
 * <p>The store's bodiless error answers (a 404 for a missing object) get a {@code Status} body, as the real API server
 * sends one.
 *
 * <p>Thread-safety: safe for concurrent use; fault settings are volatile and take effect for the next request.
 */
public final class FaultInjectingDispatcher extends Dispatcher {

    private static final String[] ROOT_PATHS = {
        "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/healthz", "/livez", "/readyz", "/version"
    };

    private final SimulatedCrudDispatcher store;
    private final String versionJson;
    private final String rootPathsJson;
    private final long seed;
    private final Random random;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong injectedErrors = new AtomicLong();
    private volatile Duration latency = Duration.ZERO;
    private volatile ErrorFault errors = new ErrorFault(0.0, 503, 1);
    private final CopyOnWriteArrayList<TargetedFault> targeted = new CopyOnWriteArrayList<>();

    /**
     * Creates the front of one cluster's store.
     *
     * @param store the cluster's object store
     * @param version what {@code /version} answers
     * @param seed the seed of the generator that picks which requests fail
     */
    public FaultInjectingDispatcher(SimulatedCrudDispatcher store, VersionInfo version, long seed) {
        this.store = Objects.requireNonNull(store, "store");
        this.versionJson = Serialization.asJson(Objects.requireNonNull(version, "version"));
        this.rootPathsJson = Serialization.asJson(
                new RootPathsBuilder().addToPaths(ROOT_PATHS).build());
        this.seed = seed;
        this.random = new Random(seed);
    }

    /**
     * Adds {@code latency} to every answer from now on; {@link Duration#ZERO} removes it.
     *
     * @param latency the added latency, not negative
     */
    public void latency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must be >= 0, but was " + latency);
        }
        this.latency = latency;
    }

    /** The latency added to every answer. */
    public Duration latency() {
        return latency;
    }

    /**
     * Answers a fraction of the requests from now on with {@code status}, and restarts the random generator from its
     * seed so that the same sequence of requests meets the same sequence of failures.
     *
     * @param ratio the fraction of requests that fail, from 0.0 (none) to 1.0 (all)
     * @param status the HTTP status, 400 to 599 (typically 429 or 503)
     * @param retryAfterSeconds the value of the {@code Retry-After} header of a 429, at least 0
     */
    public void errorRatio(double ratio, int status, int retryAfterSeconds) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException("ratio must be between 0.0 and 1.0, but was " + ratio);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), but was " + status);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0, but was " + retryAfterSeconds);
        }
        synchronized (random) {
            random.setSeed(seed);
            this.errors = new ErrorFault(ratio, status, retryAfterSeconds);
        }
    }

    /**
     * Answers the next {@code times} requests with {@code method} whose path (with its query) matches
     * {@code pathRegex} somewhere ({@link java.util.regex.Matcher#find()}) with {@code status} and a Kubernetes
     * {@code Status} body; they never reach the store. Faults added earlier are checked first.
     * {@link #clearTargeted()} removes the ones left.
     *
     * @param method the HTTP method, e.g. {@code POST}
     * @param pathRegex a regular expression found in the request path, e.g. {@code /resourcequotas} or
     *     {@code ^/api/v1/namespaces/team-a$}
     * @param status the HTTP status, 400 to 599
     * @param times how many requests fail, at least 1
     */
    public void failRequests(String method, String pathRegex, int status, int times) {
        Objects.requireNonNull(method, "method");
        Pattern path = Pattern.compile(Objects.requireNonNull(pathRegex, "pathRegex"));
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status (400 to 599), but was " + status);
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1, but was " + times);
        }
        targeted.add(new TargetedFault(method, path, status, new AtomicInteger(times)));
    }

    /** Removes the targeted failures not used up yet. */
    public void clearTargeted() {
        targeted.clear();
    }

    /** The fraction of requests answered with an injected error. */
    public double errorRatio() {
        return errors.ratio();
    }

    /** How many requests reached this cluster's HTTP server, answered or failed. */
    public long requestCount() {
        return requests.get();
    }

    /** How many requests were answered with an injected error. */
    public long injectedErrorCount() {
        return injectedErrors.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.incrementAndGet();
        MockResponse response;
        ErrorFault fault = errors;
        TargetedFault hit = targeted(request);
        if (hit != null) {
            injectedErrors.incrementAndGet();
            response = injectedError(new ErrorFault(1.0, hit.status(), 1), request);
        } else if (fault.ratio() > 0.0 && fails(fault)) {
            injectedErrors.incrementAndGet();
            response = injectedError(fault, request);
        } else {
            response = route(request);
        }
        delay(response);
        return response;
    }

    // MockWebServer.shutdown() calls shutdown() and releaseResources() on its dispatcher. A partition shuts the
    // server down but must keep the store and its watch bookkeeping, and the CRUD store holds nothing that these
    // would release, so neither is passed on.
    @Override
    public void shutdown() {}

    @Override
    public void releaseResources() {}

    private @Nullable TargetedFault targeted(RecordedRequest request) {
        for (TargetedFault t : targeted) {
            if (t.method().equals(request.getMethod())
                    && t.path().matcher(request.getPath()).find()) {
                int left = t.left().getAndDecrement();
                if (left <= 1) {
                    targeted.remove(t);
                }
                if (left >= 1) {
                    return t;
                }
            }
        }
        return null;
    }

    private boolean fails(ErrorFault fault) {
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        return draw < fault.ratio();
    }

    private MockResponse route(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        if ("GET".equals(request.getMethod())) {
            switch (bare) {
                case "/version":
                    return json(200, versionJson);
                case "/":
                    return json(200, rootPathsJson);
                case "/readyz":
                case "/livez":
                case "/healthz":
                    return new MockResponse()
                            .setResponseCode(200)
                            .setHeader("Content-Type", "text/plain; charset=utf-8")
                            .setBody("ok");
                default:
                    break;
            }
        }
        MockResponse response = store.dispatch(request);
        if (response == null) {
            return status(405, "MethodNotAllowed", "the simulated API server does not support " + request.getMethod());
        }
        if (response.code() >= 400 && isEmpty(response.getBody()) && response.getWebSocketListener() == null) {
            return status(response.code(), reason(response.code()), messageFor(response.code(), bare));
        }
        return response;
    }

    private MockResponse injectedError(ErrorFault fault, RecordedRequest request) {
        String message = String.format(
                "simulated fault: %s %s answered with %d", request.getMethod(), request.getPath(), fault.status());
        StatusBuilder status = new StatusBuilder()
                .withNewMetadata()
                .endMetadata()
                .withStatus("Failure")
                .withCode(fault.status())
                .withReason(reason(fault.status()))
                .withMessage(message);
        if (fault.status() != 429) {
            return json(fault.status(), Serialization.asJson(status.build()));
        }
        // As kube-apiserver's priority and fairness filter does: the header and the Status details agree.
        status.withNewDetails().withRetryAfterSeconds(fault.retryAfterSeconds()).endDetails();
        return json(fault.status(), Serialization.asJson(status.build()))
                .setHeader("Retry-After", String.valueOf(fault.retryAfterSeconds()));
    }

    private void delay(MockResponse response) {
        Duration added = latency;
        if (added.isZero()) {
            return;
        }
        if (response.getWebSocketListener() == null && !isEmpty(response.getBody())) {
            response.setBodyDelay(added);
            return;
        }
        try {
            Thread.sleep(added.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isEmpty(Buffer body) {
        return body == null || body.size() == 0;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    private static MockResponse status(int code, String reason, String message) {
        Status status = new StatusBuilder()
                .withNewMetadata()
                .endMetadata()
                .withStatus("Failure")
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .build();
        return json(code, Serialization.asJson(status));
    }

    private static String reason(int code) {
        switch (code) {
            case 400:
                return "BadRequest";
            case 401:
                return "Unauthorized";
            case 403:
                return "Forbidden";
            case 404:
                return "NotFound";
            case 405:
                return "MethodNotAllowed";
            case 409:
                return "Conflict";
            case 410:
                return "Expired";
            case 415:
                return "UnsupportedMediaType";
            case 422:
                return "Invalid";
            case 429:
                return "TooManyRequests";
            case 500:
                return "InternalError";
            case 503:
                return "ServiceUnavailable";
            case 504:
                return "Timeout";
            default:
                return "";
        }
    }

    private static String messageFor(int code, String path) {
        if (code == 404) {
            return "the server could not find the requested resource " + path;
        }
        return "the simulated API server answered " + code + " to " + path;
    }

    private record ErrorFault(double ratio, int status, int retryAfterSeconds) {}

    private record TargetedFault(String method, Pattern path, int status, AtomicInteger left) {}
}
