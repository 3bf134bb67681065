package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Events read per second from the file log ({@code readAll} pages of {@value #PAGE} from a random position of
 * {@value #EVENTS} stored {@code DeploymentRequested} events), against the raw limit: positional reads of the same
 * JSON bytes from one file and decoding them with the same codec. The page cache holds the files in both cases, so
 * this measures the store's index lookups and per-event read calls, not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StoreReadBenchmark {
    static final int EVENTS = 100_000;
    static final int PAGE = 100;

    /** {@code scaleplane} (the file log's readAll) or {@code raw} (positional reads and decode of the same bytes). */
    @Param({"scaleplane", "raw"})
    public String impl;

    private Path directory;
    private FileEventStore store;
    private EventCodec codec;
    private FileChannel rawFile;
    private int rawLength;

    /** Writes the events, then reopens the store (or writes the raw file) for reading. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("scaleplane-store-read");
        codec = EventCodec.of(EventTypeRegistry.platformDefaults());
        Event<?> event = Payloads.EVENT;
        if (impl.equals("scaleplane")) {
            FileStoreSettings settings = FileStoreSettings.in(directory).withFsync(FsyncPolicy.NONE);
            try (FileEventStore writer = FileEventStore.open(settings, codec, Clock.systemUTC())) {
                List<CompletableFuture<?>> pending = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++) {
                    pending.add(writer.append("deployment-" + (i % 1000), ExpectedVersion.ANY, List.of(event)));
                }
                pending.forEach(CompletableFuture::join);
            }
            store = FileEventStore.open(settings, codec, Clock.systemUTC());
        } else {
            byte[] json = codec.encodeStructured(event);
            rawLength = json.length;
            rawFile = FileChannel.open(
                    directory.resolve("raw.log"),
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            ByteBuffer all = ByteBuffer.allocate(json.length * 1000);
            for (int i = 0; i < 1000; i++) {
                all.put(json);
            }
            for (int i = 0; i < EVENTS / 1000; i++) {
                all.flip();
                rawFile.write(all);
            }
        }
    }

    /** One page of {@value #PAGE} events from a random position; the score counts events. */
    @Benchmark
    @OperationsPerInvocation(PAGE)
    public void readAllPage(Blackhole bh) throws IOException {
        long from = ThreadLocalRandom.current().nextInt(EVENTS - PAGE);
        if (store != null) {
            List<RecordedEvent> page = store.readAll(ReadDirection.FORWARD, from, PAGE);
            bh.consume(page);
            return;
        }
        for (int i = 0; i < PAGE; i++) {
            ByteBuffer buf = ByteBuffer.allocate(rawLength);
            rawFile.read(buf, (from + i) * rawLength);
            bh.consume(codec.decodeStructured(buf.array()));
        }
    }

    /** Closes and deletes everything written. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (store != null) {
            store.close();
        }
        if (rawFile != null) {
            rawFile.close();
        }
        TempFiles.deleteTree(directory);
    }
}
