package dev.scaleplane.core.internal.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MeasurementPhase;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricResult;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.deployments.analysis.UnknownPlaceholderException;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.internal.store.InMemoryEventStore;
import dev.scaleplane.core.store.RetentionPolicy;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The analysis engine on virtual time with a scripted observability adapter: schedules, the run's phase rules, early
 * stop, resume from prior measurements, cancel, and where measurements run. Every series is asserted exactly.
 */
class AnalysisRunnerTest {
    private static final Instant T = VirtualTaskClock.DEFAULT_START;
    private static final Map<String, String> ARGS =
            Map.of("service", "checkout", "version", "1.4.2", "cluster", "ams-1", "deployment", "d-17");

    private final VirtualTaskClock time = new VirtualTaskClock(T);
    private final ScriptedObservability prom = new ScriptedObservability("prom");
    private final EventStore store = new InMemoryEventStore(time.asClock(), RetentionPolicy.none());
    private final AnalysisRunner runner = new AnalysisRunner(prom.adapters(), store, time, Runnable::run);
    private final List<Measurement> reported = new CopyOnWriteArrayList<>();

    private static MetricCheck.Builder metric(String name, String query, String success) {
        return MetricCheck.builder(name)
                .source(MetricSource.query("prom", query))
                .successCondition(success);
    }

    private AnalysisRun start(AnalysisSpec spec) {
        return start(spec, List.of(), reported::add);
    }

    private AnalysisRun start(AnalysisSpec spec, List<Measurement> prior, Consumer<Measurement> onMeasurement) {
        return runner.start(spec, ARGS, prior, onMeasurement);
    }

    /** Measurements as "metric +seconds PHASE value", for exact series assertions. */
    private static List<String> series(List<Measurement> ms) {
        return ms.stream()
                .map(m -> m.metric() + " +" + Duration.between(T, m.at()).toSeconds() + "s " + m.phase() + " "
                        + m.value())
                .toList();
    }

    private static AnalysisResult done(AnalysisRun run) {
        CompletableFuture<AnalysisResult> f = run.result();
        assertThat(f).isDone();
        return f.join();
    }

    @Test
    void aMetricIsMeasuredAfterItsDelayEveryIntervalUntilItsCount() {
        String query = "sum(rate(errors{job=\"checkout\",version=\"1.4.2\"}[5m]))";
        prom.answer(query, 0.01, 0.02, 0.03);
        AnalysisRun run = start(AnalysisSpec.of(metric(
                        "error-rate",
                        "sum(rate(errors{job=\"{{service}}\",version=\"{{version}}\"}[5m]))",
                        "result < 0.05")
                .count(3)
                .interval(Duration.ofMinutes(1))
                .initialDelay(Duration.ofSeconds(30))
                .build()));

        time.advance(Duration.ofSeconds(29));
        assertThat(prom.calls).isEmpty();
        time.advance(Duration.ofSeconds(1));
        assertThat(series(reported)).containsExactly("error-rate +30s SUCCESSFUL 0.01");
        assertThat(run.result()).isNotDone();
        time.advance(Duration.ofMinutes(2));

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(series(r.measurements()))
                .containsExactly(
                        "error-rate +30s SUCCESSFUL 0.01",
                        "error-rate +90s SUCCESSFUL 0.02",
                        "error-rate +150s SUCCESSFUL 0.03");
        assertThat(reported).isEqualTo(r.measurements());
        assertThat(prom.calls)
                .containsExactly(
                        new ScriptedObservability.Call(query, T.plusSeconds(30)),
                        new ScriptedObservability.Call(query, T.plusSeconds(90)),
                        new ScriptedObservability.Call(query, T.plusSeconds(150)));
        assertThat(r.measurements().get(0).message())
                .isEqualTo("0.01 meets successCondition result < 0.05 (prometheus 'prom', query " + query + ")");
        assertThat(r.metrics())
                .containsExactly(new MetricResult(
                        "error-rate",
                        AnalysisPhase.SUCCESSFUL,
                        3,
                        0,
                        0,
                        0,
                        0,
                        "3 of count 3 measurements taken within the limits (3 successful, 0 failed, 0 inconclusive,"
                                + " 0 errors)"));
        assertThat(r.message())
                .isEqualTo("analysis successful: metric error-rate: 3 of count 3 measurements taken within the limits"
                        + " (3 successful, 0 failed, 0 inconclusive, 0 errors)");
        assertThat(time.pendingActions()).isZero();
    }

    @Test
    void aFailedMetricEndsTheRunAtOnceAndStopsTheOthers() {
        prom.answer("errors", 0.01, 0.01, 0.01, 0.01, 0.01);
        prom.answer("latency", 0.1, 0.5, 0.6);
        AnalysisRun run = start(AnalysisSpec.of(
                metric("error-rate", "errors", "result < 0.05").count(5).build(),
                metric("latency", "latency", "result < 0.3")
                        .count(3)
                        .interval(Duration.ofMinutes(2))
                        .failureLimit(1)
                        .build()));

        time.advance(Duration.ofMinutes(10));

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.FAILED);
        // Ties run in scheduling order: at +120s and +240s latency's timer was set before error-rate's.
        assertThat(series(r.measurements()))
                .containsExactly(
                        "error-rate +0s SUCCESSFUL 0.01",
                        "latency +0s SUCCESSFUL 0.1",
                        "error-rate +60s SUCCESSFUL 0.01",
                        "latency +120s FAILED 0.5",
                        "error-rate +120s SUCCESSFUL 0.01",
                        "error-rate +180s SUCCESSFUL 0.01",
                        "latency +240s FAILED 0.6");
        assertThat(r.message())
                .isEqualTo("analysis failed: metric latency failed: 2 failed measurements exceed failureLimit 1"
                        + " (last: 0.6 does not meet successCondition result < 0.3 (prometheus 'prom', query"
                        + " latency))");
        assertThat(r.metric("error-rate").orElseThrow())
                .isEqualTo(new MetricResult(
                        "error-rate",
                        AnalysisPhase.INCONCLUSIVE,
                        4,
                        0,
                        0,
                        0,
                        0,
                        "not finished: the run ended when metric latency failed: 4 of count 5 measurements taken"
                                + " (4 successful, 0 failed, 0 inconclusive, 0 errors)"));
        assertThat(r.metric("latency").orElseThrow().phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(time.pendingActions()).isZero();
        assertThat(prom.calls).hasSize(7);
    }

    @Test
    void theFifthConsecutiveErrorPutsTheRunInError() {
        prom.answer(
                "up",
                new IllegalStateException("connection refused"),
                List.of(),
                List.of(new Sample(Map.of("pod", "a"), T, 1), new Sample(Map.of("pod", "b"), T, 1)),
                Double.NaN,
                new IllegalStateException("connection refused"));
        AnalysisRun run =
                start(AnalysisSpec.of(metric("up", "up", "result == 1").build()));

        time.advance(Duration.ofMinutes(3));
        assertThat(run.result()).isNotDone();
        time.advance(Duration.ofMinutes(1));

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.ERROR);
        assertThat(r.measurements())
                .extracting(Measurement::at, Measurement::phase, Measurement::message)
                .containsExactly(
                        tuple(
                                T,
                                MeasurementPhase.ERROR,
                                "query failed on prometheus 'prom', query up: connection refused"),
                        tuple(
                                T.plusSeconds(60),
                                MeasurementPhase.ERROR,
                                "no sample on prometheus 'prom', query up: the series does not exist (yet) at"
                                        + " 2026-01-01T00:01:00Z"),
                        tuple(
                                T.plusSeconds(120),
                                MeasurementPhase.ERROR,
                                "2 samples on prometheus 'prom', query up, first labels {pod=a}: a metric needs one"
                                        + " value, aggregate the query, e.g. with sum(...)"),
                        tuple(
                                T.plusSeconds(180),
                                MeasurementPhase.ERROR,
                                "NaN on prometheus 'prom', query up, e.g. a ratio of 0/0 when there is no traffic"),
                        tuple(
                                T.plusSeconds(240),
                                MeasurementPhase.ERROR,
                                "query failed on prometheus 'prom', query up: connection refused"));
        assertThat(r.measurements()).extracting(Measurement::value).containsOnlyNulls();
        assertThat(r.message())
                .isEqualTo("analysis in error: metric up in error: 5 consecutive errors exceed consecutiveErrorLimit 4"
                        + " (last: query failed on prometheus 'prom', query up: connection refused)");
    }

    @Test
    void anInconclusiveMetricLetsTheOthersFinishAndMakesTheRunInconclusive() {
        prom.answer("p99", 0.3);
        prom.answer("errors", 0.01, 0.01);
        AnalysisRun run = start(AnalysisSpec.of(
                metric("p99", "p99", "result < 0.2")
                        .failureCondition("result > 0.5")
                        .build(),
                metric("error-rate", "errors", "result < 0.05").count(2).build()));

        time.advance(Duration.ZERO);
        assertThat(series(reported)).containsExactly("p99 +0s INCONCLUSIVE 0.3", "error-rate +0s SUCCESSFUL 0.01");
        assertThat(run.result()).isNotDone();
        time.advance(Duration.ofMinutes(1));

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(r.metrics())
                .extracting(MetricResult::phase)
                .containsExactly(AnalysisPhase.INCONCLUSIVE, AnalysisPhase.SUCCESSFUL);
        assertThat(r.message())
                .isEqualTo("analysis inconclusive: metric p99 inconclusive: 1 inconclusive measurement exceeds"
                        + " inconclusiveLimit 0 (last: 0.3 meets neither successCondition result < 0.2 nor"
                        + " failureCondition result > 0.5 (prometheus 'prom', query p99))");
    }

    @Test
    void aResumedRunCountsThePriorMeasurementsAndKeepsTheirSchedule() {
        prom.answer("errors", 0.02);
        prom.answer("p99", 0.1);
        prom.answer("saturation", 0.5);
        List<Measurement> prior = List.of(
                new Measurement("error-rate", T.minusSeconds(90), 0.01, MeasurementPhase.SUCCESSFUL, "before"),
                new Measurement("saturation", T.minusSeconds(300), null, MeasurementPhase.ERROR, "before"),
                new Measurement("error-rate", T.minusSeconds(30), null, MeasurementPhase.ERROR, "before"));
        AnalysisRun run = start(
                AnalysisSpec.of(
                        metric("error-rate", "errors", "result < 0.05")
                                .count(2)
                                .build(), // next due 1 min after the last prior one: +30s
                        metric("p99", "p99", "result < 0.2")
                                .initialDelay(Duration.ofSeconds(10))
                                .build(), // no prior measurement: its initial delay from now
                        metric("saturation", "saturation", "result < 0.8").build()), // overdue: at once
                prior,
                reported::add);

        time.advance(Duration.ZERO);
        assertThat(series(reported)).containsExactly("saturation +0s SUCCESSFUL 0.5");
        time.advance(Duration.ofSeconds(29));
        assertThat(series(reported)).containsExactly("saturation +0s SUCCESSFUL 0.5", "p99 +10s SUCCESSFUL 0.1");
        assertThat(run.result()).isNotDone();
        time.advance(Duration.ofSeconds(1));

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.SUCCESSFUL);
        assertThat(series(r.measurements()))
                .containsExactly(
                        "saturation +-300s ERROR null",
                        "error-rate +-90s SUCCESSFUL 0.01",
                        "error-rate +-30s ERROR null",
                        "saturation +0s SUCCESSFUL 0.5",
                        "p99 +10s SUCCESSFUL 0.1",
                        "error-rate +30s SUCCESSFUL 0.02");
        assertThat(reported).hasSize(3);
        MetricResult errorRate = r.metric("error-rate").orElseThrow();
        assertThat(List.of(errorRate.successful(), errorRate.errors(), errorRate.consecutiveErrors()))
                .containsExactly(2, 1, 0);
    }

    @Test
    void priorMeasurementsThatDecideTheRunEndItWithoutMeasuring() {
        List<Measurement> prior = List.of(
                new Measurement("error-rate", T.minusSeconds(60), 0.01, MeasurementPhase.SUCCESSFUL, "before"),
                new Measurement("latency", T.minusSeconds(30), 0.9, MeasurementPhase.FAILED, "0.9 too slow"));
        AnalysisRun run = start(
                AnalysisSpec.of(
                        metric("error-rate", "errors", "result < 0.05").count(3).build(),
                        metric("latency", "latency", "result < 0.3").build()),
                prior,
                reported::add);

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.FAILED);
        assertThat(r.message())
                .isEqualTo("analysis failed: metric latency failed: 1 failed measurement exceeds failureLimit 0 (last:"
                        + " 0.9 too slow)");
        assertThat(r.measurements()).isEqualTo(List.of(prior.get(0), prior.get(1)));
        time.advance(Duration.ofHours(1));
        assertThat(prom.calls).isEmpty();
        assertThat(reported).isEmpty();
        assertThat(time.pendingActions()).isZero();

        assertThatThrownBy(() ->
                        start(AnalysisSpec.of(metric("p99", "p99", "result < 1").build()), prior, reported::add))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prior measurement of metric 'error-rate' at 2025-12-31T23:59:00Z, which the analysis spec"
                        + " does not have (its metrics are [p99]); resume a run with the spec it was started with");
    }

    @Test
    void cancelEndsTheRunInconclusiveAndNothingIsMeasuredAfter() {
        prom.answer("errors", 0.01);
        AnalysisRun run = start(AnalysisSpec.of(
                metric("error-rate", "errors", "result < 0.05").count(3).build()));
        time.advance(Duration.ZERO);

        run.cancel();
        run.cancel();

        AnalysisResult r = done(run);
        assertThat(r.phase()).isEqualTo(AnalysisPhase.INCONCLUSIVE);
        assertThat(r.message()).isEqualTo("analysis cancelled before it finished");
        assertThat(r.metrics().get(0).message())
                .isEqualTo("cancelled: 1 of count 3 measurements taken (1 successful, 0 failed, 0 inconclusive, 0"
                        + " errors)");
        assertThat(time.pendingActions()).isZero();
        time.advance(Duration.ofHours(1));
        assertThat(prom.calls).hasSize(1);
        assertThat(reported).hasSize(1);
    }

    @Test
    void aCallbackThatCancelsStopsTheRunWithoutCountingTheMeasurement() {
        prom.answer("errors", 0.01);
        AnalysisRun[] run = new AnalysisRun[1];
        run[0] = start(
                AnalysisSpec.of(
                        metric("error-rate", "errors", "result < 0.05").count(3).build()),
                List.of(),
                m -> run[0].cancel());

        time.advance(Duration.ofHours(1));

        assertThat(done(run[0]).measurements()).isEmpty();
        assertThat(prom.calls).hasSize(1);
    }

    @Test
    void aFailingCallbackStopsTheRunWithItsException() {
        prom.answer("errors", 0.01);
        AnalysisRun run = start(
                AnalysisSpec.of(
                        metric("error-rate", "errors", "result < 0.05").count(3).build()),
                List.of(),
                m -> {
                    throw new IllegalStateException("store unavailable");
                });

        time.advance(Duration.ofHours(1));

        assertThat(run.result()).isCompletedExceptionally();
        assertThatThrownBy(() -> run.result().get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(ScaleplaneException.class)
                .hasMessage("recording the measurement of metric error-rate at 2026-01-01T00:00:00Z failed, so the"
                        + " analysis run stopped (resume it from the recorded measurements):"
                        + " java.lang.IllegalStateException: store unavailable");
        assertThat(prom.calls).hasSize(1);
        assertThat(time.pendingActions()).isZero();
    }

    @Test
    void anUnknownPlaceholderOrAdapterFailsTheStart() {
        assertThatThrownBy(
                        () -> start(AnalysisSpec.of(metric("error-rate", "errors{region=\"{{region}}\"}", "result < 1")
                                .build())))
                .isInstanceOfSatisfying(UnknownPlaceholderException.class, e -> assertThat(e.placeholder())
                        .isEqualTo("region"))
                .hasMessageContaining("the analysis run's args are [cluster, deployment, service, version]");
        assertThatThrownBy(() -> start(AnalysisSpec.of(MetricCheck.builder("error-rate")
                        .source(MetricSource.query("datadog", "errors"))
                        .successCondition("result < 1")
                        .build())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("1 configuration problem:\n  - analysis.metrics.error-rate.source.adapter = 'datadog':"
                        + " expected the name of an observability adapter instance (scaleplane.adapters.<name>.*): no"
                        + " observability adapter instance named 'datadog'; configured: [prom]");
        assertThat(time.pendingActions()).isZero();
    }

    @Test
    void noAnalysisIsSuccessfulAtOnce() {
        AnalysisResult r = done(start(AnalysisSpec.none()));

        assertThat(r)
                .isEqualTo(new AnalysisResult(
                        AnalysisPhase.SUCCESSFUL, List.of(), List.of(), "analysis successful: the spec has no metric"));
    }

    @Test
    void measurementsRunOnTheExecutorNotOnTheClocksThread() {
        Deque<Runnable> executor = new ArrayDeque<>();
        AnalysisRunner queued = new AnalysisRunner(prom.adapters(), store, time, executor::add);
        prom.answer("errors", 0.01, 0.02);
        AnalysisRun run = queued.start(
                AnalysisSpec.of(
                        metric("error-rate", "errors", "result < 0.05").count(2).build()),
                ARGS,
                List.of(),
                reported::add);

        time.advance(Duration.ZERO);
        assertThat(prom.calls).as("the clock only hands the measurement over").isEmpty();
        assertThat(executor).hasSize(1);
        time.advance(Duration.ofSeconds(30)); // the executor is busy: the measurement waits 30 s for a thread
        executor.poll().run();
        assertThat(series(reported)).containsExactly("error-rate +30s SUCCESSFUL 0.01");
        time.advance(Duration.ofSeconds(59)); // the next is due an interval after the measurement was taken
        assertThat(executor).isEmpty();
        time.advance(Duration.ofSeconds(1));
        executor.poll().run();

        assertThat(series(done(run).measurements()))
                .containsExactly("error-rate +30s SUCCESSFUL 0.01", "error-rate +90s SUCCESSFUL 0.02");
        assertThat(prom.calls)
                .extracting(ScriptedObservability.Call::at)
                .containsExactly(T.plusSeconds(30), T.plusSeconds(90));
    }
}
