package dev.scaleplane.benchmarks.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplane.api.deployments.DeploymentMeters;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the federation results of one JMH run (its {@code -rf json} file): propagation wall clock of the fleet
 * against raw fabric8 with the Scaleplane / fabric8 ratio and the goal of 2 s for 100 clusters, the first
 * propagation on a fresh fleet, the footprint of many registered clusters against raw clients, and the deployment
 * controller's deployments per hour against the same applies through the fleet alone (issue 15's goal of 10,000/h).
 *
 * <p>Usage: {@code java -cp benchmarks/target-bench/benchmarks.jar
 * dev.scaleplane.benchmarks.federation.FederationTable results.json}; {@code benchmarks/run.sh} calls it when the run
 * holds federation results. Results of other benchmarks are ignored.
 */
public final class FederationTable {
    /** The goal for one propagation to 100 clusters, in milliseconds. */
    static final double GOAL_MS = 2000;

    private static final String PROPAGATE = "federation.PropagationBenchmark.propagate";
    private static final String FIRST = "federation.FirstPropagationBenchmark.firstPropagate";
    private static final String FOOTPRINT = "federation.FleetFootprintBenchmark.registerAndProbe";
    private static final String DEPLOY = "federation.DeploymentThroughputBenchmark.deploy";

    /** Issue 15's goal for the deployment controller against 100 clusters, in deployments per hour. */
    static final double DEPLOY_GOAL_PER_HOUR = 10_000;

    /** A time in ms with the lowest and highest shot, and the footprint figures (per-iteration means). */
    private record Score(double ms, double min, double max, int shots, Map<String, Double> aux) {}

    /** Keys "a/b/c" in numeric order of their parts where they are numbers: 50 before 100. */
    private static final Comparator<String> KEYS = (x, y) -> {
        String[] a = x.split("/");
        String[] b = y.split("/");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = a[i].matches("[0-9]+") && b[i].matches("[0-9]+")
                    ? Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]))
                    : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    };

    /** "clusters/delay/workers" -> impl -> score. */
    private final Map<String, Map<String, Score>> propagate = new TreeMap<>(KEYS);
    /** "clusters/delay/workers" -> score. */
    private final Map<String, Score> first = new TreeMap<>(KEYS);
    /** "clusters/servers/credentials" -> impl -> score. */
    private final Map<String, Map<String, Score>> footprint = new TreeMap<>(KEYS);
    /** "clusters/deployments/applications/maxConcurrent/tickMs/fsync" -> impl -> score. */
    private final Map<String, Map<String, Score>> deploy = new TreeMap<>(KEYS);

    private FederationTable() {}

    /**
     * Reads a JMH JSON result file and prints the tables to standard output.
     *
     * @param args the path of the JMH JSON result file
     * @throws IOException if the file cannot be read or is not a JMH JSON result
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FederationTable <jmh-result.json>");
            System.exit(2);
        }
        FederationTable table = new FederationTable();
        table.read(Path.of(args[0]));
        table.print(System.out);
    }

    private void read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
        if (!root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result (expected a JSON array)");
        }
        for (JsonNode result : root) {
            String benchmark = result.path("benchmark").asText();
            JsonNode params = result.path("params");
            String propagationKey = params.path("clusters").asText() + "/"
                    + params.path("controllerDelayMs").asText() + "/"
                    + params.path("applyWorkers").asText();
            if (benchmark.endsWith(PROPAGATE)) {
                propagate
                        .computeIfAbsent(propagationKey, k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), scoreOf(result));
            } else if (benchmark.endsWith(FIRST)) {
                first.put(propagationKey, scoreOf(result));
            } else if (benchmark.endsWith(DEPLOY)) {
                deploy.computeIfAbsent(
                                params.path("clusters").asText() + "/"
                                        + params.path("deployments").asText() + "/"
                                        + params.path("applications").asText() + "/"
                                        + params.path("maxConcurrent").asText() + "/"
                                        + params.path("tickMs").asText() + "/"
                                        + params.path("fsync").asText(),
                                k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), scoreOf(result));
            } else if (benchmark.endsWith(FOOTPRINT)) {
                footprint
                        .computeIfAbsent(
                                params.path("clusters").asText() + "/"
                                        + params.path("servers").asText() + "/"
                                        + params.path("credentials").asText(),
                                k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), scoreOf(result));
            }
        }
    }

    private static Score scoreOf(JsonNode result) {
        JsonNode metric = result.path("primaryMetric");
        double factor = toMillis(metric.path("scoreUnit").asText());
        double min = Double.NaN;
        double max = Double.NaN;
        int shots = 0;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode shot : fork) {
                double v = shot.asDouble() * factor;
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
                shots++;
            }
        }
        // Auxiliary counters of type EVENTS are summed over iterations in the score; the mean of the iterations is
        // the figure of one registration of the whole fleet.
        Map<String, Double> aux = new LinkedHashMap<>();
        result.path("secondaryMetrics").properties().forEach(e -> {
            double sum = 0;
            int n = 0;
            for (JsonNode fork : e.getValue().path("rawData")) {
                for (JsonNode it : fork) {
                    sum += it.asDouble();
                    n++;
                }
            }
            aux.put(e.getKey(), n == 0 ? Double.NaN : sum / n);
        });
        return new Score(metric.path("score").asDouble() * factor, min, max, shots, aux);
    }

    private static double toMillis(String unit) {
        return switch (unit) {
            case "s/op" -> 1e3;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> 1.0;
        };
    }

    private void print(PrintStream out) {
        if (!propagate.isEmpty()) {
            out.println();
            out.println("Propagation of a 5-object bundle to every cluster, propagate() to every cluster ready, wall"
                    + " clock (lower is better)");
            out.println("ratio = Scaleplane / raw fabric8; goal: Scaleplane <= " + (int) GOAL_MS + " ms for 100"
                    + " clusters");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%8s %8s %7s  %-11s %9s %17s %7s %s%n",
                    "clusters",
                    "ctrl ms",
                    "workers",
                    "impl",
                    "mean ms",
                    "shots min..max",
                    "sp/raw",
                    "goal");
            propagate.forEach((key, byImpl) -> {
                String[] k = key.split("/");
                Score sp = byImpl.get("scaleplane");
                Score raw = byImpl.get("fabric8");
                boolean firstRow = true;
                for (Map.Entry<String, Score> e : byImpl.entrySet()) {
                    Score s = e.getValue();
                    boolean isSp = e.getKey().equals("scaleplane");
                    out.printf(
                            Locale.ROOT,
                            "%8s %8s %7s  %-11s %9.0f %17s %7s %s%n",
                            firstRow ? k[0] : "",
                            firstRow ? k[1] : "",
                            firstRow ? k[2] : "",
                            e.getKey(),
                            s.ms(),
                            String.format(Locale.ROOT, "%.0f..%.0f (%d)", s.min(), s.max(), s.shots()),
                            isSp && raw != null ? String.format(Locale.ROOT, "%.2f", sp.ms() / raw.ms()) : "",
                            isSp && k[0].equals("100") ? (s.ms() <= GOAL_MS ? "MET" : "NOT MET") : "");
                    firstRow = false;
                }
            });
        }
        if (!first.isEmpty()) {
            out.println();
            out.println("First propagation on a freshly started fleet (starts the status informers), Scaleplane only");
            out.println();
            first.forEach((key, s) -> {
                String[] k = key.split("/");
                out.printf(
                        Locale.ROOT,
                        "%8s clusters, controller %s ms, %s workers: %.0f ms (%.0f..%.0f, %d shots)%n",
                        k[0],
                        k[1],
                        k[2],
                        s.ms(),
                        s.min(),
                        s.max(),
                        s.shots());
            });
        }
        if (!footprint.isEmpty()) {
            out.println();
            out.println("Footprint of registered, probed clusters in one JVM (servers in another JVM)");
            out.println("heap and native per cluster: growth / clusters; threads: added since the start of the"
                    + " trial; ratio = impl / fabric8 default clients");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%8s %7s %-10s  %-13s %9s %11s %9s %9s %8s %9s %8s%n",
                    "clusters",
                    "servers",
                    "creds",
                    "impl",
                    "ready s",
                    "heap KiB/cl",
                    "heap/raw",
                    "native KiB",
                    "threads",
                    "thr/raw",
                    "heap MiB");
            footprint.forEach((key, byImpl) -> {
                String[] k = key.split("/");
                Score raw = byImpl.get("fabric8");
                boolean firstRow = true;
                for (Map.Entry<String, Score> e : byImpl.entrySet()) {
                    Score s = e.getValue();
                    double heap = s.aux().getOrDefault("heapPerClusterKiB", Double.NaN);
                    double threads = s.aux().getOrDefault("threads", Double.NaN);
                    out.printf(
                            Locale.ROOT,
                            "%8s %7s %-10s  %-13s %9.1f %11.1f %9s %10.1f %8.0f %9s %8.0f%n",
                            firstRow ? k[0] : "",
                            firstRow ? k[1] : "",
                            firstRow ? k[2] : "",
                            e.getKey(),
                            s.ms() / 1000,
                            heap,
                            raw == null ? "n/a" : ratio(heap, raw.aux().get("heapPerClusterKiB")),
                            s.aux().getOrDefault("nativePerClusterKiB", Double.NaN),
                            threads,
                            raw == null ? "n/a" : ratio(threads, raw.aux().get("threads")),
                            s.aux().getOrDefault("heapMiB", Double.NaN));
                    firstRow = false;
                }
            });
        }
        if (!deploy.isEmpty()) {
            printDeployments(out);
        }
    }

    private void printDeployments(PrintStream out) {
        out.println();
        out.println("Deployment controller: deployments of 5 serial cluster applies each, all requested at once, until"
                + " every one finished (higher per hour is better)");
        out.println("raw = the same applies through fleet.propagate(...) without the controller; ratio = Scaleplane /"
                + " raw deployments per hour; goal: >= " + (int) DEPLOY_GOAL_PER_HOUR + "/h on 100 clusters");
        out.println("overhead = the controller's own time per cluster apply (" + DeploymentMeters.APPLY_OVERHEAD
                + "); per apply = applying to ready recorded (raw: propagate to ready)");
        out.println();
        out.printf(
                Locale.ROOT,
                "%8s %6s %5s %5s %5s %12s  %-10s %9s %17s %9s %6s %8s %6s %22s %17s%n",
                "clusters",
                "deploy",
                "apps",
                "max",
                "tick",
                "fsync",
                "impl",
                "mean s",
                "shots min..max s",
                "deploys/h",
                "sp/raw",
                "goal",
                "active",
                "overhead p50/p99/mean",
                "per apply p50/p99");
        deploy.forEach((key, byImpl) -> {
            String[] k = key.split("/", -1); // a run before a parameter existed leaves it empty
            Score sp = byImpl.get("scaleplane");
            Score raw = byImpl.get("raw");
            boolean firstRow = true;
            for (Map.Entry<String, Score> e : byImpl.entrySet()) {
                Score s = e.getValue();
                boolean isSp = e.getKey().equals("scaleplane");
                double perHour = s.aux().getOrDefault("deploymentsPerHour", Double.NaN);
                out.printf(
                        Locale.ROOT,
                        "%8s %6s %5s %5s %5s %12s  %-10s %9.1f %17s %9.0f %6s %8s %6s %22s %17s%n",
                        firstRow ? k[0] : "",
                        firstRow ? k[1] : "",
                        firstRow ? k[2] : "",
                        firstRow ? k[3] : "",
                        firstRow ? k[4] + "ms" : "",
                        firstRow ? k[5] : "",
                        e.getKey(),
                        s.ms() / 1000,
                        String.format(Locale.ROOT, "%.1f..%.1f (%d)", s.min() / 1000, s.max() / 1000, s.shots()),
                        perHour,
                        isSp && raw != null ? ratio(perHour, raw.aux().get("deploymentsPerHour")) : "",
                        isSp && k[0].equals("100") ? (perHour >= DEPLOY_GOAL_PER_HOUR ? "MET" : "NOT MET") : "",
                        isSp ? String.format(Locale.ROOT, "%.0f", s.aux().getOrDefault("activeMax", Double.NaN)) : "",
                        isSp
                                ? String.format(
                                        Locale.ROOT,
                                        "%.1f/%.1f/%.1f ms",
                                        s.aux().getOrDefault("overheadP50Us", Double.NaN) / 1000,
                                        s.aux().getOrDefault("overheadP99Us", Double.NaN) / 1000,
                                        s.aux().getOrDefault("overheadMeanUs", Double.NaN) / 1000)
                                : "",
                        String.format(
                                Locale.ROOT,
                                "%.0f/%.0f ms",
                                s.aux().getOrDefault("applyEndToEndP50Ms", Double.NaN),
                                s.aux().getOrDefault("applyEndToEndP99Ms", Double.NaN)));
                firstRow = false;
            }
        });
    }

    private static String ratio(double a, Double b) {
        if (b == null || b == 0 || Double.isNaN(a) || Double.isNaN(b)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, a / b < 0.1 ? "%.3f" : "%.2f", a / b);
    }
}
