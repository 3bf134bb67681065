package dev.scaleplane.core.internal.analysis;

import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.deployments.analysis.Measurement;
import dev.scaleplane.api.deployments.analysis.MeasurementPhase;
import dev.scaleplane.api.deployments.analysis.MetricCheck;
import dev.scaleplane.api.deployments.analysis.MetricSource;
import dev.scaleplane.core.internal.slo.EventSliReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Takes one measurement of a metric whose placeholders are resolved: reads the value from its source and judges it.
 * Never throws for a failing source: that is a measurement in {@link MeasurementPhase#ERROR} with the reason.
 * Thread-safe; {@link #measure} may block on the source (a query over the network, a scan of the store).
 */
final class Measurer {
    private final Adapters adapters;
    private final EventSliReader events;

    Measurer(Adapters adapters, EventSliReader events) {
        this.adapters = adapters;
        this.events = events;
    }

    /** The measurement of {@code check} at {@code at}. */
    Measurement measure(MetricCheck check, Instant at) {
        Read read;
        try {
            read = check.source() instanceof MetricSource.Query q
                    ? query(q, at)
                    : events((MetricSource.Events) check.source(), check.name(), at);
        } catch (RuntimeException e) {
            read = Read.error(e.getMessage() != null ? e.getMessage() : e.toString());
        }
        Double value = read.value;
        if (value == null) {
            return new Measurement(check.name(), at, null, MeasurementPhase.ERROR, read.what);
        }
        MeasurementPhase phase = check.judge(value);
        return new Measurement(check.name(), at, value, phase, verdict(check, value, phase) + " (" + read.what + ")");
    }

    private Read query(MetricSource.Query q, Instant at) {
        ObservabilityAdapter adapter;
        try {
            adapter = adapters.observability(q.adapter());
        } catch (RuntimeException e) {
            return Read.error("observability adapter '" + q.adapter() + "' is not available: " + e.getMessage());
        }
        String on = " on " + adapter.system() + " '" + adapter.name() + "', query " + q.query();
        List<Sample> samples;
        try {
            samples = adapter.query(q.query(), at);
        } catch (RuntimeException e) {
            return Read.error("query failed" + on + ": " + e.getMessage());
        }
        if (samples.isEmpty()) {
            return Read.error("no sample" + on + ": the series does not exist (yet) at " + at);
        }
        if (samples.size() > 1) {
            return Read.error(samples.size() + " samples" + on + ", first labels "
                    + samples.get(0).labels() + ": a metric needs one value, aggregate the query, e.g. with sum(...)");
        }
        double v = samples.get(0).value();
        if (Double.isNaN(v)) {
            return Read.error("NaN" + on + ", e.g. a ratio of 0/0 when there is no traffic");
        }
        return new Read(v, on.substring(" on ".length()));
    }

    private Read events(MetricSource.Events e, String metric, Instant at) {
        Map<Duration, EventSliReader.Counts> counted = events.count(
                e.types(),
                e.otherTypes(),
                e.filterField(),
                e.filterValue(),
                at,
                Set.of(e.window()),
                "the events of analysis metric " + metric);
        EventSliReader.Counts c = counted.get(e.window());
        String scope = " in the " + e.window() + " up to " + at
                + (e.filterField() != null ? " with " + e.filterField() + "=" + e.filterValue() : "");
        if (!e.ratio()) {
            return new Read((double) c.good(), c.good() + " events of " + e.types() + scope);
        }
        long total = c.good() + c.bad();
        String counts = c.good() + " of " + total + " events of " + e.types() + " and " + e.otherTypes() + scope;
        if (total == 0) {
            Double none = e.valueWhenNone();
            return none == null
                    ? Read.error(counts + ": a ratio of no events has no value; give the source one for that case"
                            + " with orWhenNone(...), or count events instead")
                    : new Read(none, counts + ", the value when there are none");
        }
        return new Read((double) c.good() / total, counts);
    }

    private static String verdict(MetricCheck check, double value, MeasurementPhase phase) {
        String v = number(value);
        String success =
                check.successCondition().map(c -> "successCondition " + c).orElse("");
        String failure =
                check.failureCondition().map(c -> "failureCondition " + c).orElse("");
        return switch (phase) {
            case FAILED -> check.failureCondition().isPresent()
                            && check.failureCondition().get().test(value)
                    ? v + " meets " + failure
                    : v + " does not meet " + success;
            case SUCCESSFUL -> check.successCondition().isPresent()
                    ? v + " meets " + success
                    : v + " does not meet " + failure;
            case INCONCLUSIVE -> v + " meets neither " + success + " nor " + failure;
            case ERROR -> throw new IllegalStateException("a value is never judged an error");
        };
    }

    /** A number as people write it: 5, 0.95, 0.000001. */
    static String number(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : Double.toString(v);
    }

    /** A value read and where it came from, or (value null) why none could be read. */
    private record Read(@Nullable Double value, String what) {
        static Read error(String why) {
            return new Read(null, why);
        }
    }
}
