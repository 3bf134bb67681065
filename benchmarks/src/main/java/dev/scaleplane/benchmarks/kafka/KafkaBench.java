package dev.scaleplane.benchmarks.kafka;

import dev.scaleplane.kafka.testing.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the Kafka benchmarks against one broker in one run: starts a real broker through the test fixture
 * ({@link KafkaBroker}), runs {@link KafkaPublishBenchmark}, {@link KafkaConsumeBenchmark} and {@link
 * KafkaTaskQueueBenchmark} with JMH (forks get the broker's address), then {@link KafkaLatency} at 20,000 events per
 * second for the SDK and the raw client (five alternating rounds each, median reported, plus one round per mixed pair
 * to tell the sides apart), and prints the figures and the SDK / raw ratios against the goals of the issue. The
 * environment variable {@value #ONLY} selects a part: {@code bus} (publish, consume, latency) or {@code tasks} (the
 * task queue); both by default.
 *
 * <p>Usage (what {@code benchmarks/kafka.sh} runs): {@code java -cp benchmarks.jar
 * dev.scaleplane.benchmarks.kafka.KafkaBench [jmh-result.json]}
 */
public final class KafkaBench {
    private static final double PUBLISH_GOAL = 0.95;
    private static final double CONSUME_GOAL = 0.9;
    /**
     * Issue 18's goal for both publish and consume against the raw client carrying the same CloudEvents headers: what
     * the SDK itself costs, apart from what the headers cost kafka-clients and the broker.
     */
    private static final double SAME_HEADERS_GOAL = 0.95;

    private static final double LATENCY_GOAL = 1.2;
    private static final double TASKS_GOAL = 0.8;
    private static final double TASKS_RATE_GOAL = 20_000;
    private static final int RATE = 20_000;
    /** Environment variable selecting what runs: {@code all} (default), {@code bus} or {@code tasks}. */
    static final String ONLY = "SCALEPLANE_KAFKA_BENCH";

    private static final int LATENCY_ROUNDS = 5;

    private KafkaBench() {}

    /**
     * Runs everything and prints the table.
     *
     * @param args optional path of the JMH JSON result file to write
     */
    public static void main(String[] args) throws Exception {
        String only = System.getenv().getOrDefault(ONLY, "all");
        if (!List.of("all", "bus", "tasks").contains(only)) {
            throw new IllegalArgumentException(ONLY + " must be all, bus or tasks, but was '" + only + "'");
        }
        boolean bus = !only.equals("tasks");
        boolean tasks = !only.equals("bus");
        try (KafkaBroker broker = KafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            System.out.println("Broker: " + bootstrap + " (pid " + broker.pid() + ")");
            ChainedOptionsBuilder options =
                    new OptionsBuilder().jvmArgsAppend("-D" + KafkaBenchSupport.BOOTSTRAP_PROPERTY + "=" + bootstrap);
            if (bus) {
                options.include(KafkaPublishBenchmark.class.getName()).include(KafkaConsumeBenchmark.class.getName());
            }
            if (tasks) {
                options.include(KafkaTaskQueueBenchmark.class.getName());
            }
            if (args.length > 0) {
                options.resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON)
                        .result(args[0]);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            Map<String, Double> scores = new LinkedHashMap<>();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                String impl = r.getParams().getParam("impl");
                double score = r.getPrimaryResult().getScore();
                if (name.endsWith("consume")) {
                    score = 1e9 / score; // SingleShotTime, nanoseconds per record -> records per second
                }
                String submitters = r.getParams().getParam("submitters");
                scores.put(
                        name.substring(name.lastIndexOf('.') + 1) + "/" + impl
                                + (submitters == null ? "" : "/" + submitters),
                        score);
            }
            if (tasks) {
                System.out.println();
                System.out.println("Kafka task queue: submit -> completed no-op tasks against the raw acknowledged"
                        + " round trip of the same records, same run, same broker");
                for (String mode : List.of("", "-async")) {
                    if (!mode.isEmpty()) {
                        System.out.printf(
                                Locale.ROOT,
                                "pipelined: submitAsync against send callbacks, %d submits in flight per submitter%n",
                                KafkaTaskQueueBenchmark.IN_FLIGHT);
                    }
                    for (String n : List.of("1", "8")) {
                        Double sdk = scores.get("submitToCompleted/scaleplane" + mode + "/" + n);
                        row(
                                "tasks/s, " + n + " submitter(s)" + mode,
                                sdk,
                                scores.get("submitToCompleted/raw" + mode + "/" + n),
                                TASKS_GOAL,
                                true);
                        if (n.equals("8") && sdk != null) {
                            System.out.printf(
                                    Locale.ROOT,
                                    "  %,.0f tasks/s with 8 submitters%s: %s goal >= %,.0f%n",
                                    sdk,
                                    mode,
                                    sdk >= TASKS_RATE_GOAL ? "meets" : "MISSES",
                                    TASKS_RATE_GOAL);
                        }
                    }
                }
            }
            if (!bus) {
                return;
            }
            // Latency percentiles on a shared 2-core machine move by a third from one run to the next, so the two
            // sides alternate over several rounds and each reports its median round.
            List<KafkaLatency.Result> sdkRounds = new ArrayList<>();
            List<KafkaLatency.Result> rawRounds = new ArrayList<>();
            for (int round = 0; round < LATENCY_ROUNDS; round++) {
                sdkRounds.add(KafkaLatency.measure(
                        "scaleplane", bootstrap, RATE, Duration.ofSeconds(5), Duration.ofSeconds(15)));
                rawRounds.add(
                        KafkaLatency.measure("raw", bootstrap, RATE, Duration.ofSeconds(5), Duration.ofSeconds(15)));
            }
            KafkaLatency.Result sdk = median(sdkRounds);
            KafkaLatency.Result raw = median(rawRounds);
            // Which side a latency difference comes from: SDK publishing to a raw consumer, and the reverse.
            KafkaLatency.Result sdkPublish = KafkaLatency.measure(
                    "scaleplane", "raw", bootstrap, RATE, Duration.ofSeconds(5), Duration.ofSeconds(15));
            KafkaLatency.Result sdkConsume = KafkaLatency.measure(
                    "raw", "scaleplane", bootstrap, RATE, Duration.ofSeconds(5), Duration.ofSeconds(15));

            System.out.println();
            System.out.println("Kafka backend: SDK against raw kafka-clients, same run, same broker");
            row("publish (records/s)", scores.get("publish/scaleplane"), scores.get("publish/raw"), PUBLISH_GOAL, true);
            row(
                    "  vs raw with CE headers",
                    scores.get("publish/scaleplane"),
                    scores.get("publish/raw-cloudevents"),
                    SAME_HEADERS_GOAL,
                    true);
            row(
                    "consume+handle (records/s)",
                    scores.get("consume/scaleplane"),
                    scores.get("consume/raw"),
                    CONSUME_GOAL,
                    true);
            row(
                    "  vs raw reading CE headers",
                    scores.get("consume/scaleplane"),
                    scores.get("consume/raw-cloudevents"),
                    SAME_HEADERS_GOAL,
                    true);
            System.out.printf(
                    Locale.ROOT,
                    "end-to-end latency at %d/s: samples sdk=%d raw=%d%n",
                    RATE,
                    sdk.samples(),
                    raw.samples());
            row("  p50 latency (us)", sdk.p50(), raw.p50(), Double.NaN, false);
            row("  p99 latency (us)", sdk.p99(), raw.p99(), LATENCY_GOAL, false);
            row("  p99.9 latency (us)", sdk.p999(), raw.p999(), Double.NaN, false);
            System.out.println("  p99 of each round (us): sdk " + p99s(sdkRounds) + ", raw " + p99s(rawRounds));
            System.out.printf(
                    Locale.ROOT,
                    "  by side: SDK publish -> raw consumer p50 %,.1f / p99 %,.1f us;"
                            + " raw publish -> SDK subscription p50 %,.1f / p99 %,.1f us%n",
                    sdkPublish.p50(),
                    sdkPublish.p99(),
                    sdkConsume.p50(),
                    sdkConsume.p99());
        }
    }

    /** The round with the median p99 (its other percentiles come with it). */
    private static KafkaLatency.Result median(List<KafkaLatency.Result> rounds) {
        List<KafkaLatency.Result> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(KafkaLatency.Result::p99));
        return sorted.get(sorted.size() / 2);
    }

    private static String p99s(List<KafkaLatency.Result> rounds) {
        StringBuilder out = new StringBuilder();
        for (KafkaLatency.Result r : rounds) {
            out.append(out.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", r.p99()));
        }
        return out.toString();
    }

    private static void row(String what, Double sdk, Double raw, double goal, boolean higherIsBetter) {
        if (sdk == null || raw == null) {
            System.out.printf(Locale.ROOT, "%-30s n/a%n", what);
            return;
        }
        double ratio = sdk / raw;
        String verdict = Double.isNaN(goal)
                ? ""
                : (higherIsBetter ? ratio >= goal : ratio <= goal)
                        ? "  meets goal " + (higherIsBetter ? ">= " : "<= ") + goal
                        : "  MISSES goal " + (higherIsBetter ? ">= " : "<= ") + goal;
        System.out.printf(
                Locale.ROOT, "%-30s sdk %,12.1f   raw %,12.1f   ratio %.3f%s%n", what, sdk, raw, ratio, verdict);
    }
}
