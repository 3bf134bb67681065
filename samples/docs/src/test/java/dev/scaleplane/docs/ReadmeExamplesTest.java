package dev.scaleplane.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bridge.EventBridge;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.testing.VirtualTaskClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Runs every README example and checks that it does what the README says it does. */
class ReadmeExamplesTest {

    /** Far above what any example needs; only a bound, so a broken example fails instead of hanging. */
    private static final long WAIT_SECONDS = 30;

    private static ScaleplanePlatform inMemoryPlatform() {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build();
    }

    @Test
    void quickstartHandlesTheRequestBeforeCloseReturns() {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            QuickstartExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("deploying checkout 1.4.2");
    }

    @Test
    void eventStoreExampleReadsBackTheStreamAndFindsItInTheAuditTrail() {
        try (ScaleplanePlatform platform = inMemoryPlatform()) {
            EventStoreExample.Found found = EventStoreExample.appendAndQuery(platform);

            assertThat(found.history()).hasSize(1);
            assertThat(found.history().get(0).event().type()).isEqualTo(DeploymentRequested.TYPE_NAME);
            assertThat(found.audit().events())
                    .extracting(r -> r.event().id())
                    .containsExactly(found.history().get(0).event().id());
        }
    }

    @Test
    void submittedTaskIsRunByTheOrchestratorsWorker() throws Exception {
        try (ScaleplanePlatform platform = inMemoryPlatform()) {
            TaskHandle handle = TaskSubmissionExample.submitDeploy(platform);
            // The idempotency key: a second submission inside the window returns the first task.
            assertThat(TaskSubmissionExample.submitDeploy(platform).id()).isEqualTo(handle.id());

            try (Orchestrator orchestrator = OrchestratorExample.startWorkers(platform)) {
                assertThat(handle.result().get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("shop on eu-west-1");
                assertThat(orchestrator.workers()).hasSize(1);
            }
        }
    }

    @Test
    void bridgeForwardsDeploymentsFromOneBusToTheOther() throws Exception {
        try (ScaleplanePlatform from = inMemoryPlatform();
                ScaleplanePlatform to = inMemoryPlatform()) {
            EventBus target = to.events();
            CompletableFuture<Event<DeploymentRequested>> received = new CompletableFuture<>();
            target.subscribe(
                    SubscriptionOptions.builder("deployments", "receiver").build(),
                    DeploymentRequested.TYPE,
                    received::complete);
            EventBridge bridge = EventBridgeExample.forwardDeployments(from.events(), target);
            try {
                Event<DeploymentRequested> sent = Event.builder(
                                DeploymentRequested.TYPE,
                                new DeploymentRequested("dep-7", "checkout", "1.4.3", "prod", List.of("ams-1"), "bob"))
                        .source(URI.create("/deploy-api"))
                        .build();
                from.events().publish("deployments", sent).get(WAIT_SECONDS, TimeUnit.SECONDS);

                Event<DeploymentRequested> got = received.get(WAIT_SECONDS, TimeUnit.SECONDS);
                assertThat(got.id()).isEqualTo(sent.id());
                assertThat(got.source()).isEqualTo(sent.source());
                assertThat(got.data()).isEqualTo(sent.data());
            } finally {
                bridge.close();
            }
        }
    }

    @Test
    void sloExampleSeesTheSpentBudgetAndAdmitsOnlyTheFlaggedDeployment() {
        VirtualTaskClock time = new VirtualTaskClock();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .clock(time.asClock())
                .taskClock(time)
                .build()) {
            // One failed deployment of checkout and no success: with a 99.5% objective the budget is spent 200 times.
            Event<DeploymentFailed> failed = Event.builder(
                            DeploymentFailed.TYPE,
                            new DeploymentFailed("d-1", "checkout", "1.4.2", "ams-1", "analysis failed", false))
                    .source(URI.create("/deployer"))
                    .time(time.now().minus(Duration.ofMinutes(10)))
                    .build();
            platform.store()
                    .append("deployment-d-1", ExpectedVersion.NO_STREAM, List.of(failed))
                    .join();

            SloExample.Figures figures = SloExample.checkoutBudget(platform);

            assertThat(figures.left()).isCloseTo(-199, within(1e-9));
            assertThat(figures.burn1h()).isCloseTo(200, within(1e-9));
            assertThat(figures.plain().admitted()).isFalse();
            assertThat(figures.hotfix().admitted()).isTrue();
        }
    }

    @Test
    void prometheusEndpointServesThePlatformsMeters() throws Exception {
        AtomicReference<String> scraped = new AtomicReference<>();
        PrometheusExample.runWithMetricsEndpoint(0, (platform, port) -> {
            platform.events()
                    .publish(
                            "deployments",
                            new DeploymentRequested("dep-9", "checkout", "1.5.0", "prod", List.of("ams-1"), "carol"))
                    .join();
            scraped.set(scrape(port));
        });

        assertThat(scraped.get())
                .contains("# TYPE scaleplane_events_published_total counter")
                .containsPattern("scaleplane_events_published_total\\{[^}]*topic=\"deployments\"[^}]*} 1\\.0");
    }

    /** GETs the endpoint over HTTP on the loopback address, as Prometheus would. */
    static String scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(WAIT_SECONDS))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
