package dev.scaleplane.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Prints the results of one JMH run (its {@code -rf json} file) as tables of absolute figures and Scaleplane / peer
 * ratios: bus throughput per topology, round-trip latency percentiles, codec throughput, and the event store's file
 * log (appends per fsync policy and writer count against raw file loops, reads, reopen time). Used by
 * {@code benchmarks/run.sh}, so reading results needs nothing but the benchmark jar.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.scaleplane.benchmarks.RatioTable results.json}
 *
 * <p>Ratios are always Scaleplane's figure divided by the peer's. For throughput, above 1 means Scaleplane is faster;
 * for latency (a time), below 1 means Scaleplane is faster. Missing results print as {@code n/a}.
 */
public final class RatioTable {

    private static final String THROUGHPUT = "BusThroughputBenchmark.publishAndHandle";
    private static final String LATENCY = "BusLatencyBenchmark.roundTrip";
    private static final String CODEC = "CodecBenchmark.";
    private static final String STORE_APPEND = "StoreAppendBenchmark.writers";
    private static final String STORE_LATENCY = "StoreAppendBenchmark.latency";
    private static final String STORE_READ = "StoreReadBenchmark.";
    private static final String STORE_REOPEN = "StoreReopenBenchmark.";
    /** The goal of the event store issue: at least this fraction of the raw file limits. */
    private static final double RAW_GOAL = 0.8;

    private static final String SCALEPLANE = "scaleplane";
    /** Scaleplane publishing in batches ({@code publishAll}); compared with the Disruptor's own batch publish. */
    private static final String SCALEPLANE_BATCH = "scaleplaneBatch";

    private static final List<String> TOPOLOGIES = List.of("1p1s", "1p4g", "4p1s");
    /** The goal of the issue: at least this fraction of the comparable Disruptor's throughput. */
    private static final double DISRUPTOR_GOAL = 0.7;

    /**
     * One JMH result: the score, JMH's error, and the lowest and highest measurement iteration over all forks, which
     * shows when an implementation runs in two regimes rather than with small noise.
     */
    private record Score(
            double score, double error, String unit, Map<String, Double> percentiles, double min, double max) {
        double percentile(String key) {
            return percentiles.getOrDefault(key, Double.NaN);
        }
    }

    private final PrintStream out;
    /** topology -> impl -> score, in file order. */
    private final Map<String, Map<String, Score>> throughput = new LinkedHashMap<>();

    private final Map<String, Score> latency = new LinkedHashMap<>();
    /** operation (encode, decode) -> codec -> score. */
    private final Map<String, Map<String, Score>> codec = new LinkedHashMap<>();

    /** "fsync/writers" -> impl -> score, for the file log's appends. */
    private final Map<String, Map<String, Score>> storeAppend = new LinkedHashMap<>();
    /** "fsync/writers" -> impl -> score, for the file log's append latency. */
    private final Map<String, Map<String, Score>> storeLatency = new LinkedHashMap<>();
    /** impl -> score, for the file log's reads. */
    private final Map<String, Score> storeRead = new LinkedHashMap<>();
    /** events -> score, for reopening the file log. */
    private final Map<String, Score> storeReopen = new LinkedHashMap<>();

    private @Nullable String runInfo;

    private RatioTable(PrintStream out) {
        this.out = out;
    }

    /**
     * Reads a JMH JSON result file and prints the tables to standard output.
     *
     * @param args the path of the JMH JSON result file
     * @throws IOException if the file cannot be read or parsed
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RatioTable <jmh-result.json>");
            System.exit(2);
        }
        RatioTable table = new RatioTable(System.out);
        table.read(Path.of(args[0]));
        table.print();
    }

    private void read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
        if (!root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result (expected a JSON array)");
        }
        for (JsonNode result : root) {
            String benchmark = result.path("benchmark").asText();
            JsonNode params = result.path("params");
            Score score = scoreOf(result.path("primaryMetric"));
            if (runInfo == null) {
                runInfo = String.format(
                        Locale.ROOT,
                        "JMH %s, %s %s, forks %d, warmup %d x %s, measurement %d x %s",
                        result.path("jmhVersion").asText(),
                        result.path("vmName").asText(),
                        result.path("jdkVersion").asText(),
                        result.path("forks").asInt(),
                        result.path("warmupIterations").asInt(),
                        result.path("warmupTime").asText(),
                        result.path("measurementIterations").asInt(),
                        result.path("measurementTime").asText());
            }
            if (benchmark.endsWith(THROUGHPUT)) {
                throughput
                        .computeIfAbsent(params.path("topology").asText(), k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), score);
            } else if (benchmark.endsWith(LATENCY)) {
                latency.put(params.path("impl").asText(), score);
            } else if (benchmark.contains(STORE_APPEND)) {
                String writers = benchmark.substring(benchmark.lastIndexOf("writers") + "writers".length());
                storeAppend
                        .computeIfAbsent(params.path("fsync").asText() + "/" + writers, k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), score);
            } else if (benchmark.contains(STORE_LATENCY)) {
                String writers = benchmark.substring(benchmark.lastIndexOf("latency") + "latency".length());
                storeLatency
                        .computeIfAbsent(params.path("fsync").asText() + "/" + writers, k -> new LinkedHashMap<>())
                        .put(params.path("impl").asText(), score);
            } else if (benchmark.contains(STORE_READ)) {
                storeRead.put(params.path("impl").asText(), score);
            } else if (benchmark.contains(STORE_REOPEN)) {
                storeReopen.put(params.path("events").asText(), score);
            } else if (benchmark.contains(CODEC)) {
                String op = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                codec.computeIfAbsent(op, k -> new LinkedHashMap<>())
                        .put(params.path("codec").asText(), score);
            }
        }
    }

    private static Score scoreOf(JsonNode metric) {
        Map<String, Double> percentiles = new LinkedHashMap<>();
        metric.path("scorePercentiles")
                .fields()
                .forEachRemaining(e -> percentiles.put(e.getKey(), e.getValue().asDouble()));
        double error = metric.path("scoreError").asDouble(Double.NaN);
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
                metric.path("score").asDouble(), error, metric.path("scoreUnit").asText(), percentiles, min, max);
    }

    private void print() {
        if (runInfo != null) {
            out.println(runInfo);
        }
        printThroughput();
        printLatency();
        printCodec();
        printStore();
    }

    /** Rows keyed "fsync/writers", by policy name then writer count. */
    private static List<Map.Entry<String, Map<String, Score>>> sortedStoreRows(Map<String, Map<String, Score>> rows) {
        return rows.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Map<String, Score>> e) ->
                                e.getKey().split("/")[0])
                        .thenComparingInt(e -> Integer.parseInt(e.getKey().split("/")[1])))
                .toList();
    }

    private static String micros(@Nullable Score s, String percentile) {
        return s == null ? "n/a" : String.format(Locale.ROOT, "%.0f", s.percentile(percentile) * toMicros(s.unit()));
    }

    private void printStore() {
        if (!storeAppend.isEmpty()) {
            out.println();
            out.println(
                    "Event store file log: acknowledged appends/s, one event each, vs a raw FileChannel loop writing"
                            + " the same bytes (higher is better)");
            out.println(
                    "raw = write+force per append (ALWAYS), one-thread group commit (GROUP_COMMIT), plain write (NONE);"
                            + " goal sp/raw >= " + RAW_GOAL);
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%-13s %7s %14s %7s %14s %7s %7s %s%n",
                    "fsync",
                    "writers",
                    "scaleplane/s",
                    "error",
                    "raw/s",
                    "error",
                    "sp/raw",
                    "goal");
            List<Map.Entry<String, Map<String, Score>>> rows = sortedStoreRows(storeAppend);
            for (Map.Entry<String, Map<String, Score>> e : rows) {
                String[] key = e.getKey().split("/");
                Score sp = e.getValue().get(SCALEPLANE);
                Score raw = e.getValue().get("raw");
                double r = sp == null || raw == null ? Double.NaN : sp.score() / raw.score();
                out.printf(
                        Locale.ROOT,
                        "%-13s %7s %14s %7s %14s %7s %7s %s%n",
                        key[0],
                        Integer.parseInt(key[1]),
                        sp == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", sp.score()),
                        sp == null ? "" : relativeError(sp),
                        raw == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", raw.score()),
                        raw == null ? "" : relativeError(raw),
                        sp == null || raw == null ? "n/a" : ratio(sp.score(), raw.score()),
                        Double.isNaN(r) ? "" : r >= RAW_GOAL ? "MET" : "NOT MET");
            }
        }
        if (!storeLatency.isEmpty()) {
            out.println();
            out.println("Event store file log: latency of one acknowledged append, vs the raw loop (lower is better)");
            out.println("ratio = Scaleplane / raw; below 1.00 means Scaleplane is faster");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%-13s %7s %10s %10s %10s %10s %8s %8s%n",
                    "fsync",
                    "writers",
                    "sp p50 us",
                    "sp p99 us",
                    "raw p50 us",
                    "raw p99 us",
                    "p50 ratio",
                    "p99 ratio");
            for (Map.Entry<String, Map<String, Score>> e : sortedStoreRows(storeLatency)) {
                String[] key = e.getKey().split("/");
                Score sp = e.getValue().get(SCALEPLANE);
                Score raw = e.getValue().get("raw");
                out.printf(
                        Locale.ROOT,
                        "%-13s %7d %10s %10s %10s %10s %8s %8s%n",
                        key[0],
                        Integer.parseInt(key[1]),
                        micros(sp, "50.0"),
                        micros(sp, "99.0"),
                        micros(raw, "50.0"),
                        micros(raw, "99.0"),
                        sp == null || raw == null ? "n/a" : ratio(sp.percentile("50.0"), raw.percentile("50.0")),
                        sp == null || raw == null ? "n/a" : ratio(sp.percentile("99.0"), raw.percentile("99.0")));
            }
        }
        if (!storeRead.isEmpty()) {
            Score sp = storeRead.get(SCALEPLANE);
            out.println();
            out.println(
                    "Event store file log: events/s read with readAll pages of 100, vs positional reads and decode of"
                            + " the same JSON bytes (higher is better)");
            out.println();
            for (Map.Entry<String, Score> e : storeRead.entrySet()) {
                out.printf(
                        Locale.ROOT,
                        "%-12s %,14.0f %8s %8s%n",
                        e.getKey(),
                        e.getValue().score(),
                        relativeError(e.getValue()),
                        sp == null ? "n/a" : ratio(sp.score(), e.getValue().score()));
            }
        }
        if (!storeReopen.isEmpty()) {
            out.println();
            out.println("Event store file log: time to reopen (scan, CRC checks, index rebuild)");
            storeReopen.forEach((events, s) -> out.printf(
                    Locale.ROOT,
                    "%,12d events %,10.0f %s (min %.0f, max %.0f)%n",
                    Long.parseLong(events),
                    s.score(),
                    s.unit(),
                    s.min(),
                    s.max()));
        }
    }

    private void printThroughput() {
        if (throughput.isEmpty()) {
            return;
        }
        out.println();
        out.println("In-memory bus throughput: events/s published and handled by every group (higher is better)");
        out.println("ratio = Scaleplane / peer; above 1.00 means Scaleplane is faster; sp = one event per publish,"
                + " spb = scaleplaneBatch (publishAll of " + Impl.PUBLISH_BATCH + ")");
        out.println();
        out.printf(
                Locale.ROOT,
                "%-9s %-18s %14s %7s %17s %8s %8s%n",
                "topology",
                "impl",
                "events/s",
                "error",
                "iterations M/s",
                "sp/impl",
                "spb/impl");
        for (String topology : orderedTopologies()) {
            Map<String, Score> byImpl = throughput.get(topology);
            Score sp = byImpl.get(SCALEPLANE);
            Score spb = byImpl.get(SCALEPLANE_BATCH);
            boolean first = true;
            for (Map.Entry<String, Score> e : byImpl.entrySet()) {
                Score s = e.getValue();
                out.printf(
                        Locale.ROOT,
                        "%-9s %-18s %,14.0f %7s %17s %8s %8s%n",
                        first ? topology : "",
                        e.getKey(),
                        s.score(),
                        relativeError(s),
                        String.format(Locale.ROOT, "%.1f..%.1f", s.min() / 1e6, s.max() / 1e6),
                        sp == null ? "n/a" : ratio(sp.score(), s.score()),
                        spb == null ? "n/a" : ratio(spb.score(), s.score()));
                first = false;
            }
        }
        out.println();
        out.println("Goal: Scaleplane >= " + DISRUPTOR_GOAL + "x Disruptor (comparable wait strategy), ahead of"
                + " Guava, Vert.x and ArrayBlockingQueue; batches against the Disruptor's batch publish");
        for (String topology : orderedTopologies()) {
            Map<String, Score> byImpl = throughput.get(topology);
            Score sp = byImpl.get(SCALEPLANE);
            if (sp == null) {
                out.printf(Locale.ROOT, "  %-5s no Scaleplane result%n", topology);
            } else {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-5s", topology));
                line.append(verdict(sp, byImpl.get("disruptor"), "disruptor", DISRUPTOR_GOAL));
                line.append(verdict(sp, byImpl.get("guava"), "guava", 1.0));
                line.append(verdict(sp, byImpl.get("vertx"), "vertx", 1.0));
                line.append(verdict(sp, byImpl.get("abq"), "abq", 1.0));
                out.println(line);
            }
            Score spb = byImpl.get(SCALEPLANE_BATCH);
            if (spb != null) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-5s batch:", topology));
                line.append(verdict(spb, byImpl.get("disruptorBatch"), "disruptorBatch", DISRUPTOR_GOAL));
                line.append(verdict(spb, byImpl.get("disruptor"), "disruptor", DISRUPTOR_GOAL));
                if (sp != null) {
                    line.append(String.format(Locale.ROOT, "  gain over publish %.2fx", spb.score() / sp.score()));
                }
                out.println(line);
            }
        }
    }

    private static String verdict(Score sp, @Nullable Score peer, String name, double goal) {
        if (peer == null) {
            return String.format(Locale.ROOT, "  %s n/a;", name);
        }
        double r = sp.score() / peer.score();
        return String.format(Locale.ROOT, "  %s %.2fx (>= %.1fx) %s;", name, r, goal, r >= goal ? "MET" : "NOT MET");
    }

    private List<String> orderedTopologies() {
        return Stream.concat(
                        TOPOLOGIES.stream().filter(throughput::containsKey),
                        throughput.keySet().stream().filter(t -> !TOPOLOGIES.contains(t)))
                .toList();
    }

    private void printLatency() {
        if (latency.isEmpty()) {
            return;
        }
        Score sp = latency.get(SCALEPLANE);
        out.println();
        out.println("Round-trip latency, 1 publisher / 1 subscriber, one publish to handled (lower is better)");
        out.println("ratio = Scaleplane / peer; below 1.00 means Scaleplane is faster");
        out.println();
        out.printf(
                Locale.ROOT,
                "%-18s %9s %9s %10s %10s %11s %11s%n",
                "impl",
                "p50 us",
                "p99 us",
                "p99.9 us",
                "mean us",
                "p50 sp/impl",
                "p99 sp/impl");
        for (Map.Entry<String, Score> e : latency.entrySet()) {
            Score s = e.getValue();
            double factor = toMicros(s.unit());
            out.printf(
                    Locale.ROOT,
                    "%-18s %9.2f %9.2f %10.1f %10.2f %11s %11s%n",
                    e.getKey(),
                    s.percentile("50.0") * factor,
                    s.percentile("99.0") * factor,
                    s.percentile("99.9") * factor,
                    s.score() * factor,
                    sp == null ? "n/a" : ratio(sp.percentile("50.0"), s.percentile("50.0")),
                    sp == null ? "n/a" : ratio(sp.percentile("99.0"), s.percentile("99.0")));
        }
    }

    private static double toMicros(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> 1.0; // us/op, the benchmark's declared unit
        };
    }

    private void printCodec() {
        if (codec.isEmpty()) {
            return;
        }
        out.println();
        out.println("CloudEvents structured JSON codec, DeploymentRequested (higher is better)");
        out.println("ratio = Scaleplane / plain Jackson; above 1.00 means Scaleplane is faster");
        out.println();
        out.printf(Locale.ROOT, "%-8s %-12s %14s %9s %12s%n", "op", "codec", "ops/s", "error", "sp/impl");
        for (Map.Entry<String, Map<String, Score>> op : codec.entrySet()) {
            Score sp = op.getValue().get(SCALEPLANE);
            boolean first = true;
            for (Map.Entry<String, Score> e : op.getValue().entrySet()) {
                Score s = e.getValue();
                out.printf(
                        Locale.ROOT,
                        "%-8s %-12s %,14.0f %8s %12s%n",
                        first ? op.getKey() : "",
                        e.getKey(),
                        s.score(),
                        relativeError(s),
                        sp == null ? "n/a" : ratio(sp.score(), s.score()));
                first = false;
            }
        }
    }

    private static String ratio(double scaleplane, double peer) {
        if (Double.isNaN(scaleplane) || Double.isNaN(peer) || peer == 0) {
            return "n/a";
        }
        double r = scaleplane / peer;
        // Two significant digits for small ratios, so a 30x difference does not print as 0.00.
        return String.format(Locale.ROOT, r < 0.1 ? "%.3f" : "%.2f", r);
    }

    /** JMH's 99.9% confidence half-width as a share of the score; n/a with one iteration. */
    private static String relativeError(Score s) {
        if (Double.isNaN(s.error()) || s.score() == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "±%.0f%%", 100 * s.error() / s.score());
    }
}
