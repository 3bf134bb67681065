package dev.scaleplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterHealthChange;
import dev.scaleplane.api.federation.ClusterOverride;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ConflictPolicy;
import dev.scaleplane.api.federation.DriftPolicy;
import dev.scaleplane.api.federation.FailoverDecision;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.JsonPatchOperation;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.api.federation.WorkloadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Fleet}, for every federation backend, on four clusters the backend provides: three in the
 * residency zone {@code EU} ({@code ams-1} in amsterdam, {@code par-1} in paris, {@code waw-1} in warsaw) and one in
 * {@code US} ({@code nyc-1} in new-york), with labels {@code tier} gold, silver, bronze and gold.
 *
 * <p>A backend module subclasses it once in its tests: it starts a fleet (with short probe intervals and a
 * toleration of about a second, so that health transitions and failover happen within a test), hands the kit
 * credentials per cluster, and lets the kit act on the clusters behind the fleet's back: cut one off and bring it
 * back, read a live object, create a foreign one, edit one (drift). For the Kubernetes backend these act on a
 * simulated fleet of mock API servers.
 *
 * <h2>What is tested</h2>
 *
 * Registry (register, update, remove, typed errors, restored after a restart), health transitions with their taints
 * and events, every placement rule through {@link Fleet#place} with explanations, what-if without side effects,
 * propagation with overrides, the three conflict policies, deletion and orphaning, status roll-up per cluster and
 * region and its publisher, drift reported and repaired, an unreachable cluster catching up, and failover within the
 * residency zone.
 */
public abstract class FederationCompatibilityKit {

    /** The EU clusters. */
    protected static final List<String> EU = List.of("ams-1", "par-1", "waw-1");

    /** The US cluster. */
    protected static final String US = "nyc-1";

    private static final Map<String, String[]> CLUSTERS = new LinkedHashMap<>();

    static {
        CLUSTERS.put("ams-1", new String[] {"amsterdam", "EU", "gold"});
        CLUSTERS.put("par-1", new String[] {"paris", "EU", "silver"});
        CLUSTERS.put("waw-1", new String[] {"warsaw", "EU", "bronze"});
        CLUSTERS.put("nyc-1", new String[] {"new-york", "US", "gold"});
    }

    /** The fleet of the current test. */
    protected Fleet fleet;

    /**
     * Starts a new fleet with an empty registry (a new platform and store), with probes every 100-200 ms, a failure
     * threshold of about 2 and a toleration of about 1 s. The kit registers the clusters.
     */
    protected abstract Fleet startFleet();

    /** Closes {@code fleet} and whatever {@link #startFleet()} created with it. */
    protected abstract void stopFleet(Fleet fleet);

    /**
     * Closes {@code fleet} and starts a new one on the same event store (a process restart): its registry must come
     * back.
     */
    protected abstract Fleet restartFleet(Fleet fleet);

    /** How to reach {@code cluster}, one of {@link #EU} or {@link #US}. */
    protected abstract ClusterCredentials credentials(String cluster);

    /** Makes {@code cluster} unreachable (connections refused). */
    protected abstract void partition(String cluster);

    /** Makes {@code cluster} reachable again, with the objects it had. */
    protected abstract void heal(String cluster);

    /** The live object on {@code cluster} as a JSON-like tree, or null if it does not exist. */
    protected abstract @Nullable Map<String, Object> live(String cluster, Manifest object);

    /** Creates {@code object} on {@code cluster} behind the fleet's back (no ownership labels). */
    protected abstract void createForeign(String cluster, Manifest object);

    /** Changes the live {@code object} on {@code cluster} behind the fleet's back. */
    protected abstract void editLive(String cluster, Manifest object, UnaryOperator<Map<String, Object>> edit);

    /** Removes every object tests created on every cluster and clears faults; called after each test. */
    protected abstract void resetClusters();

    /** An image whose workloads never become ready on the backend's clusters. */
    protected abstract String failingImage();

    /** How long the kit waits for an outcome. Default 30 s. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    // ---- set-up ----

    @BeforeEach
    void registerClusters() {
        fleet = startFleet();
        CLUSTERS.keySet().forEach(this::register);
        awaitReady(CLUSTERS.keySet());
    }

    @AfterEach
    void stop() {
        try {
            if (fleet != null) {
                stopFleet(fleet);
            }
        } finally {
            resetClusters();
        }
    }

    private ClusterState register(String name) {
        return fleet.register(spec(name));
    }

    private ClusterSpec spec(String name) {
        String[] c = CLUSTERS.get(name);
        return ClusterSpec.builder(name)
                .region(c[0])
                .residency(c[1])
                .label("tier", c[2])
                .label("env", "prod")
                .credentials(credentials(name))
                .build();
    }

    private void awaitReady(Iterable<String> clusters) {
        await().atMost(timeout()).untilAsserted(() -> {
            for (String c : clusters) {
                assertThat(fleet.cluster(c))
                        .hasValueSatisfying(
                                s -> assertThat(s.health()).as("%s health", c).isEqualTo(ClusterHealth.READY));
            }
        });
    }

    private PropagationStatus awaitReady(Propagation p) {
        return p.whenReady()
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    /** A Deployment of {@code replicas} pods of {@code image}, in namespace default. */
    protected static Manifest deployment(String name, String image, int replicas) {
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "app");
        container.put("image", image);
        return Manifest.of(Map.of(
                "apiVersion",
                "apps/v1",
                "kind",
                "Deployment",
                "metadata",
                Map.of("name", name, "namespace", "default"),
                "spec",
                Map.of(
                        "replicas", replicas,
                        "selector", Map.of("matchLabels", Map.of("app", name)),
                        "template",
                                Map.of(
                                        "metadata", Map.of("labels", Map.of("app", name)),
                                        "spec", Map.of("containers", List.of(container))))));
    }

    /** A ConfigMap with one entry, in namespace default. */
    protected static Manifest configMap(String name, String value) {
        return Manifest.of(Map.of(
                "apiVersion",
                "v1",
                "kind",
                "ConfigMap",
                "metadata",
                Map.of("name", name, "namespace", "default"),
                "data",
                Map.of("value", value)));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> tree, String... path) {
        Object o = tree;
        for (String p : path) {
            if (o instanceof List<?> l) {
                o = l.get(Integer.parseInt(p));
            } else {
                o = ((Map<String, Object>) o).get(p);
            }
            if (o == null) {
                return null;
            }
        }
        return o;
    }

    private static <T> Flow.Subscriber<T> collect(List<T> into) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(T item) {
                into.add(item);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        };
    }

    // ---- registry ----

    @Test
    @DisplayName("registered clusters are probed ready, with capacity, no taints, and in the snapshot by name")
    void registry() {
        assertThat(fleet.snapshot().clusters())
                .extracting(ClusterState::name)
                .containsExactly("ams-1", "nyc-1", "par-1", "waw-1");
        ClusterState ams = fleet.cluster("ams-1").orElseThrow();
        assertThat(ams.taints()).isEmpty();
        assertThat(ams.capacity().cpuMillis()).isPositive();
        assertThat(ams.available()).isEqualTo(ams.capacity());
    }

    @Test
    @DisplayName("a duplicate name or an update of an unknown cluster is a ClusterRegistrationException naming it")
    void registryErrors() {
        assertThatThrownBy(() -> register("ams-1")).isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
            assertThat(e.cluster()).isEqualTo("ams-1");
            assertThat(e.field()).isEqualTo("name");
        });
        assertThatThrownBy(() -> fleet.update(ClusterSpec.builder("lis-1")
                        .region("lisbon")
                        .credentials(credentials("ams-1"))
                        .build()))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> assertThat(e.cluster())
                        .isEqualTo("lis-1"));
    }

    @Test
    @DisplayName("updates change what placement sees; a removed cluster leaves the snapshot and can come back")
    void updateAndRemove() {
        PlacementPolicy platinum =
                PlacementPolicy.builder().selector("tier=platinum").build();
        assertThat(fleet.place(platinum).satisfied()).isFalse();
        fleet.update(spec("waw-1").toBuilder().label("tier", "platinum").build());
        assertThat(fleet.place(platinum).chosenNames()).containsExactly("waw-1");

        assertThat(fleet.remove("waw-1")).isTrue();
        assertThat(fleet.remove("waw-1")).isFalse();
        assertThat(fleet.cluster("waw-1")).isEmpty();
        assertThat(fleet.place(PlacementPolicy.builder().build()).verdicts())
                .extracting(v -> v.cluster())
                .doesNotContain("waw-1");
        register("waw-1");
        awaitReady(List.of("waw-1"));
    }

    @Test
    @DisplayName("the registry is restored after a restart")
    void registryRestored() {
        fleet.update(spec("par-1").toBuilder().label("tier", "platinum").build());
        fleet.remove("nyc-1");
        fleet = restartFleet(fleet);
        assertThat(fleet.snapshot().clusters())
                .extracting(ClusterState::name)
                .containsExactly("ams-1", "par-1", "waw-1");
        assertThat(fleet.cluster("par-1").orElseThrow().spec().labels()).containsEntry("tier", "platinum");
        awaitReady(EU);
        register(US);
    }

    @Test
    @DisplayName("propagations are taken up again after a restart: same clusters, then updates and deletion work")
    void propagationsRestored() {
        PlacementPolicy policy =
                PlacementPolicy.builder().residency("EU").pick(2).build();
        Propagation p = fleet.propagate(PropagationRequest.builder("restored")
                .objects(configMap("restored", "v1"))
                .placement(policy)
                .build());
        awaitReady(p);
        List<String> chosen = p.decision().chosenNames();

        fleet = restartFleet(fleet);
        Propagation again = fleet.propagation("restored").orElseThrow();
        assertThat(again.request().objects()).containsExactly(configMap("restored", "v1"));
        assertThat(again.decision().chosenNames()).isEqualTo(chosen);
        awaitReady(List.of("ams-1", "par-1", "waw-1"));
        awaitReady(again);

        Manifest v2 = configMap("restored", "v2");
        awaitReady(fleet.propagate(PropagationRequest.builder("restored")
                .objects(v2)
                .placement(policy)
                .build()));
        for (String c : chosen) {
            assertThat(at(live(c, v2), "data", "value")).as("on %s", c).isEqualTo("v2");
        }
        fleet.propagation("restored")
                .orElseThrow()
                .delete(false)
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();
        fleet = restartFleet(fleet);
        assertThat(fleet.propagation("restored"))
                .as("deleted before the restart")
                .isEmpty();
        for (String c : chosen) {
            assertThat(live(c, v2)).isNull();
        }
        awaitReady(CLUSTERS.keySet());
    }

    // ---- health ----

    @Test
    @DisplayName("an unreachable cluster turns Unknown with NO_SCHEDULE, then NO_EXECUTE, and Ready again when back")
    void healthTransitions() {
        List<ClusterHealthChange> changes = new CopyOnWriteArrayList<>();
        fleet.healthChanges().subscribe(collect(changes));
        partition("par-1");
        await().atMost(timeout()).untilAsserted(() -> {
            ClusterState par = fleet.cluster("par-1").orElseThrow();
            assertThat(par.health()).isEqualTo(ClusterHealth.UNKNOWN);
            assertThat(par.taints()).contains(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE));
        });
        await().atMost(timeout()).untilAsserted(() -> assertThat(
                        fleet.cluster("par-1").orElseThrow().taints())
                .as("past the toleration")
                .contains(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_EXECUTE)));
        assertThat(fleet.place(PlacementPolicy.builder().build())
                        .verdict("par-1")
                        .orElseThrow()
                        .toString())
                .contains("par-1 rejected", "Unknown since");

        heal("par-1");
        awaitReady(List.of("par-1"));
        assertThat(fleet.cluster("par-1").orElseThrow().taints()).isEmpty();
        await().atMost(timeout()).untilAsserted(() -> assertThat(changes)
                .filteredOn(c -> c.cluster().equals("par-1"))
                .extracting(ClusterHealthChange::to)
                .containsSubsequence(ClusterHealth.UNKNOWN, ClusterHealth.READY));
    }

    // ---- placement ----

    @Test
    @DisplayName("placement explains every cluster: residency, selectors with in and notin, regions, pick and spread")
    void placementRules() {
        PlacementDecision eu =
                fleet.place(PlacementPolicy.builder().residency("EU").build());
        assertThat(eu.chosenNames()).containsExactly("ams-1", "par-1", "waw-1");
        assertThat(eu.verdict(US).orElseThrow().reasons()).anyMatch(r -> r.contains("residency US, policy needs EU"));

        assertThat(fleet.place(PlacementPolicy.builder()
                                .selector("tier in (gold,silver)")
                                .build())
                        .chosenNames())
                .containsExactly("ams-1", "nyc-1", "par-1");
        PlacementDecision notGold = fleet.place(
                PlacementPolicy.builder().selector("tier notin (gold)").build());
        assertThat(notGold.chosenNames()).containsExactly("par-1", "waw-1");
        assertThat(notGold.verdict("ams-1").orElseThrow().toString()).contains("tier notin (gold)");
        assertThat(fleet.place(PlacementPolicy.builder().selector("!tier").build())
                        .satisfied())
                .isFalse();

        assertThat(fleet.place(PlacementPolicy.builder()
                                .regions("paris", "warsaw")
                                .build())
                        .chosenNames())
                .containsExactly("par-1", "waw-1");
        PlacementPolicy two = PlacementPolicy.builder().residency("EU").pick(2).build();
        assertThat(fleet.place(two).chosenNames())
                .hasSize(2)
                .isEqualTo(fleet.place(two).chosenNames());

        PlacementDecision spread = fleet.place(PlacementPolicy.builder()
                .residency("EU")
                .pick(3)
                .spread(SpreadConstraint.regions(3, 3))
                .build());
        assertThat(spread.chosenNames()).containsExactly("ams-1", "par-1", "waw-1");
        PlacementDecision tooWide = fleet.place(PlacementPolicy.builder()
                .residency("US")
                .spread(SpreadConstraint.regions(2, 3))
                .build());
        assertThat(tooWide.satisfied()).isFalse();
        assertThat(tooWide.failureReason())
                .hasValueSatisfying(f -> assertThat(f).containsIgnoringCase("region"));
    }

    @Test
    @DisplayName("replicas are divided by capacity among the chosen clusters, summing to what was asked")
    void replicaDivision() {
        PlacementDecision d = fleet.place(PlacementPolicy.builder()
                .residency("EU")
                .replicas(7)
                .division(ReplicaDivision.dynamicByCapacity())
                .resourcesPerReplica(Capacity.of("100m", "128Mi", 1))
                .build());
        assertThat(d.satisfied()).isTrue();
        assertThat(d.replicas().values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(7);
        assertThat(d.replicas().keySet()).allMatch(EU::contains);
    }

    @Test
    @DisplayName("what-if runs placement on a changed copy of the fleet and changes nothing")
    void whatIf() {
        PlacementPolicy policy = PlacementPolicy.builder().residency("EU").build();
        PlacementDecision ifParisDies =
                fleet.simulate(policy, WhatIf.builder().clusterDown("par-1").build());
        assertThat(ifParisDies.chosenNames()).containsExactly("ams-1", "waw-1");
        assertThat(ifParisDies.verdict("par-1").orElseThrow().chosen()).isFalse();
        assertThat(fleet.cluster("par-1").orElseThrow().health()).isEqualTo(ClusterHealth.READY);
        assertThat(fleet.place(policy).chosenNames()).containsExactly("ams-1", "par-1", "waw-1");
    }

    // ---- propagation ----

    @Test
    @DisplayName("objects are propagated with ownership marks and per-cluster overrides, and become ready")
    void propagationWithOverrides() {
        Manifest web = deployment("web", "nginx:1.27", 2);
        Manifest config = configMap("web-config", "base");
        Propagation p = fleet.propagate(PropagationRequest.builder("web")
                .objects(config, web)
                .placement(PlacementPolicy.builder().residency("EU").build())
                .override(ClusterOverride.builder()
                        .regions("paris")
                        .image("nginx:1.27-fr")
                        .env("*", "LOCALE", "fr_FR")
                        .build())
                .override(ClusterOverride.builder()
                        .clusters("waw-1")
                        .replicas(3)
                        .label("team", "warsaw")
                        .jsonPatch(JsonPatchOperation.add("/metadata/annotations", Map.of("note", "patched")))
                        .build())
                .build());
        PropagationStatus ready = awaitReady(p);
        assertThat(ready.clusters()).extracting(c -> c.cluster()).containsExactly("ams-1", "par-1", "waw-1");
        assertThat(ready.regions()).containsOnlyKeys("amsterdam", "paris", "warsaw");

        Map<String, Object> par = live("par-1", web);
        assertThat(at(par, "spec", "template", "spec", "containers", "0", "image"))
                .isEqualTo("nginx:1.27-fr");
        assertThat(String.valueOf(at(par, "spec", "template", "spec", "containers", "0", "env")))
                .contains("LOCALE", "fr_FR");
        assertThat(at(par, "metadata", "labels", PropagationRequest.PROPAGATION_LABEL))
                .isEqualTo("web");
        Map<String, Object> waw = live("waw-1", web);
        assertThat(((Number) at(waw, "spec", "replicas")).intValue()).isEqualTo(3);
        assertThat(at(waw, "metadata", "labels", "team")).isEqualTo("warsaw");
        assertThat(at(waw, "metadata", "annotations", "note")).isEqualTo("patched");
        assertThat(at(live("ams-1", web), "spec", "template", "spec", "containers", "0", "image"))
                .isEqualTo("nginx:1.27");
        assertThat(live(US, web)).isNull();
        assertThat(at(live("ams-1", config), "data", "value")).isEqualTo("base");
    }

    @Test
    @DisplayName("a placement no cluster meets is refused with every cluster's reasons and applies nothing")
    void noPlacement() {
        assertThatThrownBy(() -> fleet.propagate(PropagationRequest.builder("nowhere")
                        .objects(configMap("nowhere", "x"))
                        .placement(PlacementPolicy.builder().residency("APAC").build())
                        .build()))
                .isInstanceOfSatisfying(
                        PlacementException.class,
                        e -> assertThat(e.decision().rejected()).hasSize(4))
                .hasMessageContaining("residency EU, policy needs APAC");
        assertThat(fleet.propagation("nowhere")).isEmpty();
        for (String c : CLUSTERS.keySet()) {
            assertThat(live(c, configMap("nowhere", "x"))).isNull();
        }
    }

    @Test
    @DisplayName("a foreign object aborts its cluster only (ERR_APPLIED); ADOPT takes it over; OVERWRITE replaces it")
    void conflicts() {
        Manifest shared = configMap("shared", "ours");
        createForeign("ams-1", configMap("shared", "theirs"));
        Propagation abort = fleet.propagate(PropagationRequest.builder("abort")
                .objects(shared)
                .placement(PlacementPolicy.builder().clusters("ams-1", "waw-1").build())
                .build());
        await().atMost(timeout()).untilAsserted(() -> {
            PropagationStatus s = abort.status();
            assertThat(s.cluster("ams-1").orElseThrow().state()).isEqualTo(WorkloadState.ERR_APPLIED);
            assertThat(s.cluster("ams-1").orElseThrow().message()).contains("conflict");
            assertThat(s.cluster("waw-1").orElseThrow().state()).isEqualTo(WorkloadState.READY);
            assertThat(s.state()).isEqualTo(WorkloadState.ERR_APPLIED);
        });
        assertThat(at(live("ams-1", shared), "data", "value"))
                .as("left untouched")
                .isEqualTo("theirs");
        abort.delete(false)
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();

        Propagation adopt = fleet.propagate(PropagationRequest.builder("adopt")
                .objects(shared)
                .placement(PlacementPolicy.builder().clusters("ams-1").build())
                .conflictPolicy(ConflictPolicy.ADOPT)
                .build());
        awaitReady(adopt);
        Map<String, Object> adopted = live("ams-1", shared);
        assertThat(at(adopted, "metadata", "labels", PropagationRequest.PROPAGATION_LABEL))
                .isEqualTo("adopt");
        assertThat(at(adopted, "data", "value")).isEqualTo("ours");
        adopt.delete(true)
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();

        createForeign(
                "par-1",
                Manifest.of(Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "ConfigMap",
                        "metadata",
                        Map.of("name", "shared", "namespace", "default"),
                        "data",
                        Map.of("value", "theirs", "extra", "dropped"))));
        Propagation overwrite = fleet.propagate(PropagationRequest.builder("overwrite")
                .objects(shared)
                .placement(PlacementPolicy.builder().clusters("par-1").build())
                .conflictPolicy(ConflictPolicy.OVERWRITE)
                .build());
        awaitReady(overwrite);
        Map<String, Object> replaced = live("par-1", shared);
        assertThat(at(replaced, "data", "value")).isEqualTo("ours");
        assertThat(at(replaced, "data", "extra")).as("replaced, not merged").isNull();
    }

    @Test
    @DisplayName("deletion removes the objects from every cluster; orphaning leaves them without ownership marks")
    void deletion() {
        Manifest a = configMap("del-a", "a");
        Propagation gone = fleet.propagate(PropagationRequest.builder("gone")
                .objects(a)
                .placement(PlacementPolicy.builder().residency("EU").build())
                .build());
        awaitReady(gone);
        gone.delete(false)
                .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS)
                .join();
        for (String c : EU) {
            assertThat(live(c, a)).as("on %s", c).isNull();
        }
        assertThat(fleet.propagation("gone")).isEmpty();

        Manifest b = configMap("del-b", "b");
        Propagation kept = fleet.propagate(PropagationRequest.builder("kept")
                .objects(b)
                .placement(PlacementPolicy.builder().residency("EU").build())
                .build());
        awaitReady(kept);
        kept.delete(true).orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
        for (String c : EU) {
            Map<String, Object> left = live(c, b);
            assertThat(left).as("on %s", c).isNotNull();
            assertThat(at(left, "metadata", "labels", PropagationRequest.PROPAGATION_LABEL))
                    .isNull();
        }
    }

    // ---- status ----

    @Test
    @DisplayName("status rolls up worst-first per cluster and region, and the publisher gives current then changes")
    void statusRollUp() {
        Propagation p = fleet.propagate(PropagationRequest.builder("mixed")
                .objects(deployment("mixed", "nginx:1.27", 2))
                .placement(PlacementPolicy.builder().residency("EU").build())
                .override(ClusterOverride.builder()
                        .regions("warsaw")
                        .image(failingImage())
                        .build())
                .build());
        List<PropagationStatus> seen = new CopyOnWriteArrayList<>();
        p.changes().subscribe(collect(seen));
        await().atMost(timeout()).untilAsserted(() -> {
            PropagationStatus s = p.status();
            assertThat(s.cluster("ams-1").orElseThrow().state()).isEqualTo(WorkloadState.READY);
            assertThat(s.cluster("par-1").orElseThrow().state()).isEqualTo(WorkloadState.READY);
            assertThat(s.cluster("waw-1").orElseThrow().state()).isEqualTo(WorkloadState.NOT_READY);
            assertThat(s.regions())
                    .containsEntry("amsterdam", WorkloadState.READY)
                    .containsEntry("warsaw", WorkloadState.NOT_READY);
            assertThat(s.state()).isEqualTo(WorkloadState.NOT_READY);
            var object = s.cluster("ams-1").orElseThrow().objects().get(0);
            assertThat(object.readyReplicas()).isEqualTo(2);
            assertThat(object.observedGeneration()).isGreaterThanOrEqualTo(object.appliedGeneration());
        });
        await().atMost(timeout()).untilAsserted(() -> assertThat(seen)
                .isNotEmpty()
                .last()
                .extracting(PropagationStatus::state)
                .isEqualTo(WorkloadState.NOT_READY));
    }

    @Test
    @DisplayName("drift is reported as MODIFIED, and with REPAIR the object is applied again")
    void drift() {
        Manifest reported = configMap("drift-report", "applied");
        Propagation report = fleet.propagate(PropagationRequest.builder("drift-report")
                .objects(reported)
                .placement(PlacementPolicy.builder().clusters("ams-1").build())
                .build());
        awaitReady(report);
        editLive("ams-1", reported, tree -> withData(tree, "changed"));
        await().atMost(timeout()).untilAsserted(() -> {
            assertThat(report.status().state()).isEqualTo(WorkloadState.MODIFIED);
            assertThat(report.status().cluster("ams-1").orElseThrow().message()).contains("data.value");
        });

        Manifest repaired = configMap("drift-repair", "applied");
        Propagation repair = fleet.propagate(PropagationRequest.builder("drift-repair")
                .objects(repaired)
                .placement(PlacementPolicy.builder().clusters("par-1").build())
                .driftPolicy(DriftPolicy.REPAIR)
                .build());
        awaitReady(repair);
        editLive("par-1", repaired, tree -> withData(tree, "changed"));
        await().atMost(timeout()).untilAsserted(() -> {
            assertThat(at(live("par-1", repaired), "data", "value")).isEqualTo("applied");
            assertThat(repair.status().state()).isEqualTo(WorkloadState.READY);
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withData(Map<String, Object> tree, String value) {
        Map<String, Object> copy = new LinkedHashMap<>(tree);
        Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) copy.get("data"));
        data.put("value", value);
        copy.put("data", data);
        return copy;
    }

    // ---- faults and failover ----

    @Test
    @DisplayName("an unreachable cluster says so, and catches up exactly once when it returns")
    void unreachableCatchesUp() {
        Manifest v1 = configMap("catch-up", "v1");
        PropagationRequest request = PropagationRequest.builder("catch-up")
                .objects(v1)
                .placement(PlacementPolicy.builder().clusters("ams-1", "waw-1").build())
                .failover(false)
                .build();
        Propagation p = fleet.propagate(request);
        awaitReady(p);
        partition("waw-1");
        await().atMost(timeout())
                .until(() -> fleet.cluster("waw-1").orElseThrow().health() != ClusterHealth.READY);

        // An update while waw-1 is away, placed with a toleration so that the unreachable cluster stays chosen.
        Manifest v2 = configMap("catch-up", "v2");
        p = fleet.propagate(PropagationRequest.builder("catch-up")
                .objects(v2)
                .placement(PlacementPolicy.builder()
                        .clusters("ams-1", "waw-1")
                        .tolerate(Toleration.exists(Taint.UNREACHABLE))
                        .build())
                .failover(false)
                .build());
        Propagation updated = p;
        await().atMost(timeout()).untilAsserted(() -> {
            var waw = updated.status().cluster("waw-1").orElseThrow();
            assertThat(waw.state()).as("%s", waw).isEqualTo(WorkloadState.UNKNOWN);
            assertThat(waw.message()).contains("Unknown");
        });
        heal("waw-1");
        awaitReady(List.of("waw-1"));
        awaitReady(updated);
        assertThat(at(live("waw-1", v2), "data", "value")).isEqualTo("v2");
        assertThat(at(live("ams-1", v2), "data", "value")).isEqualTo("v2");
    }

    @Test
    @DisplayName("with rebalanceOnReturn a returning cluster gets its propagation back and the stand-in lets go")
    void rebalanceOnReturn() {
        List<FailoverDecision> decisions = new CopyOnWriteArrayList<>();
        fleet.failovers().subscribe(collect(decisions));
        Manifest cm = configMap("homing", "v1");
        Propagation p = fleet.propagate(PropagationRequest.builder("homing")
                .objects(cm)
                .placement(PlacementPolicy.builder().residency("EU").pick(2).build())
                .rebalanceOnReturn(true)
                .build());
        awaitReady(p);
        List<String> home = p.decision().chosenNames();
        String lost = home.get(0);
        partition(lost);
        await().atMost(timeout()).until(() -> !decisions.isEmpty());
        String standIn = decisions.get(0).joining().get(0);
        await().atMost(timeout()).untilAsserted(() -> assertThat(p.status().cluster(standIn))
                .hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(WorkloadState.READY)));

        heal(lost);
        await().atMost(timeout()).untilAsserted(() -> {
            assertThat(p.decision().chosenNames()).containsExactlyElementsOf(home);
            assertThat(live(lost, cm)).as("back on %s", lost).isNotNull();
            assertThat(live(standIn, cm))
                    .as("removed from the stand-in %s", standIn)
                    .isNull();
            assertThat(p.status().state()).isEqualTo(WorkloadState.READY);
        });
        assertThat(decisions).anySatisfy(d -> {
            assertThat(d.joining()).containsExactly(lost);
            assertThat(d.leaving()).containsExactly(standIn);
        });
    }

    @Test
    @DisplayName("a cluster past its toleration fails over within the residency; the old copy goes once it is back")
    void failover() {
        List<FailoverDecision> decisions = new CopyOnWriteArrayList<>();
        fleet.failovers().subscribe(collect(decisions));
        Manifest api = deployment("api", "nginx:1.27", 2);
        PlacementPolicy policy =
                PlacementPolicy.builder().residency("EU").pick(2).build();
        Propagation p = fleet.propagate(
                PropagationRequest.builder("api").objects(api).placement(policy).build());
        awaitReady(p);
        List<String> before = p.decision().chosenNames();
        String lost = before.get(0);
        List<String> predicted = fleet.simulate(
                        policy, WhatIf.builder().clusterDown(lost).build())
                .chosenNames();

        partition(lost);
        await().atMost(timeout()).until(() -> !decisions.isEmpty());
        FailoverDecision d = decisions.get(0);
        assertThat(d.propagation()).isEqualTo("api");
        assertThat(d.leaving()).containsExactly(lost);
        assertThat(d.joining()).hasSize(1).allMatch(EU::contains);
        assertThat(d.decision().chosenNames()).isEqualTo(predicted).doesNotContain(US, lost);
        String joined = d.joining().get(0);
        await().atMost(timeout()).untilAsserted(() -> {
            assertThat(p.status().cluster(joined).orElseThrow().state()).isEqualTo(WorkloadState.READY);
            assertThat(p.status().state()).isEqualTo(WorkloadState.READY);
        });
        assertThat(live(joined, api)).isNotNull();
        assertThat(live(US, api)).isNull();

        heal(lost);
        await().atMost(timeout()).untilAsserted(() -> {
            assertThat(live(lost, api))
                    .as("old copy removed once %s is back", lost)
                    .isNull();
            assertThat(p.status().cluster(lost)).isEmpty();
        });
        List<String> after = new ArrayList<>(p.decision().chosenNames());
        assertThat(after).containsExactlyInAnyOrderElementsOf(predicted);
    }
}
