package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.deployments.analysis.AnalysisPhase;
import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricResult;
import dev.scaleplane.api.orchestration.TaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One analysis run: every metric on its own schedule on the task clock, each measurement taken on the executor (a
 * query may block; the clock's timer thread must not), reported, then counted. State changes under this object's
 * lock; {@link #reporting} serializes the reports and {@link #cancel()}, so that a reported measurement is always in
 * the result and none is reported after cancel returns.
 */
final class DefaultAnalysisRun implements AnalysisRun {
    private final TaskClock clock;
    private final Executor executor;
    private final Measurer measurer;
    private final Consumer<Measurement> onMeasurement;
    private final Object reporting = new Object();
    private final CompletableFuture<AnalysisResult> result = new CompletableFuture<>();
    private final CompletableFuture<AnalysisResult> view = result.copy();

    // Guarded by this.
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private boolean done;

    /** One metric's state and its pending measurement timer. */
    private static final class Metric {
        final MetricState state;
        TaskClock.@Nullable Cancellable timer;

        Metric(MetricCheck check) {
            this.state = new MetricState(check);
        }
    }

    DefaultAnalysisRun(
            List<MetricCheck> checks,
            TaskClock clock,
            Executor executor,
            Measurer measurer,
            Consumer<Measurement> onMeasurement) {
        this.clock = clock;
        this.executor = executor;
        this.measurer = measurer;
        this.onMeasurement = onMeasurement;
        checks.forEach(c -> metrics.put(c.name(), new Metric(c)));
    }

    /**
     * Counts the prior measurements, then ends the run if they decide it, else schedules each undecided metric: the
     * next measurement an interval after its last prior one (at once if that is past), the first after the initial
     * delay from now.
     *
     * @throws IllegalArgumentException if a prior measurement is of a metric the spec does not have
     */
    void start(List<Measurement> prior) {
        List<Measurement> ordered = new ArrayList<>(prior);
        ordered.sort(Comparator.comparing(Measurement::at)); // stable: equal times keep their recorded order
        AnalysisResult end;
        synchronized (this) {
            for (Measurement m : ordered) {
                Metric metric = metrics.get(m.metric());
                if (metric == null) {
                    throw new IllegalArgumentException("prior measurement of metric '" + m.metric() + "' at " + m.at()
                            + ", which the analysis spec does not have (its metrics are " + metrics.keySet()
                            + "); resume a run with the spec it was started with");
                }
                metric.state.add(m);
                measurements.add(m);
            }
            end = decide();
            if (end == null) {
                Instant now = clock.now();
                for (Metric m : metrics.values()) {
                    if (m.state.phase() == null) {
                        Measurement last = m.state.last();
                        schedule(
                                m,
                                last == null
                                        ? m.state.check().initialDelay()
                                        : until(last.at().plus(m.state.check().interval()), now));
                    }
                }
            }
        }
        if (end != null) {
            result.complete(end);
        }
    }

    @Override
    public CompletableFuture<AnalysisResult> result() {
        return view;
    }

    @Override
    public void cancel() {
        AnalysisResult end;
        synchronized (reporting) {
            synchronized (this) {
                if (done) {
                    return;
                }
                end = finish(AnalysisPhase.INCONCLUSIVE, "analysis cancelled before it finished", "cancelled");
            }
        }
        result.complete(end);
    }

    private void schedule(Metric m, Duration delay) {
        m.timer = clock.schedule(delay, () -> submit(m));
    }

    /** On the clock's thread: hands the measurement to the executor. */
    private void submit(Metric m) {
        try {
            executor.execute(() -> measure(m));
        } catch (RejectedExecutionException e) {
            abort(new ScaleplaneException(
                    "the analysis executor refused to measure metric "
                            + m.state.check().name() + ": " + e,
                    e));
        }
    }

    /** On the executor: takes the measurement, reports it, counts it, then schedules the next or ends the run. */
    private void measure(Metric m) {
        synchronized (this) {
            if (done) {
                return;
            }
        }
        Measurement x = measurer.measure(m.state.check(), clock.now());
        AnalysisResult end;
        synchronized (reporting) {
            synchronized (this) {
                if (done) {
                    return; // cancelled while measuring: nothing is reported after cancel
                }
            }
            try {
                onMeasurement.accept(x);
            } catch (RuntimeException e) {
                abort(new ScaleplaneException(
                        "recording the measurement of metric " + x.metric() + " at " + x.at() + " failed, so the"
                                + " analysis run stopped (resume it from the recorded measurements): " + e,
                        e));
                return;
            }
            synchronized (this) {
                if (done) {
                    return; // the callback cancelled the run
                }
                measurements.add(x);
                m.state.add(x);
                end = decide();
                if (end == null && m.state.phase() == null) {
                    schedule(m, until(x.at().plus(m.state.check().interval()), clock.now()));
                }
            }
        }
        if (end != null) {
            result.complete(end);
        }
    }

    /**
     * The result if the run is over: a metric failed or erred (the worst one, first in spec order, decides), or every
     * metric is decided. Lock held.
     */
    private @Nullable AnalysisResult decide() {
        Metric worst = null;
        boolean allDecided = true;
        for (Metric m : metrics.values()) {
            AnalysisPhase p = m.state.phase();
            if (p == null) {
                allDecided = false;
            } else if (worst == null || p.worseThan(Objects.requireNonNull(worst.state.phase()))) {
                worst = m;
            }
        }
        if (worst != null) {
            AnalysisPhase p = Objects.requireNonNull(worst.state.phase());
            if (p == AnalysisPhase.FAILED || p == AnalysisPhase.ERROR) {
                String metric = "metric " + worst.state.check().name();
                return finish(
                        p,
                        "analysis " + word(p) + ": " + metric + " " + word(p) + ": " + worst.state.reason(),
                        "not finished: the run ended when " + metric + " " + word(p));
            }
        }
        if (!allDecided) {
            return null;
        }
        if (worst == null || worst.state.phase() == AnalysisPhase.SUCCESSFUL) {
            List<String> parts = new ArrayList<>();
            metrics.values().forEach(m -> parts.add("metric " + m.state.check().name() + ": " + m.state.reason()));
            return finish(
                    AnalysisPhase.SUCCESSFUL,
                    metrics.isEmpty()
                            ? "analysis successful: the spec has no metric"
                            : "analysis successful: " + String.join("; ", parts),
                    "");
        }
        List<String> parts = new ArrayList<>();
        for (Metric m : metrics.values()) {
            if (m.state.phase() == AnalysisPhase.INCONCLUSIVE) {
                parts.add("metric " + m.state.check().name() + " inconclusive: " + m.state.reason());
            }
        }
        return finish(AnalysisPhase.INCONCLUSIVE, "analysis inconclusive: " + String.join("; ", parts), "");
    }

    /** Ends the run: no more measurements; the result with undecided metrics inconclusive. Lock held. */
    private AnalysisResult finish(AnalysisPhase phase, String message, String whyUnfinished) {
        done = true;
        List<MetricResult> results = new ArrayList<>();
        for (Metric m : metrics.values()) {
            TaskClock.Cancellable t = m.timer;
            m.timer = null;
            if (t != null) {
                t.cancel();
            }
            results.add(m.state.result(whyUnfinished));
        }
        return new AnalysisResult(phase, results, measurements, message);
    }

    /** Ends the run with an exception. */
    private void abort(ScaleplaneException e) {
        synchronized (this) {
            if (done) {
                return;
            }
            finish(AnalysisPhase.ERROR, e.getMessage(), "not finished: " + e.getMessage());
        }
        result.completeExceptionally(e);
    }

    private static Duration until(Instant due, Instant now) {
        return due.isAfter(now) ? Duration.between(now, due) : Duration.ZERO;
    }

    private static String word(AnalysisPhase p) {
        return p == AnalysisPhase.ERROR ? "in error" : p.name().toLowerCase(Locale.ROOT);
    }
}
