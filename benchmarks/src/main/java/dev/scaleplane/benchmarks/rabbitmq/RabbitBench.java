package dev.scaleplane.benchmarks.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the RabbitMQ benchmarks against the machine's broker (127.0.0.1:5672, guest/guest) in one run: creates a
 * throw-away virtual host with {@code rabbitmqctl}, runs {@link RabbitPublishBenchmark},
 * {@link RabbitConsumeBenchmark} and {@link RabbitTaskQueueBenchmark} with JMH (forks get the virtual host), deletes the
 * virtual host and prints the figures with the SDK / raw ratios against the goals of the RabbitMQ issue (0.9) and of
 * issue 18 for the task queue (0.8 of raw, 20,000 tasks/s with 8 submitters).
 *
 * <p>Usage (what {@code benchmarks/rabbitmq.sh} runs): {@code java -cp benchmarks.jar
 * dev.scaleplane.benchmarks.rabbitmq.RabbitBench [jmh-result.json]}
 */
public final class RabbitBench {
    private static final double GOAL = 0.9;
    /** Issue 18's goals for a broker task queue. */
    private static final double TASK_GOAL = 0.8;

    private static final int TASK_RATE_GOAL = 20_000;

    private RabbitBench() {}

    /**
     * Runs everything and prints the table.
     *
     * @param args optional path of the JMH JSON result file to write
     */
    public static void main(String[] args) throws Exception {
        String vhost = "sp-bench-" + UUID.randomUUID().toString().substring(0, 12);
        ctl("add_vhost", vhost);
        try {
            ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
            ChainedOptionsBuilder options = options(new OptionsBuilder(), vhost);
            if (args.length > 0) {
                options.resultFormat(ResultFormatType.JSON).result(args[0]);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            Map<String, Double> scores = new LinkedHashMap<>();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                double score = r.getPrimaryResult().getScore();
                if (name.endsWith("consume")) {
                    score = 1_000_000.0 / score; // SingleShotTime in microseconds per message -> messages per second
                }
                String submitters = r.getParams().getParam("submitters");
                scores.put(
                        name.substring(name.lastIndexOf('.') + 1) + "/"
                                + r.getParams().getParam("queueType") + "/"
                                + r.getParams().getParam("impl")
                                + (submitters == null ? "" : "/" + submitters),
                        score);
            }
            System.out.println();
            System.out.println("RabbitMQ backend: SDK against raw amqp-client, same run, same broker, 1 KiB, confirms,"
                    + " window " + RabbitBenchSupport.WINDOW);
            for (String op : List.of("publish", "consume")) {
                for (String type : List.of("classic", "quorum")) {
                    row(
                            op + " " + type + " (msg/s)",
                            scores.get(op + "/" + type + "/scaleplane"),
                            scores.get(op + "/" + type + "/raw"));
                }
            }
            System.out.println();
            System.out.println(
                    "RabbitMQ task queue: submit -> completed no-op tasks against the raw confirmed round trip of"
                            + " the same broker operations, same run, same broker (goal >= " + TASK_GOAL
                            + " of raw, >= "
                            + TASK_RATE_GOAL + " tasks/s with 8 submitters)");
            for (String mode : List.of("", "-async")) {
                if (!mode.isEmpty()) {
                    System.out.printf(
                            Locale.ROOT,
                            "pipelined: submitAsync against confirm listeners, %d submits in flight per submitter%n",
                            RabbitTaskQueueBenchmark.IN_FLIGHT);
                }
                for (String type : List.of("classic", "quorum")) {
                    for (String submitters : List.of("1", "8")) {
                        String key = "submitToCompleted/" + type + "/";
                        Double sdk = scores.get(key + "scaleplane" + mode + "/" + submitters);
                        taskRow(
                                "tasks/s " + type + ", " + submitters + " submitter(s)" + mode,
                                sdk,
                                scores.get(key + "raw" + mode + "/" + submitters));
                        if (submitters.equals("8") && sdk != null) {
                            System.out.printf(
                                    Locale.ROOT,
                                    "  %,.0f tasks/s with 8 submitters: %s goal >= %,d%n",
                                    sdk,
                                    sdk >= TASK_RATE_GOAL ? "meets" : "MISSES",
                                    TASK_RATE_GOAL);
                        }
                    }
                }
            }
        } finally {
            ctl("delete_vhost", vhost);
        }
    }

    /** Both RabbitMQ benchmarks, their forks pointed at {@code vhost}. */
    private static ChainedOptionsBuilder options(ChainedOptionsBuilder options, String vhost) {
        return options.include(RabbitPublishBenchmark.class.getName())
                .include(RabbitConsumeBenchmark.class.getName())
                .include(RabbitTaskQueueBenchmark.class.getName())
                .jvmArgsAppend(
                        "-D" + RabbitBenchSupport.VHOST_PROPERTY + "=" + vhost,
                        "-D" + RabbitBenchSupport.PORT_PROPERTY + "=" + RabbitBenchSupport.PORT);
    }

    /**
     * Runs both RabbitMQ benchmarks once with {@code smoke}'s settings (one short iteration, as the benchmark smoke
     * run of CI does) in a throw-away virtual host, and returns JMH's results.
     *
     * @throws Exception if a benchmark fails or {@code rabbitmqctl} does
     */
    public static Collection<RunResult> smoke(ChainedOptionsBuilder smoke) throws Exception {
        String vhost = "sp-smoke-" + UUID.randomUUID().toString().substring(0, 12);
        ctl("add_vhost", vhost);
        try {
            ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
            // For runs in this JVM (the smoke run has no forks) as well as for forks, which get it as a JVM argument.
            System.setProperty(RabbitBenchSupport.VHOST_PROPERTY, vhost);
            return new Runner(options(smoke, vhost).build()).run();
        } finally {
            ctl("delete_vhost", vhost);
        }
    }

    private static void row(String what, Double sdk, Double raw) {
        if (sdk == null || raw == null) {
            System.out.printf(Locale.ROOT, "%-28s n/a%n", what);
            return;
        }
        double ratio = sdk / raw;
        System.out.printf(
                Locale.ROOT,
                "%-28s sdk %,10.0f   raw %,10.0f   ratio %.3f  %s goal >= %.1f%n",
                what,
                sdk,
                raw,
                ratio,
                ratio >= GOAL ? "meets" : "MISSES",
                GOAL);
    }

    private static void taskRow(String what, Double sdk, Double raw) {
        if (sdk == null || raw == null) {
            System.out.printf(Locale.ROOT, "%-42s n/a%n", what);
            return;
        }
        double ratio = sdk / raw;
        System.out.printf(
                Locale.ROOT,
                "%-42s sdk %,10.1f   raw %,10.1f   ratio %.3f  %s goal >= %.1f%n",
                what,
                sdk,
                raw,
                ratio,
                ratio >= TASK_GOAL ? "meets" : "MISSES",
                TASK_GOAL);
    }

    private static void ctl(String... args) throws IOException, InterruptedException {
        // -Dscaleplane.bench.rabbitmq.node names a node started by hand (with -Dscaleplane.bench.rabbitmq.port).
        String node = System.getProperty("scaleplane.bench.rabbitmq.node", "");
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        if (!node.isEmpty()) {
            command.add("-n");
            command.add(node);
        }
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed (is RabbitMQ running on"
                    + " 127.0.0.1:5672? start it with: rabbitmq-server -detached): " + out);
        }
    }
}
