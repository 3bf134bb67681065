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
 * catch the next event while still spinning; consumers that block at once (the queue, Guava's pool) pay a wake-up
 * every time. When the publisher is held up long enough for a consumer to park (another process took the core), the
 * sleeping Disruptor wakes on its own timer, tens of microseconds later, while Scaleplane and the phased Disruptor are
 * woken by the publisher: that difference is what the p99 column shows, so {@code disruptorPhased} is included as the
 * structurally equal strategy. All of this is each library's idle strategy, reported as is.
 *
 * <p>2 threads on the 2-core machine: no oversubscription here, but other processes on a shared machine do show in
 * the tail.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BusLatencyBenchmark {

    /** Implementation id, see {@link Impl}. */
    @Param({"scaleplane", "disruptor", "disruptorPhased", "disruptorYielding", "guava", "vertx", "abq"})
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
