package dev.scaleplane.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-memory event bus throughput, publish to handle, for Scaleplane and its peers side by side.
 *
 * <p>One invocation publishes {@value #BATCH} events and returns only when every consumer group has handled all of
 * them, so the score (operations per second) is <em>published events per second, fully handled</em>; in the broadcast
 * topology each published event is handled four times. Nothing is left in flight between invocations, so one
 * implementation's backlog can never be counted as another iteration's work.
 *
 * <p>Topologies ({@code topology} parameter):
 *
 * <ul>
 *   <li>{@code 1p1s}: one publisher, one subscriber (2 threads);
 *   <li>{@code 1p4g}: one publisher, four independent consumer groups, each handling every event (5 threads);
 *   <li>{@code 4p1s}: four publishers, one subscriber (5 threads).
 * </ul>
 *
 * <p>Thread counts are equal across implementations: one thread per publisher and exactly one consumer thread per
 * group, whatever the library (Scaleplane concurrency 1, one Disruptor event processor, one Guava pool thread, one
 * Vert.x event loop, one queue consumer). The machine these numbers are made on has 2 cores, so 4 publishers + 1
 * consumer, or 1 publisher + 4 consumers, oversubscribe it: every implementation is measured under the same
 * oversubscription, and how well its idle strategy gives the core away is part of the result.
 *
 * <p>Implementations ({@code impl} parameter) are described in {@link Impl}; the payload is the shared
 * {@link Payloads#EVENT}. The {@code ...Batch} implementations publish in batches of {@value Impl#PUBLISH_BATCH}
 * ({@code EventBus.publishAll}, the Disruptor's {@code next(n)}/{@code publish(lo, hi)}); the others one event per
 * call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BusThroughputBenchmark {

    /** Events published per invocation, split evenly across publishers. */
    public static final int BATCH = 10_000;

    /** Implementation id, see {@link Impl}. */
    @Param({"scaleplane", "scaleplaneBatch", "disruptor", "disruptorBatch", "disruptorYielding", "guava", "vertx", "abq"
    })
    public String impl;

    /** Topology id, see the class comment. */
    @Param({"1p1s", "1p4g", "4p1s"})
    public String topology;

    private EventPipe pipe;
    private PublisherCrew crew;
    private long expected;
    private String label;

    /** Starts the implementation and the publisher threads; not measured. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Topology t = Topology.of(topology);
        pipe = Impl.of(impl).open(t.groups());
        crew = new PublisherCrew(pipe, Payloads.EVENT, t.publishers());
        label = impl + "/" + topology;
        expected = 0;
    }

    /** Publishes one batch and waits until every group handled all of it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void publishAndHandle() throws Exception {
        expected += BATCH;
        crew.publishBatch(BATCH);
        Await.allReached(pipe.handled(), expected, label);
    }

    /** Checks that nothing was lost or duplicated, then stops everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            for (PaddedCounter c : pipe.handled()) {
                if (c.get() != expected) {
                    throw new IllegalStateException(
                            label + ": a group handled " + c.get() + " events, expected exactly " + expected);
                }
            }
        } finally {
            crew.close();
            pipe.close();
        }
    }
}
