package dev.scaleplane.events.postgres;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A child process of {@link MultiProcessTest}: opens the store on the given schema and appends to shared streams with
 * optimistic concurrency, reporting every acknowledged append and every conflict on stdout, one line each.
 *
 * <pre>
 * ACK stream firstVersion firstPosition id,id,...
 * CLAIM WON | CLAIM LOST actual
 * CONFLICT stream expected actual
 * DONE
 * </pre>
 */
public final class AppendWorker {
    private AppendWorker() {}

    public static void main(String[] args) throws Exception {
        String schema = args[0];
        int worker = Integer.parseInt(args[1]);
        int appends = Integer.parseInt(args[2]);
        int streams = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (EventStore store = PostgresEventStoreProvider.open(
                TestPostgres.configFor(schema).poolSize(2).build(), TestPostgres.CODEC, Clock.systemUTC())) {
            // Every worker claims the same stream: exactly one may create it.
            try {
                List<Event<?>> claim = List.of(TestPostgres.note("claim" + worker, 0));
                report(
                        out,
                        store.append("claim-1", ExpectedVersion.NO_STREAM, claim)
                                .join(),
                        claim);
                out.println("CLAIM WON");
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof WrongExpectedVersionException w)) {
                    throw e;
                }
                out.println("CLAIM LOST " + w.actualVersion());
            }
            SplittableRandom random = new SplittableRandom(worker);
            for (int i = 0; i < appends; i++) {
                String stream = "shared-" + random.nextInt(streams);
                List<Event<?>> batch = new ArrayList<>();
                int size = 1 + random.nextInt(3);
                for (int k = 0; k < size; k++) {
                    batch.add(TestPostgres.note("w" + worker + "-" + i + "-" + k, k));
                }
                if (random.nextInt(4) == 0) {
                    report(out, store.append(stream, ExpectedVersion.ANY, batch).join(), batch);
                    continue;
                }
                while (true) {
                    long v = store.streamVersion(stream).orElse(-1);
                    ExpectedVersion expected = v < 0 ? ExpectedVersion.NO_STREAM : ExpectedVersion.exactly(v);
                    try {
                        report(out, store.append(stream, expected, batch).join(), batch);
                        break;
                    } catch (CompletionException e) {
                        if (!(e.getCause() instanceof WrongExpectedVersionException w)) {
                            throw e;
                        }
                        out.println("CONFLICT " + stream + " " + v + " " + w.actualVersion());
                    }
                }
            }
        }
        out.println("DONE");
    }

    private static void report(PrintStream out, AppendResult r, List<Event<?>> batch) {
        out.println("ACK " + r.stream() + " " + r.firstVersion() + " " + r.firstPosition() + " "
                + batch.stream().map(Event::id).collect(Collectors.joining(",")));
    }
}
