package dev.scaleplane.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kills a writer process with SIGKILL in the middle of concurrent appends and checks that reopening the log loses no
 * acknowledged append and shows no corrupt record. Each policy runs {@value #ROUNDS} rounds on one directory, so every
 * round also recovers the previous round's torn tail and appends after it. The child ({@link CrashWriter}) prints an
 * event only after its append was acknowledged; lines cut by the kill are ignored (they were not fully reported).
 */
class FileEventStoreCrashTest {
    static final int ROUNDS = 8;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(FsyncPolicy.class)
    void acknowledgedAppendsSurviveSigkill(FsyncPolicy policy) throws Exception {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        Path dir = tmp.resolve(policy.name());
        Map<String, Ack> acked = new HashMap<>();
        Map<String, Long> checkpoints = new HashMap<>();
        int tornTails = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String where = policy + " round " + round + " (seed " + seed + ")";
            // Kill at a random moment after the store opened: from before the first append to a few hundred in.
            long killAfterMillis = random.nextInt(400);
            List<String> lines = runAndKill(dir, policy, random.nextLong(), killAfterMillis);
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[0].equals("A") && f.length == 7) {
                    acked.put(
                            f[4],
                            new Ack(
                                    f[1],
                                    Long.parseLong(f[2]),
                                    Long.parseLong(f[3]),
                                    Integer.parseInt(f[5]),
                                    Integer.parseInt(f[6])));
                } else if (f[0].equals("C") && f.length == 3) {
                    checkpoints.merge(f[1], Long.parseLong(f[2]), Math::max);
                }
            }
            try (FileEventStore store = open(dir, policy)) {
                verify(store, acked, checkpoints, where);
                if (store.truncatedBytes() > 0) {
                    tornTails++;
                }
            }
        }
        assertThat(acked)
                .as("the writers got appends acknowledged before being killed")
                .isNotEmpty();
        System.out.printf(
                "crash test %s (seed %d): %d rounds, %d acknowledged events all recovered, %d torn tails"
                        + " truncated%n",
                policy, seed, ROUNDS, acked.size(), tornTails);
    }

    private static void verify(
            FileEventStore store, Map<String, Ack> acked, Map<String, Long> checkpoints, String where) {
        // Every record visible decodes (the codec throws on damaged JSON), positions are dense, versions too.
        Map<String, Long> nextVersion = new HashMap<>();
        Map<String, RecordedEvent> byId = new HashMap<>();
        long expectedPosition = 0;
        while (true) {
            List<RecordedEvent> page = store.readAll(ReadDirection.FORWARD, expectedPosition, 1000);
            for (RecordedEvent r : page) {
                assertThat(r.position()).as(where).isEqualTo(expectedPosition++);
                long v = nextVersion.getOrDefault(r.stream(), 0L);
                assertThat(r.version())
                        .as(where + ": versions of " + r.stream())
                        .isEqualTo(v);
                nextVersion.put(r.stream(), v + 1);
                byId.put(r.event().id(), r);
            }
            if (page.size() < 1000) {
                break;
            }
        }
        for (Map.Entry<String, Ack> e : acked.entrySet()) {
            Ack ack = e.getValue();
            RecordedEvent r = byId.get(e.getKey());
            assertThat(r)
                    .as(where + ": acknowledged event " + e.getKey() + " " + ack)
                    .isNotNull();
            assertThat(r.stream()).isEqualTo(ack.stream);
            assertThat(r.version()).isEqualTo(ack.version);
            assertThat(r.position()).isEqualTo(ack.position);
            Map<?, ?> data = (Map<?, ?>) r.event().data();
            assertThat(((Number) data.get("t")).intValue()).isEqualTo(ack.thread);
            assertThat(((Number) data.get("n")).intValue()).isEqualTo(ack.seq);
            assertThat(data.get("pad")).isEqualTo(CrashWriter.pad(ack.thread, ack.seq));
        }
        checkpoints.forEach((id, position) -> assertThat(store.checkpoint(id).orElse(-1))
                .as(where + ": checkpoint " + id)
                .isGreaterThanOrEqualTo(position));
        // The recovered tail takes new appends.
        assertThat(store.append(
                                "crash-check",
                                ExpectedVersion.ANY,
                                List.of(dev.scaleplane.api.events.Event.builder(
                                                CrashWriter.TYPE, Map.of("t", -1, "n", -1, "pad", ""))
                                        .source("/check")
                                        .build()))
                        .join()
                        .firstPosition())
                .isEqualTo(expectedPosition);
    }

    private static List<String> runAndKill(Path dir, FsyncPolicy policy, long seed, long killAfterMillis)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashWriter.class.getName(),
                        dir.toString(),
                        policy.name(),
                        "4",
                        Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // Only lines ended by a newline count: the kill may cut the last one, which was never fully reported.
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) >= 0; ) {
                    if (c != '\n') {
                        line.append((char) c);
                        continue;
                    }
                    lines.add(line.toString());
                    if (line.toString().equals("READY")) {
                        ready.countDown();
                    }
                    line.setLength(0);
                }
            } catch (java.io.IOException e) {
                // the pipe closes when the child dies
            } finally {
                ready.countDown();
            }
        });
        reader.start();
        try {
            ready.await(20, TimeUnit.SECONDS);
            Thread.sleep(killAfterMillis);
        } finally {
            child.destroyForcibly();
            child.waitFor(20, TimeUnit.SECONDS);
            reader.join(20_000);
        }
        return new ArrayList<>(lines);
    }

    private static FileEventStore open(Path dir, FsyncPolicy policy) {
        return FileEventStore.open(
                FileStoreSettings.in(dir).withFsync(policy).withSegmentSize(64 * 1024),
                EventCodec.of(EventTypeRegistry.platformDefaults()),
                Clock.systemUTC());
    }

    private record Ack(String stream, long version, long position, int thread, int seq) {}
}
