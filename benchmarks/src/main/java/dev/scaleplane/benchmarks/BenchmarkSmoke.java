package dev.scaleplane.benchmarks;

import dev.scaleplane.benchmarks.rabbitmq.RabbitBench;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark smoke run of CI: every benchmark method, with every implementation it compares ({@code impl},
 * {@code codec}, {@code strategy}, {@code queueType}), starts and completes one short iteration, all in
 * this JVM (JMH runs without forks: a fork per run cost a JVM start each).
 * Size parameters are cut to their smallest useful value so the run stays within a few minutes. Nothing is timed or
 * compared: a benchmark that no longer runs (a provider that fails {@code build()}, a broker it cannot reach, a bug)
 * fails the build, as JMH's fail-on-error makes it.
 *
 * <p>Usage (bound to the {@code integration-test} phase of the module; skipped with {@code -DskipTests} or {@code
 * -Dscaleplane.benchmarks.smoke.skip=true}): {@code java -cp benchmarks.jar dev.scaleplane.benchmarks.BenchmarkSmoke}.
 * The RabbitMQ benchmarks run in a throw-away virtual host through {@link RabbitBench#smoke}; the Kafka ones share one
 * broker of their own; PostgreSQL ones use the machine's server on 127.0.0.1:5432.
 */
public final class BenchmarkSmoke {
    private BenchmarkSmoke() {}

    /** The options of one smoke iteration, with every size parameter at one small value. */
    static ChainedOptionsBuilder smokeOptions() {
        return new OptionsBuilder()
                // In this JVM: a fork per run cost a JVM start each (75 runs, about 6 of CI's 24 minutes), and the
                // Kafka runs now share one broker (KafkaBroker.shared()) instead of starting one each.
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .timeout(TimeValue.minutes(2))
                .shouldFailOnError(true)
                .param("topology", "1p4g")
                .param("fsync", "GROUP_COMMIT")
                .param("clusters", "10")
                .param("servers", "10")
                .param("events", "1000")
                .param("workers", "4")
                .param("batch", "1")
                .param("deployments", "10");
    }

    /**
     * Runs the smoke run and prints one line per benchmark method; exits with status 0, or with 1 after printing the
     * failure if any benchmark fails.
     */
    public static void main(String[] args) {
        // Benchmarks run in this JVM may leave non-daemon threads of the systems they compare (schedulers, pools):
        // they must keep the build waiting neither after every run completed nor after one failed.
        int status = 1;
        try {
            run();
            status = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            System.exit(status);
        }
    }

    private static void run() throws Exception {
        List<RunResult> results = new ArrayList<>();
        results.addAll(new Runner(smokeOptions()
                        .include("dev\\.scaleplane\\.benchmarks\\..*")
                        .exclude("dev\\.scaleplane\\.benchmarks\\.rabbitmq\\..*")
                        .build())
                .run());
        results.addAll(RabbitBench.smoke(smokeOptions()));
        Collection<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            ran.add(r.getParams().getBenchmark());
        }
        System.out.println();
        System.out.println("Benchmark smoke run: " + results.size() + " runs of " + ran.size()
                + " benchmark methods completed one iteration each (nothing timed or compared).");
        ran.forEach(b -> System.out.println("  " + b));
    }
}
