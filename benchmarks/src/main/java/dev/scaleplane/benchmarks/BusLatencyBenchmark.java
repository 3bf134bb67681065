package dev.scaleplane.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One publish to handled round trip, one publisher and one subscriber, sampled (JMH {@code SampleTime}: read p50 and
 * p99 from the result's percentiles).
 *
 * <p>Each operation publishes one event and spins until the consumer has counted it, so the time is the hand-off
 * latency including the consumer's wake-up from whatever idle state its wait strategy left it in. Round trips follow
 * each other back to back, so consumers that spin briefly before parking (Scaleplane, the sleeping Disruptor) usually
 * catch the next event while still spinning; consumers that block at once (the queue) pay a wake-up every time. That
 * is the behaviour of each library's idle strategy, reported as is.
 *
 * <p>2 threads on the 2-core machine: no oversubscription here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BusLatencyBenchmark {

    /** Implementation id, see {@link Impl}. */
    @Param({"scaleplane", "disruptor", "disruptorYielding", "guava", "vertx", "abq"})
    public String impl;

    private EventPipe pipe;
    private PaddedCounter handled;
    private long expected;

    /** Starts the implementation; not measured. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pipe = Impl.of(impl).open(1);
        handled = pipe.handled()[0];
        expected = 0;
    }

    /** Publishes one event and waits until it was handled. */
    @Benchmark
    public void roundTrip() throws Exception {
        long target = ++expected;
        pipe.publish(Payloads.EVENT);
        Await.reached(handled, target, impl);
    }

    /** Stops the implementation. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        pipe.close();
    }
}
