package dev.scaleplane.events.postgres;

import static dev.scaleplane.events.postgres.TestPostgres.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.StreamDeletedException;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The EventStore contract against the real PostgreSQL: appends, concurrency, reads, deletes, subscriptions. */
class PostgresEventStoreTest {
    @RegisterExtension
    final TestPostgres pg = new TestPostgres();

    private static List<Event<?>> notes(String prefix, int count) {
        List<Event<?>> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(note(prefix + i, i));
        }
        return events;
    }

    private static Throwable failureOf(java.util.concurrent.CompletableFuture<?> future) {
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class);
        return future.handle((v, e) -> unwrap(e)).join();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Test
    void appendsBatchesWithConsecutiveVersionsAndIncreasingPositions() {
        EventStore store = pg.open();
        AppendResult first = store.append("order-1", ExpectedVersion.NO_STREAM, notes("a", 3))
                .join();
        AppendResult second = store.append("order-1", ExpectedVersion.exactly(2), notes("b", 2))
                .join();

        assertThat(first.firstVersion()).isZero();
        assertThat(first.lastVersion()).isEqualTo(2);
        assertThat(first.lastPosition() - first.firstPosition()).isEqualTo(2);
        assertThat(second.firstVersion()).isEqualTo(3);
        assertThat(second.lastVersion()).isEqualTo(4);
        assertThat(second.firstPosition()).isGreaterThan(first.lastPosition());
        assertThat(store.streamVersion("order-1")).hasValue(4);

        List<RecordedEvent> read = store.readStream("order-1", ReadDirection.FORWARD, 0, 100);
        assertThat(read).extracting(RecordedEvent::version).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(read)
                .extracting(r -> ((TestPostgres.Note) r.event().data()).text())
                .containsExactly("a0", "a1", "a2", "b0", "b1");
        assertThat(read).extracting(RecordedEvent::stream).containsOnly("order-1");
        assertThat(read.get(0).position()).isEqualTo(first.firstPosition());
        assertThat(read.get(4).position()).isEqualTo(second.lastPosition());
    }

    @Test
    void storesTheEnvelopeUnchanged() {
        EventStore store = pg.open();
        Event<?> original = Event.builder(TestPostgres.NOTE, new TestPostgres.Note("x", 7))
                .source("/svc/deployer")
                .subject("deployment-9")
                .tenant("acme")
                .cluster("ams-1")
                .correlationId("corr-1")
                .causationId("cause-1")
                .partitionKey("pk")
                .extensions(java.util.Map.of("region", "eu"))
                .build();
        store.append("deployment-9", ExpectedVersion.ANY, List.of(original)).join();

        RecordedEvent read =
                store.readStream("deployment-9", ReadDirection.FORWARD, 0, 1).get(0);
        assertThat(read.event()).isEqualTo(original);
        assertThat(read.recordedAt()).isNotNull();
    }

    @Test
    void readsStreamsForwardAndBackwardInPages() {
        EventStore store = pg.open();
        store.append("s-1", ExpectedVersion.NO_STREAM, notes("e", 10)).join();

        assertThat(store.readStream("s-1", ReadDirection.FORWARD, 3, 4))
                .extracting(RecordedEvent::version)
                .containsExactly(3L, 4L, 5L, 6L);
        assertThat(store.readStream("s-1", ReadDirection.BACKWARD, Long.MAX_VALUE, 3))
                .extracting(RecordedEvent::version)
                .containsExactly(9L, 8L, 7L);
        assertThat(store.readStream("s-1", ReadDirection.BACKWARD, 2, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(2L, 1L, 0L);
        assertThat(store.readStream("s-1", ReadDirection.FORWARD, 10, 10)).isEmpty();
        assertThat(store.readStream("unknown", ReadDirection.FORWARD, 0, 10)).isEmpty();
        assertThat(store.streamVersion("unknown")).isEmpty();
    }

    @Test
    void readAllReturnsEveryStreamInGlobalOrderBothWays() {
        EventStore store = pg.open();
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(store.append("s-" + (i % 3), ExpectedVersion.ANY, notes("r" + i + "-", 2))
                    .join());
        }
        List<Long> expected = new ArrayList<>();
        for (AppendResult r : results) {
            expected.add(r.firstPosition());
            expected.add(r.lastPosition());
        }

        List<RecordedEvent> forward = store.readAll(ReadDirection.FORWARD, 0, 100);
        assertThat(forward).extracting(RecordedEvent::position).containsExactlyElementsOf(expected);

        List<RecordedEvent> backward = store.readAll(ReadDirection.BACKWARD, Long.MAX_VALUE, 100);
        List<Long> reversed = new ArrayList<>(expected);
        Collections.reverse(reversed);
        assertThat(backward).extracting(RecordedEvent::position).containsExactlyElementsOf(reversed);

        // Paging: continue after the last position read.
        List<RecordedEvent> page1 = store.readAll(ReadDirection.FORWARD, 0, 5);
        List<RecordedEvent> page2 =
                store.readAll(ReadDirection.FORWARD, page1.get(4).position() + 1, 100);
        assertThat(page1).hasSize(5);
        assertThat(page2).extracting(RecordedEvent::position).containsExactlyElementsOf(expected.subList(5, 12));
        assertThat(store.readAll(ReadDirection.BACKWARD, expected.get(3), 2))
                .extracting(RecordedEvent::position)
                .containsExactly(expected.get(3), expected.get(2));
    }

    @Test
    void wrongExpectedVersionsCarryTheActualVersionAndWriteNothing() {
        EventStore store = pg.open();
        store.append("acc-1", ExpectedVersion.NO_STREAM, notes("a", 3)).join();

        Throwable noStream = failureOf(store.append("acc-1", ExpectedVersion.NO_STREAM, notes("x", 1)));
        assertThat(noStream).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> {
            assertThat(e.stream()).isEqualTo("acc-1");
            assertThat(e.expected()).isEqualTo(ExpectedVersion.NO_STREAM);
            assertThat(e.actualVersion()).isEqualTo(2);
        });
        Throwable exact = failureOf(store.append("acc-1", ExpectedVersion.exactly(1), notes("x", 2)));
        assertThat(exact).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                .isEqualTo(2));
        Throwable exists = failureOf(store.append("acc-2", ExpectedVersion.STREAM_EXISTS, notes("x", 1)));
        assertThat(exists)
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                        .isEqualTo(-1));
        Throwable exactOnMissing = failureOf(store.append("acc-2", ExpectedVersion.exactly(0), notes("x", 1)));
        assertThat(exactOnMissing)
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                        .isEqualTo(-1));

        assertThat(store.readStream("acc-1", ReadDirection.FORWARD, 0, 100)).hasSize(3);
        assertThat(store.readAll(ReadDirection.FORWARD, 0, 100)).hasSize(3);
        assertThat(store.streamVersion("acc-2")).isEmpty();

        assertThat(store.append("acc-1", ExpectedVersion.STREAM_EXISTS, notes("y", 1))
                        .join()
                        .lastVersion())
                .isEqualTo(3);
        assertThat(store.append("acc-1", ExpectedVersion.ANY, notes("z", 1))
                        .join()
                        .lastVersion())
                .isEqualTo(4);
    }

    @Test
    void concurrentAppendsWithTheSameExpectedVersionLetExactlyOneWin() throws Exception {
        EventStore store = pg.open(pg.config().poolSize(8).build());
        store.append("race-1", ExpectedVersion.NO_STREAM, notes("seed", 1)).join();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 5; round++) {
                long version = store.streamVersion("race-1").orElseThrow();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Throwable>> outcomes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        return store.append("race-1", ExpectedVersion.exactly(version), notes("w" + writer + "-", 2))
                                .handle((r, e) -> e == null ? null : unwrap(e))
                                .join();
                    }));
                }
                go.countDown();
                List<Throwable> failures = new ArrayList<>();
                int wins = 0;
                for (Future<Throwable> f : outcomes) {
                    Throwable t = f.get(30, TimeUnit.SECONDS);
                    if (t == null) {
                        wins++;
                    } else {
                        failures.add(t);
                    }
                }
                assertThat(wins).isEqualTo(1);
                assertThat(failures).hasSize(writers - 1).allSatisfy(t -> assertThat(t)
                        .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                                .isEqualTo(version + 2)));
                assertThat(store.streamVersion("race-1")).hasValue(version + 2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.readStream("race-1", ReadDirection.FORWARD, 0, 100))
                .extracting(RecordedEvent::version)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(0, 10).mapToObj(i -> (long) i).toList());
    }

    @Test
    void deletedStreamsReadEmptyStayInTheAuditTrailAndContinueTheirVersionsWhenRecreated() {
        EventStore store = pg.open();
        store.append("cart-1", ExpectedVersion.NO_STREAM, notes("old", 3)).join();

        Throwable wrong = failureOf(store.deleteStream("cart-1", ExpectedVersion.exactly(0)));
        assertThat(wrong).isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                .isEqualTo(2));
        store.deleteStream("cart-1", ExpectedVersion.exactly(2)).join();

        assertThat(store.readStream("cart-1", ReadDirection.FORWARD, 0, 100)).isEmpty();
        assertThat(store.readStream("cart-1", ReadDirection.BACKWARD, Long.MAX_VALUE, 100))
                .isEmpty();
        assertThat(store.streamVersion("cart-1")).isEmpty();
        assertThat(store.readAll(ReadDirection.FORWARD, 0, 100)).hasSize(3);
        assertThat(failureOf(store.append("cart-1", ExpectedVersion.STREAM_EXISTS, notes("x", 1))))
                .isInstanceOfSatisfying(StreamDeletedException.class, e -> assertThat(e.stream())
                        .isEqualTo("cart-1"));
        assertThat(failureOf(store.append("cart-1", ExpectedVersion.exactly(2), notes("x", 1))))
                .isInstanceOf(StreamDeletedException.class);

        AppendResult recreated = store.append("cart-1", ExpectedVersion.NO_STREAM, notes("new", 2))
                .join();
        assertThat(recreated.firstVersion()).isEqualTo(3);
        assertThat(store.streamVersion("cart-1")).hasValue(4);
        assertThat(store.readStream("cart-1", ReadDirection.FORWARD, 0, 100))
                .extracting(r -> ((TestPostgres.Note) r.event().data()).text())
                .containsExactly("new0", "new1");
        assertThat(store.readAll(ReadDirection.FORWARD, 0, 100)).hasSize(5);

        // Deleting what does not exist: fine without an expectation, a conflict with one.
        store.deleteStream("never-1", ExpectedVersion.ANY).join();
        assertThat(failureOf(store.deleteStream("never-1", ExpectedVersion.STREAM_EXISTS)))
                .isInstanceOfSatisfying(WrongExpectedVersionException.class, e -> assertThat(e.actualVersion())
                        .isEqualTo(-1));
    }

    @Test
    void rejectsInvalidArguments() {
        EventStore store = pg.open();
        assertThatThrownBy(() -> store.append("", ExpectedVersion.ANY, notes("a", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append("bad name", ExpectedVersion.ANY, notes("a", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append("x".repeat(201), ExpectedVersion.ANY, notes("a", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append("ok-1", ExpectedVersion.ANY, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.readAll(ReadDirection.FORWARD, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.readStream("ok-1", ReadDirection.FORWARD, -1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.append("Ok.name_1:x-2", ExpectedVersion.ANY, notes("a", 1))
                        .join()
                        .lastVersion())
                .isZero();
    }

    @Test
    void checkpointsAreStoredPerSubscriber() {
        EventStore store = pg.open();
        assertThat(store.checkpoint("projector")).isEmpty();
        store.storeCheckpoint("projector", 42).join();
        store.storeCheckpoint("other", 7).join();
        store.storeCheckpoint("projector", 43).join();
        assertThat(store.checkpoint("projector")).hasValue(43);
        assertThat(store.checkpoint("other")).hasValue(7);
    }

    @Test
    void catchUpDeliversHistoryThenLiveEventsExactlyOnceInOrderAcrossTheSwitch() throws Exception {
        EventStore store = pg.open();
        for (int i = 0; i < 30; i++) {
            store.append("hist-" + (i % 4), ExpectedVersion.ANY, notes("h" + i + "-", 3))
                    .join();
        }
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        // Small pages, so the history takes many reads while writers keep appending.
        CatchUpSubscription sub =
                store.subscribe(CatchUpOptions.builder().batchSize(7).build(), seen::add);
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            done.add(writers.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    store.append("live-" + writer, ExpectedVersion.ANY, notes("l" + i + "-", 2))
                            .join();
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        writers.shutdown();
        int total = 30 * 3 + 3 * 40 * 2;
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= total);
        assertThat(sub.isLive()).isTrue();
        sub.close();

        List<RecordedEvent> all = store.readAll(ReadDirection.FORWARD, 0, 10_000);
        assertThat(all).hasSize(total);
        assertThat(seen)
                .extracting(RecordedEvent::position)
                .containsExactlyElementsOf(
                        all.stream().map(RecordedEvent::position).toList());
        assertThat(sub.lastPosition()).isEqualTo(all.get(all.size() - 1).position());
        assertThat(sub.isRunning()).isFalse();
        assertThat(sub.failure()).isEmpty();
    }

    @Test
    void aNamedSubscriberResumesAfterItsCheckpoint() {
        EventStore store = pg.open();
        store.append("a-1", ExpectedVersion.ANY, notes("a", 5)).join();
        List<RecordedEvent> first = new CopyOnWriteArrayList<>();
        CatchUpOptions options = CatchUpOptions.builder()
                .subscriberId("billing")
                .checkpointEvery(2)
                .build();
        CatchUpSubscription sub = store.subscribe(options, first::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> first.size() == 5);
        sub.close();
        assertThat(store.checkpoint("billing")).hasValue(first.get(4).position());

        store.append("a-1", ExpectedVersion.ANY, notes("b", 3)).join();
        List<RecordedEvent> second = new CopyOnWriteArrayList<>();
        CatchUpSubscription again = store.subscribe(options, second::add);
        await().atMost(Duration.ofSeconds(20)).until(() -> second.size() == 3);
        again.close();
        assertThat(second)
                .extracting(r -> ((TestPostgres.Note) r.event().data()).text())
                .containsExactly("b0", "b1", "b2");
    }

    @Test
    void aFailingHandlerStopsTheSubscriptionBeforeTheEventItFailedOn() {
        EventStore store = pg.open();
        store.append("f-1", ExpectedVersion.ANY, notes("x", 5)).join();
        List<RecordedEvent> handled = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("boom");
        CatchUpSubscription sub = store.subscribe(
                CatchUpOptions.builder()
                        .subscriberId("fragile")
                        .checkpointEvery(1)
                        .build(),
                e -> {
                    if (e.version() == 3) {
                        throw boom;
                    }
                    handled.add(e);
                });
        await().atMost(Duration.ofSeconds(20)).until(() -> !sub.isRunning());
        assertThat(sub.failure()).containsSame(boom);
        assertThat(handled).extracting(RecordedEvent::version).containsExactly(0L, 1L, 2L);
        assertThat(store.checkpoint("fragile")).hasValue(handled.get(2).position());
        sub.close();
    }

    @Test
    void subscriptionsStartAtTheGivenPositionAndCanBeClosedFromTheirHandler() {
        EventStore store = pg.open();
        AppendResult r = store.append("p-1", ExpectedVersion.ANY, notes("x", 6)).join();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        CatchUpSubscription[] self = new CatchUpSubscription[1];
        CountDownLatch started = new CountDownLatch(1);
        self[0] = store.subscribe(
                CatchUpOptions.builder().fromPosition(r.firstPosition() + 2).build(), e -> {
                    started.await();
                    seen.add(e);
                    if (seen.size() == 2) {
                        self[0].close();
                    }
                });
        started.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> !self[0].isRunning());
        assertThat(seen).extracting(RecordedEvent::version).containsExactly(2L, 3L);
    }

    @Test
    void liveEventsFromAnotherStoreInstanceArriveThroughNotifications() {
        EventStore reader = pg.open();
        EventStore writer = pg.open();
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        CatchUpSubscription sub = reader.subscribe(CatchUpOptions.fromStart(), seen::add);
        await().atMost(Duration.ofSeconds(10)).until(sub::isLive);
        writer.append("n-1", ExpectedVersion.ANY, notes("x", 3)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
        sub.close();
    }

    @Test
    void withoutNotificationsSubscriptionsPoll() {
        EventStore reader = pg.open(
                pg.config().notify(false).pollInterval(Duration.ofMillis(20)).build());
        EventStore writer = pg.open(pg.config().notify(false).build());
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        CatchUpSubscription sub = reader.subscribe(CatchUpOptions.fromStart(), seen::add);
        writer.append("poll-1", ExpectedVersion.ANY, notes("x", 2)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
        sub.close();
    }

    @Test
    void closeFailsLaterCallsAndStopsSubscriptions() {
        EventStore store = pg.open();
        CatchUpSubscription sub = store.subscribe(CatchUpOptions.fromStart(), e -> {});
        store.close();
        assertThat(sub.isRunning()).isFalse();
        assertThat(failureOf(store.append("c-1", ExpectedVersion.ANY, notes("x", 1))))
                .isInstanceOf(dev.scaleplane.api.store.EventStoreException.class)
                .hasMessageContaining("closed");
        store.close();
    }
}
