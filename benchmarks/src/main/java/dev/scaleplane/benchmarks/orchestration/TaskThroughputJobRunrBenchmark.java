package dev.scaleplane.benchmarks.orchestration;

import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 * {@link TaskThroughputBenchmark}'s JobRunr peer ({@link JobRunrPeer}), in a class of its own only for its batch:
 * JobRunr completes a few hundred no-op jobs a second here, so a batch of {@value TaskThroughputBenchmark#BATCH}
 * would take a minute per invocation and the CI smoke run far longer than its budget. Everything else is the same:
 * the same workers, the same no-op job submitted one at a time from the benchmark thread, the invocation ends when
 * every job of the batch is known completed, and the tear-down checks that every job ran exactly once. The score is
 * jobs per second, so it compares with the other implementations' tasks per second; {@code OrchestrationTable}
 * prints it in the {@code jobrunr} column.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TaskThroughputJobRunrBenchmark {

    /** Jobs submitted per invocation. */
    public static final int BATCH = 500;

    /** Worker threads of JobRunr's background job server. */
    @Param({"1", "4", "16"})
    public int workers;

    private @Nullable JobRunrPeer jobrunr;
    private long expected;

    /** Starts JobRunr; not measured. */
    @Setup(Level.Trial)
    public void setUp() {
        jobrunr = new JobRunrPeer(workers);
    }

    /** Submits one batch and waits until every job of it is known completed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void submitAndComplete() throws Exception {
        JobRunrPeer j = jobrunr;
        expected += BATCH;
        j.expect(BATCH);
        for (int i = 0; i < BATCH; i++) {
            j.submit();
        }
        j.await(TaskThroughputBenchmark.DEADLINE_SECONDS);
    }

    /** Checks that every job ran exactly once, then stops JobRunr. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (JobRunrPeer.RAN.get() != expected) {
                throw new IllegalStateException("jobrunr/" + workers + ": " + JobRunrPeer.RAN.get()
                        + " job executions, expected exactly " + expected);
            }
        } finally {
            if (jobrunr != null) {
                jobrunr.close();
            }
        }
    }
}
