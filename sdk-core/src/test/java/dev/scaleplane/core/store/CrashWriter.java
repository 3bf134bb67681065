package dev.scaleplane.core.store;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.internal.store.FileEventStore;
import dev.scaleplane.core.internal.store.FileStoreSettings;
import dev.scaleplane.core.internal.store.FsyncPolicy;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The child process of {@link FileEventStoreCrashTest}: opens the file log in {@code args[0]} with fsync policy
 * {@code args[1]}, runs {@code args[2]} threads that append forever, and prints one line per acknowledged event
 * ({@code A stream version position id thread seq}) and per acknowledged checkpoint ({@code C subscriber position}),
 * only after the append's future completed. The parent kills it with SIGKILL at a random moment.
 */
public final class CrashWriter {
    /** Type of the events written; unregistered, so its data reads back as a Map. */
    static final String TYPE = "dev.scaleplane.test.crash.v1";

    private CrashWriter() {}

    /** The padding of event {@code (thread, seq)}, so the parent can check the payload without being told it. */
    static String pad(int thread, int seq) {
        return "p".repeat((thread * 131 + seq * 17) % 1500);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FsyncPolicy policy = FsyncPolicy.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        FileEventStore store = FileEventStore.open(
                FileStoreSettings.in(dir).withFsync(policy).withSegmentSize(64 * 1024),
                EventCodec.of(EventTypeRegistry.platformDefaults()),
                Clock.systemUTC());
        out.println("READY");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(
                    () -> {
                        SplittableRandom random = new SplittableRandom(seed + thread);
                        for (int seq = 0; ; ) {
                            String stream = "crash-" + random.nextInt(6);
                            int n = 1 + random.nextInt(3);
                            List<Event<?>> batch = new ArrayList<>();
                            for (int i = 0; i < n; i++, seq++) {
                                batch.add(Event.builder(TYPE, Map.of("t", thread, "n", seq, "pad", pad(thread, seq)))
                                        .source("/crash")
                                        .build());
                            }
                            AppendResult r = store.append(stream, ExpectedVersion.ANY, batch)
                                    .join();
                            StringBuilder lines = new StringBuilder();
                            for (int i = 0; i < n; i++) {
                                Event<?> e = batch.get(i);
                                lines.append("A ")
                                        .append(stream)
                                        .append(' ')
                                        .append(r.firstVersion() + i)
                                        .append(' ')
                                        .append(r.firstPosition() + i)
                                        .append(' ')
                                        .append(e.id())
                                        .append(' ')
                                        .append(thread)
                                        .append(' ')
                                        .append(seq - n + i)
                                        .append('\n');
                            }
                            out.print(lines);
                            out.flush();
                            if (random.nextInt(8) == 0) {
                                store.storeCheckpoint("sub-" + thread, r.lastPosition())
                                        .join();
                                out.println("C sub-" + thread + " " + r.lastPosition());
                            }
                        }
                    },
                    "crash-writer-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
    }
}
