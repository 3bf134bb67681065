package dev.scaleplane.federation.kubernetes.testing;

import static dev.scaleplane.federation.kubernetes.testing.Workloads.count;
import static dev.scaleplane.federation.kubernetes.testing.Workloads.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static SimulatedFleet fleet;
    private static SimulatedCluster ams;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        fleet = SimulatedFleet.builder().cluster("ams-1").cluster("par-1").start();
        ams = fleet.cluster("ams-1");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void clearFaults() {
        fleet.clusters().forEach(SimulatedCluster::clearFaults);
        ams.controller().delay(SimulatedFleet.DEFAULT_CONTROLLER_DELAY);
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void a_partition_refuses_connections_and_a_heal_brings_back_the_same_objects_on_the_same_port() {
        KubernetesClient client = ams.client();
        ConfigMap stored = client.resource(configMap("before-partition")).create();
        int port = ams.port();

        ams.partition();

        assertThat(ams.isPartitioned()).isTrue();
        assertThatThrownBy(() -> client.configMaps()
                        .inNamespace("default")
                        .withName("before-partition")
                        .get())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(ConnectException.class::isInstance));
        assertThat(fleet.cluster("par-1").client().nodes().list().getItems())
                .as("other clusters stay reachable")
                .hasSize(3);

        ams.heal();

        assertThat(ams.port()).isEqualTo(port);
        ConfigMap after = client.configMaps()
                .inNamespace("default")
                .withName("before-partition")
                .get();
        assertThat(after.getMetadata().getUid()).isEqualTo(stored.getMetadata().getUid());
        assertThat(after.getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
        assertThat(client.nodes().list().getItems()).hasSize(3);
        // The resourceVersion counter survived as well: a new write gets a higher one.
        ConfigMap next = client.resource(configMap("after-heal")).create();
        assertThat(Long.parseLong(next.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(stored.getMetadata().getResourceVersion()));
    }

    @Test
    void the_controller_keeps_working_during_a_partition_and_an_informer_catches_up_after_the_heal() {
        KubernetesClient client = ams.client();
        SharedIndexInformer<Deployment> informer =
                client.apps().deployments().inNamespace("default").inform();
        try {
            long writes = ams.controller().statusWrites();
            ams.controller().delay(Duration.ofSeconds(2));
            client.resource(deployment("during-partition", "nginx:1.27", 2)).create();
            await().atMost(WAIT).until(() -> informer.getStore().getByKey("default/during-partition") != null);

            ams.partition();
            await().atMost(WAIT).until(() -> ams.controller().statusWrites() > writes);
            Deployment stale = informer.getStore().getByKey("default/during-partition");
            assertThat(stale.getStatus() == null ? 0 : count(stale.getStatus().getReadyReplicas()))
                    .as("the informer cannot see the rollout while partitioned")
                    .isZero();
            ams.heal();

            await().atMost(WAIT).untilAsserted(() -> {
                Deployment cached = informer.getStore().getByKey("default/during-partition");
                assertThat(cached.getStatus()).isNotNull();
                assertThat(cached.getStatus().getReadyReplicas()).isEqualTo(2);
            });
        } finally {
            informer.close();
        }
    }

    @Test
    void latency_is_added_to_every_answer() {
        KubernetesClient client = ams.client();
        client.nodes().list(); // warm up the connection
        ams.latency(Duration.ofMillis(300));

        long start = System.nanoTime();
        client.nodes().list();
        Duration list = Duration.ofNanos(System.nanoTime() - start);
        start = System.nanoTime();
        assertThat(client.configMaps()
                        .inNamespace("default")
                        .withName("missing")
                        .get())
                .isNull();
        Duration notFound = Duration.ofNanos(System.nanoTime() - start);

        // A lower bound only: the server holds the answer back at least this long, however slow the machine.
        assertThat(list).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(notFound).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(ams.latency()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void error_ratio_one_answers_every_request_with_503_and_a_status_body() throws Exception {
        ams.errorRatio(1.0, 503);

        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/api/v1/namespaces/default");
            assertThat(response.statusCode()).isEqualTo(503);
            Status status = Serialization.unmarshal(response.body(), Status.class);
            assertThat(status.getKind()).isEqualTo("Status");
            assertThat(status.getStatus()).isEqualTo("Failure");
            assertThat(status.getReason()).isEqualTo("ServiceUnavailable");
            assertThat(status.getCode()).isEqualTo(503);
        }
        assertThatThrownBy(() -> ams.client().nodes().list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(503));
    }

    @Test
    void a_429_carries_retry_after() throws Exception {
        ams.errorRatio(1.0, 429);

        HttpResponse<String> response = get("/api/v1/nodes");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        Status status = Serialization.unmarshal(response.body(), Status.class);
        assertThat(status.getReason()).isEqualTo("TooManyRequests");
        assertThat(status.getDetails().getRetryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void a_rejected_write_does_not_reach_the_store() {
        ams.errorRatio(1.0, 503);
        assertThatThrownBy(() -> ams.client().resource(configMap("rejected")).create())
                .isInstanceOf(KubernetesClientException.class);

        ams.errorRatio(0.0, 503);

        assertThat(ams.client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("rejected")
                        .get())
                .isNull();
    }

    @Test
    void error_ratio_one_half_fails_some_requests_in_a_seeded_order() throws Exception {
        ams.errorRatio(0.5, 503);
        long injectedBefore = ams.injectedErrorCount();
        List<Integer> first = statuses(60);

        ams.errorRatio(0.5, 503); // restarts the generator from the seed
        List<Integer> second = statuses(60);

        assertThat(first).contains(200, 503).containsOnly(200, 503);
        assertThat(first.stream().filter(s -> s == 503).count()).isBetween(15L, 45L);
        assertThat(second).isEqualTo(first);
        assertThat(ams.injectedErrorCount() - injectedBefore)
                .isEqualTo(2 * first.stream().filter(s -> s == 503).count());
    }

    @Test
    void faults_of_one_cluster_leave_the_others_alone() throws Exception {
        ams.errorRatio(1.0, 503);
        ams.latency(Duration.ofMillis(50));

        assertThat(fleet.cluster("par-1").client().nodes().list().getItems()).hasSize(3);
        assertThat(fleet.cluster("par-1").latency()).isZero();
    }

    private static List<Integer> statuses(int requests) throws Exception {
        List<Integer> statuses = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            statuses.add(get("/api/v1/namespaces/default").statusCode());
        }
        return statuses;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(ams.url() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .addToData("key", "value")
                .build();
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
