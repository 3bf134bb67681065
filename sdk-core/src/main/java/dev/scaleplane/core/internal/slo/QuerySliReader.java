package dev.scaleplane.core.internal.slo;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.adapters.Adapters;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.observability.Sample;
import dev.scaleplane.api.slo.ErrorBudget;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an {@link Sli.QueryRatio} through its observability adapter: two instant queries per window at the
 * evaluation time, {@value Sli#WINDOW_PLACEHOLDER} replaced by the window in PromQL's duration syntax.
 */
final class QuerySliReader implements SliReader {
    private final Adapters adapters;

    QuerySliReader(Adapters adapters) {
        this.adapters = adapters;
    }

    @Override
    public Map<Duration, ErrorBudget> read(SloDefinition slo, Instant now, Set<Duration> windows) {
        Sli.QueryRatio sli = (Sli.QueryRatio) slo.sli();
        ObservabilityAdapter adapter;
        try {
            adapter = adapters.observability(sli.adapter());
        } catch (RuntimeException e) {
            throw new ScaleplaneException(
                    "SLO " + slo.service() + "/" + slo.name() + " reads observability adapter '"
                            + sli.adapter() + "' (" + SloDefinition.key(slo.name(), "sli.adapter") + "), which is not"
                            + " available: " + e.getMessage(),
                    e);
        }
        Map<Duration, ErrorBudget> result = new HashMap<>();
        for (Duration w : windows) {
            String range = promDuration(w);
            double good = sum(adapter, slo, sli.goodQuery().replace(Sli.WINDOW_PLACEHOLDER, range), now);
            double total = sum(adapter, slo, sli.totalQuery().replace(Sli.WINDOW_PLACEHOLDER, range), now);
            // Two queries are two reads: rounding (or extrapolating functions such as increase) can put good a hair
            // above total, which is no error.
            result.put(w, new ErrorBudget(slo.objective(), Math.min(good, total), total));
        }
        return result;
    }

    private static double sum(ObservabilityAdapter adapter, SloDefinition slo, String query, Instant at) {
        List<Sample> samples;
        try {
            samples = adapter.query(query, at);
        } catch (RuntimeException e) {
            throw new ScaleplaneException(
                    "cannot evaluate SLO " + slo.service() + "/" + slo.name() + " on " + adapter.system() + " '"
                            + adapter.name() + "' (query " + query + "): " + e.getMessage(),
                    e);
        }
        double sum = 0;
        for (Sample s : samples) {
            if (Double.isFinite(s.value()) && s.value() > 0) {
                sum += s.value();
            }
        }
        return sum;
    }

    /** A duration in PromQL syntax, in its largest exact unit: {@code 30d}, {@code 6h}, {@code 5m}, {@code 90s}. */
    static String promDuration(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
