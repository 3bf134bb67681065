package dev.scaleplane.adapters.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.federation.kubernetes.KubernetesFleetConfig;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment's CI step and its failure ticket through GitHub (Actions and Issues, on the local GitHub simulation
 * that follows GitHub's documented requests and responses) around a rollout on a simulated fleet: the rollout waits
 * for the workflow run, a failed build changes no cluster, and failed rollouts file one ticket per application that
 * later failures comment on.
 */
class GitHubDeploymentFlowTest {
    private static final String GH = "gh-tck";
    private static final String PIPELINE = "acme/app/ci.yml";
    private static final List<String> CLUSTERS = List.of("ams-1", "par-1");

    @TempDir
    Path dir;

    private FakeGitHub github;
    private SimulatedFleet sim;
    private ScaleplanePlatform platform;
    private Deployments deployments;

    @BeforeEach
    void start() {
        github = FakeGitHub.launch();
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("par-1")
                .controllerDelay(Duration.ofMillis(50))
                .start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        Map<String, String> config = new HashMap<>(GitHubActionsCompatibilityTest.config(github.baseUrl()));
        config.put("scaleplane.store.provider", "memory");
        config.put("scaleplane.tasks.provider", "memory");
        config.put("scaleplane.deployments.tick", "50ms");
        config.put(KubernetesFleetConfig.PROBE_INTERVAL, "100ms");
        config.put(KubernetesFleetConfig.PROBE_TIMEOUT, "2s");
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        Fleet fleet = platform.federation();
        for (String c : CLUSTERS) {
            fleet.register(ClusterSpec.builder(c)
                    .region(c.substring(0, 3))
                    .credentials(ClusterCredentials.kubeconfig(kubeconfig, c))
                    .build());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(s -> s.health() == ClusterHealth.READY));
        deployments = platform.deployments();
        deployments.define(Application.builder("web", GitHubDeploymentFlowTest::web)
                .placement(PlacementPolicy.builder().clusters("ams-1", "par-1").build())
                .rollout(RolloutStrategy.builder()
                        .canaryClusters("ams-1")
                        .progressDeadline(Duration.ofSeconds(5))
                        .build())
                .ci(GH, PIPELINE)
                .tickets(GH, "acme/app")
                .build());
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (sim != null) {
            sim.close();
        }
        if (github != null) {
            github.shutdown();
        }
    }

    static List<Manifest> web(String version) {
        return List.of(SimulatedWorkloads.deployment("default", "web", "registry.example/web:" + version, 1));
    }

    @Test
    void theRolloutWaitsForTheBuildAndFailedRolloutsShareOneTicket() throws Exception {
        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        String run = awaitStep("web-1", "ci-triggered").get("run").toString();
        assertThat(github.actions().inputsOf(run)).containsEntry("deployment", "web-1");
        assertThat(deployments.status("web-1").orElseThrow().phase()).isEqualTo(DeploymentPhase.BUILDING);
        assertThat(image("ams-1"))
                .as("nothing deployed before the build succeeds")
                .isNull();
        github.actions().finishRun(run, CiStatus.SUCCEEDED);
        assertThat(finish("web-1").phase()).isEqualTo(DeploymentPhase.COMPLETED);
        assertThat(image("par-1")).isEqualTo("registry.example/web:1.0.0");

        // Two failed rollouts (the image never becomes ready): one ticket, then a comment on it.
        for (String id : List.of("web-2", "web-3")) {
            deployments.request(DeploymentRequest.of(id, "web", "2.0.0-fail-" + id, "bob"));
            github.actions().finishRun(awaitStep(id, "ci-triggered").get("run").toString(), CiStatus.SUCCEEDED);
            assertThat(finish(id).phase()).isEqualTo(DeploymentPhase.FAILED);
        }
        String first = ticket("web-2");
        assertThat(ticket("web-3")).isEqualTo(first);
        assertThat(github.issueTracker().issueCount("acme/app")).isEqualTo(1);
        assertThat(github.issueTracker().body(first)).contains("Deployment web-2 of web 2.0.0-fail-web-2 failed");
        assertThat(github.issueTracker().comments(first))
                .anySatisfy(c -> assertThat(c).contains("Deployment web-3 of web"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(image("ams-1")).isEqualTo("registry.example/web:1.0.0"));
    }

    @Test
    void aFailedBuildFailsTheDeploymentBeforeAnyClusterChanges() throws Exception {
        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        String run = awaitStep("web-1", "ci-triggered").get("run").toString();
        github.actions().finishRun(run, CiStatus.FAILED);

        DeploymentStatus failed = finish("web-1");

        assertThat(failed.phase()).isEqualTo(DeploymentPhase.FAILED);
        assertThat(failed.reason()).isEqualTo("the CI run " + run + " did not succeed");
        assertThat(failed.clusters()).isEmpty();
        for (String c : CLUSTERS) {
            assertThat(image(c)).isNull();
        }
    }

    private DeploymentStatus finish(String id) throws Exception {
        return deployments.whenFinished(id).get(60, TimeUnit.SECONDS);
    }

    private Map<?, ?> awaitStep(String id, String kind) {
        return await().atMost(Duration.ofSeconds(30))
                .until(() -> step(id, kind), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<Map<?, ?>> step(String id, String kind) {
        for (RecordedEvent r : platform.store().readStream(Deployments.stream(id), ReadDirection.FORWARD, 0, 1000)) {
            if (r.event().type().endsWith("." + kind)) {
                return Optional.of((Map<?, ?>) r.event().data());
            }
        }
        return Optional.empty();
    }

    private String ticket(String id) {
        for (RecordedEvent r : platform.store().readStream(Deployments.stream(id), ReadDirection.FORWARD, 0, 1000)) {
            Map<?, ?> data = (Map<?, ?>) r.event().data();
            if (r.event().type().endsWith(".notified") && "ticket".equals(data.get("channel"))) {
                return String.valueOf(data.get("message"));
            }
        }
        throw new AssertionError("deployment " + id + " filed no ticket");
    }

    private String image(String cluster) {
        Deployment d = sim.cluster(cluster)
                .client()
                .apps()
                .deployments()
                .inNamespace("default")
                .withName("web")
                .get();
        return d == null
                ? null
                : d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
