package dev.scaleplane.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.adapters.http.AdapterMetrics;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.CapturedOutput;
import dev.scaleplane.testing.TestProviderContext;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to Kubernetes Secrets, beyond the kit, on a simulated cluster (a fabric8 mock API server in CRUD
 * mode, with injected faults): what the watch counts as a rotation, what a put keeps, fields that are not text, typed
 * errors without values, and settings errors naming the key.
 */
class KubernetesSecretsAdapterTest {
    private static SimulatedFleet sim;
    private static Path kubeconfig;

    @TempDir
    static Path dir;

    private SimulatedCluster cluster;
    private KubernetesClient direct;
    private SecretsAdapter adapter;
    private String ns;
    private final List<String> values = new ArrayList<>();
    private CapturedOutput output;

    @BeforeAll
    static void startSimulation() {
        sim = SimulatedFleet.builder().cluster("secrets").start();
        kubeconfig = SimulatedSecrets.kubeconfig(sim, dir);
    }

    @AfterAll
    static void stopSimulation() {
        if (sim != null) {
            sim.close();
        }
    }

    @BeforeEach
    void open() {
        output = new CapturedOutput();
        cluster = sim.cluster("secrets");
        direct = cluster.client();
        ns = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        adapter = new KubernetesSecretsProvider()
                .create(
                        "k8s",
                        SimulatedSecrets.context(SimulatedSecrets.settings(
                                "k8s", kubeconfig, "secrets", Map.of("max-attempts", "1", "page-size", "2"))));
    }

    /** Whatever the test did, error paths included, no value it wrote reached the logs, plain or base64. */
    @AfterEach
    void close() {
        try {
            cluster.clearFaults();
            adapter.close();
        } finally {
            output.close();
        }
        String logs = output.text();
        for (String v : values) {
            assertThat(logs).as("a secret value in the logs").doesNotContain(v, b64(v));
        }
    }

    private Secret value(String hint) {
        String v = hint + "-" + UUID.randomUUID();
        values.add(v);
        return Secret.of(v);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void assertNoValueIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            for (String v : values) {
                assertThat(String.valueOf(c.getMessage())).doesNotContain(v, b64(v));
            }
        }
    }

    @Test
    void labelAndAnnotationChangesAreNotRotationsAndPreviousVersionIsTheDataReplaced() throws Exception {
        String name = ns + "/api-key";
        SecretVersion v1 = adapter.put(name, Map.of("key", value("k1")));
        List<SecretRotated> heard = new CopyOnWriteArrayList<>();
        AutoCloseable w = adapter.watch(Set.of(name), Duration.ofMillis(20), heard::add);
        try {
            direct.secrets().inNamespace(ns).withName("api-key").edit(s -> new SecretBuilder(s)
                    .editMetadata()
                    .addToLabels("team", "payments")
                    .addToAnnotations("note", "relabelled")
                    .endMetadata()
                    .build());
            String relabelled = direct.secrets()
                    .inNamespace(ns)
                    .withName("api-key")
                    .get()
                    .getMetadata()
                    .getResourceVersion();
            assertThat(relabelled).isNotEqualTo(v1.version());
            SecretVersion v2 = adapter.put(name, Map.of("key", value("k2")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
            // Events arrive in order: had the label change counted, it would be first.
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0).version()).isEqualTo(v2.version());
            assertThat(heard.get(0).previousVersion()).isEqualTo(v1.version());
        } finally {
            w.close();
        }
        var live = direct.secrets().inNamespace(ns).withName("api-key").get();
        assertThat(live.getMetadata().getLabels()).containsEntry("team", "payments");
        assertThat(live.getMetadata().getAnnotations()).containsEntry("note", "relabelled");
    }

    @Test
    void aDeletionIsNotARotationAndARecreationIsOneOnlyWithOtherData() throws Exception {
        String name = ns + "/token";
        Secret t1 = value("t1");
        SecretVersion v1 = adapter.put(name, Map.of("token", t1));
        List<SecretRotated> heard = new CopyOnWriteArrayList<>();
        AutoCloseable w = adapter.watch(Set.of(name), Duration.ofMillis(20), heard::add);
        try {
            direct.secrets().inNamespace(ns).withName("token").delete();
            adapter.put(name, Map.of("token", t1)); // the same data again
            direct.secrets().inNamespace(ns).withName("token").delete();
            SecretVersion v3 = adapter.put(name, Map.of("token", value("t3")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0).version()).isEqualTo(v3.version());
            assertThat(heard.get(0).previousVersion()).isEqualTo(v1.version());
        } finally {
            w.close();
        }
    }

    @Test
    void aSecretThatAppearsAfterTheWatchStartsIsTheBaseline() throws Exception {
        String name = ns + "/late";
        List<SecretRotated> heard = new CopyOnWriteArrayList<>();
        AutoCloseable w = adapter.watch(Set.of(name), Duration.ofMillis(20), heard::add);
        try {
            SecretVersion v1 = adapter.put(name, Map.of("v", value("first")));
            SecretVersion v2 = adapter.put(name, Map.of("v", value("second")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0).version()).isEqualTo(v2.version());
            assertThat(heard.get(0).previousVersion()).isEqualTo(v1.version());
        } finally {
            w.close();
        }
    }

    @Test
    void putReplacesTheDataAndKeepsTypeLabelsAndAnnotations() {
        direct.secrets()
                .inNamespace(ns)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("db")
                        .addToLabels("app", "checkout")
                        .addToAnnotations("owner", "team-a")
                        .endMetadata()
                        .withType("kubernetes.io/basic-auth")
                        .addToData("username", b64("old-user"))
                        .addToData("password", b64("old-password"))
                        .build())
                .create();
        Secret password = value("new-password");
        SecretVersion written = adapter.put(ns + "/db", Map.of("password", password));
        var live = direct.secrets().inNamespace(ns).withName("db").get();
        assertThat(live.getMetadata().getResourceVersion()).isEqualTo(written.version());
        assertThat(live.getType()).isEqualTo("kubernetes.io/basic-auth");
        assertThat(live.getMetadata().getLabels()).containsEntry("app", "checkout");
        assertThat(live.getMetadata().getAnnotations()).containsEntry("owner", "team-a");
        assertThat(live.getData()).containsOnlyKeys("password").containsEntry("password", b64(password.reveal()));
        assertThat(adapter.get(ns + "/db").data()).containsOnlyKeys("password");
    }

    @Test
    void fieldsThatAreNotTextOrAreBlankAreLeftOut() {
        direct.secrets()
                .inNamespace(ns)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("mixed")
                        .endMetadata()
                        .addToData(
                                "keystore",
                                Base64.getEncoder().encodeToString(new byte[] {(byte) 0xfe, (byte) 0xff, 0}))
                        .addToData("blank", b64("  "))
                        .addToData("text", b64("plain-text"))
                        .build())
                .create();
        SecretVersion v = adapter.get(ns + "/mixed");
        assertThat(v.data()).containsOnlyKeys("text");
        assertThat(v.field("text").reveal()).isEqualTo("plain-text");
    }

    @Test
    void listingFollowsPagesAndNamesSecretsAsGetTakesThem() {
        for (int i = 0; i < 5; i++) {
            adapter.put(ns + "/s" + i, Map.of("v", value("v" + i)));
        }
        assertThat(adapter.list(ns))
                .containsExactlyInAnyOrder(ns + "/s0", ns + "/s1", ns + "/s2", ns + "/s3", ns + "/s4");
        assertThat(adapter.list(ns + "-empty")).isEmpty();
    }

    @Test
    void errorsAreTypedAndCarryTheServerFactsButNoValue() {
        String name = ns + "/guarded";
        Secret secret = value("guarded");
        cluster.errorRatio(1.0, 403);
        assertThatThrownBy(() -> adapter.put(name, Map.of("v", secret)))
                .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.system()).isEqualTo("kubernetes");
                    assertThat(e.instance()).isEqualTo("k8s");
                    assertThat(e.path()).isEqualTo("/api/v1/namespaces/" + ns + "/secrets/guarded");
                })
                .satisfies(this::assertNoValueIn);
        cluster.errorRatio(1.0, 429);
        assertThatThrownBy(() -> adapter.get(name))
                .isInstanceOfSatisfying(AdapterRateLimitedException.class, e -> assertThat(e.retryAfter())
                        .isEqualTo(Duration.ofSeconds(1)));
        cluster.errorRatio(1.0, 503);
        assertThatThrownBy(() -> adapter.put(name, Map.of("v", secret)))
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> assertThat(e.status())
                        .isEqualTo(503))
                .satisfies(this::assertNoValueIn);
        cluster.clearFaults();
        cluster.partition();
        assertThatThrownBy(() -> adapter.list(ns).toList())
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.serverMessage()).isNotBlank();
                });
        cluster.heal();
        assertThat(adapter.put(name, Map.of("v", secret)).version()).isNotBlank();
    }

    @Test
    void everyCallIsRecordedInThePlumbingsMetersWithPathTemplatesNeverNames() throws Exception {
        MeterRegistry meters = new SimpleMeterRegistry();
        SecretsAdapter measured = new KubernetesSecretsProvider()
                .create(
                        "k8s-metered",
                        TestProviderContext.builder()
                                .config(ScaleplaneProperties.of(SimulatedSecrets.settings(
                                        "k8s-metered", kubeconfig, "secrets", Map.of("max-attempts", "1"))))
                                .component(MeterRegistry.class, meters)
                                .build());
        try (measured) {
            String name = ns + "/db-credentials";
            measured.put(name, Map.of("v", value("m1"))); // GET 404, then POST 201
            // The watch stays open while the other calls run, as a caller's would (WATCH: its first list).
            AutoCloseable watch = measured.watch(Set.of(name), Duration.ofMillis(20), r -> {});
            try {
                measured.put(name, Map.of("v", value("m2"))); // GET 200, then PUT 200
                measured.get(name);
                assertThat(measured.list(ns).toList()).contains(name);
                assertThatThrownBy(() -> measured.get(ns + "/absent")).isInstanceOf(AdapterNotFoundException.class);
                cluster.errorRatio(1.0, 503);
                assertThatThrownBy(() -> measured.get(name)).isInstanceOf(AdapterUnavailableException.class);
                cluster.clearFaults();
            } finally {
                watch.close();
            }
        }
        String one = "/api/v1/namespaces/{namespace}/secrets/{name}";
        String all = "/api/v1/namespaces/{namespace}/secrets";
        assertThat(calls(meters, "GET", one, "200")).isEqualTo(2);
        assertThat(calls(meters, "GET", one, "404")).isEqualTo(2);
        assertThat(calls(meters, "GET", one, "503")).isEqualTo(1);
        assertThat(calls(meters, "POST", all, "201")).isEqualTo(1);
        assertThat(calls(meters, "PUT", one, "200")).isEqualTo(1);
        assertThat(calls(meters, "GET", all, "200")).isEqualTo(1);
        assertThat(calls(meters, "WATCH", all, "200")).isEqualTo(1);
        assertThat(meters.get(AdapterMetrics.ERRORS)
                        .tags("system", "kubernetes", "instance", "k8s-metered")
                        .counters())
                .extracting(c -> c.getId().getTag("status"), c -> c.count())
                .containsExactlyInAnyOrder(tuple("404", 2.0), tuple("503", 1.0));
        // Tags name the system, the instance and templates: no namespace, Secret name or value.
        for (Meter m : meters.getMeters()) {
            String id = m.getId().toString();
            assertThat(id).doesNotContain(ns, "db-credentials", "absent");
            for (String v : values) {
                assertThat(id).doesNotContain(v);
            }
        }
    }

    private static long calls(MeterRegistry meters, String method, String path, String status) {
        return meters.get(AdapterMetrics.CALLS)
                .tags("system", "kubernetes", "instance", "k8s-metered", "method", method, "path", path)
                .tag("status", status)
                .timer()
                .count();
    }

    @Test
    void badNamesAreRefusedNamingTheFormExpected() {
        assertThatThrownBy(() -> adapter.get("no-namespace"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'namespace/name'")
                .hasMessageContaining("no-namespace");
        assertThatThrownBy(() -> adapter.get("Payments/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace")
                .hasMessageContaining("Payments");
        assertThatThrownBy(() -> adapter.put(ns + "/db", Map.of("bad key", value("x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad key")
                .satisfies(this::assertNoValueIn);
        assertThatThrownBy(() -> adapter.list("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsErrorsNameTheKeyAndTheFix() {
        KubernetesSecretsProvider provider = new KubernetesSecretsProvider();
        var unknownContext = SimulatedSecrets.context(SimulatedSecrets.settings("k", kubeconfig, "nowhere", Map.of()));
        assertThatThrownBy(() -> provider.create("k", unknownContext))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.key()).isEqualTo("scaleplane.adapters.k.context");
                        assertThat(p.value()).isEqualTo("nowhere");
                    });
                    assertThat(e.getMessage()).contains("[secrets]");
                });
        var missing = SimulatedSecrets.context(
                SimulatedSecrets.settings("k", dir.resolve("no-such-kubeconfig"), "secrets", Map.of()));
        assertThatThrownBy(() -> provider.create("k", missing))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p.key()).isEqualTo("scaleplane.adapters.k.kubeconfig")));
        var conflicting = SimulatedSecrets.settings(
                "k", kubeconfig, "secrets", Map.of("in-cluster", "true", "max-attempts", "0"));
        assertThatThrownBy(() -> provider.validate(
                        "k", SimulatedSecrets.context(conflicting).config()))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(
                                e.problems().stream().map(ConfigurationException.Problem::key))
                        .containsExactlyInAnyOrder(
                                "scaleplane.adapters.k.kubeconfig",
                                "scaleplane.adapters.k.context",
                                "scaleplane.adapters.k.max-attempts"));
        var inCluster = SimulatedSecrets.context(
                Map.of("scaleplane.adapters.k.type", "kubernetes", "scaleplane.adapters.k.in-cluster", "true"));
        assertThatThrownBy(() -> provider.create("k", inCluster))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.key())
                            .isEqualTo("scaleplane.adapters.k.in-cluster"));
                    assertThat(e.getMessage()).contains("does not run in a pod");
                });
    }

    @Test
    void theAdapterIsFoundByServiceLoader() {
        assertThat(java.util.ServiceLoader.load(dev.scaleplane.api.spi.SecretsAdapterProvider.class).stream()
                        .map(p -> p.get().name()))
                .contains("kubernetes");
    }
}
