package dev.scaleplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.fail;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import dev.scaleplane.api.store.StreamDeletedException;
import dev.scaleplane.api.store.WrongExpectedVersionException;
import dev.scaleplane.tck.store.TckStoreSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility kit for {@link EventStore} backends: JUnit 5 tests of every guarantee stated in the
 * {@link EventStore} Javadoc, run against a real backend by subclassing this class once.
 *
 * <h2>Adding the kit to a backend module</h2>
 *
 * <ol>
 *   <li>Add {@code dev.scaleplane:scaleplane-tck} with {@code <scope>test</scope>}.
 *   <li>Write one test class, e.g. {@code PostgresEventStoreCompatibilityTest extends EventStoreCompatibilityKit},
 *       and implement {@link #createStore(TckStoreSettings)}: a store of your backend that knows the settings' event
 *       types, stamps {@code recordedAt} with the settings' clock, applies the settings' upcasters (as the SDK does:
 *       through a platform, or with {@code UpcastingEventStore.wrap}) and its retention rules.
 *   <li>Override the hooks that describe the backend: {@link #durable()} with {@link #reopen}, {@link
 *       #supportsRetention()} (with {@link #applyRetention} if retention runs in the background), {@link
 *       #closeStore} when {@code createStore} created more than the store (a platform, a pool), {@link
 *       #livenessTimeout()}.
 * </ol>
 *
 * A store may hold events of earlier tests (a shared database): every test uses fresh random stream names,
 * tenants and correlation ids, and reads the global log only after the head position it saw first. Nothing else
 * may write to the store while a test runs.
 *
 * <p>A minimal subclass:
 *
 * <pre>{@code
 * class MyEventStoreCompatibilityTest extends EventStoreCompatibilityKit {
 *     private final Map<EventStore, ScaleplanePlatform> platforms = new ConcurrentHashMap<>();
 *
 *     @Override
 *     protected EventStore createStore(TckStoreSettings settings) {
 *         Map<String, String> config = new HashMap<>(settings.retentionConfig());
 *         config.put("scaleplane.store.provider", "mine");
 *         ScaleplanePlatform platform = Scaleplane.builder()
 *                 .eventTypes(settings.eventTypes())
 *                 .clock(settings.clock())
 *                 .config(ScaleplaneProperties.of(config))
 *                 .registerUpcaster(TckStoreSettings.UPCASTER)
 *                 .build();
 *         platforms.put(platform.store(), platform);
 *         return platform.store();
 *     }
 *
 *     @Override
 *     protected void closeStore(EventStore store) {
 *         ScaleplanePlatform platform = platforms.remove(store);
 *         if (platform != null) platform.close(); else store.close();
 *     }
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * <ul>
 *   <li>appends: versions from 0, increasing positions, the whole envelope kept, argument validation, atomic batches
 *       (concurrent readers never see part of one);
 *   <li>optimistic concurrency: every {@link ExpectedVersion} kind, right and wrong, with the conflict's stream,
 *       expected and actual version, and nothing written on a conflict; many threads appending with and without
 *       optimistic retry loops lose nothing, duplicate no position and keep versions dense;
 *   <li>reads: {@code readStream} and {@code readAll} forward and backward with paging;
 *   <li>deletion: tombstone semantics of {@link EventStore#deleteStream};
 *   <li>catch-up subscriptions: history then live under concurrent appends with no gap or duplicate, checkpoints by
 *       subscriber id and resumption, a failing handler stopping the subscription, closing from the handler;
 *   <li>audit queries: every criterion, their combination, time range bounds and paging;
 *   <li>upcasting on every read path; retention per category (when {@link #supportsRetention()}); durability across
 *       a reopen (when {@link #durable()});
 *   <li>{@linkplain #randomHistoryMatchesAModel(long) random histories} checked against a model of the contract.
 * </ul>
 *
 * <h2>How the kit behaves</h2>
 *
 * <ul>
 *   <li>Waiting is done with Awaitility up to {@link #livenessTimeout()}: a liveness bound, never a performance
 *       assertion.
 *   <li>Tests of optional behaviour (retention, durability) depend on the hooks {@link #supportsRetention()} and
 *       {@link #durable()}. Each is a {@link TestFactory} that yields its one {@link DynamicTest}, named after the
 *       hook, only when the hook says the backend has the capability; otherwise it yields no test at all, so a run
 *       reports nothing as skipped and a clause that does not apply is not counted.
 *   <li>Subscriptions and stores created by the kit are closed after each test (subscriptions first, then stores
 *       with {@link #closeStore}); a subclass's own {@code @AfterEach} methods run before that. For a
 *       capability-dependent test, JUnit runs {@code @AfterEach} once around the whole {@link TestFactory}, after its
 *       dynamic test, so what that dynamic test created is closed too.
 *   <li>Randomized histories are seeded; the seed is in the test name and the failure message. Rerun one with
 *       {@code -Dscaleplane.tck.seeds=<seed>}; {@code -Dscaleplane.tck.scenarios=<n>} sets how many run (default
 *       {@value #DEFAULT_SCENARIOS}).
 * </ul>
 */
public abstract class EventStoreCompatibilityKit {

    /** How many random histories {@link #randomHistoryMatchesAModel(long)} runs by default. */
    public static final int DEFAULT_SCENARIOS = 8;

    private final List<EventStore> stores = new CopyOnWriteArrayList<>();
    private final List<CatchUpSubscription> subscriptions = new CopyOnWriteArrayList<>();

    // ------------------------------------------------------------------------------------------------------------
    // Hooks
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Creates a store of the backend under test configured from {@code settings} (see {@link TckStoreSettings} for
     * what each component requires). The kit closes it with {@link #closeStore(EventStore)}.
     *
     * @return a new, open store; never null
     */
    protected abstract EventStore createStore(TckStoreSettings settings);

    /**
     * Releases a store created by {@link #createStore} or {@link #reopen}; it may already be closed. Default:
     * {@code store.close()}.
     */
    protected void closeStore(EventStore store) {
        store.close();
    }

    /**
     * Whether the backend keeps its data across a close: then {@link #reopen} must be overridden and the kit checks
     * that events, versions, tombstones and checkpoints survive. Answer with what the provider declares ({@code
     * capabilities().contains(EventStoreCapability.DURABLE)}), so the declaration is what gets tested. Default
     * {@code false}: the durability test yields no test.
     */
    protected boolean durable() {
        return false;
    }

    /**
     * Opens a new store over the data of {@code closed}, which the kit has already released with
     * {@link #closeStore}. Required when {@link #durable()}.
     *
     * @param closed a store this kit created and closed
     * @param settings the settings it was created with
     */
    protected EventStore reopen(EventStore closed, TckStoreSettings settings) {
        throw new UnsupportedOperationException(getClass().getName()
                + " declares durable() but does not override reopen(EventStore, TckStoreSettings)");
    }

    /**
     * Whether the backend honours {@link TckStoreSettings#retention()} rules; answer with the provider's declared
     * {@code EventStoreCapability.RETENTION}. Default {@code false}: the retention test yields no test.
     */
    protected boolean supportsRetention() {
        return false;
    }

    /**
     * Makes retention take effect now, for backends that enforce it in the background; called after the kit moved
     * the clock. Default: nothing (retention applied when reading).
     */
    protected void applyRetention(EventStore store) {}

    /** The longest the kit waits for something that must happen. A liveness bound only. Default 30 s. */
    protected Duration livenessTimeout() {
        return Duration.ofSeconds(30);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Closes the kit's subscriptions, then its stores, newest first. For a {@link TestFactory} it runs once, after
     * its dynamic test has finished, so it also closes what that dynamic test created.
     */
    @AfterEach
    protected final void closeWhatTheKitCreated() {
        RuntimeException failure = null;
        List<AutoCloseable> open = new ArrayList<>(subscriptions);
        List<EventStore> openStores = new ArrayList<>(stores);
        Collections.reverse(openStores);
        subscriptions.clear();
        stores.clear();
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                failure = chain(failure, e);
            }
        }
        for (EventStore s : openStores) {
            try {
                closeStore(s);
            } catch (RuntimeException e) {
                failure = chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException chain(@org.jspecify.annotations.Nullable RuntimeException failure, Exception e) {
        if (failure == null) {
            return new IllegalStateException("closing what the kit created failed", e);
        }
        failure.addSuppressed(e);
        return failure;
    }

    private EventStore newStore(TckStoreSettings settings) {
        EventStore store = Objects.requireNonNull(createStore(settings), "createStore returned null");
        stores.add(store);
        return store;
    }

    private EventStore newStore() {
        return newStore(TckStoreSettings.defaults());
    }

    /**
     * The test of a capability-dependent clause: one dynamic test named {@code condition} running {@code body} when
     * the clause applies to the backend, no test at all when it does not (never a skipped one).
     */
    private static Stream<DynamicTest> onlyIf(boolean applies, String condition, Executable body) {
        return applies ? Stream.of(DynamicTest.dynamicTest(condition, body)) : Stream.empty();
    }

    private CatchUpSubscription subscribe(EventStore store, CatchUpOptions options, RecordedEventHandler handler) {
        CatchUpSubscription s = store.subscribe(options, handler);
        subscriptions.add(s);
        return s;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Appends and optimistic concurrency
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("append assigns consecutive versions from 0 and increasing positions, and keeps the envelope")
    void appendAssignsVersionsAndPositions() {
        EventStore store = newStore();
        String stream = stream("order");
        Instant time = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TraceParent trace = TraceParent.newRoot();
        Event<TckPayload> full = Event.builder(TckPayload.TYPE, new TckPayload("k", 0))
                .source("/tck/store")
                .subject("subject-1")
                .time(time)
                .tenant("acme")
                .cluster("ams-1")
                .correlationId("corr-1")
                .causationId("cause-1")
                .partitionKey("pk")
                .traceparent(trace)
                .extensions(Map.of("team", "platform"))
                .build();
        List<Event<?>> events = List.of(full, event("k", 1), event("k", 2));

        AppendResult result = append(store, stream, ExpectedVersion.NO_STREAM, events);

        assertThat(result.stream()).isEqualTo(stream);
        assertThat(result.firstVersion()).isZero();
        assertThat(result.lastVersion()).isEqualTo(2);
        assertThat(result.lastPosition()).isGreaterThanOrEqualTo(result.firstPosition() + 2);
        assertThat(store.streamVersion(stream)).hasValue(2);
        List<RecordedEvent> read = store.readStream(stream, ReadDirection.FORWARD, 0, 10);
        assertThat(read).extracting(RecordedEvent::version).containsExactly(0L, 1L, 2L);
        assertThat(read).extracting(RecordedEvent::stream).containsOnly(stream);
        assertThat(read).extracting(r -> r.event().id()).containsExactlyElementsOf(ids(events));
        assertThat(read.get(0).position()).isEqualTo(result.firstPosition());
        assertThat(read.get(2).position()).isEqualTo(result.lastPosition());
        assertThat(read).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();
        Event<?> back = read.get(0).event();
        assertThat(back).isEqualTo(full);
        assertThat(read.get(0).recordedAt()).isNotNull();
    }

    @Test
    @DisplayName("append validates its arguments synchronously")
    void appendValidatesArguments() {
        EventStore store = newStore();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.append("bad name!", ExpectedVersion.ANY, List.of(event("k", 0))));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.append("", ExpectedVersion.ANY, List.of(event("k", 0))));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.append("x".repeat(201), ExpectedVersion.ANY, List.of(event("k", 0))));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.append(stream("s"), ExpectedVersion.ANY, List.of()));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> store.readStream(stream("s"), ReadDirection.FORWARD, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> store.readAll(ReadDirection.FORWARD, 0, 0));
        // Every allowed character works.
        String odd = "Az09._-:" + unique();
        append(store, odd, ExpectedVersion.NO_STREAM, List.of(event("k", 0)));
        assertThat(store.streamVersion(odd)).hasValue(0);
    }

    /** One row of {@link #conflictsCarryStreamExpectedAndActual}: a stream with some events, an expectation. */
    static Stream<Object[]> conflicts() {
        return Stream.of(
                new Object[] {0, ExpectedVersion.STREAM_EXISTS, -1L},
                new Object[] {0, ExpectedVersion.exactly(0), -1L},
                new Object[] {0, ExpectedVersion.exactly(5), -1L},
                new Object[] {3, ExpectedVersion.NO_STREAM, 2L},
                new Object[] {3, ExpectedVersion.exactly(1), 2L},
                new Object[] {3, ExpectedVersion.exactly(3), 2L},
                new Object[] {1, ExpectedVersion.exactly(1), 0L});
    }

    @ParameterizedTest(name = "stream with {0} events, expected {1}: conflict, actual {2}")
    @MethodSource("dev.scaleplane.tck.EventStoreCompatibilityKit#conflicts")
    @DisplayName("a wrong expected version fails with stream, expected and actual version, and writes nothing")
    void conflictsCarryStreamExpectedAndActual(int existing, ExpectedVersion expected, long actual) {
        EventStore store = newStore();
        String stream = stream("conflict");
        for (int i = 0; i < existing; i++) {
            append(store, stream, ExpectedVersion.ANY, List.of(event("k", i)));
        }
        long head = head(store);

        Throwable failure = failureOf(store.append(stream, expected, List.of(event("k", 99), event("k", 100))));

        assertThat(failure).isInstanceOf(WrongExpectedVersionException.class);
        WrongExpectedVersionException wrong = (WrongExpectedVersionException) failure;
        assertThat(wrong.stream()).isEqualTo(stream);
        assertThat(wrong.expected()).isEqualTo(expected);
        assertThat(wrong.actualVersion()).isEqualTo(actual);
        assertThat(wrong.getMessage()).contains(stream);
        assertThat(head(store)).as("nothing was written").isEqualTo(head);
        assertThat(store.readStream(stream, ReadDirection.FORWARD, 0, 100)).hasSize(existing);
    }

    @Test
    @DisplayName("every expectation that holds is accepted: ANY, NO_STREAM, STREAM_EXISTS, the exact version")
    void expectationsThatHoldAreAccepted() {
        EventStore store = newStore();
        String stream = stream("accept");
        assertThat(append(store, stream, ExpectedVersion.NO_STREAM, List.of(event("k", 0)))
                        .lastVersion())
                .isZero();
        assertThat(append(store, stream, ExpectedVersion.STREAM_EXISTS, List.of(event("k", 1)))
                        .lastVersion())
                .isEqualTo(1);
        assertThat(append(store, stream, ExpectedVersion.exactly(1), List.of(event("k", 2), event("k", 3)))
                        .lastVersion())
                .isEqualTo(3);
        assertThat(append(store, stream, ExpectedVersion.ANY, List.of(event("k", 4)))
                        .firstVersion())
                .isEqualTo(4);
        String other = stream("any");
        assertThat(append(store, other, ExpectedVersion.ANY, List.of(event("k", 0)))
                        .firstVersion())
                .isZero();
    }

    @Test
    @DisplayName("a batch is atomic: concurrent readers never see part of one, and versions are consecutive")
    void batchesAreAtomic() throws Exception {
        EventStore store = newStore();
        String stream = stream("batch");
        int batch = 7;
        int batches = 40;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                int size = store.readStream(stream, ReadDirection.FORWARD, 0, 10_000)
                        .size();
                if (size % batch != 0) {
                    torn.compareAndSet(null, "a reader saw " + size + " events, not a multiple of " + batch);
                }
            }
        });
        reader.start();
        try {
            for (int b = 0; b < batches; b++) {
                List<Event<?>> events = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    events.add(event("k", b * batch + i));
                }
                AppendResult r = append(store, stream, ExpectedVersion.ANY, events);
                assertThat(r.lastVersion() - r.firstVersion()).isEqualTo(batch - 1);
                assertThat(r.firstVersion()).isEqualTo((long) b * batch);
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(torn.get()).isNull();
        List<RecordedEvent> all = store.readStream(stream, ReadDirection.FORWARD, 0, 10_000);
        assertThat(all)
                .extracting(r -> ((TckPayload) r.event().data()).seq())
                .containsExactlyElementsOf(
                        IntStream.range(0, batch * batches).boxed().toList());
    }

    @Test
    @DisplayName("many threads append concurrently: no lost or duplicate positions, versions dense per stream")
    void concurrentAppendersLoseNothing() throws Exception {
        EventStore store = newStore();
        long start = head(store) + 1;
        int threads = 8;
        int perThread = 60;
        List<String> streams =
                IntStream.range(0, 5).mapToObj(i -> stream("conc")).toList();
        Map<String, AppendResult> acked = new ConcurrentHashMap<>();
        AtomicInteger conflicts = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(CompletableFuture.runAsync(
                    () -> {
                        awaitLatch(go);
                        SplittableRandom random = new SplittableRandom(thread);
                        for (int i = 0; i < perThread; i++) {
                            String stream = streams.get(random.nextInt(streams.size()));
                            Event<TckPayload> e = event("t" + thread, i);
                            if (random.nextBoolean()) {
                                acked.put(e.id(), append(store, stream, ExpectedVersion.ANY, List.of(e)));
                                continue;
                            }
                            // Optimistic loop: read the version, append exactly after it, retry on conflict.
                            while (true) {
                                long v = store.streamVersion(stream).orElse(-1);
                                ExpectedVersion expected =
                                        v < 0 ? ExpectedVersion.NO_STREAM : ExpectedVersion.exactly(v);
                                Throwable f = outcome(store.append(stream, expected, List.of(e)), acked, e.id());
                                if (f == null) {
                                    break;
                                }
                                if (!(f instanceof WrongExpectedVersionException)) {
                                    throw new AssertionError("append failed", f);
                                }
                                conflicts.incrementAndGet();
                            }
                        }
                    },
                    daemonExecutor()));
        }
        go.countDown();
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
                .get(livenessTimeout().toMillis(), TimeUnit.MILLISECONDS);

        assertThat(acked).hasSize(threads * perThread);
        List<RecordedEvent> all = readAllFrom(store, start);
        assertThat(all).hasSize(threads * perThread);
        assertThat(all).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();
        for (RecordedEvent r : all) {
            AppendResult ack = acked.get(r.event().id());
            assertThat(ack).as("event %s was acknowledged", r.event().id()).isNotNull();
            assertThat(r.position()).isEqualTo(ack.firstPosition());
            assertThat(r.version()).isEqualTo(ack.firstVersion());
            assertThat(r.stream()).isEqualTo(ack.stream());
        }
        for (String stream : streams) {
            List<RecordedEvent> events = store.readStream(stream, ReadDirection.FORWARD, 0, 10_000);
            assertThat(events)
                    .extracting(RecordedEvent::version)
                    .containsExactlyElementsOf(LongRange.of(events.size()));
            assertThat(events).extracting(RecordedEvent::position).isSorted();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reads
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("readStream pages forward and backward from any version; unknown streams read empty")
    void readStreamPages() {
        EventStore store = newStore();
        String stream = stream("page");
        for (int i = 0; i < 25; i += 5) {
            append(
                    store,
                    stream,
                    ExpectedVersion.ANY,
                    IntStream.range(i, i + 5)
                            .<Event<?>>mapToObj(n -> event("k", n))
                            .toList());
        }
        List<Long> forward = new ArrayList<>();
        for (long from = 0; ; ) {
            List<RecordedEvent> page = store.readStream(stream, ReadDirection.FORWARD, from, 10);
            page.forEach(r -> forward.add(r.version()));
            if (page.size() < 10) {
                break;
            }
            from = page.get(page.size() - 1).version() + 1;
        }
        assertThat(forward).containsExactlyElementsOf(LongRange.of(25));
        assertThat(store.readStream(stream, ReadDirection.BACKWARD, Long.MAX_VALUE, 4))
                .extracting(RecordedEvent::version)
                .containsExactly(24L, 23L, 22L, 21L);
        assertThat(store.readStream(stream, ReadDirection.BACKWARD, 2, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(2L, 1L, 0L);
        assertThat(store.readStream(stream, ReadDirection.FORWARD, 20, 100))
                .extracting(RecordedEvent::version)
                .containsExactly(20L, 21L, 22L, 23L, 24L);
        assertThat(store.readStream(stream, ReadDirection.FORWARD, 25, 10)).isEmpty();
        assertThat(store.readStream(stream("unknown"), ReadDirection.FORWARD, 0, 10))
                .isEmpty();
        assertThat(store.readStream(stream("unknown"), ReadDirection.BACKWARD, Long.MAX_VALUE, 10))
                .isEmpty();
        assertThat(store.streamVersion(stream("unknown"))).isEmpty();
    }

    @Test
    @DisplayName("readAll returns every stream's events in global order, forward and backward, with paging")
    void readAllGlobalOrder() {
        EventStore store = newStore();
        long start = head(store) + 1;
        List<String> streams = List.of(stream("a"), stream("b"), stream("c"));
        List<String> expectedIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Event<TckPayload> e = event("k", i);
            append(store, streams.get(i % 3), ExpectedVersion.ANY, List.of(e));
            expectedIds.add(e.id());
        }
        List<RecordedEvent> forward = new ArrayList<>();
        long from = start;
        while (true) {
            List<RecordedEvent> page = store.readAll(ReadDirection.FORWARD, from, 7);
            forward.addAll(page);
            if (page.size() < 7) {
                break;
            }
            from = page.get(page.size() - 1).position() + 1;
        }
        assertThat(forward).extracting(r -> r.event().id()).containsExactlyElementsOf(expectedIds);
        assertThat(forward).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();

        List<RecordedEvent> backward = store.readAll(ReadDirection.BACKWARD, Long.MAX_VALUE, 30);
        List<String> reversed = new ArrayList<>(expectedIds);
        Collections.reverse(reversed);
        assertThat(backward).extracting(r -> r.event().id()).containsExactlyElementsOf(reversed);
        long middle = forward.get(10).position();
        assertThat(store.readAll(ReadDirection.BACKWARD, middle, 3))
                .extracting(RecordedEvent::position)
                .containsExactly(
                        middle, forward.get(9).position(), forward.get(8).position());
        assertThat(store.readAll(ReadDirection.FORWARD, forward.get(29).position() + 1, 10))
                .isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Deletion
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("deleteStream leaves a tombstone: reads empty, history kept in readAll and queries, name reusable")
    void deleteStreamTombstone() {
        EventStore store = newStore();
        String stream = stream("deleted");
        String tenant = unique();
        long start = head(store) + 1;
        append(
                store,
                stream,
                ExpectedVersion.NO_STREAM,
                List.of(event("k", 0, tenant), event("k", 1, tenant), event("k", 2, tenant)));

        Throwable wrong = failureOf(store.deleteStream(stream, ExpectedVersion.exactly(1)));
        assertThat(wrong).isInstanceOf(WrongExpectedVersionException.class);
        assertThat(((WrongExpectedVersionException) wrong).actualVersion()).isEqualTo(2);
        assertThat(store.streamVersion(stream))
                .as("a failed delete deletes nothing")
                .hasValue(2);

        await(store.deleteStream(stream, ExpectedVersion.exactly(2)));

        assertThat(store.streamVersion(stream)).isEmpty();
        assertThat(store.readStream(stream, ReadDirection.FORWARD, 0, 10)).isEmpty();
        assertThat(store.readStream(stream, ReadDirection.BACKWARD, Long.MAX_VALUE, 10))
                .isEmpty();
        assertThat(readAllFrom(store, start)).hasSize(3);
        assertThat(store.query(AuditQuery.builder().stream(stream).build()).events())
                .hasSize(3);
        assertThat(store.query(AuditQuery.builder().tenant(tenant).build()).events())
                .hasSize(3);

        assertThat(failureOf(store.append(stream, ExpectedVersion.STREAM_EXISTS, List.of(event("k", 3)))))
                .isInstanceOf(StreamDeletedException.class)
                .satisfies(
                        e -> assertThat(((StreamDeletedException) e).stream()).isEqualTo(stream));
        assertThat(failureOf(store.append(stream, ExpectedVersion.exactly(2), List.of(event("k", 3)))))
                .isInstanceOf(StreamDeletedException.class);

        AppendResult recreated = append(store, stream, ExpectedVersion.NO_STREAM, List.of(event("k", 3)));
        assertThat(recreated.firstVersion())
                .as("versions continue after the deleted ones")
                .isEqualTo(3);
        assertThat(store.streamVersion(stream)).hasValue(3);
        assertThat(store.readStream(stream, ReadDirection.FORWARD, 0, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(3L);
        assertThat(append(store, stream, ExpectedVersion.exactly(3), List.of(event("k", 4)))
                        .lastVersion())
                .isEqualTo(4);

        String again = stream("deleted-any");
        append(store, again, ExpectedVersion.NO_STREAM, List.of(event("k", 0)));
        await(store.deleteStream(again, ExpectedVersion.ANY));
        assertThat(append(store, again, ExpectedVersion.ANY, List.of(event("k", 1)))
                        .firstVersion())
                .as("ANY recreates a deleted stream too")
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Catch-up subscriptions and checkpoints
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a catch-up subscription switches from history to live under concurrent appends with no gap or dup")
    void catchUpSwitchesToLiveWithoutGapsOrDuplicates() throws Exception {
        EventStore store = newStore();
        long start = head(store) + 1;
        List<String> streams = IntStream.range(0, 4).mapToObj(i -> stream("cu")).toList();
        for (int i = 0; i < 200; i++) {
            append(store, streams.get(i % 4), ExpectedVersion.ANY, List.of(event("h", i)));
        }
        Inbox inbox = new Inbox();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger appended = new AtomicInteger(200);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            writers.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 150 && !stop.get(); i++) {
                            append(store, streams.get(thread), ExpectedVersion.ANY, List.of(event("w" + thread, i)));
                            appended.incrementAndGet();
                        }
                    },
                    daemonExecutor()));
        }
        CatchUpSubscription sub = subscribe(
                store,
                CatchUpOptions.builder().fromPosition(start).batchSize(16).build(),
                inbox);
        try {
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new))
                    .get(livenessTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            stop.set(true);
        }
        int total = appended.get();
        eventually("the subscription delivers all " + total + " events")
                .untilAsserted(() -> assertThat(inbox.size()).isGreaterThanOrEqualTo(total));
        eventually("the subscription is live").until(sub::isLive);
        List<RecordedEvent> stored = readAllFrom(store, start);
        assertThat(inbox.positions())
                .as("delivered exactly what is stored, in order")
                .containsExactlyElementsOf(
                        stored.stream().map(RecordedEvent::position).toList());
        assertThat(inbox.failure()).isNull();
        assertThat(sub.lastPosition()).isEqualTo(stored.get(stored.size() - 1).position());

        // Live: one more event arrives on its own.
        Event<TckPayload> late = event("late", 0);
        append(store, streams.get(0), ExpectedVersion.ANY, List.of(late));
        eventually("a live append is delivered")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(late.id()));
        assertThat(sub.isRunning()).isTrue();
        sub.close();
        assertThat(sub.isRunning()).isFalse();
        sub.close();
    }

    @Test
    @DisplayName("checkpoints: stored by id, kept by the store, and a restarted subscriber resumes after its own")
    void subscribersResumeFromTheirCheckpoint() {
        EventStore store = newStore();
        long start = head(store) + 1;
        String id = "tck-" + unique();
        String stream = stream("cp");
        assertThat(store.checkpoint(id)).isEmpty();
        await(store.storeCheckpoint("tck-manual-" + id, 41));
        assertThat(store.checkpoint("tck-manual-" + id)).hasValue(41);
        await(store.storeCheckpoint("tck-manual-" + id, 42));
        assertThat(store.checkpoint("tck-manual-" + id)).hasValue(42);

        for (int i = 0; i < 10; i++) {
            append(store, stream, ExpectedVersion.ANY, List.of(event("k", i)));
        }
        CatchUpOptions options = CatchUpOptions.builder()
                .subscriberId(id)
                .fromPosition(start)
                .checkpointEvery(3)
                .build();
        Inbox first = new Inbox();
        CatchUpSubscription sub = subscribe(store, options, first);
        eventually("10 events handled")
                .untilAsserted(() -> assertThat(first.size()).isEqualTo(10));
        sub.close();
        long last = first.positions().get(9);
        assertThat(store.checkpoint(id)).as("close stores the final checkpoint").hasValue(last);

        List<String> later = new ArrayList<>();
        for (int i = 10; i < 15; i++) {
            Event<TckPayload> e = event("k", i);
            later.add(e.id());
            append(store, stream, ExpectedVersion.ANY, List.of(e));
        }
        Inbox second = new Inbox();
        CatchUpSubscription resumed = subscribe(store, options, second);
        eventually("the resumed subscriber gets the 5 new events")
                .untilAsserted(() -> assertThat(second.size()).isEqualTo(5));
        assertThat(second.ids()).containsExactlyElementsOf(later);
        resumed.close();
        assertThat(store.checkpoint(id)).hasValue(second.positions().get(4));
    }

    @Test
    @DisplayName("a failing handler stops the subscription with failure(); the checkpoint stays before that event")
    void handlerFailureStopsTheSubscription() {
        EventStore store = newStore();
        long start = head(store) + 1;
        String id = "tck-fail-" + unique();
        String stream = stream("fail");
        for (int i = 0; i < 10; i++) {
            append(store, stream, ExpectedVersion.ANY, List.of(event("k", i)));
        }
        List<RecordedEvent> stored = readAllFrom(store, start);
        TckHandlerException boom = new TckHandlerException("boom at seq 5");
        List<Long> handled = new CopyOnWriteArrayList<>();
        CatchUpOptions options = CatchUpOptions.builder()
                .subscriberId(id)
                .fromPosition(start)
                .checkpointEvery(1)
                .build();
        CatchUpSubscription sub = subscribe(store, options, e -> {
            if (((TckPayload) e.event().data()).seq() == 5) {
                throw boom;
            }
            handled.add(e.position());
        });
        eventually("the subscription stops").until(() -> !sub.isRunning());
        assertThat(sub.failure()).containsSame(boom);
        assertThat(handled).containsExactlyElementsOf(positions(stored.subList(0, 5)));
        assertThat(sub.lastPosition()).isEqualTo(stored.get(4).position());
        assertThat(store.checkpoint(id)).hasValue(stored.get(4).position());
        append(store, stream, ExpectedVersion.ANY, List.of(event("k", 10)));
        assertThat(handled).as("no event is handled after the failure").hasSize(5);

        Inbox retry = new Inbox();
        subscribe(store, options, retry);
        eventually("the restarted subscriber starts at the failed event")
                .untilAsserted(() -> assertThat(retry.size()).isEqualTo(6));
        assertThat(retry.positions().get(0)).isEqualTo(stored.get(5).position());
    }

    @Test
    @DisplayName("a subscription can be closed from inside its handler")
    void closeFromInsideTheHandler() {
        EventStore store = newStore();
        long start = head(store) + 1;
        String stream = stream("selfclose");
        for (int i = 0; i < 5; i++) {
            append(store, stream, ExpectedVersion.ANY, List.of(event("k", i)));
        }
        List<Long> handled = new CopyOnWriteArrayList<>();
        AtomicReference<CatchUpSubscription> self = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        CatchUpSubscription sub =
                subscribe(store, CatchUpOptions.builder().fromPosition(start).build(), e -> {
                    awaitLatch(ready);
                    handled.add(e.position());
                    if (handled.size() == 2) {
                        self.get().close();
                    }
                });
        self.set(sub);
        ready.countDown();
        eventually("the subscription stops").until(() -> !sub.isRunning());
        assertThat(handled).hasSize(2);
        assertThat(sub.failure()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Audit queries
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("audit queries filter by stream, type, tenant, cluster, correlation id and time range, and page")
    void auditQueries() {
        EventStore store = newStore();
        String tenant = "t-" + unique();
        String otherTenant = "t-" + unique();
        String correlation = "c-" + unique();
        String stream1 = stream("audit");
        String stream2 = stream("audit");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        List<Event<?>> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Event.Builder<?> b = i % 3 == 2
                    ? Event.builder(TckOtherPayload.TYPE, new TckOtherPayload("n" + i))
                    : Event.builder(TckPayload.TYPE, new TckPayload("k", i));
            Event<?> e = b.source("/tck/audit")
                    .time(t0.plusSeconds(i * 60L))
                    .tenant(i < 10 ? tenant : otherTenant)
                    .cluster(i % 2 == 0 ? "ams-" + tenant : "par-" + tenant)
                    .correlationId(i % 4 == 0 ? correlation : null)
                    .build();
            all.add(e);
            append(store, i < 6 ? stream1 : stream2, ExpectedVersion.ANY, List.of(e));
        }
        assertThat(ids(query(store, AuditQuery.builder().stream(stream1))))
                .containsExactlyElementsOf(ids(all.subList(0, 6)));
        assertThat(ids(query(store, AuditQuery.builder().tenant(tenant))))
                .containsExactlyElementsOf(ids(all.subList(0, 10)));
        assertThat(ids(query(store, AuditQuery.builder().tenant(tenant).types(TckOtherPayload.TYPE_NAME))))
                .containsExactlyElementsOf(pick(all, 2, 5, 8));
        assertThat(ids(query(
                        store,
                        AuditQuery.builder().tenant(tenant).types(TckOtherPayload.TYPE_NAME, TckPayload.TYPE_NAME))))
                .hasSize(10);
        assertThat(ids(query(store, AuditQuery.builder().cluster("par-" + tenant))))
                .containsExactlyElementsOf(pick(all, 1, 3, 5, 7, 9, 11));
        assertThat(ids(query(store, AuditQuery.builder().correlationId(correlation))))
                .containsExactlyElementsOf(pick(all, 0, 4, 8));
        assertThat(ids(query(store, AuditQuery.builder().correlationId(correlation).stream(stream2))))
                .containsExactlyElementsOf(pick(all, 8));
        assertThat(ids(query(
                        store,
                        AuditQuery.builder().tenant(tenant).timeRange(t0.plusSeconds(120), t0.plusSeconds(300)))))
                .as("from inclusive, to exclusive")
                .containsExactlyElementsOf(pick(all, 2, 3, 4));
        assertThat(ids(query(store, AuditQuery.builder().tenant(tenant).timeRange(null, t0.plusSeconds(60)))))
                .containsExactlyElementsOf(pick(all, 0));
        assertThat(ids(query(store, AuditQuery.builder().tenant(otherTenant).timeRange(t0.plusSeconds(600), null))))
                .containsExactlyElementsOf(pick(all, 10, 11));
        assertThat(query(store, AuditQuery.builder().tenant("t-" + unique()))).isEmpty();
        assertThat(query(store, AuditQuery.builder().tenant(tenant).types("no.such.type.v1")))
                .isEmpty();

        // Paging: pages of 3 concatenate to the full result, and the last page says it is the last.
        List<String> paged = new ArrayList<>();
        AuditQuery.Builder q = AuditQuery.builder().tenant(tenant).limit(3);
        int pages = 0;
        while (true) {
            AuditPage page = store.query(q.build());
            pages++;
            assertThat(page.events()).hasSizeLessThanOrEqualTo(3);
            assertThat(page.events()).extracting(RecordedEvent::position).isSorted();
            page.events().forEach(r -> paged.add(r.event().id()));
            if (page.nextPosition().isEmpty()) {
                break;
            }
            q.afterPosition(page.nextPosition().getAsLong());
            assertThat(pages).as("pages end").isLessThan(10);
        }
        assertThat(paged).containsExactlyElementsOf(ids(all.subList(0, 10)));
        assertThat(pages).isEqualTo(4);
        AuditPage exact =
                store.query(AuditQuery.builder().stream(stream1).limit(6).build());
        assertThat(exact.events()).hasSize(6);
        assertThat(exact.nextPosition()).as("a full last page has no next page").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Upcasting, retention, durability
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("reads, subscriptions and queries return upcast events; the stored type stays queryable")
    void upcastingOnEveryRead() {
        EventStore store = newStore();
        long start = head(store) + 1;
        String stream = stream("upcast");
        String tenant = "t-" + unique();
        Event<Map<String, Object>> old = Event.<Map<String, Object>>builder(
                        TckStoreSettings.OLD_TYPE_NAME, Map.of("name", "legacy", "number", 7))
                .source("/tck/old")
                .tenant(tenant)
                .build();
        append(store, stream, ExpectedVersion.NO_STREAM, List.of(old, event("k", 8)));

        List<RecordedEvent> read = store.readStream(stream, ReadDirection.FORWARD, 0, 10);
        assertThat(read.get(0).event().type()).isEqualTo(TckPayload.TYPE_NAME);
        assertThat(read.get(0).event().data()).isEqualTo(new TckPayload("legacy", 7));
        assertThat(read.get(0).event().id()).isEqualTo(old.id());
        assertThat(read.get(1).event().data()).isEqualTo(new TckPayload("k", 8));
        assertThat(readAllFrom(store, start).get(0).event().data()).isEqualTo(new TckPayload("legacy", 7));
        AuditPage byOldType = store.query(AuditQuery.builder()
                .tenant(tenant)
                .types(TckStoreSettings.OLD_TYPE_NAME)
                .build());
        assertThat(byOldType.events()).hasSize(1);
        assertThat(byOldType.events().get(0).event().data()).isEqualTo(new TckPayload("legacy", 7));
        Inbox inbox = new Inbox();
        subscribe(store, CatchUpOptions.builder().fromPosition(start).build(), inbox);
        eventually("both events delivered")
                .untilAsserted(() -> assertThat(inbox.size()).isEqualTo(2));
        assertThat(inbox.events().get(0).event().data()).isEqualTo(new TckPayload("legacy", 7));
    }

    @TestFactory
    @DisplayName("retention per category: max-count keeps the newest events, max-age drops old ones everywhere")
    Stream<DynamicTest> retentionPerCategory() {
        return onlyIf(supportsRetention(), "supportsRetention()", this::checkRetentionPerCategory);
    }

    private void checkRetentionPerCategory() {
        TckStoreSettings settings = TckStoreSettings.defaults()
                .withRetention(Map.of(
                        "tckcount", new TckStoreSettings.Retention(null, 3),
                        "tckage", new TckStoreSettings.Retention(Duration.ofHours(1), 0)));
        EventStore store = newStore(settings);
        long start = head(store) + 1;
        String counted = "tckcount-" + unique();
        String aged = "tckage-" + unique();
        String kept = stream("kept");
        for (int i = 0; i < 5; i++) {
            append(store, counted, ExpectedVersion.ANY, List.of(event("c", i)));
        }
        append(store, aged, ExpectedVersion.ANY, List.of(event("a", 0), event("a", 1)));
        append(store, kept, ExpectedVersion.ANY, List.of(event("k", 0)));
        settings.clock().advance(Duration.ofMinutes(30));
        append(store, aged, ExpectedVersion.ANY, List.of(event("a", 2)));
        settings.clock().advance(Duration.ofMinutes(45));
        applyRetention(store);

        assertThat(store.readStream(counted, ReadDirection.FORWARD, 0, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(2L, 3L, 4L);
        assertThat(store.readStream(aged, ReadDirection.FORWARD, 0, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(2L);
        assertThat(store.streamVersion(counted)).as("versions do not change").hasValue(4);
        assertThat(store.streamVersion(aged)).hasValue(2);
        List<RecordedEvent> all = readAllFrom(store, start);
        assertThat(all)
                .extracting(r -> r.stream() + "@" + r.version())
                .containsExactly(counted + "@2", counted + "@3", counted + "@4", kept + "@0", aged + "@2");
        assertThat(store.query(AuditQuery.builder().stream(aged).build()).events())
                .hasSize(1);
        assertThat(append(store, counted, ExpectedVersion.exactly(4), List.of(event("c", 5)))
                        .lastVersion())
                .isEqualTo(5);
        assertThat(store.readStream(counted, ReadDirection.BACKWARD, Long.MAX_VALUE, 10))
                .extracting(RecordedEvent::version)
                .containsExactly(5L, 4L, 3L);
    }

    @TestFactory
    @DisplayName("a durable store keeps events, versions, tombstones and checkpoints across a reopen")
    Stream<DynamicTest> durableAcrossReopen() {
        return onlyIf(durable(), "durable()", this::checkDurableAcrossReopen);
    }

    private void checkDurableAcrossReopen() {
        TckStoreSettings settings = TckStoreSettings.defaults();
        EventStore store = newStore(settings);
        long start = head(store) + 1;
        String stream = stream("durable");
        String gone = stream("gone");
        String id = "tck-durable-" + unique();
        List<Event<?>> events =
                IntStream.range(0, 20).<Event<?>>mapToObj(i -> event("k", i)).toList();
        append(store, stream, ExpectedVersion.NO_STREAM, events.subList(0, 10));
        append(store, stream, ExpectedVersion.exactly(9), events.subList(10, 20));
        append(store, gone, ExpectedVersion.NO_STREAM, List.of(event("g", 0)));
        await(store.deleteStream(gone, ExpectedVersion.ANY));
        await(store.storeCheckpoint(id, 1234));
        List<RecordedEvent> before = readAllFrom(store, start);

        stores.remove(store);
        closeStore(store);
        EventStore reopened = reopen(store, settings);
        stores.add(reopened);

        assertThat(readAllFrom(reopened, start))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(before);
        assertThat(reopened.streamVersion(stream)).hasValue(19);
        assertThat(reopened.streamVersion(gone)).isEmpty();
        assertThat(reopened.readStream(gone, ReadDirection.FORWARD, 0, 10)).isEmpty();
        assertThat(reopened.checkpoint(id)).hasValue(1234);
        assertThat(failureOf(reopened.append(stream, ExpectedVersion.exactly(18), List.of(event("k", 20)))))
                .isInstanceOf(WrongExpectedVersionException.class);
        AppendResult next = append(reopened, stream, ExpectedVersion.exactly(19), List.of(event("k", 20)));
        assertThat(next.firstPosition())
                .isGreaterThan(before.get(before.size() - 1).position());
        assertThat(append(reopened, gone, ExpectedVersion.NO_STREAM, List.of(event("g", 1)))
                        .firstVersion())
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Randomized histories
    // ------------------------------------------------------------------------------------------------------------

    /**
     * A random sequence of appends (with every kind of expectation, right or wrong), deletions and reads over a few
     * streams, checked step by step against a model of the contract.
     *
     * @param seed the history's seed; rerun with {@code -Dscaleplane.tck.seeds=<seed>}
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.scaleplane.tck.EventStoreCompatibilityKit#scenarioSeeds")
    @DisplayName("random histories of appends, conflicts and deletions match a model of the contract")
    void randomHistoryMatchesAModel(long seed) {
        EventStore store = newStore();
        SplittableRandom random = new SplittableRandom(seed);
        List<String> streams = IntStream.range(0, 1 + random.nextInt(4))
                .mapToObj(i -> stream("rnd"))
                .toList();
        Map<String, ModelStream> model = new HashMap<>();
        streams.forEach(s -> model.put(s, new ModelStream()));
        long lastPosition = head(store);
        int steps = 60 + random.nextInt(60);
        for (int step = 0; step < steps; step++) {
            String stream = streams.get(random.nextInt(streams.size()));
            ModelStream m = model.get(stream);
            String where = "seed " + seed + ", step " + step + ", stream " + stream;
            int op = random.nextInt(10);
            if (op < 7) {
                ExpectedVersion expected = randomExpectation(random, m);
                int n = 1 + random.nextInt(4);
                List<Event<?>> batch = IntStream.range(0, n)
                        .<Event<?>>mapToObj(i -> event("r", i))
                        .toList();
                CompletableFuture<AppendResult> f = store.append(stream, expected, batch);
                String outcome = m.appendOutcome(expected);
                if (outcome.equals("ok")) {
                    AppendResult r = await(f);
                    assertThat(r.firstVersion()).as(where).isEqualTo(m.last + 1);
                    assertThat(r.firstPosition()).as(where).isGreaterThan(lastPosition);
                    lastPosition = r.lastPosition();
                    for (Event<?> e : batch) {
                        m.last++;
                        m.visible.add(e.id());
                    }
                } else {
                    Throwable t = failureOf(f);
                    if (outcome.equals("deleted")) {
                        assertThat(t).as(where + ", expected " + expected).isInstanceOf(StreamDeletedException.class);
                    } else {
                        assertThat(t)
                                .as(where + ", expected " + expected)
                                .isInstanceOf(WrongExpectedVersionException.class);
                        assertThat(((WrongExpectedVersionException) t).actualVersion())
                                .as(where)
                                .isEqualTo(m.exists() ? m.last : -1);
                    }
                }
            } else if (op < 8) {
                ExpectedVersion expected =
                        m.exists() && random.nextBoolean() ? ExpectedVersion.exactly(m.last) : ExpectedVersion.ANY;
                await(store.deleteStream(stream, expected));
                if (m.exists()) {
                    m.deletedThrough = m.last;
                    m.visible.clear();
                }
            } else {
                List<RecordedEvent> read = store.readStream(stream, ReadDirection.FORWARD, 0, 1000);
                assertThat(ids(read.stream().map(RecordedEvent::event).toList()))
                        .as(where)
                        .containsExactlyElementsOf(m.visible);
                assertThat(store.readStream(stream, ReadDirection.BACKWARD, Long.MAX_VALUE, 1000))
                        .as(where)
                        .hasSize(m.visible.size());
            }
            if (m.exists()) {
                assertThat(store.streamVersion(stream)).as(where).hasValue(m.last);
            } else {
                assertThat(store.streamVersion(stream)).as(where).isEmpty();
            }
        }
    }

    private static ExpectedVersion randomExpectation(SplittableRandom random, ModelStream m) {
        return switch (random.nextInt(6)) {
            case 0 -> ExpectedVersion.ANY;
            case 1 -> ExpectedVersion.NO_STREAM;
            case 2 -> ExpectedVersion.STREAM_EXISTS;
            case 3 -> ExpectedVersion.exactly(Math.max(0, m.last));
            case 4 -> ExpectedVersion.exactly(Math.max(0, m.last + (random.nextBoolean() ? 1 : -1)));
            default -> m.last >= 0 ? ExpectedVersion.exactly(m.last) : ExpectedVersion.NO_STREAM;
        };
    }

    /** The contract's view of one stream. */
    private static final class ModelStream {
        long last = -1;
        long deletedThrough = -1;
        final List<String> visible = new ArrayList<>();

        boolean exists() {
            return last > deletedThrough;
        }

        String appendOutcome(ExpectedVersion expected) {
            if (!exists() && deletedThrough >= 0) {
                return expected == ExpectedVersion.ANY || expected == ExpectedVersion.NO_STREAM ? "ok" : "deleted";
            }
            return expected.isMetBy(exists() ? last : -1, exists()) ? "ok" : "conflict";
        }
    }

    /**
     * Seeds for {@link #randomHistoryMatchesAModel(long)}: those in {@code scaleplane.tck.seeds} (comma-separated),
     * else {@code scaleplane.tck.scenarios} (default {@value #DEFAULT_SCENARIOS}) random ones.
     */
    static Stream<Long> scenarioSeeds() {
        String listed = System.getProperty("scaleplane.tck.seeds", "").trim();
        if (!listed.isEmpty()) {
            return Arrays.stream(listed.split(",")).map(String::trim).map(Long::parseLong);
        }
        int count = Integer.getInteger("scaleplane.tck.scenarios", DEFAULT_SCENARIOS);
        SplittableRandom random = new SplittableRandom();
        return IntStream.range(0, count).mapToObj(i -> random.nextLong());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    private static String unique() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private static String stream(String category) {
        return "tck" + category + "-" + unique();
    }

    private static Event<TckPayload> event(String key, int seq) {
        return Event.builder(TckPayload.TYPE, new TckPayload(key, seq))
                .source("/tck/store")
                .subject(key)
                .build();
    }

    private static Event<TckPayload> event(String key, int seq, String tenant) {
        return event(key, seq).toBuilder().tenant(tenant).build();
    }

    private static List<String> ids(List<? extends Event<?>> events) {
        return events.stream().map(Event::id).toList();
    }

    private static List<String> pick(List<Event<?>> events, int... indexes) {
        return Arrays.stream(indexes).mapToObj(i -> events.get(i).id()).toList();
    }

    private static List<Long> positions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::position).toList();
    }

    private List<Event<?>> query(EventStore store, AuditQuery.Builder query) {
        AuditPage page = store.query(query.limit(1000).build());
        assertThat(page.nextPosition()).isEmpty();
        assertThat(page.events()).extracting(RecordedEvent::position).isSorted();
        return page.events().stream().<Event<?>>map(RecordedEvent::event).toList();
    }

    /** The position of the newest event, or -1 when the store is empty. */
    private static long head(EventStore store) {
        List<RecordedEvent> last = store.readAll(ReadDirection.BACKWARD, Long.MAX_VALUE, 1);
        return last.isEmpty() ? -1 : last.get(0).position();
    }

    private static List<RecordedEvent> readAllFrom(EventStore store, long from) {
        List<RecordedEvent> out = new ArrayList<>();
        while (true) {
            List<RecordedEvent> page = store.readAll(ReadDirection.FORWARD, from, 500);
            out.addAll(page);
            if (page.size() < 500) {
                return out;
            }
            from = page.get(page.size() - 1).position() + 1;
        }
    }

    private AppendResult append(
            EventStore store, String stream, ExpectedVersion expected, List<? extends Event<?>> events) {
        return await(store.append(stream, expected, events));
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(livenessTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the store failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the store did not complete within " + livenessTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The failure of a future that must fail. */
    private Throwable failureOf(CompletableFuture<?> future) {
        try {
            Object value = future.get(livenessTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return fail("expected a failure, but the store completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the store did not complete within " + livenessTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Records a successful append under {@code id}, or returns its failure. */
    private @org.jspecify.annotations.Nullable Throwable outcome(
            CompletableFuture<AppendResult> future, Map<String, AppendResult> acked, String id) {
        try {
            acked.put(id, future.get(livenessTimeout().toMillis(), TimeUnit.MILLISECONDS));
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the store did not complete within " + livenessTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A fresh thread per task: the common pool may have a single thread on small machines. */
    private static java.util.concurrent.Executor daemonExecutor() {
        return task -> {
            Thread t = new Thread(task, "tck-store-worker");
            t.setDaemon(true);
            t.start();
        };
    }

    private ConditionFactory eventually(String what) {
        return Awaitility.await(what)
                .atMost(livenessTimeout())
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10));
    }

    /** Versions 0 to n-1. */
    private static final class LongRange {
        static List<Long> of(long n) {
            List<Long> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.add(i);
            }
            return out;
        }
    }

    /** Collects what a subscription delivers; never throws. */
    private static final class Inbox implements RecordedEventHandler {
        private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        private final Set<Long> seen = ConcurrentHashMap.newKeySet();
        private volatile @org.jspecify.annotations.Nullable String failure;

        @Override
        public void handle(RecordedEvent event) {
            if (!seen.add(event.position()) && failure == null) {
                failure = "position " + event.position() + " delivered twice";
            }
            events.add(event);
        }

        int size() {
            return events.size();
        }

        List<RecordedEvent> events() {
            return events;
        }

        List<Long> positions() {
            return events.stream().map(RecordedEvent::position).toList();
        }

        List<String> ids() {
            return events.stream().map(r -> r.event().id()).toList();
        }

        @org.jspecify.annotations.Nullable
        String failure() {
            return failure;
        }
    }
}
