package dev.scaleplane.samples.federation;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterHealthChange;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FailoverDecision;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFederationProvider;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * The Scaleplane federation sample: a {@code storefront} Deployment and its ConfigMap propagated to two clusters of the
 * EU residency of a four-cluster fleet, with per-region overrides; "if Paris dies, where does it land?" asked of the
 * placement engine; then Paris really goes away, the fleet fails over within the residency, and the old copy is
 * removed once Paris is back.
 *
 * <p>The clusters are <b>simulated</b>. No Kubernetes can run where this sample runs, so each cluster is a fabric8
 * mock API server in CRUD mode on 127.0.0.1 ({@link SimulatedFleet}), with a simulated controller that reports a
 * Deployment's rollout done shortly after each change. The fleet reaches them through a kubeconfig with one context
 * per cluster and the same fabric8 client code it uses for real clusters; only the servers are stand-ins. The partition
 * is a server that stops listening (connection refused).
 *
 * <p>The run prints the fleet, the placement explanation, the status tables, the what-if, the failover decision and
 * the store's record of it, then a capacity plan of the fleet ({@link CapacityStep}: one region projected to run
 * short), checks every expectation along the way and exits with status 1 if one was not met.
 */
public final class FederationSample {

    /**
     * A simulated cluster: where it is, its residency zone, and the Nodes it reports (which the fleet discovers as its
     * capacity).
     *
     * @param cluster the cluster name, also its kubeconfig context
     * @param region the region
     * @param residency the residency zone
     * @param nodes how many Nodes
     * @param nodeCpu the CPU of each Node
     * @param nodeMemory the memory of each Node
     */
    record Site(String cluster, String region, String residency, int nodes, String nodeCpu, String nodeMemory) {}

    /** The residency the storefront must stay in (its customers' data may not leave the EU). */
    static final String RESIDENCY = "EU";

    /** Paris: gets its own image build and locale, and is the cluster the sample takes away. */
    static final String PARIS = "paris";

    /** Warsaw: its operators select their workloads by a label. */
    static final String WARSAW = "warsaw";

    /**
     * Three EU clusters of different sizes and, outside the residency, the largest of all: placement must never use
     * {@code nyc-1}, whatever its capacity, failover included.
     */
    static final List<Site> SITES = List.of(
            new Site("ams-1", "amsterdam", RESIDENCY, 3, "4", "16Gi"),
            new Site("par-1", PARIS, RESIDENCY, 2, "16", "64Gi"),
            new Site("waw-1", WARSAW, RESIDENCY, 2, "4", "16Gi"),
            new Site("nyc-1", "new-york", "US", 4, "16", "64Gi"));

    /** The propagation id: it labels every object applied and keys the apply tasks. */
    static final String PROPAGATION = "storefront";

    /** Total replicas, divided among the chosen clusters. */
    static final int REPLICAS = 6;

    /**
     * EU only, the best two clusters, six replicas divided in proportion to how many replicas each cluster's free
     * capacity fits: the bigger cluster takes the bigger share, and the explanation shows the arithmetic.
     */
    static final PlacementPolicy PLACEMENT = PlacementPolicy.builder()
            .residency(RESIDENCY)
            .pick(2)
            .replicas(REPLICAS)
            .division(ReplicaDivision.dynamicByCapacity())
            .resourcesPerReplica(Storefront.PER_REPLICA)
            .build();

    /** The image Paris runs instead of {@link Storefront#IMAGE}. */
    static final String PARIS_IMAGE = Storefront.IMAGE + "-fr";

    /** The label (key) Warsaw's copy carries. */
    static final String SITE_LABEL = "shop.example.com/site";

    /** The label (value) Warsaw's copy carries. */
    static final String WARSAW_SITE = "waw-dc2";

    /** Paris runs the French build with a French locale. */
    static final ClusterOverride PARIS_OVERRIDE = ClusterOverride.builder()
            .regions(PARIS)
            .image(Storefront.CONTAINER, PARIS_IMAGE)
            .env(Storefront.CONTAINER, "LOCALE", "fr_FR")
            .build();

    /** Warsaw's copy carries the label its operators select on. */
    static final ClusterOverride WARSAW_OVERRIDE = ClusterOverride.builder()
            .regions(WARSAW)
            .label(SITE_LABEL, WARSAW_SITE)
            .build();

    /**
     * Retries of the per-cluster apply tasks: an unreachable cluster is retried with backoff, but an object the API
     * server refused (an {@link ApplyException}: invalid, or a conflict with an object we did not create) is final at
     * once, since repeating the same request cannot change the answer.
     */
    static final RetryPolicy APPLY_RETRIES = RetryPolicy.builder()
            .exponential(Duration.ofMillis(200), 2)
            .maxDelay(Duration.ofSeconds(2))
            .maxAttempts(30)
            .nonRetryable(ApplyException.class)
            .build();

    /**
     * Health settings for a demo: a probe every 200 ms, two failures to call a cluster down, and a 2 s toleration before
     * failover. The defaults (10 s probes, 3 failures, 300 s toleration) suit real clusters, where a short blip must
     * not move workloads.
     */
    static final Map<String, String> FLEET_SETTINGS = Map.of(
            KubernetesFleetConfig.PROBE_INTERVAL, "200ms",
            KubernetesFleetConfig.PROBE_TIMEOUT, "1s",
            KubernetesFleetConfig.FAILURE_THRESHOLD, "2",
            KubernetesFleetConfig.TOLERATION, "2s",
            KubernetesFleetConfig.REQUEST_TIMEOUT, "2s");

    /** How long any one step may take before the run gives up on it; far more than each needs. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private FederationSample() {}

    /**
     * Runs the sample; exits with status 1 if an expectation was not met. The platform's meters are served for
     * Prometheus on 127.0.0.1 while the fleet runs, port {@code -Dscaleplane.sample.metrics-port} (default any free
     * port, printed); {@code -Dscaleplane.sample.metrics-hold-seconds=60} keeps the fleet and the endpoint up for a
     * minute after the scenario.
     */
    public static void main(String[] args) throws Exception {
        Duration hold = Duration.ofSeconds(Long.getLong("scaleplane.sample.metrics-hold-seconds", 0));
        Outcome outcome = run(System.out, port -> {
            try {
                TimeUnit.MILLISECONDS.sleep(hold.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!outcome.ok()) {
            System.err.println("federation sample FAILED: " + outcome.failures().size() + " expectation(s) not met:");
            outcome.failures().forEach(f -> System.err.println("  - " + f));
            System.exit(1);
        }
    }

    /**
     * What a run observed; a field is empty when the run stopped before reaching it.
     *
     * @param placed replicas per cluster of the first placement
     * @param lost the cluster that was partitioned
     * @param predicted replicas per cluster the what-if predicted without {@code lost}
     * @param failover the failover decision
     * @param failedOver replicas per cluster after the failover
     * @param capacity the capacity plan of the fleet and the shortfall events it raised
     * @param failures the expectations that were not met; empty when the run went as expected
     */
    record Outcome(
            Map<String, Integer> placed,
            String lost,
            Map<String, Integer> predicted,
            Optional<FailoverDecision> failover,
            Map<String, Integer> failedOver,
            Optional<CapacityStep.Result> capacity,
            List<String> failures) {

        boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * Runs the whole scenario, printing to {@code out}.
     *
     * @param whileServing called with the Prometheus endpoint's port after the fleet scenario, before the platform and
     *     the endpoint close
     */
    static Outcome run(PrintStream out, IntConsumer whileServing) throws Exception {
        Checks checks = new Checks();
        Scenario seen = new Scenario();
        Path work = Files.createTempDirectory("scaleplane-federation-sample-");
        try (SimulatedFleet simulation = startSimulation()) {
            // 1. The clusters: a kubeconfig with one context per simulated cluster, as for real ones.
            Path kubeconfig = simulation.writeKubeconfig(work.resolve("kubeconfig"));
            printSimulation(out, simulation, kubeconfig);

            // 2. The platform on the embedded defaults, with the fleet's settings and the apply retries.
            Path store = work.resolve("store");
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (ScaleplanePlatform platform = Scaleplane.builder()
                            .config(ScaleplaneProperties.builder()
                                    .put("scaleplane.events.provider", "memory")
                                    .put("scaleplane.store.provider", "file")
                                    .put("scaleplane.store.file.directory", store.toString())
                                    .put("scaleplane.tasks.provider", "memory")
                                    .putAll(FLEET_SETTINGS)
                                    .build())
                            .taskQueueOptions(TaskQueueOptions.builder()
                                    .retryPolicy(KubernetesFederationProvider.APPLY_TASK, APPLY_RETRIES)
                                    .build())
                            .meterRegistry(meters) // the README's "A Prometheus endpoint"
                            .build();
                    HTTPServer metricsEndpoint = HTTPServer.builder()
                            .hostname("127.0.0.1")
                            .port(Integer.getInteger("scaleplane.sample.metrics-port", 0))
                            .registry(meters.getPrometheusRegistry())
                            .buildAndStart()) {
                Fleet fleet = platform.federation();
                out.printf(
                        "Platform: bus %s, event store file (%s), task queue memory%n  fleet settings: %s%n%n",
                        platform.eventBusBackend(),
                        store,
                        new TreeMap<>(FLEET_SETTINGS).toString().replace(KubernetesFleetConfig.PREFIX, ""));
                try {
                    scenario(out, simulation, kubeconfig, platform, fleet, checks, seen);
                } catch (Checks.Stop stop) {
                    out.println("STOPPED: " + stop.getMessage());
                } catch (RuntimeException e) {
                    // A refused placement or a failed registration: the fleet's exceptions name the cluster and why.
                    checks.check(false, () -> "the scenario ran to its end, but it threw " + e);
                    e.printStackTrace(out);
                }
                out.printf("%nPrometheus endpoint: http://127.0.0.1:%d/metrics%n", metricsEndpoint.getPort());
                whileServing.accept(metricsEndpoint.getPort());
            }
            // 10. Two replicas of a service share the fleet through Leases; one stops mid-run.
            try {
                HaReplicas.run(out, kubeconfig, work, checks);
            } catch (Checks.Stop stop) {
                out.println("STOPPED: " + stop.getMessage());
            }
        } finally {
            deleteRecursively(work);
        }
        Outcome outcome = new Outcome(
                seen.placed,
                seen.lost,
                seen.predicted,
                seen.failover,
                seen.failedOver,
                seen.capacity,
                checks.failures());
        out.println();
        out.println(
                outcome.ok()
                        ? "OK: every expectation met."
                        : "FAILED: " + outcome.failures().size()
                                + " expectation(s) not met (listed on standard error).");
        return outcome;
    }

    /** What the scenario saw, filled in as it goes. */
    private static final class Scenario {
        Map<String, Integer> placed = Map.of();
        String lost = "";
        Map<String, Integer> predicted = Map.of();
        Optional<FailoverDecision> failover = Optional.empty();
        Map<String, Integer> failedOver = Map.of();
        Optional<CapacityStep.Result> capacity = Optional.empty();
    }

    private static void scenario(
            PrintStream out,
            SimulatedFleet simulation,
            Path kubeconfig,
            ScaleplanePlatform platform,
            Fleet fleet,
            Checks checks,
            Scenario seen)
            throws Exception {
        Recorder<FailoverDecision> failovers = Recorder.subscribe(fleet.failovers());
        Recorder<ClusterHealthChange> healthChanges = Recorder.subscribe(fleet.healthChanges());

        // 3. Register every cluster by its kubeconfig context; each starts Unknown until its first probe.
        for (Site site : SITES) {
            fleet.register(ClusterSpec.builder(site.cluster())
                    .region(site.region())
                    .residency(site.residency())
                    .label("env", "prod")
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, site.cluster()))
                    .build());
        }
        checks.require(
                Checks.await(STEP_TIMEOUT, () -> fleet.snapshot().clusters().stream()
                        .allMatch(c -> c.health() == ClusterHealth.READY)),
                () -> "every cluster Ready within " + STEP_TIMEOUT.toSeconds() + " s, but: " + health(fleet));
        printFleet(out, fleet.snapshot());

        // 4. Propagate: placement first (explained), then one apply task per chosen cluster.
        Propagation storefront = fleet.propagate(PropagationRequest.builder(PROPAGATION)
                .objects(Storefront.config(), Storefront.deployment())
                .placement(PLACEMENT)
                .override(PARIS_OVERRIDE)
                .override(WARSAW_OVERRIDE)
                .build());
        PlacementDecision placed = storefront.decision();
        seen.placed = placed.replicas();
        out.println("== Placement of '" + PROPAGATION + "' (decision().explain())");
        out.println(placed.explain());
        out.println();
        checkPlacement(checks, "first placement", placed);
        checks.require(
                placed.chosenNames().size() == 2,
                () -> "the first placement picks 2 clusters, but chose " + placed.chosenNames());

        PropagationStatus ready = awaitReady(storefront);
        out.println("== Status once ready (status().table())");
        out.println(ready.table());
        out.println();
        checks.require(
                ready.ready(),
                () -> "'" + PROPAGATION + "' READY within " + STEP_TIMEOUT.toSeconds() + " s, but:\n" + ready.table());
        for (ClusterVerdict v : placed.chosen()) {
            checkCopy(checks, simulation.cluster(v.cluster()), v.region(), v.replicas());
        }
        checkNothingOn(checks, simulation, placed);

        // 5. What if the Paris cluster died? The same engine, on a copy of the fleet with that cluster down.
        String lost = placed.chosen().stream()
                .filter(v -> v.region().equals(PARIS))
                .map(ClusterVerdict::cluster)
                .findFirst()
                .orElse(placed.chosenNames().get(0));
        seen.lost = lost;
        // Asked of the propagation, so its own replicas count as free, exactly as a failover will count them.
        PlacementDecision predicted =
                storefront.simulate(WhatIf.builder().clusterDown(lost).build());
        seen.predicted = predicted.replicas();
        out.println("== What if " + lost + " goes down? (propagation.simulate(WhatIf...clusterDown(\"" + lost
                + "\")).explain())");
        out.println(predicted.explain());
        out.println();
        checkPlacement(checks, "what-if placement", predicted);
        checks.check(
                !predicted.chosenNames().contains(lost),
                () -> "the what-if leaves " + lost + " out, but chose " + predicted.chosenNames());

        // 6. It does: the cluster stops answering. Past the toleration its propagations fail over.
        Instant partitioned = Instant.now();
        simulation.cluster(lost).partition();
        out.println("== " + lost + " partitioned (SimulatedCluster.partition(): connection refused)");
        checks.require(
                Checks.await(STEP_TIMEOUT, () -> !failovers.items().isEmpty()),
                () -> "a failover decision within " + STEP_TIMEOUT.toSeconds() + " s of partitioning " + lost
                        + ", but none came; health: " + health(fleet));
        FailoverDecision failover = failovers.items().get(0);
        seen.failover = Optional.of(failover);
        PlacementDecision after = failover.decision();
        seen.failedOver = after.replicas();
        printHealthChanges(out, healthChanges.items(), lost, partitioned, partitioned);
        printFailover(out, failover, partitioned);
        checks.require(
                failover.propagation().equals(PROPAGATION)
                        && failover.leaving().equals(List.of(lost))
                        && !failover.joining().isEmpty(),
                () -> "'" + PROPAGATION + "' leaves " + lost + " for another cluster, but the decision was: leaving "
                        + failover.leaving() + ", joining " + failover.joining() + " (" + failover.reason() + ")");
        checkPlacement(checks, "failover placement", after);
        checks.check(
                !after.chosenNames().contains(lost),
                () -> "the failover placement leaves " + lost + " out, but chose " + after.chosenNames());
        checks.check(
                predicted.replicas().equals(after.replicas()),
                () -> "the what-if predicted " + predicted.replicas() + ", but the failover chose " + after.replicas());

        // The replacement is ready before anything is removed; then the status covers the new clusters only.
        boolean readyAgain = checks.check(
                Checks.await(STEP_TIMEOUT, () -> readyOn(storefront, after.chosenNames())),
                () -> "'" + PROPAGATION + "' READY on " + after.chosenNames() + " within " + STEP_TIMEOUT.toSeconds()
                        + " s of the failover, but:\n" + storefront.status().table());
        out.println("== Status after failover (status().table())");
        out.println(storefront.status().table());
        out.println();
        for (ClusterVerdict v : after.chosen()) {
            checkCopy(checks, simulation.cluster(v.cluster()), v.region(), v.replicas());
        }
        checks.require(readyAgain, () -> "no point healing " + lost + " while the failover is not ready");
        for (String joined : failover.joining()) {
            Deployment d = Storefront.deploymentOn(simulation.cluster(joined).client());
            out.printf(
                    "Read from %s's own API server: Deployment %s/%s, replicas %s, image %s, labels %s%n",
                    joined,
                    Storefront.NAMESPACE,
                    Storefront.NAME,
                    d == null ? "-" : d.getSpec().getReplicas(),
                    d == null ? "-" : container(d).map(Container::getImage).orElse("-"),
                    d == null ? "-" : d.getMetadata().getLabels());
        }
        out.println();

        // 7. The cluster comes back: the copy left there is deleted, it does not get the workload back.
        Instant healed = Instant.now();
        simulation.cluster(lost).heal();
        out.printf(
                Locale.ROOT,
                "== +%.1f s  %s healed (same port, same objects)%n",
                Duration.between(partitioned, healed).toMillis() / 1000.0,
                lost);
        KubernetesClient lostClient = simulation.cluster(lost).client();
        checks.require(
                Checks.await(
                        STEP_TIMEOUT,
                        () -> Storefront.deploymentOn(lostClient) == null
                                && Storefront.configOn(lostClient) == null
                                && storefront.status().cluster(lost).isEmpty()),
                () -> "the old copy removed from " + lost + " within " + STEP_TIMEOUT.toSeconds()
                        + " s of its return, but it still has Deployment: "
                        + (Storefront.deploymentOn(lostClient) != null) + ", ConfigMap: "
                        + (Storefront.configOn(lostClient) != null) + ", status:\n"
                        + storefront.status().table());
        // The copy can go before the fleet's probes call the cluster Ready again: the delete task was being retried.
        checks.check(
                Checks.await(STEP_TIMEOUT, () -> fleet.cluster(lost)
                        .map(c -> c.health() == ClusterHealth.READY)
                        .orElse(false)),
                () -> lost + " Ready again within " + STEP_TIMEOUT.toSeconds() + " s of its return, but: "
                        + health(fleet));
        printHealthChanges(out, healthChanges.items(), lost, healed, partitioned);
        out.printf(
                "%s has no Deployment %s and no ConfigMap %s any more (read from its own API server)%n%n",
                lost, Storefront.NAME, Storefront.CONFIG);
        PropagationStatus end = storefront.status();
        out.println("== Final status (status().table())");
        out.println(end.table());
        out.println();
        checks.check(end.ready(), () -> "'" + PROPAGATION + "' still READY at the end, but:\n" + end.table());
        checks.check(
                failovers.items().size() == 1,
                () -> "one failover decision, but there were "
                        + failovers.items().size() + ": " + failovers.items());
        for (ClusterVerdict v : after.chosen()) {
            checkCopy(checks, simulation.cluster(v.cluster()), v.region(), v.replicas());
        }
        checkNothingOn(checks, simulation, after);

        // 8. Tenants: two namespace bundles across the fleet, and a quota crossing.
        TenantsStep.run(out, simulation, platform, fleet, checks);

        printRecord(out, platform);
        out.println();

        // 9. A capacity plan of the fleet, from a generated history in which one region grows past what it has.
        seen.capacity = Optional.of(CapacityStep.run(out, platform, fleet, checks));
    }

    /** Residency is hard: every chosen cluster is in the EU, and the US cluster is rejected for its residency. */
    private static void checkPlacement(Checks checks, String what, PlacementDecision decision) {
        checks.check(
                decision.satisfied(),
                () -> what + " satisfied, but: " + decision.failureReason().orElse(""));
        for (ClusterVerdict v : decision.chosen()) {
            checks.check(
                    residencyOf(v.cluster()).equals(RESIDENCY),
                    () -> what + " keeps residency " + RESIDENCY + ", but chose " + v.cluster());
        }
        checks.check(
                decision.replicas().values().stream()
                                .mapToInt(Integer::intValue)
                                .sum()
                        == REPLICAS,
                () -> what + " divides " + REPLICAS + " replicas, but gave " + decision.replicas());
        for (Site site : SITES) {
            if (!site.residency().equals(RESIDENCY)) {
                checks.check(
                        decision.verdict(site.cluster())
                                .map(v -> !v.chosen()
                                        && v.toString()
                                                .contains("residency " + site.residency() + ", policy needs "
                                                        + RESIDENCY))
                                .orElse(false),
                        () -> what + " rejects " + site.cluster() + " for its residency, but: "
                                + decision.verdict(site.cluster()));
            }
        }
    }

    /**
     * What the cluster's own API server holds is what the placement and the overrides call for: the replicas, the
     * ownership label, Paris's image and locale, Warsaw's label, and the ConfigMap.
     */
    private static void checkCopy(Checks checks, SimulatedCluster cluster, String region, int replicas) {
        String name = cluster.name();
        Deployment d = Storefront.deploymentOn(cluster.client());
        if (!checks.check(d != null, () -> name + " holds Deployment " + Storefront.NAME + ", but it has none")) {
            return;
        }
        checks.check(
                Objects.equals(d.getSpec().getReplicas(), replicas),
                () -> name + " runs " + replicas + " replicas, but spec.replicas is "
                        + d.getSpec().getReplicas());
        checks.check(
                PROPAGATION.equals(d.getMetadata().getLabels().get(PropagationRequest.PROPAGATION_LABEL)),
                () -> name + "'s Deployment carries the propagation label, but has "
                        + d.getMetadata().getLabels());
        List<String> containers = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(Container::getName)
                .toList();
        checks.check(
                containers.equals(List.of(Storefront.CONTAINER)),
                () -> name + "'s Deployment has the one container " + Storefront.CONTAINER + ", but has " + containers);
        String image = container(d).map(Container::getImage).orElse("");
        String expectedImage = region.equals(PARIS) ? PARIS_IMAGE : Storefront.IMAGE;
        checks.check(image.equals(expectedImage), () -> name + " runs " + expectedImage + ", but runs " + image);
        boolean french = container(d).stream()
                .flatMap(c -> c.getEnv() == null ? Stream.empty() : c.getEnv().stream())
                .map(EnvVar::getName)
                .anyMatch("LOCALE"::equals);
        checks.check(
                french == region.equals(PARIS),
                () -> name + (french ? " has" : " lacks") + " the LOCALE variable of the Paris override");
        String site = d.getMetadata().getLabels().get(SITE_LABEL);
        checks.check(
                Objects.equals(site, region.equals(WARSAW) ? WARSAW_SITE : null),
                () -> name + "'s label " + SITE_LABEL + " is " + site
                        + ", which the Warsaw override does not call for");
        checks.check(
                Storefront.configOn(cluster.client()) != null,
                () -> name + " holds ConfigMap " + Storefront.CONFIG + ", but it has none");
    }

    /** Clusters the decision did not choose hold nothing of the storefront (nyc-1 above all). */
    private static void checkNothingOn(Checks checks, SimulatedFleet simulation, PlacementDecision decision) {
        for (Site site : SITES) {
            if (!decision.chosenNames().contains(site.cluster())) {
                KubernetesClient client = simulation.cluster(site.cluster()).client();
                checks.check(
                        Storefront.deploymentOn(client) == null && Storefront.configOn(client) == null,
                        () -> site.cluster() + " was not chosen and holds nothing of " + PROPAGATION
                                + ", but it has a copy");
            }
        }
    }

    private static PropagationStatus awaitReady(Propagation p) throws InterruptedException {
        try {
            return p.whenReady().get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return p.status();
        }
    }

    /** READY overall, and on each of {@code clusters} (so not merely before the new ones are counted). */
    private static boolean readyOn(Propagation p, List<String> clusters) {
        PropagationStatus s = p.status();
        return s.ready()
                && clusters.stream().allMatch(c -> s.cluster(c)
                        .map(x -> x.state() == WorkloadState.READY)
                        .orElse(false));
    }

    private static SimulatedFleet startSimulation() {
        SimulatedFleet.Builder b = SimulatedFleet.builder().controllerDelay(Duration.ofMillis(300));
        for (Site site : SITES) {
            b.cluster(site.cluster(), c -> c.nodes(site.nodes()).nodeCapacity(site.nodeCpu(), site.nodeMemory(), 110));
        }
        return b.start();
    }

    private static String residencyOf(String cluster) {
        return SITES.stream()
                .filter(s -> s.cluster().equals(cluster))
                .map(Site::residency)
                .findFirst()
                .orElse("?");
    }

    private static Optional<Container> container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(Storefront.CONTAINER))
                .findFirst();
    }

    private static String health(Fleet fleet) {
        StringBuilder sb = new StringBuilder();
        for (ClusterState c : fleet.snapshot().clusters()) {
            sb.append(c.name()).append('=').append(c.health()).append(' ');
        }
        return sb.toString().trim();
    }

    private static void printSimulation(PrintStream out, SimulatedFleet simulation, Path kubeconfig) {
        out.println("Scaleplane federation sample");
        out.println();
        out.println(
                "SIMULATED CLUSTERS. No Kubernetes can run on this machine, so each cluster below is a fabric8 mock");
        out.println("API server (CRUD mode) on 127.0.0.1 with a simulated controller that reports a Deployment's");
        out.println(
                "rollout done shortly after each change; there are no Pods, scheduler or kubelet. The fleet reaches");
        out.println("them through a kubeconfig and the same fabric8 client code it uses for real clusters.");
        out.printf("  %-6s %-23s %-10s %-9s %s%n", "name", "API server", "region", "residency", "nodes");
        for (Site site : SITES) {
            out.printf(
                    "  %-6s %-23s %-10s %-9s %d x (cpu %s, memory %s)%n",
                    site.cluster(),
                    simulation.cluster(site.cluster()).url(),
                    site.region(),
                    site.residency(),
                    site.nodes(),
                    site.nodeCpu(),
                    site.nodeMemory());
        }
        out.println("  kubeconfig (one context per cluster): " + kubeconfig);
        out.println();
    }

    private static void printFleet(PrintStream out, FleetSnapshot snapshot) {
        out.println("== Fleet (fleet.snapshot()), capacity discovered from the Nodes");
        out.printf("  %-6s %-10s %-9s %-7s %s%n", "name", "region", "residency", "health", "capacity");
        for (ClusterState c : snapshot.clusters()) {
            out.printf(
                    "  %-6s %-10s %-9s %-7s %s%n",
                    c.name(), c.spec().region(), c.spec().residency(), c.health(), c.capacity());
        }
        out.println();
    }

    /** The health changes of {@code cluster} from {@code from} on, timed from {@code zero}. */
    private static void printHealthChanges(
            PrintStream out, List<ClusterHealthChange> changes, String cluster, Instant from, Instant zero) {
        for (ClusterHealthChange c : changes) {
            if (c.cluster().equals(cluster) && !c.at().isBefore(from)) {
                out.printf(
                        Locale.ROOT,
                        "  +%.1f s  %s %s -> %s (%s)%n",
                        Duration.between(zero, c.at()).toMillis() / 1000.0,
                        c.cluster(),
                        c.from(),
                        c.to(),
                        c.reason());
            }
        }
    }

    private static void printFailover(PrintStream out, FailoverDecision d, Instant since) {
        out.printf(
                Locale.ROOT,
                "  +%.1f s  failover of '%s': leaving %s, joining %s%n           reason: %s%n%n",
                Duration.between(since, d.at()).toMillis() / 1000.0,
                d.propagation(),
                d.leaving(),
                d.joining(),
                d.reason());
        out.println("== Failover decision (fleet.failovers(), decision().explain())");
        out.println(d.decision().explain());
        out.println();
    }

    /** The propagation's history as the event store keeps it (the audit trail of placements and failovers). */
    private static void printRecord(PrintStream out, ScaleplanePlatform platform) {
        String stream = "federation-propagation-" + PROPAGATION;
        List<RecordedEvent> events = platform.store().readStream(stream, ReadDirection.FORWARD, 0, 100);
        out.println("== Event store, stream " + stream);
        for (RecordedEvent e : events) {
            out.printf("  v%d %s %s%n", e.version(), e.recordedAt(), e.event().type());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
