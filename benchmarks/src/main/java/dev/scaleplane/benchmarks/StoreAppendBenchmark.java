package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends per second ({@code writersNN}) and append latency ({@code latencyNN}, sample mode) of the embedded file log
 * under each fsync policy with 1, 4 and 16 concurrent writers, each waiting for its append to be acknowledged, side by side with {@link RawLog}: the same number of bytes per record
 * written with a bare {@link java.nio.channels.FileChannel} in the matching mode (a write+force loop for
 * {@code ALWAYS}, a single-thread group-commit loop for {@code GROUP_COMMIT}, plain writes for {@code NONE}). The raw
 * figure is the physical limit of this disk and JVM; the ratio shows what the store's encoding, checksums,
 * concurrency checks and index cost on top.
 *
 * <p>One append is one {@link DeploymentRequested} event, ANY expected version, to one of 64 streams. The raw record
 * has the byte length of the store's record for that event, measured in {@link #setUp()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StoreAppendBenchmark {

    /** The store's fsync policy, and the raw loop's matching mode. */
    @Param({"ALWAYS", "GROUP_COMMIT", "NONE"})
    public String fsync;

    /** {@code scaleplane} (the file log) or {@code raw} ({@link RawLog}). */
    @Param({"scaleplane", "raw"})
    public String impl;

    private Path directory;
    private FileEventStore store;
    private RawLog raw;
    private Event<DeploymentRequested> event;
    private byte[] rawRecord;
    private final AtomicInteger streams = new AtomicInteger();

    /** Opens the store or the raw log in a fresh directory and sizes the raw record like the store's. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("scaleplane-store-bench");
        event = Payloads.EVENT;
        EventCodec codec = EventCodec.of(EventTypeRegistry.platformDefaults());
        FileStoreSettings settings =
                FileStoreSettings.in(directory.resolve("store")).withFsync(FsyncPolicy.valueOf(fsync));
        if (impl.equals("scaleplane")) {
            store = FileEventStore.open(settings, codec, Clock.systemUTC());
        } else {
            // The byte length of the store's record for this event: append once to a scratch store and measure.
            Path scratch = directory.resolve("scratch");
            long before;
            try (FileEventStore s = FileEventStore.open(FileStoreSettings.in(scratch), codec, Clock.systemUTC())) {
                before = segmentBytes(scratch);
                s.append("deployment-0", ExpectedVersion.ANY, List.of(event)).join();
            }
            rawRecord = new byte[(int) (segmentBytes(scratch) - before)];
            rawRecord[0] = 1; // never sparse
            raw = new RawLog(directory.resolve("raw"), fsync, FileStoreSettings.DEFAULT_SEGMENT_SIZE);
        }
    }

    private static long segmentBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log"))
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    /** Each writer thread appends to its own rotating streams, as services appending to different aggregates do. */
    @State(Scope.Thread)
    public static class Writer {
        int next;
        String[] names;

        /** Gives the thread 64 stream names. */
        @Setup(Level.Trial)
        public void setUp(StoreAppendBenchmark bench) {
            int id = bench.streams.getAndIncrement();
            names = new String[64];
            for (int i = 0; i < names.length; i++) {
                names[i] = "deployment-" + id + "x" + i;
            }
        }

        String stream() {
            return names[next++ & 63];
        }
    }

    private void appendOne(Writer w) {
        if (store != null) {
            store.append(w.stream(), ExpectedVersion.ANY, List.of(event)).join();
        } else {
            raw.append(rawRecord);
        }
    }

    /** One writer. */
    @Benchmark
    @Threads(1)
    public void writers01(Writer w) {
        appendOne(w);
    }

    /** Four concurrent writers. */
    @Benchmark
    @Threads(4)
    public void writers04(Writer w) {
        appendOne(w);
    }

    /** Sixteen concurrent writers. */
    @Benchmark
    @Threads(16)
    public void writers16(Writer w) {
        appendOne(w);
    }

    /** Latency of one acknowledged append with one writer (JMH sample mode: percentiles in the ratio table). */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency01(Writer w) {
        appendOne(w);
    }

    /** Latency of one acknowledged append with sixteen concurrent writers. */
    @Benchmark
    @Threads(16)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency16(Writer w) {
        appendOne(w);
    }

    /** Closes and deletes everything written. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (store != null) {
            store.close();
        }
        if (raw != null) {
            raw.close();
        }
        TempFiles.deleteTree(directory);
    }
}
