package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.deployments.Application;
import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentConflictException;
import dev.scaleplane.api.deployments.DeploymentMeters;
import dev.scaleplane.api.deployments.DeploymentNotification;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.deployments.Deployments;
import dev.scaleplane.api.deployments.InvalidDeploymentException;
import dev.scaleplane.api.deployments.RolloutStrategy;
import dev.scaleplane.api.deployments.UnknownDeploymentException;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentRolledBack;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.federation.kubernetes.testing.SimulatedWorkloads;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment controller end to end on a simulated fleet (fabric8 mock API servers with the simulated workload
 * controller, which makes a Deployment ready after a delay unless its image contains {@code fail}): waves, readiness,
 * rollback to the previous revision, analysis gates, manual controls, the error-budget freeze, and bad input.
 */
class DeploymentsTest {
    static final List<String> EU = List.of("ams-1", "ams-2", "par-1", "waw-1");

    @TempDir
    Path dir;

    private SimulatedFleet sim;
    private ScaleplanePlatform platform;
    private Fleet fleet;
    private Deployments deployments;
    private final List<Event<?>> events = new CopyOnWriteArrayList<>();
    private final List<Event<?>> notifications = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = SimulatedFleet.builder()
                .cluster("ams-1")
                .cluster("ams-2")
                .cluster("par-1")
                .cluster("waw-1")
                .cluster("nyc-1")
                .controllerDelay(Duration.ofMillis(50))
                .start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        platform = FastFleetPlatforms.start(Map.of(
                "scaleplane.store.provider",
                "memory",
                KubernetesFleetConfig.PROBE_TIMEOUT,
                "2s",
                "scaleplane.store.record-topics",
                Deployments.TOPIC,
                "scaleplane.deployments.tick",
                "50ms"));
        fleet = platform.federation();
        register(fleet, kubeconfig, "ams-1", "amsterdam", "EU");
        register(fleet, kubeconfig, "ams-2", "amsterdam", "EU");
        register(fleet, kubeconfig, "par-1", "paris", "EU");
        register(fleet, kubeconfig, "waw-1", "warsaw", "EU");
        register(fleet, kubeconfig, "nyc-1", "new-york", "US");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> fleet.snapshot().clusters().stream().allMatch(c -> c.health() == ClusterHealth.READY));
        platform.events().subscribe(SubscriptionOptions.of(Deployments.TOPIC, "test"), events::add);
        platform.events()
                .subscribe(SubscriptionOptions.of(Deployments.NOTIFICATIONS_TOPIC, "test"), notifications::add);
        deployments = platform.deployments();
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    static void register(Fleet fleet, Path kubeconfig, String name, String region, String residency) {
        fleet.register(ClusterSpec.builder(name)
                .region(region)
                .residency(residency)
                .credentials(ClusterCredentials.kubeconfig(kubeconfig, name))
                .build());
    }

    /** The objects of {@code web} at a version: one Deployment whose image tag is the version. */
    static List<Manifest> web(String version) {
        return List.of(SimulatedWorkloads.deployment("default", "web", "registry.example/web:" + version, 2));
    }

    static Application.Builder webApp() {
        return Application.builder("web", DeploymentsTest::web)
                .placement(PlacementPolicy.builder().residency("EU").build());
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

    private DeploymentStatus finish(String id) throws Exception {
        return deployments.whenFinished(id).get(60, TimeUnit.SECONDS);
    }

    /** The kinds of the deployment's recorded steps, in order. */
    private List<String> steps(String id) {
        return stepsOn(id).stream().map(s -> s.split(" ")[0]).toList();
    }

    /** The deployment's recorded steps, each as its kind plus the cluster it names, if any. */
    private List<String> stepsOn(String id) {
        List<String> kinds = new ArrayList<>();
        for (RecordedEvent r : platform.store().readStream(Deployments.stream(id), ReadDirection.FORWARD, 0, 10_000)) {
            String type = r.event().type();
            Object data = r.event().data();
            String cluster = data instanceof Map<?, ?> m && m.get("cluster") != null ? " " + m.get("cluster") : "";
            kinds.add(type.substring(type.lastIndexOf('.') + 1) + cluster);
        }
        return kinds;
    }

    private <T> List<T> published(Class<T> type) {
        return events.stream()
                .map(Event::data)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    @Test
    void rollsOutInWavesCanaryFirstThenByRegion() throws Exception {
        deployments.define(webApp().build());
        DeploymentStatus requested = deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        assertThat(requested.phase())
                .isIn(DeploymentPhase.REQUESTED, DeploymentPhase.QUEUED, DeploymentPhase.PROGRESSING);

        DeploymentStatus done = finish("web-1");

        assertThat(done.phase()).isEqualTo(DeploymentPhase.COMPLETED);
        assertThat(done.clusters()).extracting(ClusterRollout::cluster).containsExactlyInAnyOrderElementsOf(EU);
        assertThat(done.clusters()).allSatisfy(c -> assertThat(c.state()).isEqualTo(ClusterRolloutState.READY));
        // Canary alone in wave 0, then one wave per region; Amsterdam's two clusters share a wave unless one is the
        // canary.
        assertThat(done.waves()).isBetween(3, 4);
        assertThat(done.clusters().stream().filter(c -> c.wave() == 0)).hasSize(1);
        for (String c : EU) {
            assertThat(image(c)).as(c).isEqualTo("registry.example/web:1.0.0");
        }
        assertThat(image("nyc-1")).as("residency EU keeps it out of New York").isNull();

        List<String> steps = steps("web-1");
        assertThat(steps.get(0)).isEqualTo("requested");
        assertThat(steps)
                .containsSubsequence(
                        "admitted",
                        "placed",
                        "wave-started",
                        "cluster-applying",
                        "cluster-applied",
                        "cluster-ready",
                        "wave-ready",
                        "wave-completed",
                        "completed");
        for (String c : EU) {
            assertThat(stepsOn("web-1")).as("applied exactly once on %s", c).containsOnlyOnce("cluster-applied " + c);
        }
        // A wave starts only when the one before is ready.
        List<String> on = stepsOn("web-1");
        int canaryReady = on.indexOf("cluster-ready "
                + done.clusters().stream()
                        .filter(c -> c.wave() == 0)
                        .findFirst()
                        .orElseThrow()
                        .cluster());
        assertThat(canaryReady).isPositive();
        assertThat(on.subList(0, canaryReady))
                .filteredOn(s -> s.startsWith("cluster-applied "))
                .hasSize(1);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(published(DeploymentStarted.class)).hasSize(1);
            assertThat(published(DeploymentCompleted.class)).singleElement().satisfies(c -> {
                assertThat(c.deploymentId()).isEqualTo("web-1");
                assertThat(c.cluster().split(",")).containsExactlyInAnyOrderElementsOf(EU);
            });
        });
        assertThat(deployments.active()).isEmpty();
        // The scaling meters.
        var meters = platform.meterRegistry();
        assertThat(meters.get(DeploymentMeters.FINISHED)
                        .tag("outcome", "completed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get(DeploymentMeters.DURATION).timer().count()).isEqualTo(1);
        assertThat(meters.get(DeploymentMeters.ACTIVE_MAX).gauge().value()).isEqualTo(1.0);
        assertThat(meters.get(DeploymentMeters.APPLY_OVERHEAD).timer().count()).isEqualTo(EU.size());
        assertThat(meters.get(DeploymentMeters.PER_HOUR).gauge().value()).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(meters.find(DeploymentMeters.CLUSTER_UTILIZATION)
                                .tags("cluster", "ams-1", "resource", "cpu")
                                .gauge())
                        .isNotNull());
        // Idempotent: the same request again is the finished deployment, nothing recorded.
        long version =
                platform.store().streamVersion(Deployments.stream("web-1")).orElseThrow();
        assertThat(deployments
                        .request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"))
                        .phase())
                .isEqualTo(DeploymentPhase.COMPLETED);
        assertThat(platform.store().streamVersion(Deployments.stream("web-1")).orElseThrow())
                .isEqualTo(version);
    }

    @Test
    void aCanaryThatNeverBecomesReadyIsRolledBackToThePreviousRevisionAndTheRestIsUntouched() throws Exception {
        deployments.define(webApp().rollout(RolloutStrategy.builder()
                        .progressDeadline(Duration.ofSeconds(5))
                        .build())
                .build());
        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        assertThat(finish("web-1").phase()).isEqualTo(DeploymentPhase.COMPLETED);

        deployments.request(DeploymentRequest.of("web-2", "web", "2.0.0-fail", "bob"));
        DeploymentStatus failed = finish("web-2");

        assertThat(failed.phase()).isEqualTo(DeploymentPhase.FAILED);
        assertThat(failed.reason()).contains("not ready within the progress deadline of PT5S");
        ClusterRollout canary = failed.clusters().stream()
                .filter(c -> c.wave() == 0)
                .findFirst()
                .orElseThrow();
        assertThat(canary.state()).isEqualTo(ClusterRolloutState.ROLLED_BACK);
        assertThat(canary.previousVersion()).isEqualTo("1.0.0");
        assertThat(failed.clusters()).filteredOn(c -> c.wave() > 0).allSatisfy(c -> assertThat(c.state())
                .isEqualTo(ClusterRolloutState.PENDING));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String c : EU) {
                assertThat(image(c)).as(c).isEqualTo("registry.example/web:1.0.0");
            }
        });
        assertThat(stepsOn("web-2"))
                .containsSubsequence(
                        "cluster-failed " + canary.cluster(),
                        "rollback-started " + canary.cluster(),
                        "cluster-rolled-back " + canary.cluster(),
                        "rolled-back",
                        "failed " + canary.cluster());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(published(DeploymentRolledBack.class)).singleElement().satisfies(r -> {
                assertThat(r.cluster()).isEqualTo(canary.cluster());
                assertThat(r.fromVersion()).isEqualTo("2.0.0-fail");
                assertThat(r.toVersion()).isEqualTo("1.0.0");
            });
            assertThat(notifications).singleElement().satisfies(e -> assertThat(
                            ((DeploymentNotification) e.data()).text())
                    .contains("rolled back: " + canary.cluster() + " to 1.0.0"));
        });
    }

    @Test
    void aFailedAnalysisAfterTheCanaryRollsBackAndANewApplicationIsRemoved() throws Exception {
        // The analysis counts the application's own error events in the store; the test records three.
        deployments.define(webApp().rollout(RolloutStrategy.builder()
                        .analysis(AnalysisSpec.of(MetricCheck.builder("errors")
                                .source(MetricSource.eventCount(Duration.ofMinutes(10), Set.of("test.web.error"))
                                        .where("application", "{{service}}"))
                                .failureCondition("result > 2")
                                .interval(Duration.ofMillis(100))
                                .count(2)
                                .build()))
                        .build())
                .build());
        for (int i = 0; i < 3; i++) {
            platform.store()
                    .append(
                            "test-errors",
                            ExpectedVersion.ANY,
                            List.of(Event.builder("test.web.error", Map.of("application", "web"))
                                    .source(java.net.URI.create("/test"))
                                    .build()))
                    .join();
        }

        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        DeploymentStatus failed = finish("web-1");

        assertThat(failed.phase()).isEqualTo(DeploymentPhase.FAILED);
        assertThat(failed.reason()).contains("analysis after wave 0 FAILED");
        List<String> steps = steps("web-1");
        assertThat(steps)
                .containsSubsequence(
                        "wave-ready",
                        "analysis-measurement",
                        "analysis-completed",
                        "rollback-started",
                        "rolled-back",
                        "failed");
        assertThat(steps)
                .noneMatch(s -> s.startsWith("wave-started") && steps.indexOf(s) > steps.indexOf("analysis-completed"));
        // web was new on the canary: rolling back removes it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String c : EU) {
                assertThat(image(c)).as(c).isNull();
            }
        });
    }

    @Test
    void pauseResumePromoteAndAbortAreRecordedWithWhoDidIt() throws Exception {
        deployments.define(webApp().rollout(RolloutStrategy.builder()
                        .minSuccessTime(Duration.ofHours(1)) // only a promotion gets past the canary
                        .build())
                .build());
        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        await().atMost(Duration.ofSeconds(30)).until(() -> steps("web-1").contains("wave-ready"));

        assertThat(deployments.pause("web-1", "carol").phase()).isEqualTo(DeploymentPhase.PAUSED);
        assertThat(deployments.resume("web-1", "carol").phase()).isEqualTo(DeploymentPhase.PROGRESSING);
        deployments.promote("web-1", "dave");
        assertThat(finish("web-1").phase()).isEqualTo(DeploymentPhase.COMPLETED);
        assertThat(steps("web-1")).containsSubsequence("paused", "resumed", "promoted", "completed");
        List<Object> actors =
                platform.store().readStream(Deployments.stream("web-1"), ReadDirection.FORWARD, 0, 10_000).stream()
                        .filter(r -> r.event().type().matches(".*\\.(paused|resumed|promoted)"))
                        .map(r -> (Object) ((Map<?, ?>) r.event().data()).get("actor"))
                        .toList();
        assertThat(actors).containsExactly("carol", "carol", "dave");

        deployments.request(DeploymentRequest.of("web-2", "web", "2.0.0", "alice"));
        await().atMost(Duration.ofSeconds(30)).until(() -> steps("web-2").contains("wave-ready"));
        deployments.abort("web-2", "erin", "wrong version");
        DeploymentStatus aborted = finish("web-2");
        assertThat(aborted.phase()).isEqualTo(DeploymentPhase.FAILED);
        assertThat(aborted.reason()).isEqualTo("aborted by erin: wrong version");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String c : EU) {
                assertThat(image(c)).as(c).isEqualTo("registry.example/web:1.0.0");
            }
        });
        assertThatThrownBy(() -> deployments.pause("web-2", "carol"))
                .isInstanceOf(UnknownDeploymentException.class)
                .hasMessageContaining("it has finished (FAILED)");
    }

    @Test
    void aServiceThatBurnedItsErrorBudgetIsRefusedUntilAnEmergencyFix() throws Exception {
        platform.slos()
                .define(SloDefinition.builder("web-deploys")
                        .service("web")
                        .sli(Sli.deploymentSuccess())
                        .objective(0.9)
                        .window(Duration.ofDays(30))
                        .build());
        deployments.define(webApp().rollout(RolloutStrategy.builder()
                        .progressDeadline(Duration.ofSeconds(5))
                        .build())
                .build());
        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0-fail", "alice"));
        assertThat(finish("web-1").phase()).isEqualTo(DeploymentPhase.FAILED);
        // The failure is on the bus and, recorded from the deployments topic, in the store the SLI reads.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            platform.slos().evaluate();
            return platform.slos().frozen("web");
        });

        deployments.request(DeploymentRequest.of("web-2", "web", "1.0.1", "alice"));
        DeploymentStatus refused = finish("web-2");
        assertThat(refused.phase()).isEqualTo(DeploymentPhase.REFUSED);
        assertThat(refused.reason()).startsWith("refused by the error-budget policy");
        assertThat(refused.clusters()).isEmpty();

        deployments.request(DeploymentRequest.of("web-3", "web", "1.0.1", "alice")
                .flagged(FreezeFlag.EMERGENCY, "oncall-frank", "fixes the outage"));
        DeploymentStatus fix = finish("web-3");
        assertThat(fix.phase()).as("%s", fix).isEqualTo(DeploymentPhase.COMPLETED);
        Map<?, ?> admitted =
                platform.store().readStream(Deployments.stream("web-3"), ReadDirection.FORWARD, 0, 100).stream()
                        .filter(r -> r.event().type().endsWith(".admitted"))
                        .map(r -> (Map<?, ?>) r.event().data())
                        .findFirst()
                        .orElseThrow();
        assertThat(admitted.get("flag")).isEqualTo("EMERGENCY");
        assertThat(admitted.get("flaggedBy")).isEqualTo("oncall-frank");
    }

    @Test
    void badRequestsNameTheFieldAndNothingIsRecorded() {
        deployments.define(webApp().build());
        assertThatThrownBy(() -> deployments.request(DeploymentRequest.of("web-1", "shop", "1.0.0", "alice")))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageContaining("application 'shop'")
                .hasMessageContaining("[web]");
        assertThatThrownBy(() -> DeploymentRequest.of("web 1", "web", "1.0.0", "alice"))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageContaining("deploymentId 'web 1'");
        assertThatThrownBy(() -> Application.builder("Web_App", DeploymentsTest::web))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageContaining("application 'Web_App'")
                .hasMessageContaining("DNS-1123");
        assertThatThrownBy(() -> RolloutStrategy.builder().maxUnavailable(0))
                .isInstanceOf(InvalidDeploymentException.class)
                .hasMessageContaining("rollout.maxUnavailable '0'");
        assertThat(platform.store().streamVersion(Deployments.stream("web-1"))).isEmpty();

        deployments.request(DeploymentRequest.of("web-1", "web", "1.0.0", "alice"));
        assertThatThrownBy(() -> deployments.request(DeploymentRequest.of("web-1", "web", "1.0.1", "alice")))
                .isInstanceOf(DeploymentConflictException.class)
                .hasMessageContaining("version 1.0.0 was requested before, 1.0.1 now");
        assertThatThrownBy(() -> deployments.pause("nope", "carol"))
                .isInstanceOf(UnknownDeploymentException.class)
                .hasMessageContaining("never requested");
    }
}
