package dev.scaleplane.samples.platform;

import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentMeters;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.slo.SloStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The closing report: a table of the deployments, the SLOs, and the controller's scaling meters. */
final class Report {
    private Report() {}

    /** One row per deployment: id, service, version, outcome, duration and clusters. */
    static String deployments(List<DeploymentStatus> all) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("DEPLOYMENT", "SERVICE", "VERSION", "OUTCOME", "DURATION", "CLUSTERS"));
        for (DeploymentStatus s : all) {
            rows.add(List.of(
                    s.deploymentId(), s.application(), s.version(), s.phase().name(), duration(s), clusters(s)));
        }
        return table(rows);
    }

    /**
     * From the first wave (the request when there was none) to the end; the controller's duration meter counts
     * completed deployments from their first wave.
     */
    private static String duration(DeploymentStatus s) {
        Instant from = s.startedAt() != null ? s.startedAt() : s.requestedAt();
        if (s.finishedAt() == null) {
            return "-";
        }
        return String.format(
                Locale.ROOT, "%.1f s", Duration.between(from, s.finishedAt()).toMillis() / 1000.0);
    }

    /** The clusters in wave order; any not READY shows its state. */
    static String clusters(DeploymentStatus s) {
        if (s.clusters().isEmpty()) {
            return "none" + (s.reason() == null ? "" : " (" + shorten(s.reason()) + ")");
        }
        List<String> parts = new ArrayList<>();
        for (ClusterRollout c : s.clusters()) {
            parts.add(
                    c.state() == ClusterRolloutState.READY
                            ? c.cluster()
                            : c.cluster() + ":"
                                    + c.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(" ", parts);
    }

    /** The reason's first clause, e.g. {@code refused by the error-budget policy}. */
    private static String shorten(String reason) {
        int cut = reason.indexOf(':');
        return cut > 0 ? reason.substring(0, cut) : reason;
    }

    /** Each SLO's error budget and whether its service is frozen. */
    static String slos(List<SloStatus> statuses, Predicate<String> frozen) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("SLO", "SERVICE", "SLI", "GOOD", "TOTAL", "BUDGET LEFT", "DEPLOYMENTS"));
        for (SloStatus s : statuses) {
            rows.add(List.of(
                    s.slo(),
                    s.service(),
                    String.format(Locale.ROOT, "%.1f%%", s.budget().sli() * 100),
                    String.format(Locale.ROOT, "%.0f", s.budget().good()),
                    String.format(Locale.ROOT, "%.0f", s.budget().total()),
                    String.format(Locale.ROOT, "%.0f%%", s.budget().remaining() * 100),
                    frozen.test(s.service()) ? "frozen" : "open"));
        }
        return table(rows);
    }

    /** Rows as columns two spaces apart, each as wide as its widest cell; the last column is not padded. */
    static String table(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(
                        i == row.size() - 1
                                ? row.get(i)
                                : String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row.get(i)));
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** The controller's scaling meters ({@link DeploymentMeters}), read from the platform's registry. */
    static String meters(MeterRegistry registry) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("METER", "VALUE");
        rows.put(
                DeploymentMeters.PER_HOUR,
                gauge(registry, DeploymentMeters.PER_HOUR) + " finished in the trailing hour");
        Timer duration = registry.find(DeploymentMeters.DURATION).timer();
        rows.put(
                DeploymentMeters.DURATION,
                duration == null
                        ? "-"
                        : duration.count() + " completed, " + percentiles(duration) + " (first wave to completion)");
        rows.put(
                DeploymentMeters.ACTIVE_MAX,
                gauge(registry, DeploymentMeters.ACTIVE_MAX) + " deployments in progress at once");
        Counter steps = registry.find(DeploymentMeters.STEPS).counter();
        rows.put(
                DeploymentMeters.STEPS,
                steps == null ? "-" : String.format(Locale.ROOT, "%.0f steps recorded", steps.count()));
        Timer overhead = registry.find(DeploymentMeters.APPLY_OVERHEAD).timer();
        rows.put(
                DeploymentMeters.APPLY_OVERHEAD,
                overhead == null
                        ? "-"
                        : String.format(
                                Locale.ROOT,
                                "%d applies, mean %.2f ms, max %.2f ms",
                                overhead.count(),
                                overhead.mean(TimeUnit.MICROSECONDS) / 1000.0,
                                overhead.max(TimeUnit.MICROSECONDS) / 1000.0));
        Timer recovery = registry.find(DeploymentMeters.FAILURE_RECOVERY).timer();
        rows.put(
                DeploymentMeters.FAILURE_RECOVERY,
                recovery == null || recovery.count() == 0
                        ? "-"
                        : String.format(
                                Locale.ROOT,
                                "%d replacement(s), mean %.2f s from lost to replacement ready",
                                recovery.count(),
                                recovery.mean(TimeUnit.MILLISECONDS) / 1000.0));
        return table(rows.entrySet().stream()
                .map(e -> List.of(e.getKey(), e.getValue()))
                .toList());
    }

    private static String gauge(MeterRegistry registry, String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? "-" : String.format(Locale.ROOT, "%.0f", g.value());
    }

    private static String percentiles(Timer timer) {
        List<String> parts = new ArrayList<>();
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            parts.add(String.format(
                    Locale.ROOT, "p%.0f %.2f s", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS) / 1000.0));
        }
        return String.join(", ", parts);
    }
}
