package dev.scaleplane.benchmarks.rabbitmq;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * throw-away virtual host with {@code rabbitmqctl}, runs {@link RabbitPublishBenchmark} and
 * {@link RabbitConsumeBenchmark} with JMH (forks get the virtual host), deletes the virtual host and prints the figures
 * with the SDK / raw ratios against the goal of the RabbitMQ issue (0.9).
 *
 * <p>Usage (what {@code benchmarks/rabbitmq.sh} runs): {@code java -cp benchmarks.jar
 * dev.scaleplane.benchmarks.rabbitmq.RabbitBench [jmh-result.json]}
 */
public final class RabbitBench {
    private static final double GOAL = 0.9;

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
                scores.put(
                        name.substring(name.lastIndexOf('.') + 1) + "/"
                                + r.getParams().getParam("queueType") + "/"
                                + r.getParams().getParam("impl"),
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
        } finally {
            ctl("delete_vhost", vhost);
        }
    }

    /** Both RabbitMQ benchmarks, their forks pointed at {@code vhost}. */
    private static ChainedOptionsBuilder options(ChainedOptionsBuilder options, String vhost) {
        return options.include(RabbitPublishBenchmark.class.getName())
                .include(RabbitConsumeBenchmark.class.getName())
                .jvmArgsAppend("-D" + RabbitBenchSupport.VHOST_PROPERTY + "=" + vhost);
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

    private static void ctl(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(args, 0, command, 1, args.length);
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
