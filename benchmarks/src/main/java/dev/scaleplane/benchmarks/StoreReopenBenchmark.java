package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * How long opening the file log takes when it holds {@link #events} events: the lock, the scan of every segment with
 * its CRC checks, and the rebuild of the in-memory index. Events go to 10,000 streams with 50 tenants, 5 clusters and
 * a correlation id per 4 events, so the index has realistic dictionaries. Single-shot: each measurement is one open.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class StoreReopenBenchmark {

    /** Events in the log. */
    @Param({"1000000"})
    public int events;

    private Path directory;
    private EventCodec codec;

    /** Writes the log once per trial. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("scaleplane-store-reopen");
        codec = EventCodec.of(EventTypeRegistry.platformDefaults());
        FileStoreSettings settings = FileStoreSettings.in(directory).withFsync(FsyncPolicy.NONE);
        try (FileEventStore store = FileEventStore.open(settings, codec, Clock.systemUTC())) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                Event<?> e = Payloads.EVENT.toBuilder()
                        .id(Event.newId())
                        .tenant("tenant-" + (i % 50))
                        .cluster("ams-" + (i % 5))
                        .correlationId("c-" + (i / 4))
                        .build();
                pending.add(store.append("deployment-" + (i % 10_000), ExpectedVersion.ANY, List.of(e)));
                if (pending.size() == 1000) {
                    pending.forEach(CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(CompletableFuture::join);
        }
    }

    /** Opens and closes the store; the score is the time of one reopen. */
    @Benchmark
    public long reopen() {
        try (FileEventStore store = FileEventStore.open(FileStoreSettings.in(directory), codec, Clock.systemUTC())) {
            return store.size();
        }
    }

    /** Deletes the log. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        TempFiles.deleteTree(directory);
    }
}
