package dev.scaleplane.benchmarks.orchestration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Prints the orchestration results of one JMH run (its {@code -rf json} file): submit-to-completion throughput of
 * Scaleplane against the Quartz and JobRunr peers and the thread-pool floor with the Scaleplane / peer ratios and the goal of 1,000,000 no-op
 * tasks/s, and the cost of one dispatch decision per strategy and pool size.
 *
 * <p>Usage: {@code java -cp benchmarks/target-bench/benchmarks.jar
 * dev.scaleplane.benchmarks.orchestration.OrchestrationTable results.json}. Results of other benchmarks in the file
 * are ignored; missing ones print as {@code n/a}.
 */
public final class OrchestrationTable {

    /** The goal: no-op tasks per second, submitted to completed, in memory. */
    static final double GOAL_TASKS_PER_SECOND = 1_000_000;

    private static final String THROUGHPUT = "TaskThroughputBenchmark.submitAndComplete";
    private static final String JOBRUNR = "TaskThroughputJobRunrBenchmark.submitAndComplete";
    /** The implementations of the throughput benchmark, in column order. */
    private static final String[] IMPLS = {"scaleplane", "queue", "quartz", "jobrunr", "executor"};

    private static final String DECISION = "DispatchDecisionBenchmark.";

    private record Score(double score, double error, double min, double max) {}

    /** workers -> impl -> score. */
    private final Map<Integer, Map<String, Score>> throughput = new TreeMap<>();
    /** strategy -> "method/workers" -> score. */
    private final Map<String, Map<String, Score>> decisions = new LinkedHashMap<>();

    private OrchestrationTable() {}

    /**
     * Reads a JMH JSON result file and prints the tables to standard output.
     *
     * @param args the path of the JMH JSON result file
     * @throws IOException if the file cannot be read or is not a JMH JSON result
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: OrchestrationTable <jmh-result.json>");
            System.exit(2);
        }
        OrchestrationTable table = new OrchestrationTable();
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
            if (benchmark.endsWith(THROUGHPUT)) {
                throughput
                        .computeIfAbsent(params.path("workers").asInt(), k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), scoreOf(result.path("primaryMetric")));
            } else if (benchmark.endsWith(JOBRUNR)) {
                throughput
                        .computeIfAbsent(params.path("workers").asInt(), k -> new LinkedHashMap<>())
                        .put("jobrunr", scoreOf(result.path("primaryMetric")));
            } else if (benchmark.contains(DECISION)) {
                String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                decisions
                        .computeIfAbsent(params.path("strategy").asText(), k -> new LinkedHashMap<>())
                        .put(method + "/" + params.path("workers").asInt(), scoreOf(result.path("primaryMetric")));
            }
        }
    }

    private static Score scoreOf(JsonNode metric) {
        double min = Double.NaN;
        double max = Double.NaN;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                double v = iteration.asDouble();
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }
        return new Score(
                metric.path("score").asDouble(), metric.path("scoreError").asDouble(Double.NaN), min, max);
    }

    private void print(PrintStream out) {
        if (!throughput.isEmpty()) {
            out.println();
            out.println("Orchestration throughput: no-op tasks/s, submitted to known completed (higher is better)");
            out.println("scaleplane = queue + Orchestrator; queue = the same queue, consumer threads leasing and"
                    + " completing directly (no orchestrator); quartz = Quartz RAMJobStore; jobrunr = JobRunr"
                    + " InMemoryStorageProvider; executor = ThreadPoolExecutor runAsync (the floor, no queue semantics);"
                    + " same thread count for all");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%7s %13s %6s %13s %6s %13s %6s %13s %6s %13s %6s%n",
                    "workers",
                    "scaleplane/s",
                    "error",
                    "queue/s",
                    "error",
                    "quartz/s",
                    "error",
                    "jobrunr/s",
                    "error",
                    "executor/s",
                    "error");
            throughput.forEach((workers, byImpl) -> {
                out.printf(Locale.ROOT, "%7d", workers);
                for (String impl : IMPLS) {
                    Score s = byImpl.get(impl);
                    out.printf(Locale.ROOT, " %13s %6s", perSecond(s), relativeError(s));
                }
                out.println();
            });
            out.println();
            out.println("ratios (Scaleplane / peer; > 1 means Scaleplane is faster) and the goal of >= 1,000,000/s:");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%7s %9s %9s %9s %9s %9s %9s  %s%n",
                    "workers",
                    "sp/quartz",
                    "sp/jobrnr",
                    "sp/exec",
                    "q/quartz",
                    "q/jobrnr",
                    "q/exec",
                    "goal");
            throughput.forEach((workers, byImpl) -> {
                Score sp = byImpl.get("scaleplane");
                Score q = byImpl.get("queue");
                Score qz = byImpl.get("quartz");
                Score jr = byImpl.get("jobrunr");
                Score ex = byImpl.get("executor");
                out.printf(
                        Locale.ROOT,
                        "%7d %9s %9s %9s %9s %9s %9s  %s%n",
                        workers,
                        ratio(sp, qz),
                        ratio(sp, jr),
                        ratio(sp, ex),
                        ratio(q, qz),
                        ratio(q, jr),
                        ratio(q, ex),
                        sp == null
                                ? ""
                                : sp.score() >= GOAL_TASKS_PER_SECOND
                                        ? "MET"
                                        : String.format(
                                                Locale.ROOT,
                                                "NOT MET (%.1f%% of it)",
                                                100 * sp.score() / GOAL_TASKS_PER_SECOND));
            });
            out.println();
            out.println("iterations (min..max tasks/s), which show how noisy the machine was:");
            throughput.forEach((workers, byImpl) -> byImpl.forEach((impl, s) -> out.printf(
                    Locale.ROOT, "  %2d workers %-10s %,12.0f .. %,12.0f%n", workers, impl, s.min(), s.max())));
        }
        if (!decisions.isEmpty()) {
            out.println();
            out.println("Dispatch decision cost: ns per choose + onDispatched (lower is better);"
                    + " +snapshots = building the candidate views first, as the Orchestrator does per task");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%-20s %10s %10s %10s %14s %14s %14s%n",
                    "strategy",
                    "10",
                    "100",
                    "1000",
                    "10 +snapshots",
                    "100 +snapshots",
                    "1000 +snapshots");
            decisions.forEach((strategy, byKey) -> out.printf(
                    Locale.ROOT,
                    "%-20s %10s %10s %10s %14s %14s %14s%n",
                    strategy,
                    nanos(byKey.get("decide/10")),
                    nanos(byKey.get("decide/100")),
                    nanos(byKey.get("decide/1000")),
                    nanos(byKey.get("decideWithSnapshots/10")),
                    nanos(byKey.get("decideWithSnapshots/100")),
                    nanos(byKey.get("decideWithSnapshots/1000"))));
        }
    }

    private static String perSecond(@Nullable Score s) {
        return s == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", s.score());
    }

    private static String ratio(@Nullable Score a, @Nullable Score b) {
        return a == null || b == null ? "n/a" : String.format(Locale.ROOT, "%.3f", a.score() / b.score());
    }

    private static String nanos(@Nullable Score s) {
        return s == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", s.score());
    }

    private static String relativeError(@Nullable Score s) {
        if (s == null || Double.isNaN(s.error()) || s.score() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "±%.0f%%", 100 * s.error() / s.score());
    }
}
