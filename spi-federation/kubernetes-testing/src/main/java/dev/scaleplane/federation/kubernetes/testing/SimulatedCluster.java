package dev.scaleplane.federation.kubernetes.testing;

import dev.scaleplane.federation.kubernetes.testing.internal.FaultInjectingDispatcher;
import dev.scaleplane.federation.kubernetes.testing.internal.Kubeconfigs;
import dev.scaleplane.federation.kubernetes.testing.internal.SimulatedCrudDispatcher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.vertx.Protocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Kubernetes cluster of a {@link SimulatedFleet}: a fabric8 mock API server in CRUD mode on
 * {@code http://127.0.0.1:<port>}, its object store, its {@link SimulatedController} and its faults. It is a
 * simulation, not a Kubernetes; the module's README lists what the mock API server does and does not do.
 *
 * <p>At start the store holds Namespaces {@code default} and {@code kube-system} and the cluster's Nodes
 * ({@code <cluster>-node-<i>}, from 0), each labelled with the cluster's {@link #labels()} plus
 * {@code kubernetes.io/hostname}, {@code kubernetes.io/os} and {@code kubernetes.io/arch}, {@code Ready}, and with
 * {@code status.capacity} and {@code status.allocatable} set to the configured cpu, memory and pods.
 *
 * <p>Faults, all changeable at runtime and from any thread:
 *
 * <ul>
 *   <li>{@link #partition()} stops the HTTP server, so clients get "connection refused" (open connections, including
 *       watches, are closed); {@link #heal()} starts a new server on the same port over the same store, so every
 *       object, resourceVersion and generation is still there. While partitioned, the cluster's controller keeps
 *       working, as a real cluster's would.
 *   <li>{@link #latency(Duration)} holds back every answer.
 *   <li>{@link #errorRatio(double, int)} answers a seeded-random fraction of requests with an error status and a
 *       Kubernetes {@code Status} body ({@code Retry-After: 1} on a 429), without touching the store.
 * </ul>
 *
 * <p>Thread-safety: safe for concurrent use. Lifecycle methods are {@code synchronized}; fault settings take effect
 * for the next request.
 */
public final class SimulatedCluster {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

    /** The Kubernetes version that {@code /version} reports. */
    static final VersionInfo VERSION = new VersionInfo.Builder()
            .withMajor("1")
            .withMinor("33")
            .withGitVersion("v1.33.0+scaleplane-simulation")
            .withPlatform("linux/amd64")
            .build();

    private static final int HEAL_ATTEMPTS = 50;
    private static final Duration HEAL_RETRY_PAUSE = Duration.ofMillis(100);

    private final String name;
    private final SimulatedFleet.ClusterSpec spec;
    private final SimulatedCrudDispatcher store;
    private final FaultInjectingDispatcher front;
    private final SimulatedController controller;
    private State state = State.NEW;
    private @Nullable KubernetesMockServer server;
    private int port;
    private @Nullable KubernetesClient client;

    private enum State {
        NEW,
        RUNNING,
        PARTITIONED,
        CLOSED
    }

    SimulatedCluster(
            String name,
            SimulatedFleet.ClusterSpec spec,
            long seed,
            ScheduledExecutorService scheduler,
            Duration controllerDelay,
            String failImageMarker) {
        this.name = name;
        this.spec = spec;
        this.store = new SimulatedCrudDispatcher();
        this.front = new FaultInjectingDispatcher(store, VERSION, seed);
        this.controller = new SimulatedController(name, store, scheduler, controllerDelay, failImageMarker);
    }

    /** The cluster's name, also the name of its kubeconfig cluster, user and context. */
    public String name() {
        return name;
    }

    /** The labels put on every Node of this cluster, as configured. */
    public Map<String, String> labels() {
        return spec.labels();
    }

    /**
     * The port of the cluster's API server on 127.0.0.1; it stays the same across {@link #partition()} and
     * {@link #heal()}.
     *
     * @throws IllegalStateException if the fleet has not been started
     */
    public synchronized int port() {
        if (state == State.NEW) {
            throw new IllegalStateException("simulated cluster " + name + " is not started; start the fleet first");
        }
        return port;
    }

    /**
     * The URL of the cluster's API server, {@code http://127.0.0.1:<port>}, without a trailing slash.
     *
     * @throws IllegalStateException if the fleet has not been started
     */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * A kubeconfig with one cluster, user and context, all named {@link #name()}, pointing at {@link #url()} with
     * namespace {@code default}. The user has no credentials: the simulated API server does not authenticate.
     *
     * @throws IllegalStateException if the fleet has not been started
     */
    public String kubeconfig() {
        return Kubeconfigs.render(Map.of(name, url()), name);
    }

    /**
     * A new fabric8 {@link Config} for this cluster, exactly what {@link Config#fromKubeconfig(String)} makes of
     * {@link #kubeconfig()} (fabric8's defaults for timeouts and retries). Each call returns a new instance, since
     * {@code Config} is mutable.
     *
     * @throws IllegalStateException if the fleet has not been started
     */
    public Config config() {
        return Config.fromKubeconfig(kubeconfig());
    }

    /**
     * A fabric8 client for assertions in tests, created on first use and closed with the fleet. It is
     * {@link #config()} with request retries turned off, so that a test sees each injected fault as it happens
     * instead of fabric8 retrying around it. Do not close it.
     *
     * @throws IllegalStateException if the fleet has not been started or is closed
     */
    public synchronized KubernetesClient client() {
        if (state == State.NEW || state == State.CLOSED) {
            throw new IllegalStateException("simulated cluster " + name + " is "
                    + state.name().toLowerCase(Locale.ROOT) + "; a client is available only while the fleet runs");
        }
        if (client == null) {
            Config config =
                    new ConfigBuilder(config()).withRequestRetryBackoffLimit(0).build();
            client = new KubernetesClientBuilder().withConfig(config).build();
        }
        return client;
    }

    /** The simulated controller that moves this cluster's workload status toward spec. */
    public SimulatedController controller() {
        return controller;
    }

    /**
     * Makes the cluster unreachable: stops its API server so that new connections are refused and open ones
     * (watches included) are closed. The store and the controller keep running. Does nothing if already partitioned.
     *
     * @throws IllegalStateException if the fleet has not been started or is closed
     */
    public synchronized void partition() {
        requireStarted();
        if (state == State.PARTITIONED) {
            return;
        }
        stopServer();
        state = State.PARTITIONED;
        LOG.info("simulated cluster {} partitioned (port {} closed)", name, port);
    }

    /**
     * Makes a partitioned cluster reachable again: starts a new API server on the same port over the same store.
     * Returns once the server accepts connections. Does nothing if the cluster is not partitioned.
     *
     * @throws IllegalStateException if the fleet has not been started or is closed, or if the port cannot be bound
     *     again (another process took it)
     */
    public synchronized void heal() {
        requireStarted();
        if (state != State.PARTITIONED) {
            return;
        }
        RuntimeException last = null;
        for (int attempt = 1; attempt <= HEAL_ATTEMPTS; attempt++) {
            try {
                server = startServer(port);
                state = State.RUNNING;
                LOG.info("simulated cluster {} healed (port {} open)", name, port);
                return;
            } catch (RuntimeException e) {
                // The old listening socket may take a moment to go away; another process may also have taken it.
                last = e;
                sleep(HEAL_RETRY_PAUSE);
            }
        }
        throw new IllegalStateException(
                "simulated cluster " + name + " cannot listen on 127.0.0.1:" + port + " again; is another process"
                        + " using the port?",
                last);
    }

    /** Whether the cluster is partitioned, see {@link #partition()}. */
    public synchronized boolean isPartitioned() {
        return state == State.PARTITIONED;
    }

    /**
     * Holds back every answer of the API server by {@code latency} from now on; {@link Duration#ZERO} removes it.
     * Answers with a body are delayed by a timer; answers without one (watch upgrades, empty answers) by sleeping on
     * the server's event loop, which also delays other requests to this cluster for that time.
     *
     * @param latency the added latency, not negative
     * @throws IllegalArgumentException if {@code latency} is negative
     */
    public void latency(Duration latency) {
        front.latency(Objects.requireNonNull(latency, "latency"));
    }

    /** The latency added to every answer. */
    public Duration latency() {
        return front.latency();
    }

    /**
     * From now on answers a seeded-random fraction of the requests with {@code status} and a Kubernetes
     * {@code Status} body (reason {@code TooManyRequests}, {@code ServiceUnavailable}, ...); a 429 also carries
     * {@code Retry-After: 1} and {@code details.retryAfterSeconds: 1}. Failed requests never reach the store. Each
     * call restarts the cluster's random generator from its seed (derived from the fleet's seed and the cluster's
     * name), so the same sequence of requests meets the same failures. {@code errorRatio(0, 503)} removes the fault.
     *
     * @param ratio the fraction of requests that fail, from 0.0 to 1.0
     * @param status the HTTP status of the failures, 400 to 599 (typically 429 or 503)
     * @throws IllegalArgumentException if {@code ratio} or {@code status} is out of range
     */
    public void errorRatio(double ratio, int status) {
        front.errorRatio(ratio, status, 1);
    }

    /** The fraction of requests answered with an injected error. */
    public double errorRatio() {
        return front.errorRatio();
    }

    /**
     * Answers the next {@code times} requests with {@code method} whose path (with its query) matches
     * {@code pathRegex} somewhere with {@code status} and a Kubernetes {@code Status} body, without touching the
     * store: a fault at one precise step, such as one object of a multi-object apply
     * ({@code failRequests("POST", "/resourcequotas", 422, 1)}) or the deletion of one namespace
     * ({@code failRequests("DELETE", "^/api/v1/namespaces/team-a$", 503, 100)}). {@link #clearFaults()} removes
     * the ones not used up.
     *
     * @param method the HTTP method, e.g. {@code POST}
     * @param pathRegex a regular expression found in the request path
     * @param status the HTTP status, 400 to 599 (a 422 is a refusal, a 503 a transient failure)
     * @param times how many requests fail, at least 1
     * @throws IllegalArgumentException if {@code status} or {@code times} is out of range
     * @throws java.util.regex.PatternSyntaxException if {@code pathRegex} is not a regular expression
     */
    public void failRequests(String method, String pathRegex, int status, int times) {
        front.failRequests(method, pathRegex, status, times);
    }

    /**
     * Removes every fault: heals a partition, removes latency and the error ratio.
     *
     * @throws IllegalStateException as {@link #heal()}
     */
    public synchronized void clearFaults() {
        front.latency(Duration.ZERO);
        front.errorRatio(0.0, 503, 1);
        front.clearTargeted();
        heal();
    }

    /** How many requests reached this cluster's API server so far (injected errors included). */
    public long requestCount() {
        return front.requestCount();
    }

    /** How many requests were answered with an injected error so far. */
    public long injectedErrorCount() {
        return front.injectedErrorCount();
    }

    synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("simulated cluster " + name + " was already started");
        }
        seed();
        controller.start();
        server = startServer(0);
        port = server.getPort();
        state = State.RUNNING;
    }

    synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        controller.stop();
        KubernetesClient toClose = client;
        client = null;
        try {
            if (toClose != null) {
                toClose.close();
            }
        } finally {
            stopServer();
        }
    }

    private void seed() {
        for (String namespace : List.of("default", "kube-system")) {
            create(
                    "/api/v1/namespaces",
                    new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(namespace)
                            .addToLabels("kubernetes.io/metadata.name", namespace)
                            .endMetadata()
                            .withNewStatus()
                            .withPhase("Active")
                            .endStatus()
                            .build());
        }
        for (int i = 0; i < spec.nodes(); i++) {
            create("/api/v1/nodes", node(name + "-node-" + i));
        }
    }

    private Node node(String nodeName) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        labels.put("kubernetes.io/hostname", nodeName);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        Map<String, Quantity> resources = Map.of(
                "cpu", new Quantity(spec.cpu()),
                "memory", new Quantity(spec.memory()),
                "pods", new Quantity(String.valueOf(spec.pods())));
        return new NodeBuilder()
                .withNewMetadata()
                .withName(nodeName)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(false)
                .endSpec()
                .withNewStatus()
                .withCapacity(resources)
                .withAllocatable(resources)
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("simulated kubelet is posting ready status")
                .endCondition()
                .addNewAddress("Hostname", nodeName)
                .withNewNodeInfo()
                .withKubeletVersion(VERSION.getGitVersion())
                .withOperatingSystem("linux")
                .withArchitecture("amd64")
                .withContainerRuntimeVersion("simulated://1.0")
                .endNodeInfo()
                .endStatus()
                .build();
    }

    private void create(String path, HasMetadata object) {
        MockResponse response = store.call(HttpMethod.POST, path, Serialization.asJson(object));
        if (response.code() != 201) {
            String body = response.getBody() == null
                    ? ""
                    : new String(response.getBody().getBytes(), StandardCharsets.UTF_8);
            throw new IllegalStateException("seeding simulated cluster " + name + ": POST " + path + " answered "
                    + response.code() + " " + body);
        }
    }

    private KubernetesMockServer startServer(int listenPort) {
        MockWebServer web = new MockWebServer();
        // HTTP/1.1 only: a kubeconfig cannot say "no HTTP/2", and h2c upgrades are a source of flakiness in the mock.
        web.setHttp2ClearTextEnabled(false);
        web.setProtocols(List.of(Protocol.HTTP_1_1));
        // The Context and the expectation map serve only the mock's expectation DSL, which the simulation leaves
        // unused: every request goes to the fault-injecting dispatcher.
        KubernetesMockServer mock =
                new KubernetesMockServer(new Context(), web, new HashMap<>(), front, false, VERSION);
        try {
            mock.start(loopback(), listenPort);
            return mock;
        } catch (RuntimeException e) {
            try {
                mock.shutdown(); // releases the Vert.x instance the failed server created
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void stopServer() {
        KubernetesMockServer running = server;
        server = null;
        if (running != null) {
            running.shutdown();
        }
    }

    private void requireStarted() {
        if (state == State.NEW || state == State.CLOSED) {
            throw new IllegalStateException("simulated cluster " + name + " is "
                    + state.name().toLowerCase(Locale.ROOT) + "; faults apply only while the fleet runs");
        }
    }

    private static InetAddress loopback() {
        try {
            // With the host name given, Java does no reverse lookup of 127.0.0.1.
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while healing a simulated cluster", e);
        }
    }

    @Override
    public synchronized String toString() {
        return "SimulatedCluster[" + name + ", " + state.name().toLowerCase(Locale.ROOT)
                + (port == 0 ? "" : ", port " + port) + "]";
    }
}
