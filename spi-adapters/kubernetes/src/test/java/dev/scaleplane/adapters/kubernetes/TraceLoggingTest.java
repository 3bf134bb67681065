package dev.scaleplane.adapters.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.CapturedOutput;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpLoggingInterceptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * fabric8 logs whole request and response bodies when {@code io.fabric8.kubernetes.client.http.HttpLoggingInterceptor}
 * is at TRACE, and a Secret's body is its data. This test runs in a JVM of its own (the surefire execution {@code
 * trace-logging}) with that logger at TRACE (set before any fabric8 client exists), shows that a plain fabric8 client then prints a Secret's data, and that
 * the adapter's client prints none in put, get, list and watch.
 */
class TraceLoggingTest {
    static {
        // slf4j-simple reads a logger's level when the logger is created: this also works when the test is run alone
        // (-Dtest=TraceLoggingTest), in a JVM where no fabric8 client was built yet.
        System.setProperty("org.slf4j.simpleLogger.log." + HttpLoggingInterceptor.class.getName(), "trace");
    }

    @TempDir
    Path dir;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noSecretDataReachesTheLogEvenWithFabric8BodyLoggingAtTrace() throws Exception {
        assertThat(LoggerFactory.getLogger(HttpLoggingInterceptor.class).isTraceEnabled())
                .as("run by the trace-logging surefire execution, which sets that logger to TRACE")
                .isTrue();
        String plain = "plain-" + UUID.randomUUID();
        String ours = "ours-" + UUID.randomUUID();
        String rotated = "rotated-" + UUID.randomUUID();
        try (SimulatedFleet sim = SimulatedFleet.builder().cluster("secrets").start();
                CapturedOutput output = new CapturedOutput()) {
            Path kubeconfig = SimulatedSecrets.kubeconfig(sim, dir);

            // The control: a fabric8 client as fabric8 builds it prints the body, data included.
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(sim.cluster("secrets").config())
                    .build()) {
                client.secrets()
                        .inNamespace("control")
                        .resource(new SecretBuilder()
                                .withNewMetadata()
                                .withNamespace("control")
                                .withName("plain")
                                .endMetadata()
                                .addToData("v", b64(plain))
                                .build())
                        .create();
            }
            assertThat(output.text()).as("fabric8's own TRACE body log").contains(b64(plain));

            // The adapter: the same calls and more, and nothing of the values.
            try (SecretsAdapter adapter = SimulatedSecrets.adapter("k8s", kubeconfig, "secrets")) {
                adapter.put("app/db", Map.of("password", Secret.of(ours)));
                List<SecretRotated> heard = new CopyOnWriteArrayList<>();
                AutoCloseable w = adapter.watch(Set.of("app/db"), Duration.ofMillis(20), heard::add);
                try {
                    assertThat(adapter.get("app/db").field("password").reveal()).isEqualTo(ours);
                    assertThat(adapter.list("app")).containsExactly("app/db");
                    adapter.put("app/db", Map.of("password", Secret.of(rotated)));
                    await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
                } finally {
                    w.close();
                }
            }
            String printed = output.text();
            assertThat(printed).doesNotContain(ours, b64(ours), rotated, b64(rotated));
        }
    }
}
