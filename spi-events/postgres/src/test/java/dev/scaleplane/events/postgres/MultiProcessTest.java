package dev.scaleplane.events.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes append concurrently to overlapping streams of one store while this process follows them with a
 * catch-up subscription: nothing acknowledged is lost or duplicated, every stream's versions are dense, conflicts
 * are reported with the real version, and the reader sees every event exactly once in position order.
 */
class MultiProcessTest {
    private static final int WORKERS = 3;
    private static final int APPENDS_PER_WORKER = 150;
    private static final int STREAMS = 4;

    @RegisterExtension
    final TestPostgres pg = new TestPostgres();

    @TempDir
    Path tmp;

    private record Ack(String stream, long firstVersion, long firstPosition, List<String> ids) {}

    @Test
    void concurrentProcessesLoseNothingAndTheReaderSeesEveryEventOnceInOrder() throws Exception {
        EventStore store = pg.open();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        CatchUpSubscription reader =
                store.subscribe(CatchUpOptions.builder().batchSize(50).build(), seen::add);

        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int w = 0; w < WORKERS; w++) {
            Path out = tmp.resolve("worker-" + w + ".out");
            outputs.add(out);
            processes.add(new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            AppendWorker.class.getName(),
                            pg.schema(),
                            Integer.toString(w),
                            Integer.toString(APPENDS_PER_WORKER),
                            Integer.toString(STREAMS))
                    .redirectOutput(out.toFile())
                    .redirectError(tmp.resolve("worker-" + w + ".err").toFile())
                    .start());
        }
        for (int w = 0; w < WORKERS; w++) {
            assertThat(processes.get(w).waitFor(3, TimeUnit.MINUTES))
                    .as("worker %d finished", w)
                    .isTrue();
            assertThat(processes.get(w).exitValue())
                    .as("worker %d exit code; stderr: %s", w, read(tmp.resolve("worker-" + w + ".err")))
                    .isZero();
        }

        List<Ack> acks = new ArrayList<>();
        int claimsWon = 0;
        int conflicts = 0;
        for (Path out : outputs) {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            assertThat(lines).last().isEqualTo("DONE");
            for (String line : lines) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "ACK" -> acks.add(
                            new Ack(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), List.of(f[4].split(","))));
                    case "CLAIM" -> {
                        if (f[1].equals("WON")) {
                            claimsWon++;
                        } else {
                            assertThat(Long.parseLong(f[2]))
                                    .as("a lost claim sees the winner's version")
                                    .isZero();
                        }
                    }
                    case "CONFLICT" -> {
                        conflicts++;
                        long expected = Long.parseLong(f[2]);
                        long actual = Long.parseLong(f[3]);
                        assertThat(actual).as("conflict on %s", f[1]).isGreaterThan(expected);
                    }
                    case "DONE" -> {}
                    default -> throw new AssertionError("unexpected worker output: " + line);
                }
            }
        }
        assertThat(claimsWon).isEqualTo(1);
        assertThat(acks).hasSize(WORKERS * APPENDS_PER_WORKER + 1);

        // Every acknowledged event is stored once, where its acknowledgement said.
        List<RecordedEvent> all = store.readAll(ReadDirection.FORWARD, 0, 100_000);
        Map<String, RecordedEvent> byId = new HashMap<>();
        for (RecordedEvent r : all) {
            assertThat(byId.put(r.event().id(), r))
                    .as("duplicate event %s", r.event().id())
                    .isNull();
        }
        int acked = 0;
        for (Ack ack : acks) {
            for (int k = 0; k < ack.ids().size(); k++) {
                RecordedEvent r = byId.get(ack.ids().get(k));
                assertThat(r)
                        .as("acknowledged event %s is stored", ack.ids().get(k))
                        .isNotNull();
                assertThat(r.stream()).isEqualTo(ack.stream());
                assertThat(r.version()).isEqualTo(ack.firstVersion() + k);
                assertThat(r.position()).isEqualTo(ack.firstPosition() + k);
                acked++;
            }
        }
        assertThat(all).hasSize(acked);
        assertThat(all).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();

        // Versions are dense per stream and grow with positions.
        Set<String> streams = new HashSet<>();
        all.forEach(r -> streams.add(r.stream()));
        for (String stream : streams) {
            List<RecordedEvent> events = store.readStream(stream, ReadDirection.FORWARD, 0, 100_000);
            for (int v = 0; v < events.size(); v++) {
                assertThat(events.get(v).version()).isEqualTo(v);
            }
            assertThat(events).extracting(RecordedEvent::position).isSorted();
        }

        // The reader saw exactly the stored events, once each, in position order.
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= all.size());
        reader.close();
        assertThat(seen)
                .extracting(RecordedEvent::position)
                .containsExactlyElementsOf(
                        all.stream().map(RecordedEvent::position).toList());
        System.out.printf(
                "multi-process: %d workers, %d appends, %d events, %d conflicts, reader saw %d%n",
                WORKERS, acks.size(), acked, conflicts, seen.size());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static {
        // Children inherit nothing from the surefire fork but the class path; fail clearly if it is missing.
        if (System.getProperty("java.class.path", "").isEmpty()) {
            throw new IllegalStateException("java.class.path is empty" + File.pathSeparator);
        }
    }
}
