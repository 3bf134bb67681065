package dev.scaleplane.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.adapters.kubernetes.ClusterSecretStatus.State;
import dev.scaleplane.adapters.vault.FakeVault;
import dev.scaleplane.adapters.vault.VaultProvider;
import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFederationProvider;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.CapturedOutput;
import dev.scaleplane.testing.TestProviderContext;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Residency-aware propagation on a simulated fleet of four clusters, two in the EU zone (eu-1 Amsterdam, eu-2 Paris)
 * and two outside it (us-1, us-2), plus a fifth simulated cluster, not in the fleet, whose Secrets are the source
 * (read through this module's own Kubernetes Secrets adapter). Every simulated cluster is a fabric8 mock API server in
 * CRUD mode; the fleet is the real federation backend with fast probes (100 ms, 2 failures) and a 1 s toleration.
 *
 * <p>A {@link ResidencyWitness} watches both non-EU clusters for any Secret from before the first write to the end,
 * and lists every reachable cluster at every step of every wait, failover included. Every value written is looked for
 * in the captured log output, the statuses and the {@code toString}s.
 */
class SecretPropagatorTest {
    private static final String NS = "payments";
    private static final String TARGET = "db-credentials";
    private static final String SOURCE = "vault-mirror/db-credentials";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static SimulatedFleet sim;
    private static Path kubeconfig;

    @TempDir
    static Path dir;

    private ScaleplanePlatform platform;
    private Fleet fleet;
    private SecretsAdapter source;
    private SecretPropagator propagator;
    private ResidencyWitness witness;
    private CapturedOutput output;
    private SimpleMeterRegistry meters;
    private final List<String> values = new ArrayList<>();

    @BeforeAll
    static void startSimulation() {
        sim = SimulatedFleet.builder()
                .cluster("eu-1")
                .cluster("eu-2")
                .cluster("us-1")
                .cluster("us-2")
                .cluster("source")
                .start();
        kubeconfig = SimulatedSecrets.kubeconfig(sim, dir);
    }

    @AfterAll
    static void stopSimulation() {
        if (sim != null) {
            sim.close();
        }
    }

    @BeforeEach
    void start() {
        output = new CapturedOutput();
        witness = new ResidencyWitness(sim, Set.of("us-1", "us-2"));
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.store.provider",
                        "memory",
                        KubernetesFleetConfig.PROBE_INTERVAL,
                        "100ms",
                        KubernetesFleetConfig.PROBE_TIMEOUT,
                        "500ms",
                        KubernetesFleetConfig.FAILURE_THRESHOLD,
                        "2",
                        KubernetesFleetConfig.TOLERATION,
                        "1s",
                        KubernetesFleetConfig.REQUEST_TIMEOUT,
                        "2s")))
                .taskQueueOptions(TaskQueueOptions.builder()
                        .retryPolicy(
                                KubernetesFederationProvider.APPLY_TASK,
                                RetryPolicy.builder()
                                        .fixed(Duration.ofMillis(200))
                                        .jitter(0)
                                        .maxAttempts(500)
                                        .nonRetryable(ApplyException.class)
                                        .build())
                        .build())
                .build();
        fleet = platform.federation();
        register("eu-1", "amsterdam", "EU");
        register("eu-2", "paris", "EU");
        register("us-1", "virginia", "US");
        register("us-2", "oregon", "US");
        await().atMost(WAIT)
                .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
        source = SimulatedSecrets.adapter("vault-mirror", kubeconfig, "source");
        meters = new SimpleMeterRegistry();
        propagator = SecretPropagator.builder(fleet)
                .resyncInterval(Duration.ofMillis(100))
                .retryInterval(Duration.ofMillis(50))
                .connectTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(2))
                .sourceWatchInterval(Duration.ofMillis(100))
                .meterRegistry(meters)
                .build();
    }

    @AfterEach
    void stop() {
        try {
            if (propagator != null) {
                propagator.close();
            }
            if (source != null) {
                source.close();
            }
            if (platform != null) {
                platform.close();
            }
            witness.close();
        } finally {
            output.close();
            sim.clusters().forEach(c -> {
                c.clearFaults();
                c.client().secrets().inAnyNamespace().delete();
            });
        }
        String printed = output.text();
        for (String v : values) {
            assertThat(printed).as("a secret value was printed").doesNotContain(v);
            assertThat(printed)
                    .as("a secret value was printed in base64")
                    .doesNotContain(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void register(String name, String region, String residency) {
        fleet.register(ClusterSpec.builder(name)
                .region(region)
                .residency(residency)
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                .build());
    }

    private Secret value(String hint) {
        String v = hint + "-" + UUID.randomUUID();
        values.add(v);
        return Secret.of(v);
    }

    private SecretVersion rotate(String hint) {
        return source.put(SOURCE, Map.of("username", value(hint + "-user"), "password", value(hint + "-password")));
    }

    private SecretPropagationRequest request(PlacementPolicy placement) {
        return SecretPropagationRequest.builder("db-credentials")
                .source(source, SOURCE)
                .target(NS, TARGET)
                .placement(placement)
                .build();
    }

    private static PlacementPolicy euPickOne() {
        return PlacementPolicy.builder().residency("EU").pick(1).build();
    }

    private static PlacementPolicy euAll() {
        return PlacementPolicy.builder().residency("EU").build();
    }

    /** Whether {@code cluster} holds the copy with {@code version}'s data and source-version annotation. */
    private boolean holds(String cluster, SecretVersion version) {
        var s = sim.cluster(cluster)
                .client()
                .secrets()
                .inNamespace(NS)
                .withName(TARGET)
                .get();
        if (s == null) {
            return false;
        }
        Map<String, String> expected = new java.util.TreeMap<>();
        version.data()
                .forEach((k, v) -> expected.put(
                        k, Base64.getEncoder().encodeToString(v.reveal().getBytes(StandardCharsets.UTF_8))));
        return expected.equals(new java.util.TreeMap<>(s.getData()))
                && version.version()
                        .equals(s.getMetadata()
                                .getAnnotations()
                                .get(SecretPropagationRequest.SOURCE_VERSION_ANNOTATION));
    }

    private boolean empty(String cluster) {
        return sim.cluster(cluster)
                .client()
                .secrets()
                .inAnyNamespace()
                .list()
                .getItems()
                .isEmpty();
    }

    /** No value in a status, a request or a propagation's toString. */
    private void assertNoValueIn(SecretPropagation p) {
        for (String text :
                List.of(p.toString(), p.request().toString(), p.status().toString())) {
            for (String v : values) {
                assertThat(text).doesNotContain(v);
            }
        }
    }

    @Test
    void anEuSecretNeverLeavesTheEuThroughRotationFailoverAndRemoval() {
        SecretVersion v1 = rotate("v1");
        SecretPropagation p = propagator.propagate(request(euPickOne()));

        // Placed on the first EU cluster by rank (equal scores, then name); written with ownership and source facts.
        await().atMost(WAIT).until(() -> witness.look() && p.status().current());
        assertThat(p.status().holding()).containsExactly("eu-1");
        assertThat(holds("eu-1", v1)).isTrue();
        var copy = sim.cluster("eu-1")
                .client()
                .secrets()
                .inNamespace(NS)
                .withName(TARGET)
                .get();
        assertThat(copy.getType()).isEqualTo("Opaque");
        assertThat(copy.getMetadata().getLabels())
                .containsEntry(SecretPropagationRequest.PROPAGATION_LABEL, "db-credentials")
                .containsEntry("app.kubernetes.io/managed-by", "scaleplane");
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry(SecretPropagationRequest.SOURCE_SYSTEM_ANNOTATION, "kubernetes")
                .containsEntry(SecretPropagationRequest.SOURCE_ADAPTER_ANNOTATION, "vault-mirror")
                .containsEntry(SecretPropagationRequest.SOURCE_NAME_ANNOTATION, SOURCE)
                .containsEntry(SecretPropagationRequest.SOURCE_VERSION_ANNOTATION, v1.version());
        assertThat(empty("eu-2")).isTrue();

        // A copy changed on the cluster is repaired on the next pass.
        sim.cluster("eu-1").client().secrets().inNamespace(NS).withName(TARGET).edit(s -> new SecretBuilder(s)
                .withData(Map.of(
                        "password", Base64.getEncoder().encodeToString("tampered".getBytes(StandardCharsets.UTF_8))))
                .build());
        await().atMost(WAIT).until(() -> witness.look() && holds("eu-1", v1));

        // Rotation in the source: the watch hears it, the new version replaces the copy.
        SecretVersion v2 = rotate("v2");
        await().atMost(WAIT)
                .until(() -> witness.look() && holds("eu-1", v2) && p.status().current());
        assertThat(p.status().sourceVersion()).isEqualTo(v2.version());

        // eu-1 is cut off: Unknown (kept, NO_SCHEDULE only), then past the 1 s toleration (NO_EXECUTE): failover to
        // the other EU cluster, never to us-1 or us-2, which are healthy and would rank as well.
        sim.cluster("eu-1").partition();
        await().atMost(WAIT)
                .until(() -> witness.look()
                        && holds("eu-2", v2)
                        && p.status()
                                .cluster("eu-1")
                                .map(c -> c.state() == State.LEAVING)
                                .orElse(false));
        assertThat(p.status().holding()).containsExactly("eu-2");
        assertThat(p.status().decision().chosenNames()).containsExactly("eu-2");
        assertThat(p.status().cluster("eu-1").orElseThrow().message()).contains("removal pending");

        // A rotation during the outage reaches the EU cluster that is up.
        SecretVersion v3 = rotate("v3");
        await().atMost(WAIT).until(() -> witness.look() && holds("eu-2", v3));
        assertThat(p.status().cluster("eu-1").orElseThrow().state()).isEqualTo(State.LEAVING);

        // eu-1 comes back: placement stays on eu-2 (pick 1), and the old copy on eu-1 is removed.
        sim.cluster("eu-1").heal();
        await().atMost(WAIT)
                .until(() -> witness.look() && empty("eu-1") && p.status().current());
        assertThat(p.status().holding()).containsExactly("eu-2");
        assertThat(holds("eu-2", v3)).isTrue();

        witness.assertNothingOutside();
        assertNoValueIn(p);
        assertThat(meters.get("scaleplane.secrets.propagation.removals")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.find("scaleplane.secrets.propagation.residency.refusals")
                        .counter())
                .isNull();
    }

    @Test
    void placementChangesMoveTheCopiesAndNeverOutsideTheZone() {
        SecretVersion v1 = rotate("v1");
        SecretPropagation p = propagator.propagate(request(euAll()));
        await().atMost(WAIT).until(() -> witness.look() && p.status().current());
        assertThat(p.status().holding()).containsExactly("eu-1", "eu-2");
        assertThat(holds("eu-1", v1) && holds("eu-2", v1)).isTrue();

        // The policy drops eu-1: its copy goes.
        propagator.propagate(request(euAll().toBuilder().clusters("eu-2").build()));
        await().atMost(WAIT)
                .until(() -> witness.look() && empty("eu-1") && p.status().current());
        assertThat(p.status().holding()).containsExactly("eu-2");

        // eu-2 is re-registered in the US zone. The policy (eu-2 only, EU) can no longer be met, and nothing moves,
        // but eu-2 itself has left the zone: its copy goes all the same.
        fleet.update(fleet.cluster("eu-2").orElseThrow().spec().toBuilder()
                .residency("US")
                .build());
        await().atMost(WAIT)
                .until(() -> witness.look()
                        && empty("eu-2")
                        && p.status().clusters().isEmpty()
                        && p.status().message().contains("placement not met"));
        assertThat(empty("eu-1")).isTrue();

        // Every EU cluster again: only eu-1 is left in the zone.
        propagator.propagate(request(euAll()));
        await().atMost(WAIT)
                .until(() -> witness.look() && holds("eu-1", v1) && p.status().current());
        assertThat(p.status().holding()).containsExactly("eu-1");
        assertThat(empty("eu-2")).isTrue();

        // A policy that could only be met outside the zone is refused before anything is written.
        assertThatThrownBy(() -> propagator.propagate(request(PlacementPolicy.builder()
                        .residency("EU")
                        .clusters("us-1")
                        .build())))
                .isInstanceOf(PlacementException.class)
                .hasMessageContaining("us-1");
        assertThat(p.request().placement()).isEqualTo(euAll());

        // Deleting removes every copy.
        p.delete()
                .orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .join();
        for (String c : List.of("eu-1", "eu-2", "us-1", "us-2")) {
            assertThat(empty(c)).as(c).isTrue();
        }
        assertThat(propagator.propagation("db-credentials")).isEmpty();

        witness.assertNothingOutside();
        assertNoValueIn(p);
        assertThat(meters.get("scaleplane.secrets.propagation.removals")
                        .counter()
                        .count())
                .isEqualTo(3.0);
    }

    @Test
    void aVaultSecretIsCopiedIntoTheEuOnlyAndEachVersionItsPollingWatchFindsFollows() throws Exception {
        FakeVault vault = FakeVault.launch();
        String p = "scaleplane.adapters.vault.";
        try (SecretsAdapter fromVault = new VaultProvider()
                .create(
                        "vault",
                        TestProviderContext.builder()
                                .config(ScaleplaneProperties.of(Map.of(
                                        p + "type",
                                        "vault",
                                        p + "base-url",
                                        vault.address(),
                                        p + "auth.token",
                                        FakeVault.ROOT_TOKEN,
                                        p + "auth.renew",
                                        "false")))
                                .build())) {
            SecretVersion v1 = fromVault.put("apps/db", Map.of("password", value("vault-v1")));
            SecretPropagation propagation = propagator.propagate(SecretPropagationRequest.builder("from-vault")
                    .source(fromVault, "apps/db")
                    .target(NS, TARGET)
                    .placement(euAll())
                    .build());
            await().atMost(WAIT).until(() -> witness.look() && holds("eu-1", v1) && holds("eu-2", v1));
            var copy = sim.cluster("eu-2")
                    .client()
                    .secrets()
                    .inNamespace(NS)
                    .withName(TARGET)
                    .get();
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(SecretPropagationRequest.SOURCE_SYSTEM_ANNOTATION, "vault")
                    .containsEntry(SecretPropagationRequest.SOURCE_VERSION_ANNOTATION, "1");

            // Vault cannot push: the rotation is found by the adapter's polling watch (100 ms here), not a resync.
            SecretVersion v2 = fromVault.put("apps/db", Map.of("password", value("vault-v2")));
            await().atMost(WAIT)
                    .until(() -> witness.look()
                            && holds("eu-1", v2)
                            && holds("eu-2", v2)
                            && propagation.status().current());
            assertThat(propagation.status().sourceVersion()).isEqualTo("2");
            assertThat(empty("us-1")).isTrue();
            assertThat(empty("us-2")).isTrue();
            assertNoValueIn(propagation);
            // Deleted before its source closes, so that no watch polls a closed adapter.
            propagation.delete().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(empty("eu-1")).isTrue();
            assertThat(empty("eu-2")).isTrue();
        } finally {
            vault.shutdown();
        }
        witness.assertNothingOutside();
    }

    @Test
    void aSecretOfTheSameNameThatIsNotOursIsLeftAlone() {
        rotate("v1");
        Secret foreign = value("foreign");
        sim.cluster("eu-1")
                .client()
                .secrets()
                .inNamespace(NS)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName(TARGET)
                        .endMetadata()
                        .addToData(
                                "token",
                                Base64.getEncoder()
                                        .encodeToString(foreign.reveal().getBytes(StandardCharsets.UTF_8)))
                        .build())
                .create();
        SecretPropagation p = propagator.propagate(request(euAll()));
        await().atMost(WAIT)
                .until(() -> witness.look()
                        && p.status()
                                .cluster("eu-1")
                                .map(c -> c.state() == State.CONFLICT)
                                .orElse(false)
                        && p.status().holding().equals(List.of("eu-2")));
        var live = sim.cluster("eu-1")
                .client()
                .secrets()
                .inNamespace(NS)
                .withName(TARGET)
                .get();
        assertThat(live.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(live.getData())
                .containsOnlyKeys("token")
                .containsEntry(
                        "token",
                        Base64.getEncoder().encodeToString(foreign.reveal().getBytes(StandardCharsets.UTF_8)));
        assertThat(p.status().cluster("eu-1").orElseThrow().message()).contains("not created by propagation");

        witness.assertNothingOutside();
        assertNoValueIn(p);
    }

    @Test
    void aCopyLeftOutsideThePlacementByAnEarlierProcessIsRemoved() {
        SecretVersion v1 = rotate("v1");
        // As an earlier process (or a hand) might have left it: a copy of this propagation where it does not belong.
        sim.cluster("eu-2")
                .client()
                .secrets()
                .inNamespace(NS)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName(TARGET)
                        .addToLabels(SecretPropagationRequest.PROPAGATION_LABEL, "db-credentials")
                        .endMetadata()
                        .addToData(
                                "stale",
                                Base64.getEncoder().encodeToString("left-behind".getBytes(StandardCharsets.UTF_8)))
                        .build())
                .create();
        SecretPropagation p = propagator.propagate(request(
                PlacementPolicy.builder().residency("EU").clusters("eu-1").build()));
        await().atMost(WAIT)
                .until(() -> witness.look()
                        && holds("eu-1", v1)
                        && empty("eu-2")
                        && p.status().current());

        witness.assertNothingOutside();
        assertNoValueIn(p);
    }
}
