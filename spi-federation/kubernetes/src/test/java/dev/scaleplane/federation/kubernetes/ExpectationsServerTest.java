package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.federation.ApplyException;
import dev.scaleplane.api.federation.ApplyMode;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the simulated fleet cannot show, checked against fabric8's mock server in expectations mode (it answers only
 * the requests a test scripts and records every request): the exact server-side apply request, and an object the API
 * server refuses with 422.
 */
class ExpectationsServerTest {
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

    private KubernetesMockServer server;
    private ScaleplanePlatform platform;
    private Fleet fleet;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.start(InetAddress.getLoopbackAddress(), 0);
        // The probe: one node, so the cluster is Ready with capacity.
        server.expect()
                .get()
                .withPath("/api/v1/nodes")
                .andReturn(
                        200,
                        new NodeListBuilder()
                                .addToItems(new NodeBuilder()
                                        .withNewMetadata()
                                        .withName("node-1")
                                        .endMetadata()
                                        .withNewStatus()
                                        .addToAllocatable("cpu", new Quantity("4"))
                                        .addToAllocatable("memory", new Quantity("16Gi"))
                                        .addToAllocatable("pods", new Quantity("110"))
                                        .endStatus()
                                        .build())
                                .build())
                .always();
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.store.provider",
                        "memory",
                        KubernetesFleetConfig.PROBE_INTERVAL,
                        "100ms",
                        KubernetesFleetConfig.REQUEST_TIMEOUT,
                        "2s")))
                .taskQueueOptions(TaskQueueOptions.builder()
                        .retryPolicy(
                                KubernetesFederationProvider.APPLY_TASK,
                                RetryPolicy.builder()
                                        .fixed(Duration.ofMillis(100))
                                        .jitter(0)
                                        .maxAttempts(3)
                                        .nonRetryable(ApplyException.class)
                                        .build())
                        .build())
                .build();
        fleet = platform.federation();
        fleet.register(ClusterSpec.builder("exp-1")
                .region("lab")
                .credentials(ClusterCredentials.token(URI.create(server.url("/")), "test-token"))
                .build());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fleet.cluster("exp-1").orElseThrow().health() == ClusterHealth.READY);
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (server != null) {
            server.shutdown();
        }
    }

    private static Manifest web() {
        return KubernetesManifests.of(new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .endSpec()
                .build());
    }

    private List<RecordedRequest> requests() throws InterruptedException {
        List<RecordedRequest> all = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            all.add(r);
        }
        return all;
    }

    @Test
    void serverSideApplySendsAnApplyPatchWithTheFieldManagerAndForce() throws Exception {
        server.expect()
                .patch()
                .withPath(DEPLOYMENTS + "/web?fieldManager=platform-team&force=true")
                .andReturn(
                        200,
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .withNamespace("default")
                                .withGeneration(1L)
                                .endMetadata()
                                .build())
                .always();
        Propagation p = fleet.propagate(PropagationRequest.builder("ssa")
                .objects(web())
                .placement(PlacementPolicy.builder().build())
                .applyMode(ApplyMode.SERVER_SIDE_APPLY)
                .fieldManager("platform-team")
                .build());
        List<RecordedRequest> patches = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            requests().stream().filter(r -> r.getMethod().equals("PATCH")).forEach(patches::add);
            assertThat(patches).isNotEmpty();
        });
        RecordedRequest apply = patches.get(0);
        assertThat(apply.getPath()).isEqualTo(DEPLOYMENTS + "/web?fieldManager=platform-team&force=true");
        assertThat(apply.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
        assertThat(apply.getUtf8Body())
                .contains("web")
                .contains(PropagationRequest.PROPAGATION_LABEL)
                .contains("ssa");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        p.status().cluster("exp-1").orElseThrow().message())
                .doesNotContain("applying"));
    }

    @Test
    void anObjectTheApiServerRefusesIsErrAppliedWithItsMessageAndDeadLettered() {
        server.expect().get().withPath(DEPLOYMENTS + "/web").andReturn(404, "").always();
        server.expect()
                .post()
                .withPath(DEPLOYMENTS)
                .andReturn(
                        422,
                        new StatusBuilder()
                                .withStatus("Failure")
                                .withCode(422)
                                .withReason("Invalid")
                                .withMessage("Deployment.apps \"web\" is invalid: spec.selector: Required value")
                                .build())
                .always();
        Propagation p = fleet.propagate(PropagationRequest.builder("refused")
                .objects(web())
                .placement(PlacementPolicy.builder().build())
                .build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var status = p.status().cluster("exp-1").orElseThrow();
            assertThat(status.state()).isEqualTo(WorkloadState.ERR_APPLIED);
            assertThat(status.message())
                    .contains(
                            "cluster exp-1", "Deployment", "default/web", "HTTP 422", "spec.selector: Required value");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<TaskDeadLetter> dead = platform.tasks().deadLetters().list(10);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).task().type()).isEqualTo(KubernetesFederationProvider.APPLY_TASK);
            assertThat(dead.get(0).reason()).isEqualTo(TaskDeadLetter.Reason.NON_RETRYABLE);
            assertThat(dead.get(0).failures().get(0).message()).contains("HTTP 422", "spec.selector");
        });
    }
}
