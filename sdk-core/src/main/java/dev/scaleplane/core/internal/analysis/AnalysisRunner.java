package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.deployments.analysis.AnalysisResult;
import dev.scaleplane.api.deployments.analysis.AnalysisSpec;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.internal.slo.EventSliReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs deployment analyses ({@link AnalysisSpec}) in the manner of Argo Rollouts' {@code AnalysisRun}: the deployment
 * controller starts a run between two waves and acts on its {@link AnalysisResult}.
 *
 * <p>The metrics of a run are measured concurrently, each on its own schedule on the {@link TaskClock} (so a test on a
 * virtual clock runs a run without sleeping): the first measurement after the metric's initial delay, each next one an
 * interval after the last. Measurements are taken on an executor, never on the clock's timer thread, since a query may
 * block on the network. The run ends when every metric is decided, or at once when one fails or errs (the others are
 * stopped and reported inconclusive); its phase is its worst metric's (FAILED, ERROR, INCONCLUSIVE, SUCCESSFUL). Query
 * sources go through {@link Adapters#observability(String)}; event sources count the platform's own events in the
 * {@link EventStore} with the SLO engine's counter ({@link EventSliReader}).
 *
 * <p>Thread-safe; a runner holds no thread of its own beyond its executor's idle-ending daemon threads, so it needs no
 * closing.
 */
public final class AnalysisRunner {
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Shared by the runners that were not given an executor; its daemon threads end after a minute idle. */
    private static final Executor MEASUREMENTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scaleplane-analysis-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Adapters adapters;
    private final TaskClock clock;
    private final Executor executor;
    private final Measurer measurer;

    /**
     * A runner measuring on a shared pool of daemon threads.
     *
     * @param adapters the platform's adapters, for query sources
     * @param store the platform's event store, for event sources
     * @param clock schedules the measurements and gives their time
     */
    public AnalysisRunner(Adapters adapters, EventStore store, TaskClock clock) {
        this(adapters, store, clock, MEASUREMENTS);
    }

    /**
     * A runner measuring on {@code executor}; tests pass a direct executor ({@code Runnable::run}) so that a virtual
     * clock's advance takes the measurements due.
     */
    public AnalysisRunner(Adapters adapters, EventStore store, TaskClock clock, Executor executor) {
        this.adapters = Objects.requireNonNull(adapters, "adapters");
        Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.measurer = new Measurer(adapters, new EventSliReader(() -> store));
    }

    /**
     * Starts a run of {@code spec}.
     *
     * <p>{@code prior} are the measurements an earlier (killed) process recorded for this run: they count toward each
     * metric's count and limits (a run they already decide completes at once), and a metric's next measurement is due
     * an interval after its last prior one, at once if that is past; a metric without prior measurements starts after
     * its initial delay from now. {@code onMeasurement} is called with each new measurement before the next is taken,
     * one call at a time, on an executor thread (the controller records it); if it throws, the run stops and its
     * result completes exceptionally. A measurement is in the result exactly when it was reported.
     *
     * @param args the values of the sources' placeholders, e.g. {@code service}, {@code version}, {@code cluster},
     *     {@code deployment}
     * @param prior measurements recorded earlier for this run, empty for a new run
     * @return the run; its result completes when the run ends, {@link AnalysisRun#cancel()} stops it
     * @throws dev.scaleplane.api.deployments.analysis.UnknownPlaceholderException if a source names a placeholder
     *     {@code args} does not hold
     * @throws ConfigurationException if a query source names an observability adapter the platform does not have
     * @throws IllegalArgumentException if a prior measurement is of a metric the spec does not have
     */
    public AnalysisRun start(
            AnalysisSpec spec, Map<String, String> args, List<Measurement> prior, Consumer<Measurement> onMeasurement) {
        Objects.requireNonNull(spec, "spec");
        Map<String, String> a = Map.copyOf(args);
        List<Measurement> p = List.copyOf(prior);
        Objects.requireNonNull(onMeasurement, "onMeasurement");
        List<MetricCheck> checks = new ArrayList<>();
        for (MetricCheck check : spec.metrics()) {
            MetricCheck resolved = check.resolve(a);
            if (resolved.source() instanceof MetricSource.Query q) {
                requireAdapter(check.name(), q.adapter());
            }
            checks.add(resolved);
        }
        DefaultAnalysisRun run = new DefaultAnalysisRun(checks, clock, executor, measurer, onMeasurement);
        run.start(p);
        return run;
    }

    /** Fails the start, rather than erring five measurements later, when the adapter does not exist. */
    private void requireAdapter(String metric, String adapter) {
        try {
            adapters.observability(adapter);
        } catch (RuntimeException e) {
            throw ConfigurationException.of(
                    MetricCheck.key(metric, "source.adapter"),
                    adapter,
                    "the name of an observability adapter instance (scaleplane.adapters.<name>.*): " + e.getMessage());
        }
    }
}
