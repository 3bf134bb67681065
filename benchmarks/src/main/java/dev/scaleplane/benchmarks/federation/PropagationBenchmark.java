package dev.scaleplane.benchmarks.federation;

import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Wall clock of propagating a five-object {@link Bundle} (Namespace, ServiceAccount, ConfigMap, Service, Deployment
 * of 2 replicas) to every cluster of a simulated fleet, from the call until every cluster reports it ready; the goal
 * of issue 11 is at most 2 s for 100 clusters. Each invocation (single shot) propagates a new bundle id, so every
 * object is created; tear-down deletes it and checks one cluster's copy.
 *
 * <p>Implementations ({@code impl}), in one run against the same simulated fleet (started once per trial, in this
 * JVM: {@code clusters} fabric8 mock API servers in CRUD mode, the simulated controller writing a Deployment's
 * ready status {@code controllerDelayMs} after it saw its generation):
 *
 * <ul>
 *   <li>{@code scaleplane}: {@code fleet.propagate(request).whenReady()} on a platform on the embedded defaults with
 *       {@link FleetFixture#fastPlatform fast fleet settings}, every cluster registered with its kubeconfig context
 *       and probed Ready in set-up. The placement picks every cluster. Status comes from the fleet's informers,
 *       which the first (warm-up) propagation starts; {@link FirstPropagationBenchmark} measures that first one.
 *   <li>{@code fabric8}: what a user writes without the SDK: one default {@code KubernetesClient} per cluster
 *       (fabric8's own HTTP client and executor each), built and used once in set-up, with a standing informer on the
 *       bench's Deployments (as the fleet keeps standing informers); per cluster, on a pool of {@code applyWorkers}
 *       threads (the fleet's apply concurrency), {@code resource(o).createOr(update)} of the five objects in order;
 *       then it waits until every cluster's informer saw its Deployment ready by the fleet's rule (observed
 *       generation current, ready replicas = desired). A watch per shot ({@code informOnCondition}) is not used: the
 *       fabric8 mock API server can block a server's event loop for up to a minute when a client closes a watch
 *       while an event is in flight ({@code WatchEventsListener.onClosed} waits for its executor on the event loop),
 *       which stalled that side's shots.
 * </ul>
 *
 * <p>What differs: the fleet also computes a placement, renders per-cluster copies, queues one task per cluster,
 * reads each object before writing it (a GET then a POST), and keeps a roll-up of 500 object statuses that it
 * recomputes on every watch event; the raw loop does none of that. The settle pause after each tear-down lets
 * deletion events drain before the next shot, for both sides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class PropagationBenchmark {
    static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Lets deletion events and the tear-down's own work drain before the next shot. */
    static final Duration SETTLE = Duration.ofMillis(500);

    /** {@code scaleplane} or {@code fabric8}. */
    @Param({"scaleplane", "fabric8"})
    public String impl;

    /** Simulated clusters, every one a target. */
    @Param({"100"})
    public int clusters;

    /** Time the simulated controller waits before it writes a Deployment's ready status. */
    @Param({"10"})
    public int controllerDelayMs;

    /** The fleet's apply workers, and the raw side's threads for the writes. */
    @Param({"8"})
    public int applyWorkers;

    private @Nullable SimulatedFleet sim;
    private @Nullable Path dir;
    private final AtomicInteger sequence = new AtomicInteger();
    private volatile String bundle = "";

    // impl=scaleplane
    private @Nullable ScaleplanePlatform platform;
    private @Nullable Fleet fleet;
    private @Nullable Propagation current;

    // impl=fabric8
    private final List<KubernetesClient> clients = new ArrayList<>();
    private final List<SharedIndexInformer<Deployment>> informers = new ArrayList<>();
    /** Per cluster, completed by its informer when the current bundle's Deployment is ready. */
    private volatile List<CompletableFuture<Deployment>> waiting = List.of();

    private @Nullable ExecutorService pool;

    /** Starts the simulated fleet, then the fleet with every cluster probed Ready, or the raw clients. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("scaleplane-propagation-bench");
        sim = simulatedFleet(clusters, controllerDelayMs);
        List<String> names = FleetFixture.names(clusters);
        switch (impl) {
            case "scaleplane" -> {
                Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
                platform = FleetFixture.fastPlatform(dir.resolve("store"), applyWorkers);
                fleet = platform.federation();
                FleetFixture.registerAll(fleet, kubeconfig, names);
                FleetFixture.awaitAllReady(fleet, clusters, Duration.ofSeconds(60));
            }
            case "fabric8" -> {
                AtomicInteger n = new AtomicInteger();
                pool = Executors.newFixedThreadPool(applyWorkers, r -> {
                    Thread t = new Thread(r, "raw-apply-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
                for (SimulatedCluster c : sim.clusters()) {
                    KubernetesClient client =
                            new KubernetesClientBuilder().withConfig(c.config()).build();
                    clients.add(client);
                    client.nodes().list(); // connected, as the fleet's probes connected its clients
                    informers.add(watchDeployments(client, clients.size() - 1));
                }
            }
            default -> throw new IllegalArgumentException("impl must be scaleplane or fabric8, but was " + impl);
        }
    }

    /**
     * A standing informer on the cluster's bundle Deployments, as the fleet keeps standing informers: it completes
     * the cluster's future of the current shot when its Deployment is ready.
     */
    private SharedIndexInformer<Deployment> watchDeployments(KubernetesClient client, int index) {
        SharedIndexInformer<Deployment> informer = client.apps()
                .deployments()
                .inAnyNamespace()
                .withLabel(PropagationRequest.MANAGED_BY_LABEL, PropagationRequest.MANAGED_BY)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment d) {
                        seen(index, d);
                    }

                    @Override
                    public void onUpdate(Deployment old, Deployment d) {
                        seen(index, d);
                    }

                    @Override
                    public void onDelete(Deployment d, boolean unknown) {}
                });
        return informer;
    }

    private void seen(int index, Deployment d) {
        List<CompletableFuture<Deployment>> w = waiting;
        if (index < w.size() && Bundle.namespace(bundle).equals(d.getMetadata().getNamespace()) && Bundle.ready(d)) {
            w.get(index).complete(d);
        }
    }

    static SimulatedFleet simulatedFleet(int clusters, int controllerDelayMs) {
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(Duration.ofMillis(controllerDelayMs));
        FleetFixture.names(clusters).forEach(b::cluster);
        return b.start();
    }

    /** A new bundle id for this shot. */
    @Setup(Level.Invocation)
    public void nextBundle() {
        bundle = String.format("b%04d", sequence.incrementAndGet());
    }

    /** From the call until every cluster reports every object of the bundle ready. */
    @Benchmark
    public Object propagate() throws Exception {
        if (fleet != null) {
            current = fleet.propagate(request(bundle));
            PropagationStatus s = current.whenReady().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            return s;
        }
        return raw(bundle);
    }

    static PropagationRequest request(String id) {
        return PropagationRequest.builder(id)
                .objects(Bundle.manifests(id))
                .placement(PlacementPolicy.builder().pickAll().build())
                .build();
    }

    private Object raw(String id) throws Exception {
        List<CompletableFuture<Deployment>> ready = new ArrayList<>(clients.size());
        for (int i = 0; i < clients.size(); i++) {
            ready.add(new CompletableFuture<>());
        }
        waiting = ready; // before the first write, so no event is missed
        List<CompletableFuture<Void>> written = new ArrayList<>(clients.size());
        for (KubernetesClient c : clients) {
            written.add(CompletableFuture.runAsync(
                    () -> {
                        for (HasMetadata o : Bundle.objects(id)) {
                            c.resource(o).createOr(NonDeletingOperation::update);
                        }
                    },
                    pool));
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        return ready;
    }

    /** Checks one cluster's copy, deletes the bundle everywhere and lets the fleet settle. */
    @TearDown(Level.Invocation)
    public void deleteBundle() throws Exception {
        check(sim.clusters().get(sequence.get() % clusters), bundle);
        if (fleet != null) {
            PropagationStatus s = current.status();
            if (!s.ready() || s.clusters().size() != clusters) {
                throw new IllegalStateException(
                        "propagation " + bundle + " should be ready on " + clusters + " clusters:\n" + s.table());
            }
            current.delete(false).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            current = null;
        } else {
            List<CompletableFuture<Void>> deleted = new ArrayList<>(clients.size());
            for (KubernetesClient c : clients) {
                deleted.add(CompletableFuture.runAsync(
                        () -> {
                            List<HasMetadata> objects = new ArrayList<>(Bundle.objects(bundle));
                            java.util.Collections.reverse(objects);
                            objects.forEach(o -> c.resource(o).delete());
                        },
                        pool));
            }
            CompletableFuture.allOf(deleted.toArray(CompletableFuture[]::new))
                    .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
        Thread.sleep(SETTLE.toMillis());
    }

    /** Fails the run unless {@code cluster} holds the five objects and a ready Deployment. */
    static void check(SimulatedCluster cluster, String id) {
        KubernetesClient c = cluster.client();
        for (HasMetadata o : Bundle.objects(id)) {
            HasMetadata live = c.resource(o).get();
            if (live == null) {
                throw new IllegalStateException(o.getKind() + " "
                        + o.getMetadata().getName() + " of bundle " + id + " is missing on " + cluster.name());
            }
            if (live instanceof Deployment d && !Bundle.ready(d)) {
                throw new IllegalStateException(
                        "the Deployment of bundle " + id + " is not ready on " + cluster.name() + ": " + d.getStatus());
            }
        }
    }

    /** Closes the fleet or the clients, then the simulated fleet. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (platform != null) {
                platform.close();
            }
            informers.forEach(SharedIndexInformer::close);
            clients.forEach(KubernetesClient::close);
            if (pool != null) {
                pool.shutdownNow();
            }
        } finally {
            if (sim != null) {
                sim.close();
            }
            FleetFixture.deleteTree(dir);
        }
    }
}
