package dev.scaleplane.core.internal.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MeasurementPhase;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.InMemoryEventStore;
import dev.scaleplane.core.store.RetentionPolicy;
import dev.scaleplane.testing.VirtualTaskClock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metrics over the platform's own events, counted in the in-memory store and in the file log: the share of failed
 * deployments of the run's service in a trailing window, counts, and ratios without events.
 */
class EventMetricsTest {
    private static final Instant T = VirtualTaskClock.DEFAULT_START;
    private static final String FAILED = DeploymentFailed.TYPE_NAME;
    private static final String COMPLETED = DeploymentCompleted.TYPE_NAME;
    private static final String SCOPE = "[" + FAILED + "] and [" + COMPLETED + "] in the PT10M up to " + T;

    @TempDir
    Path dir;

    private final VirtualTaskClock time = new VirtualTaskClock(T);
    private EventStore store;
    private int ids;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private EventStore open(String kind) {
        store = kind.equals("memory")
                ? new InMemoryEventStore(time.asClock(), RetentionPolicy.none())
                : FileEventStore.open(
                        FileStoreSettings.in(dir), EventCodec.of(EventTypeRegistry.platformDefaults()), time.asClock());
        return store;
    }

    /** A deployment outcome of {@code service} at {@code at}, as the deployment controller records it. */
    private void outcome(String service, boolean failed, Instant at) {
        String id = "d" + ++ids;
        Object data = failed
                ? new DeploymentFailed(id, service, "1.0", "ams-1", "analysis failed", false)
                : new DeploymentCompleted(id, service, "1.0", "ams-1", Duration.ofMinutes(3));
        Event<Object> e = Event.builder(failed ? FAILED : COMPLETED, data)
                .source(URI.create("/test/deployer"))
                .subject(id)
                .time(at)
                .build();
        store.append("deployment-" + id, ExpectedVersion.NO_STREAM, List.of(e)).join();
    }

    private AnalysisResult run(String service, MetricCheck... metrics) {
        AnalysisRun run = new AnalysisRunner(new ScriptedObservability("prom").adapters(), store, time, Runnable::run)
                .start(AnalysisSpec.of(metrics), Map.of("service", service), List.of(), m -> {});
        time.advance(Duration.ZERO);
        assertThat(run.result()).isDone();
        return run.result().join();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void theShareOfFailedDeploymentsOfTheServiceInTheWindow(String kind) {
        open(kind);
        outcome("checkout", true, T.minus(Duration.ofMinutes(10))); // outside (now - 10m, now]
        outcome("checkout", false, T.minus(Duration.ofMinutes(9)));
        outcome("checkout", true, T.minus(Duration.ofMinutes(5)));
        outcome("checkout", false, T.minus(Duration.ofMinutes(1)));
        outcome("checkout", false, T);
        outcome("checkout", true, T.plusSeconds(1)); // after the measurement time
        outcome("payments", true, T.minus(Duration.ofMinutes(2)));
        outcome("payments", true, T.minus(Duration.ofMinutes(2)));

        AnalysisResult r = run(
                "checkout",
                MetricCheck.builder("failures")
                        .source(MetricSource.eventCount(Duration.ofMinutes(10), Set.of(FAILED))
                                .where("application", "{{service}}"))
                        .failureCondition("result >= 3")
                        .build(),
                MetricCheck.builder("failed-share")
                        .source(MetricSource.deploymentFailureRatio(Duration.ofMinutes(10)))
                        .successCondition("result <= 0.2")
                        .build());

        assertThat(r.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(r.measurements())
                .containsExactly(
                        new Measurement(
                                "failures",
                                T,
                                1.0,
                                MeasurementPhase.SUCCESSFUL,
                                "1 does not meet failureCondition result >= 3 (1 events of [" + FAILED
                                        + "] in the PT10M up to " + T + " with application=checkout)"),
                        new Measurement(
                                "failed-share",
                                T,
                                0.25,
                                MeasurementPhase.FAILED,
                                "0.25 does not meet successCondition result <= 0.2 (1 of 4 events of " + SCOPE
                                        + " with application=checkout)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "file"})
    void aRatioWithoutEventsIsAnErrorUnlessGivenAValue(String kind) {
        open(kind);
        outcome("checkout", true, T.minus(Duration.ofMinutes(1)));
        MetricSource.Events share = MetricSource.deploymentFailureRatio(Duration.ofMinutes(10));

        AnalysisResult r = run(
                "search",
                MetricCheck.builder("strict")
                        .source(share)
                        .successCondition("result <= 0.2")
                        .build(),
                MetricCheck.builder("lenient")
                        .source(share.orWhenNone(0))
                        .successCondition("result <= 0.2")
                        .build(),
                MetricCheck.builder("everything")
                        .source(MetricSource.eventRatio(Duration.ofMinutes(10), Set.of(FAILED), Set.of(COMPLETED)))
                        .successCondition("result <= 0.2")
                        .build());

        assertThat(r.measurements())
                .containsExactly(
                        new Measurement(
                                "strict",
                                T,
                                null,
                                MeasurementPhase.ERROR,
                                "0 of 0 events of " + SCOPE + " with application=search: a ratio of no events has no"
                                        + " value; give the source one for that case with orWhenNone(...), or count"
                                        + " events instead"),
                        new Measurement(
                                "lenient",
                                T,
                                0.0,
                                MeasurementPhase.SUCCESSFUL,
                                "0 meets successCondition result <= 0.2 (0 of 0 events of " + SCOPE
                                        + " with application=search, the value when there are none)"),
                        new Measurement(
                                "everything",
                                T,
                                1.0,
                                MeasurementPhase.FAILED,
                                "1 does not meet successCondition result <= 0.2 (1 of 1 events of " + SCOPE + ")"));
        assertThat(r.phase()).isEqualTo(AnalysisPhase.FAILED);
    }
}
