package dev.scaleplane.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.StoreLockedException;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileEventStoreProvider;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the file log does beyond the kit: recovery of damaged tails, the directory lock, configuration. */
class FileEventStoreTest {
    private static final EventCodec CODEC = EventCodec.of(EventTypeRegistry.platformDefaults());

    @TempDir
    Path tmp;

    private FileEventStore open(FileStoreSettings settings) {
        return FileEventStore.open(settings, CODEC, Clock.systemUTC());
    }

    private static Event<Map<String, Object>> event(int n) {
        return Event.<Map<String, Object>>builder(
                        "dev.scaleplane.test.file.v1", Map.of("n", n, "text", "x".repeat(n % 300)))
                .source("/test")
                .build();
    }

    private static void appendN(EventStore store, String stream, int from, int to) {
        for (int i = from; i < to; i++) {
            store.append(stream, ExpectedVersion.ANY, List.of(event(i))).join();
        }
    }

    private static Path lastSegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".log"))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    private static List<Integer> numbers(EventStore store) {
        return store.readAll(ReadDirection.FORWARD, 0, 10_000).stream()
                .map(r -> ((Number) ((Map<?, ?>) r.event().data()).get("n")).intValue())
                .toList();
    }

    /** The ways a crash or a disk can damage the end of the log. */
    enum Damage {
        /** The last record's bytes only partly written. */
        CUT_INSIDE_LAST_RECORD,
        /** A frame header without its payload. */
        PARTIAL_FRAME,
        /** A byte of the last record flipped. */
        FLIPPED_BYTE,
        /** Zeros after the last record, as a file system may leave after a crash. */
        ZERO_FILL,
        /** A length field pointing far past the end. */
        HUGE_LENGTH
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedTailIsTruncatedAndEverythingBeforeItKept(Damage damage) throws IOException {
        Path dir = tmp.resolve("log");
        try (FileEventStore store = open(FileStoreSettings.in(dir))) {
            appendN(store, "s-1", 0, 10);
        }
        Path segment = lastSegment(dir);
        long size = Files.size(segment);
        boolean lastRecordLost;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            switch (damage) {
                case CUT_INSIDE_LAST_RECORD -> {
                    f.setLength(size - 5);
                    lastRecordLost = true;
                }
                case PARTIAL_FRAME -> {
                    f.seek(size);
                    f.write(new byte[] {0, 0, 1});
                    lastRecordLost = false;
                }
                case FLIPPED_BYTE -> {
                    f.seek(size - 3);
                    int b = f.read();
                    f.seek(size - 3);
                    f.write(b ^ 0x40);
                    lastRecordLost = true;
                }
                case ZERO_FILL -> {
                    f.seek(size);
                    f.write(new byte[4096]);
                    lastRecordLost = false;
                }
                case HUGE_LENGTH -> {
                    f.seek(size);
                    f.writeInt(100_000_000);
                    f.writeInt(0);
                    lastRecordLost = false;
                }
                default -> throw new IllegalStateException();
            }
        }
        try (FileEventStore store = open(FileStoreSettings.in(dir))) {
            List<Integer> expected =
                    IntStream.range(0, lastRecordLost ? 9 : 10).boxed().toList();
            assertThat(numbers(store)).containsExactlyElementsOf(expected);
            assertThat(store.truncatedBytes()).isPositive();
            assertThat(store.streamVersion("s-1")).hasValue(expected.size() - 1L);
            appendN(store, "s-1", 100, 101);
        }
        try (FileEventStore store = open(FileStoreSettings.in(dir))) {
            assertThat(store.truncatedBytes())
                    .as("the tail was repaired for good")
                    .isZero();
            assertThat(numbers(store)).hasSize(lastRecordLost ? 10 : 11).endsWith(100);
        }
    }

    @Test
    void corruptionBeforeTheLastSegmentFailsTheOpenInsteadOfDroppingData() throws IOException {
        Path dir = tmp.resolve("log");
        FileStoreSettings settings = FileStoreSettings.in(dir).withSegmentSize(4096);
        try (FileEventStore store = open(settings)) {
            appendN(store, "s-1", 0, 60);
        }
        Path first = dir.resolve(String.format("%020d.log", 0));
        try (RandomAccessFile f = new RandomAccessFile(first.toFile(), "rw")) {
            f.seek(100);
            int b = f.read();
            f.seek(100);
            f.write(b ^ 1);
        }
        assertThatThrownBy(() -> open(settings))
                .isInstanceOf(EventStoreException.class)
                .hasMessageContaining(first.toString())
                .hasMessageContaining("not the last segment");
    }

    @Test
    void segmentsRollAndReadsSpanThem() throws IOException {
        Path dir = tmp.resolve("log");
        FileStoreSettings settings = FileStoreSettings.in(dir).withSegmentSize(4096);
        try (FileEventStore store = open(settings)) {
            appendN(store, "s-1", 0, 200);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".log")).count()).isGreaterThan(5);
        }
        try (FileEventStore store = open(settings)) {
            assertThat(numbers(store))
                    .containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
            assertThat(store.readStream("s-1", ReadDirection.BACKWARD, Long.MAX_VALUE, 3))
                    .extracting(RecordedEvent::version)
                    .containsExactly(199L, 198L, 197L);
        }
    }

    @Test
    void batchesOfConcurrentAppendsRollSegmentsAtTheirSize() throws Exception {
        Path dir = tmp.resolve("log");
        FileStoreSettings settings = FileStoreSettings.in(dir).withSegmentSize(4096);
        try (FileEventStore store = open(settings)) {
            // Many appends in flight at once, so the group-commit writer takes batches bigger than a segment.
            List<java.util.concurrent.CompletableFuture<?>> pending = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                pending.add(store.append("s-" + (i % 7), ExpectedVersion.ANY, List.of(event(i))));
            }
            pending.forEach(java.util.concurrent.CompletableFuture::join);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> segments =
                    files.filter(p -> p.toString().endsWith(".log")).toList();
            assertThat(segments).hasSizeGreaterThan(10);
            for (Path segment : segments) {
                assertThat(Files.size(segment)).as(segment.toString()).isLessThanOrEqualTo(4096);
            }
        }
        try (FileEventStore store = open(settings)) {
            assertThat(numbers(store)).hasSize(400);
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void everyPolicyCommitsConcurrentAppends(FsyncPolicy policy) throws Exception {
        Path dir = tmp.resolve(policy.name());
        try (FileEventStore store = open(FileStoreSettings.in(dir).withFsync(policy))) {
            List<Thread> threads = IntStream.range(0, 8)
                    .mapToObj(t -> new Thread(() -> appendN(store, "s-" + t, t * 1000, t * 1000 + 50)))
                    .toList();
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        }
        try (FileEventStore store = open(FileStoreSettings.in(dir).withFsync(policy))) {
            assertThat(numbers(store)).hasSize(400).doesNotHaveDuplicates();
            for (int t = 0; t < 8; t++) {
                assertThat(store.streamVersion("s-" + t)).hasValue(49);
            }
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        Path dir = tmp.resolve("log");
        FileEventStore first = open(FileStoreSettings.in(dir));
        assertThatThrownBy(() -> open(FileStoreSettings.in(dir)))
                .isInstanceOf(StoreLockedException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("pid " + ProcessHandle.current().pid());
        first.close();
        open(FileStoreSettings.in(dir)).close();
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsNamedInTheError() throws Exception {
        Path dir = tmp.resolve("log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashWriter.class.getName(),
                        dir.toString(),
                        "NONE",
                        "1",
                        "1")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
                assertThat(in.readLine()).isEqualTo("READY");
                assertThatThrownBy(() -> open(FileStoreSettings.in(dir)))
                        .isInstanceOf(StoreLockedException.class)
                        .hasMessageContaining(dir.toString())
                        .hasMessageContaining("pid " + child.pid());
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
        }
        open(FileStoreSettings.in(dir)).close();
    }

    @Test
    void configurationIsReadWithEveryProblemListed() {
        FileStoreSettings defaults = FileStoreSettings.fromConfig(ScaleplaneProperties.of(Map.of()));
        assertThat(defaults.directory()).isEqualTo(Path.of(".scaleplane/store").toAbsolutePath());
        assertThat(defaults.fsync()).isEqualTo(FsyncPolicy.GROUP_COMMIT);
        assertThat(defaults.segmentSize()).isEqualTo(64L << 20);
        assertThat(defaults.retention().isEmpty()).isTrue();

        FileStoreSettings set = FileStoreSettings.fromConfig(ScaleplaneProperties.of(Map.of(
                "scaleplane.store.file.directory", tmp.toString(),
                "scaleplane.store.file.fsync", "always",
                "scaleplane.store.file.segment-size", "1048576",
                "scaleplane.store.retention.deployment.max-age", "30d",
                "scaleplane.store.retention.build.max-count", "10")));
        assertThat(set.directory()).isEqualTo(tmp);
        assertThat(set.fsync()).isEqualTo(FsyncPolicy.ALWAYS);
        assertThat(set.segmentSize()).isEqualTo(1 << 20);
        assertThat(set.retention().rules())
                .containsEntry("deployment", new RetentionPolicy.Rule(Duration.ofDays(30), 0))
                .containsEntry("build", new RetentionPolicy.Rule(null, 10));

        assertThatThrownBy(() -> FileStoreSettings.fromConfig(ScaleplaneProperties.of(Map.of(
                        "scaleplane.store.file.fsync", "sometimes",
                        "scaleplane.store.file.segment-size", "12",
                        "scaleplane.store.file.directry", "/tmp/x",
                        "scaleplane.store.retention.deployment.max-age", "forever",
                        "scaleplane.store.retention.deployment.max-cnt", "3"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.store.file.fsync",
                                "scaleplane.store.file.segment-size",
                                "scaleplane.store.file.directry",
                                "scaleplane.store.retention.deployment.max-age",
                                "scaleplane.store.retention.deployment.max-cnt"))
                .hasMessageContaining("did you mean scaleplane.store.file.directory?");
    }

    @Test
    void theFileLogIsThePlatformsDefaultStore() {
        Path dir = tmp.resolve("platform");
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.file.directory", dir.toString())))
                .build()) {
            EventStore store = platform.store();
            store.append("deployment-1", ExpectedVersion.NO_STREAM, List.of(event(1)))
                    .join();
            assertThat(store.readStream("deployment-1", ReadDirection.FORWARD, 0, 10))
                    .hasSize(1);
        }
        try (FileEventStore reopened = open(FileStoreSettings.in(dir))) {
            assertThat(reopened.streamVersion("deployment-1")).hasValue(0);
        }
        assertThat(new FileEventStoreProvider().priority()).isEqualTo(-1);
    }
}
