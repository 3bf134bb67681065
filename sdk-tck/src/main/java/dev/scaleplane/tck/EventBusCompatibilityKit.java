package dev.scaleplane.tck;

import static dev.scaleplane.api.spi.Capabilities.Capability.DURABLE;
import static dev.scaleplane.api.spi.Capabilities.Capability.ORDERED_PER_KEY;
import static dev.scaleplane.api.spi.Capabilities.Capability.REPLAY;
import static dev.scaleplane.api.spi.Capabilities.Capability.WIRE_DECODING;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.DeadLetters;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.PublishBatchException;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.PublishTimeoutException;
import dev.scaleplane.api.events.RawMessage;
import dev.scaleplane.api.events.StartPosition;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.UnknownEventTypeException;
import dev.scaleplane.api.events.UnsupportedCapabilityException;
import dev.scaleplane.api.events.catalog.ClusterCreated;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.spi.Capabilities;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compatibility kit for {@link EventBus} backends: JUnit 5 tests of every clause of the delivery contract stated
 * in the {@link EventBus} Javadoc, run against a real backend by subclassing this class once.
 *
 * <h2>Adding the kit to a backend module</h2>
 *
 * <ol>
 *   <li>Add {@code dev.scaleplane:scaleplane-tck} with {@code <scope>test</scope>} (its version comes from
 *       {@code scaleplane-bom}), plus the JUnit Platform surefire setup the module already uses.
 *   <li>Write one test class in {@code src/test/java}, e.g. {@code KafkaEventBusCompatibilityTest extends
 *       EventBusCompatibilityKit}, and implement {@link #createBus(TckBusSettings)}: build a bus of your backend
 *       from the given settings (event types, buffer capacity, publish timeout, source, drain timeout), connected
 *       to the real broker the module's tests use. Return a new, started bus on every call: the kit may hold two
 *       buses at once (for example around {@link #restartBackend()}).
 *   <li>Override the optional hooks that describe your backend:
 *       <ul>
 *         <li>{@link #backPressureFromConsumers()}: {@code false} for brokers that store events, so a slow
 *             consumer never makes {@code publish} block;
 *         <li>{@link #retriesPreserveKeyOrder()}: {@code false} when retries leave the partition (Kafka-style
 *             retry topics), so later events of a key may overtake a retried one;
 *         <li>{@link #rawInjector()}: required when the backend declares
 *             {@link Capabilities.Capability#WIRE_DECODING}, to write undecodable bytes to a topic;
 *         <li>{@link #restartBackend()}: required when the backend declares {@link Capabilities.Capability#DURABLE};
 *         <li>{@link #closeBus(EventBus)}: when {@code createBus} created more than the bus (a platform, a client)
 *             that must be released with it;
 *         <li>{@link #livenessTimeout()} and {@link #quietPeriod()} for slow brokers.
 *       </ul>
 *   <li>Run it with the module's tests, e.g. {@code mvn -pl spi-events/kafka -Dtest=KafkaEventBusCompatibilityTest
 *       test}. A missing broker must fail the run (see the project's testing rules), never skip it.
 * </ol>
 *
 * A minimal subclass for a backend created through the platform:
 *
 * <pre>{@code
 * class MyEventBusCompatibilityTest extends EventBusCompatibilityKit {
 *     private final Map<EventBus, Platform> platforms = new ConcurrentHashMap<>();
 *
 *     @Override
 *     protected EventBus createBus(TckBusSettings settings) {
 *         Platform platform = Scaleplane.builder()
 *                 .eventTypes(settings.eventTypes())
 *                 .source(settings.source())
 *                 .config(ScaleplaneProperties.of(Map.of(
 *                         "scaleplane.events.provider", "mine",
 *                         "scaleplane.events.publish-timeout", settings.publishTimeout().toMillis() + "ms",
 *                         "scaleplane.events.drain-timeout", settings.drainTimeout().toMillis() + "ms")))
 *                 .build();
 *         platforms.put(platform.events(), platform);
 *         return platform.events();
 *     }
 *
 *     @Override
 *     protected void closeBus(EventBus bus) {
 *         Platform platform = platforms.remove(bus);
 *         if (platform != null) platform.close(); else bus.close();
 *     }
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * Each test is one clause of the contract, named by its {@link DisplayName}. Tests of optional behaviour are driven
 * by the backend's declared {@link Capabilities} and hooks. Each is a {@link TestFactory} that yields its one
 * {@link DynamicTest}, named after the capability or hook it depends on, only when the backend claims the behaviour;
 * otherwise it yields no test at all, so a run reports nothing as skipped and a clause that does not apply is not
 * counted. Where the contract has a clause for each side of a capability (a {@code StartPosition.EARLIEST}
 * subscription without and with {@code REPLAY}), exactly one of the pair yields a test. The capabilities are read
 * once per kit instance from a bus the kit creates and closes for that purpose. A test <em>fails</em> when the
 * backend claims the behaviour but the subclass does not give the kit what it needs (for example {@code DURABLE}
 * without {@link #restartBackend()}, or {@code WIRE_DECODING} without {@link #rawInjector()}).
 *
 * <ul>
 *   <li>acceptance: receipts, envelopes of {@code publish(topic, data)}, synchronous argument validation, unknown
 *       payload classes, behaviour after {@code close()};
 *   <li>batch publish ({@code publishAll}): receipts in list order, per-key order, argument validation, a closed bus,
 *       a full buffer failing part of a batch;
 *   <li>groups: broadcast to every group, competing consumers inside a group, hand-over when a member closes;
 *   <li>order: per-key order with concurrency above one (when {@code ORDERED_PER_KEY}) and parallelism across
 *       keys;
 *   <li>type filters, retries (attempt counts, fixed delay as a lower bound, non-retryable failures), dead letters
 *       (every recorded field, default and custom destination, list, find, redrive, redriveAll, discard);
 *   <li>idempotent consumption, trace context, correlation and causation ids, replay from
 *       {@link StartPosition#EARLIEST}, bounded buffers, draining on close, undecodable messages, durability
 *       across a backend restart;
 *   <li>{@linkplain #randomScenario(long) randomized scenarios}: random keys, events, groups, members,
 *       concurrency, de-duplication and handler failures, checked for loss, duplicates, order and explained dead
 *       letters.
 * </ul>
 *
 * <h2>How the kit behaves</h2>
 *
 * <ul>
 *   <li>Every test uses fresh, random topic and group names, so one broker can be shared by all tests and runs.
 *   <li>Waiting is done with Awaitility up to {@link #livenessTimeout()}: a liveness bound, not a performance
 *       assertion. No test asserts how fast anything happens; the only timing checks are lower bounds that the
 *       contract states (a retry waits at least its delay, a full buffer makes publish wait at least the publish
 *       timeout). Sleeping is used only to show that something does <em>not</em> happen within
 *       {@link #quietPeriod()}.
 *   <li>Every bus created by the kit is closed after the test with {@link #closeBus(EventBus)} (JUnit
 *       {@code @AfterEach}). A subclass's own {@code @AfterEach} methods run before that. For a capability-dependent
 *       test, JUnit runs {@code @AfterEach} once around the whole {@link TestFactory}, after its dynamic test.
 *   <li>Randomized scenarios are seeded. The seed is in the test name and in every failure message; rerun one with
 *       {@code -Dscaleplane.tck.seeds=<seed>[,<seed>...]}. {@code -Dscaleplane.tck.scenarios=<n>} changes how many
 *       random seeds run (default {@value #DEFAULT_SCENARIOS}). Thread interleavings are not reproducible, only the
 *       scenario.
 * </ul>
 *
 * <p>Handlers never assert: failures seen on bus threads are collected and asserted on the test thread, because an
 * exception thrown from a handler would only make the bus retry.
 */
public abstract class EventBusCompatibilityKit {

    /** How many random scenarios {@link #randomScenario(long)} runs unless {@code scaleplane.tck.scenarios} is set. */
    public static final int DEFAULT_SCENARIOS = 12;

    /**
     * Allowance for clock granularity in lower-bound checks: a backend that schedules with millisecond timestamps
     * (broker record times) may fire up to a millisecond or so before a nanosecond clock says the full delay passed.
     */
    private static final Duration CLOCK_GRANULARITY = Duration.ofMillis(5);

    /** Retries that cost nothing: 3 attempts, 1 ms apart, no jitter; {@link TckNonRetryableException} is final. */
    private static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .fixed(Duration.ofMillis(1))
            .jitter(0)
            .nonRetryable(TckNonRetryableException.class)
            .build();

    private final List<EventBus> buses = new CopyOnWriteArrayList<>();

    /** What the backend declares, read once by {@link #declaredCapabilities()}; {@code null} until then. */
    private @Nullable Capabilities declaredCapabilities;

    // ------------------------------------------------------------------------------------------------------------
    // Hooks
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Creates a new, started bus of the backend under test, configured from {@code settings}. Called by the kit
     * whenever a test needs a bus (possibly several per test); the kit closes each one with
     * {@link #closeBus(EventBus)}.
     *
     * <p>The bus must know exactly the types of {@link TckBusSettings#eventTypes()}, use its source for events that
     * {@code publish(topic, data)} wraps, and honour its buffer capacity, publish timeout and drain timeout. Buses
     * created by one kit instance must share the backend: a bus created after {@link #restartBackend()} sees what an
     * earlier bus published.
     *
     * @param settings what the test needs of the bus
     * @return a new bus; never {@code null}
     */
    protected abstract EventBus createBus(TckBusSettings settings);

    /**
     * Releases a bus created by {@link #createBus(TckBusSettings)}. The kit calls it once for every bus it created:
     * after the test, or earlier when a test needs the bus gone (before {@link #restartBackend()}). The bus may
     * already have been closed by the test itself, so this must tolerate that ({@link EventBus#close()} is
     * idempotent).
     *
     * <p>Default: {@code bus.close()}. Override when {@code createBus} created more than the bus, for example a
     * {@code Platform} that owns it or a broker client, and release those too.
     *
     * @param bus a bus this kit created
     */
    protected void closeBus(EventBus bus) {
        bus.close();
    }

    /**
     * Whether a slow consumer makes {@code publish} block: {@code true} when events wait in bounded buffers of this
     * process until handlers take them (the in-memory bus), {@code false} when the broker stores them so consumers
     * never hold back publishers (Kafka, RabbitMQ). When {@code true}, the kit checks that a full buffer makes
     * {@code publish} wait for the publish timeout and fail with {@link PublishTimeoutException}, without losing
     * what was accepted.
     *
     * <p>Default {@code true}; broker-backed subclasses override it to return {@code false}.
     */
    protected boolean backPressureFromConsumers() {
        return true;
    }

    /**
     * Whether an event being retried keeps its place in its key's order, so later events of the same key wait for
     * it (retries in place). Kafka-style retry topics move a failing event out of the partition, so later events of
     * its key may be handled first; such backends override this to return {@code false}, and the kit then checks
     * per-key order only for keys whose events never failed. Only relevant for backends that declare
     * {@link Capabilities.Capability#ORDERED_PER_KEY}.
     *
     * <p>Default {@code true}.
     */
    protected boolean retriesPreserveKeyOrder() {
        return true;
    }

    /**
     * A way to write raw bytes to a topic, bypassing the bus's encoder. Backends that declare
     * {@link Capabilities.Capability#WIRE_DECODING} must return one, so the kit can check that undecodable messages
     * are dead-lettered with {@link DeadLetter.Reason#UNDECODABLE} and do not block later events.
     *
     * <p>Default: empty (fine for backends that pass objects, such as the in-memory bus).
     */
    protected Optional<RawInjector> rawInjector() {
        return Optional.empty();
    }

    /**
     * Restarts the backend's server side and drops every client-side state, so that the next bus created sees only
     * what the backend persisted: for example stop and start the broker process, or at least every connection. The
     * kit calls it only when the backend declares {@link Capabilities.Capability#DURABLE}, after it closed every
     * bus it created with {@link #closeBus(EventBus)}, and returns only once the backend accepts connections again.
     *
     * <p>Default: throws {@link UnsupportedOperationException}, which fails the durability test of a backend that
     * declares {@code DURABLE}.
     *
     * @throws Exception if the restart failed; the test then fails
     */
    protected void restartBackend() throws Exception {
        throw new UnsupportedOperationException("the backend declares DURABLE, so "
                + getClass().getName() + " must override restartBackend() to restart the broker between two buses");
    }

    /**
     * The longest the kit waits for something that must happen (an event handled, a dead letter recorded, a future
     * completed). A liveness bound only: a passing run never waits for it. Default 30 s.
     */
    protected Duration livenessTimeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * How long the kit watches to show that something does <em>not</em> happen (a duplicate delivery, a redrive to
     * the wrong group, a handler call after close). Longer catches more; it is added to the run time of the tests
     * that use it. Default 250 ms.
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(250);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Closes every bus the kit created during the test, newest first, with {@link #closeBus(EventBus)}. Runs after
     * the subclass's own {@code @AfterEach} methods, and for a {@link TestFactory} once, after its dynamic test has
     * finished, so it also closes the buses that dynamic test created. A failure to close fails the test.
     */
    @AfterEach
    protected final void closeBusesCreatedByTheKit() {
        List<EventBus> open = new ArrayList<>(buses);
        buses.clear();
        Collections.reverse(open);
        RuntimeException failure = null;
        for (EventBus bus : open) {
            try {
                closeBus(bus);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing a bus after the test failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private EventBus newBus() {
        return newBus(TckBusSettings.defaults());
    }

    private EventBus newBus(TckBusSettings settings) {
        EventBus bus = createBus(settings);
        if (bus == null) {
            throw new IllegalStateException(getClass().getName() + ".createBus returned null");
        }
        buses.add(bus);
        return bus;
    }

    private void release(EventBus bus) {
        buses.remove(bus);
        closeBus(bus);
    }

    /**
     * The capabilities the backend declares, read from a bus created for that purpose and released at once, then
     * cached for this kit instance. Used to decide, before any dynamic test exists, which capability-dependent tests
     * apply.
     */
    private Capabilities declaredCapabilities() {
        Capabilities capabilities = declaredCapabilities;
        if (capabilities == null) {
            EventBus bus = newBus();
            try {
                capabilities = bus.capabilities();
            } finally {
                release(bus);
            }
            if (capabilities == null) {
                throw new IllegalStateException(getClass().getName() + ": the bus declares null capabilities()");
            }
            declaredCapabilities = capabilities;
        }
        return capabilities;
    }

    private boolean declares(Capabilities.Capability capability) {
        return declaredCapabilities().has(capability);
    }

    /**
     * The test of a capability-dependent clause: one dynamic test named {@code condition} running {@code body} when
     * the clause applies to the backend, no test at all when it does not (never a skipped one).
     */
    private static Stream<DynamicTest> onlyIf(boolean applies, String condition, Executable body) {
        return applies ? Stream.of(DynamicTest.dynamicTest(condition, body)) : Stream.empty();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Acceptance and lifecycle of the bus
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("capabilities() is declared and does not change between calls or buses")
    void declaresStableCapabilities() {
        EventBus bus = newBus();
        Capabilities capabilities = bus.capabilities();

        assertThat(capabilities).isNotNull();
        assertThat(bus.capabilities()).isEqualTo(capabilities);
        assertThat(newBus().capabilities()).isEqualTo(capabilities);
    }

    @Test
    @DisplayName("publish completes with a receipt naming the topic and the event id, with or without subscribers")
    void publishCompletesWithReceipt() {
        EventBus bus = newBus();
        String topic = unique("tck.receipt");
        Event<TckPayload> unobserved = tckEvent("k", 0);

        PublishReceipt first = accept(bus, topic, unobserved);

        assertThat(first.topic()).isEqualTo(topic);
        assertThat(first.eventId()).isEqualTo(unobserved.id());
        assertThat(first.position()).isNotNull();

        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, inbox);
        Event<TckPayload> observed = tckEvent("k", 1);

        PublishReceipt second = accept(bus, topic, observed);

        assertThat(second.topic()).isEqualTo(topic);
        assertThat(second.eventId()).isEqualTo(observed.id());
        eventually("the event is handled")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(observed.id()));
    }

    @Test
    @DisplayName("publish(topic, data) wraps the payload in a complete envelope with a new root trace context")
    void publishDataWrapsThePayload() {
        EventBus bus = newBus();
        String topic = unique("tck.wrap");
        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, inbox);

        PublishReceipt first = await(bus.publish(topic, new TckPayload("k", 0)), "publish(topic, data)");
        PublishReceipt second = await(bus.publish(topic, new TckPayload("k", 1)), "publish(topic, data)");

        assertThat(first.eventId()).isNotBlank().isNotEqualTo(second.eventId());
        eventually("both wrapped events are handled")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(first.eventId(), second.eventId()));
        Event<TckPayload> handled = inbox.byId(first.eventId());
        assertThat(handled.type()).isEqualTo(TckPayload.TYPE_NAME);
        assertThat(handled.source()).isEqualTo(TckBusSettings.DEFAULT_SOURCE);
        assertThat(handled.specVersion()).isEqualTo(Event.SPEC_VERSION);
        assertThat(handled.data()).isEqualTo(new TckPayload("k", 0));
        assertThat(handled.time()).isNotNull();
        assertThat(handled.causationId())
                .as("an event published outside any handler has no cause")
                .isNull();
        assertThat(handled.traceparent())
                .as("an event published outside any handler starts a new trace")
                .isNotNull();
        assertThat(inbox.byId(second.eventId()).traceparent().traceId())
                .as("two root publishes start two different traces")
                .isNotEqualTo(handled.traceparent().traceId());
    }

    @Test
    @DisplayName("publish throws synchronously for null arguments, invalid topic names and a mismatched type name")
    void publishValidatesArguments() {
        EventBus bus = newBus();
        String topic = unique("tck.validate");
        Event<TckPayload> event = tckEvent("k", 0);

        assertThatNullPointerException().isThrownBy(() -> bus.publish(null, event));
        assertThatNullPointerException().isThrownBy(() -> bus.publish(topic, (Event<?>) null));
        assertThatNullPointerException().isThrownBy(() -> bus.publish(null, new TckPayload("k", 0)));
        assertThatNullPointerException().isThrownBy(() -> bus.publish(topic, (Object) null));
        for (String bad : List.of("", "has space", "slash/topic", "colon:topic", "é", "t".repeat(201))) {
            assertThatIllegalArgumentException()
                    .as("publish(event) to topic '%s'", bad)
                    .isThrownBy(() -> bus.publish(bad, event));
            assertThatIllegalArgumentException()
                    .as("publish(data) to topic '%s'", bad)
                    .isThrownBy(() -> bus.publish(bad, new TckPayload("k", 0)));
        }
        Event<TckPayload> mislabelled = Event.builder(TckOtherPayload.TYPE_NAME, new TckPayload("k", 0))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .build();
        assertThatIllegalArgumentException()
                .as(
                        "a TckPayload is registered as %s, so an event carrying it as %s is refused",
                        TckPayload.TYPE_NAME, TckOtherPayload.TYPE_NAME)
                .isThrownBy(() -> bus.publish(topic, mislabelled));
    }

    @Test
    @DisplayName("publish(topic, data) of an unregistered payload class throws UnknownEventTypeException")
    void publishOfUnregisteredPayloadFails() {
        EventBus bus = newBus();

        assertThatThrownBy(() -> bus.publish(unique("tck.unknown"), new TckUnregisteredPayload("x")))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining(TckUnregisteredPayload.class.getName());
    }

    @Test
    @DisplayName("after close(), publish fails its future with BusClosedException, and close() is idempotent")
    void closedBusRefusesPublish() {
        EventBus bus = newBus();
        String topic = unique("tck.closed");

        bus.close();
        bus.close();

        Event<TckPayload> event = tckEvent("k", 0);
        assertThat(failureOf(() -> bus.publish(topic, event), "publish(event) after close"))
                .isInstanceOfSatisfying(BusClosedException.class, e -> {
                    assertThat(e.topic()).isEqualTo(topic);
                    assertThat(e.eventId()).isEqualTo(event.id());
                });
        assertThat(failureOf(() -> bus.publish(topic, new TckPayload("k", 1)), "publish(data) after close"))
                .isInstanceOf(BusClosedException.class);
    }

    @Test
    @DisplayName("after close(), subscribe throws BusClosedException")
    void closedBusRefusesSubscribe() {
        EventBus bus = newBus();
        String topic = unique("tck.closed");

        bus.close();

        assertThatThrownBy(() -> bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, e -> {}))
                .isInstanceOf(BusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(options(topic, unique("g")).build(), e -> {}))
                .isInstanceOf(BusClosedException.class);
    }

    @Test
    @DisplayName("members of one group must filter the same types: a mismatch is refused at subscribe, naming both")
    void groupMembersWithDifferentTypeFiltersAreRefused() {
        EventBus bus = newBus();
        String topic = unique("tck.filters");
        String group = unique("g");
        Subscription typed = bus.subscribe(options(topic, group).build(), TckPayload.TYPE, e -> {});
        assertThatThrownBy(() -> bus.subscribe(options(topic, group).build(), TckOtherPayload.TYPE, e -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(group)
                .hasMessageContaining(TckPayload.TYPE.name())
                .hasMessageContaining(TckOtherPayload.TYPE.name());
        assertThatThrownBy(() -> bus.subscribe(options(topic, group).build(), e -> {}))
                .as("every type is another filter too")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(every type)");
        Subscription same = bus.subscribe(options(topic, group).build(), TckPayload.TYPE, e -> {});
        Subscription otherGroup = bus.subscribe(options(topic, unique("g")).build(), TckOtherPayload.TYPE, e -> {});
        typed.close();
        same.close();
        // Once the group has no member left here, it may start over with another filter.
        Subscription again = bus.subscribe(options(topic, group).build(), TckOtherPayload.TYPE, e -> {});
        again.close();
        otherGroup.close();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Batch publish
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("publishAll completes with one receipt per event in list order, with or without subscribers, and"
            + " every group gets every event")
    void publishAllCompletesWithReceiptsInOrder() {
        EventBus bus = newBus();
        String topic = unique("tck.batch");
        List<Event<TckPayload>> unobserved = IntStream.range(0, 5)
                .mapToObj(i -> tckEvent("key-" + (i % 2), i))
                .toList();

        assertThat(await(bus.publishAll(topic, unobserved), "publishAll without subscribers"))
                .extracting(PublishReceipt::eventId)
                .containsExactlyElementsOf(ids(unobserved));
        assertThat(await(bus.publishAll(topic, List.of()), "publishAll of an empty list"))
                .isEmpty();

        List<Inbox<TckPayload>> groups = List.of(new Inbox<>(), new Inbox<>());
        for (Inbox<TckPayload> inbox : groups) {
            bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, inbox);
        }
        List<Event<TckPayload>> events = new ArrayList<>(IntStream.range(0, 40)
                .mapToObj(i -> tckEvent("key-" + (i % 4), i))
                .toList());
        events.add(events.get(3)); // the same event twice is two publishes, as with publish
        List<String> expected = ids(events);

        List<PublishReceipt> receipts = await(bus.publishAll(topic, events), "publishAll of 41 events");
        events.clear(); // the bus read the list during the call; changing it now changes nothing

        assertThat(receipts)
                .as("one receipt per event, in list order")
                .extracting(PublishReceipt::eventId)
                .containsExactlyElementsOf(expected);
        for (int i = 0; i < receipts.size(); i++) {
            PublishReceipt receipt = receipts.get(i);
            assertThat(receipt.topic()).as("topic of receipt %d", i).isEqualTo(topic);
            assertThat(receipt.position()).as("position of receipt %d", i).isNotNull();
        }
        assertThatThrownBy(() -> receipts.add(receipts.get(0)))
                .as("the receipts are unmodifiable")
                .isInstanceOf(UnsupportedOperationException.class);
        for (int g = 0; g < groups.size(); g++) {
            Inbox<TckPayload> inbox = groups.get(g);
            eventually("group " + g + " gets every event of the batch")
                    .untilAsserted(() -> assertThat(inbox.ids()).containsAll(expected));
        }
    }

    @TestFactory
    @DisplayName("publishAll hands events over in list order: each key's events are handled in list order, after"
            + " the same key's events published before (ORDERED_PER_KEY)")
    Stream<DynamicTest> publishAllKeepsPerKeyOrder() {
        return onlyIf(declares(ORDERED_PER_KEY), "ORDERED_PER_KEY declared", this::checkPublishAllPerKeyOrder);
    }

    private void checkPublishAllPerKeyOrder() {
        EventBus bus = newBus();
        String topic = unique("tck.batchorder");
        int keys = 6;
        int perKey = 30;
        KeyOrder order = new KeyOrder();
        bus.subscribe(options(topic, unique("g")).concurrency(3).build(), TckPayload.TYPE, e -> {
            order.enter(e.data().key());
            try {
                order.handled(e.data().key(), e.data().seq());
            } finally {
                order.exit(e.data().key());
            }
        });

        // The first event of each key by publish, the rest in batches of mixed keys, including one-key runs.
        for (int k = 0; k < keys; k++) {
            accept(bus, topic, tckEvent("key-" + k, 0));
        }
        for (int from = 1; from < perKey; from += 10) {
            List<Event<TckPayload>> batch = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                for (int seq = from; seq < from + 10 && seq < perKey; seq++) {
                    if (k % 2 == 0) {
                        batch.add(tckEvent("key-" + k, seq)); // a run of one key
                    }
                }
            }
            for (int seq = from; seq < from + 10 && seq < perKey; seq++) {
                for (int k = 1; k < keys; k += 2) {
                    batch.add(tckEvent("key-" + k, seq)); // keys interleaved
                }
            }
            assertThat(await(bus.publishAll(topic, batch), "publishAll of a batch from seq " + from))
                    .hasSize(batch.size());
        }

        eventually("every event is handled").untilAsserted(() -> {
            for (int k = 0; k < keys; k++) {
                assertThat(order.firstHandlings("key-" + k)).hasSize(perKey);
            }
        });
        assertThat(order.overlaps()).as("keys with overlapping handler calls").isEmpty();
        for (int k = 0; k < keys; k++) {
            assertThat(order.firstHandlings("key-" + k))
                    .as("handling order of key-%d", k)
                    .isEqualTo(IntStream.range(0, perKey).boxed().toList());
        }
    }

    @Test
    @DisplayName("publishAll throws synchronously for null arguments or elements, an invalid topic name and a"
            + " mismatched type name")
    void publishAllValidatesArguments() {
        EventBus bus = newBus();
        String topic = unique("tck.batchvalidate");
        List<Event<TckPayload>> good = List.of(tckEvent("k", 0), tckEvent("k", 1));

        assertThatNullPointerException().isThrownBy(() -> bus.publishAll(null, good));
        assertThatNullPointerException().isThrownBy(() -> bus.publishAll(topic, null));
        assertThatNullPointerException()
                .isThrownBy(() -> bus.publishAll(topic, Arrays.asList(tckEvent("k", 0), null)))
                .withMessageContaining("events[1]");
        for (String bad : List.of("", "has space", "slash/topic", "t".repeat(201))) {
            assertThatIllegalArgumentException()
                    .as("publishAll to topic '%s'", bad)
                    .isThrownBy(() -> bus.publishAll(bad, good));
        }
        Event<TckPayload> mislabelled = Event.builder(TckOtherPayload.TYPE_NAME, new TckPayload("k", 0))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .build();
        assertThatIllegalArgumentException()
                .as(
                        "a TckPayload carried as %s is refused in a batch as in a single publish",
                        TckOtherPayload.TYPE_NAME)
                .isThrownBy(() -> bus.publishAll(topic, List.of(tckEvent("k", 0), mislabelled)));
    }

    @Test
    @DisplayName("after close(), publishAll fails its future with a PublishBatchException of one BusClosedException"
            + " per event")
    void closedBusRefusesPublishAll() {
        EventBus bus = newBus();
        String topic = unique("tck.batchclosed");
        bus.close();
        List<Event<TckPayload>> events = List.of(tckEvent("a", 0), tckEvent("b", 1), tckEvent("a", 2));

        assertThat(failureOf(() -> bus.publishAll(topic, events), "publishAll after close"))
                .isInstanceOfSatisfying(PublishBatchException.class, e -> {
                    assertThat(e.topic()).isEqualTo(topic);
                    assertThat(e.size()).isEqualTo(3);
                    assertThat(e.accepted()).isEmpty();
                    assertThat(e.failures()).containsOnlyKeys(0, 1, 2);
                    e.failures().forEach((i, failure) -> assertThat(failure)
                            .as("failure of event %d", i)
                            .isInstanceOfSatisfying(BusClosedException.class, closed -> {
                                assertThat(closed.topic()).isEqualTo(topic);
                                assertThat(closed.eventId())
                                        .isEqualTo(events.get(i).id());
                            }));
                    assertThat(e.getCause()).isSameAs(e.failures().get(0));
                });
    }

    // ------------------------------------------------------------------------------------------------------------
    // Groups
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("every group gets every event (broadcast)")
    void broadcastsToEveryGroup() {
        EventBus bus = newBus();
        String topic = unique("tck.broadcast");
        List<Inbox<TckPayload>> groups = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            Inbox<TckPayload> inbox = new Inbox<>();
            bus.subscribe(options(topic, unique("g" + g)).build(), TckPayload.TYPE, inbox);
            groups.add(inbox);
        }

        List<String> published = publishAll(
                bus,
                topic,
                IntStream.range(0, 30)
                        .mapToObj(i -> tckEvent("key-" + (i % 5), i))
                        .toList());

        for (int g = 0; g < groups.size(); g++) {
            Inbox<TckPayload> inbox = groups.get(g);
            eventually("group " + g + " gets every event")
                    .untilAsserted(() -> assertThat(inbox.ids()).containsAll(published));
            assertThat(inbox.ids())
                    .as("group %d gets only what was published", g)
                    .isSubsetOf(published);
        }
    }

    @Test
    @DisplayName("members of one group compete: each event is handled once across them, and both get a share")
    void competingConsumersShareTheEvents() throws Exception {
        EventBus bus = newBus();
        String topic = unique("tck.compete");
        String group = unique("g");
        List<Inbox<TckPayload>> members = List.of(new Inbox<>(), new Inbox<>());
        List<CountDownLatch> entered = List.of(new CountDownLatch(1), new CountDownLatch(1));
        List<String> problems = new CopyOnWriteArrayList<>();
        for (int m = 0; m < 2; m++) {
            int me = m;
            int other = 1 - m;
            bus.subscribe(options(topic, group).build(), TckPayload.TYPE, e -> {
                entered.get(me).countDown();
                // Hold this member's first event until the other member has received one, so that a fast member
                // cannot take every event before the other gets going. A bus that never routes anything to the
                // other member makes this wait run into the liveness bound and the share assertion fail.
                if (members.get(me).count() == 0 && !entered.get(other).await(liveMillis(), TimeUnit.MILLISECONDS)) {
                    problems.add("member " + other + " received nothing while member " + me + " waited");
                }
                members.get(me).handle(e);
            });
        }

        List<String> published = publishAll(
                bus,
                topic,
                IntStream.range(0, 100)
                        .mapToObj(i -> tckEvent("key-" + (i % 50), i))
                        .toList());

        eventually("every event is handled by one of the members").untilAsserted(() -> {
            Set<String> handled = new HashSet<>(members.get(0).ids());
            handled.addAll(members.get(1).ids());
            assertThat(handled).containsAll(published);
        });
        quietPeriodPasses(); // to show that no event is handled a second time
        assertThat(problems).isEmpty();
        List<String> all = new ArrayList<>(members.get(0).idList());
        all.addAll(members.get(1).idList());
        assertThat(all).as("each event handled exactly once across the group").hasSameSizeAs(published);
        assertThat(all).containsExactlyInAnyOrderElementsOf(published);
        assertThat(members.get(0).count()).as("share of member 0").isPositive();
        assertThat(members.get(1).count()).as("share of member 1").isPositive();
    }

    @Test
    @DisplayName("Subscription.close() removes the member; the remaining member takes over every later event")
    void remainingMemberTakesOver() {
        EventBus bus = newBus();
        String topic = unique("tck.takeover");
        String group = unique("g");
        Inbox<TckPayload> leaving = new Inbox<>();
        Inbox<TckPayload> staying = new Inbox<>();
        Subscription leavingSub = bus.subscribe(options(topic, group).build(), TckPayload.TYPE, leaving);
        Subscription stayingSub = bus.subscribe(options(topic, group).build(), TckPayload.TYPE, staying);
        assertThat(leavingSub.topic()).isEqualTo(topic);
        assertThat(leavingSub.group()).isEqualTo(group);
        assertThat(leavingSub.isActive()).isTrue();

        List<String> before = publishAll(
                bus,
                topic,
                IntStream.range(0, 20)
                        .mapToObj(i -> tckEvent("key-" + (i % 10), i))
                        .toList());
        eventually("the first batch is handled").untilAsserted(() -> {
            Set<String> handled = new HashSet<>(leaving.ids());
            handled.addAll(staying.ids());
            assertThat(handled).containsAll(before);
        });

        leavingSub.close();
        leavingSub.close();

        assertThat(leavingSub.isActive()).isFalse();
        assertThat(stayingSub.isActive()).isTrue();
        int leftWith = leaving.count();
        List<String> after = publishAll(
                bus,
                topic,
                IntStream.range(20, 40)
                        .mapToObj(i -> tckEvent("key-" + (i % 10), i))
                        .toList());
        eventually("the remaining member handles every later event")
                .untilAsserted(() -> assertThat(staying.ids()).containsAll(after));
        assertThat(leaving.count()).as("calls to the closed member").isEqualTo(leftWith);
    }

    @Test
    @DisplayName("Subscription.close() called from the subscription's own handler returns and ends the subscription")
    void subscriptionClosesFromItsOwnHandler() {
        EventBus bus = newBus();
        String topic = unique("tck.selfclose");
        AtomicReference<@Nullable Subscription> self = new AtomicReference<>();
        CompletableFuture<Void> closedInHandler = new CompletableFuture<>();
        Inbox<TckPayload> inbox = new Inbox<>();
        Subscription subscription = bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, e -> {
            inbox.handle(e);
            Subscription s = self.get();
            if (s != null) {
                s.close();
                closedInHandler.complete(null);
            }
        });
        self.set(subscription);

        accept(bus, topic, tckEvent("k", 0));

        await(closedInHandler, "Subscription.close() called from its own handler");
        assertThat(subscription.isActive()).isFalse();
        accept(bus, topic, tckEvent("k", 1));
        quietPeriodPasses(); // to show that the closed subscription gets nothing more
        assertThat(inbox.count()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Order and parallelism
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("events of different keys are handled in parallel up to the subscription's concurrency")
    void handlesDifferentKeysInParallel() throws Exception {
        EventBus bus = newBus();
        String topic = unique("tck.parallel");
        OverlapProbe overlap = new OverlapProbe(liveMillis());
        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).concurrency(4).build(), TckPayload.TYPE, e -> {
            overlap.enter(e.data().key());
            inbox.handle(e);
        });

        List<String> published = publishAll(
                bus,
                topic,
                IntStream.range(0, 8).mapToObj(i -> tckEvent("key-" + i, 0)).toList());

        eventually("every event is handled")
                .untilAsserted(() -> assertThat(inbox.ids()).containsAll(published));
        assertThat(overlap.observed())
                .as("two handler calls on different keys ran at the same time")
                .isTrue();
    }

    @TestFactory
    @DisplayName("with concurrency > 1 and many keys, each key's events are handled one at a time in publish order"
            + " (ORDERED_PER_KEY)")
    Stream<DynamicTest> keepsPerKeyOrder() {
        return onlyIf(declares(ORDERED_PER_KEY), "ORDERED_PER_KEY declared", this::checkPerKeyOrder);
    }

    private void checkPerKeyOrder() throws Exception {
        EventBus bus = newBus();
        String topic = unique("tck.order");
        int keys = 8;
        int perKey = 25;
        OverlapProbe overlap = new OverlapProbe(liveMillis());
        KeyOrder order = new KeyOrder();
        bus.subscribe(options(topic, unique("g")).concurrency(4).build(), TckPayload.TYPE, e -> {
            order.enter(e.data().key());
            try {
                overlap.enter(e.data().key());
                order.handled(e.data().key(), e.data().seq());
            } finally {
                order.exit(e.data().key());
            }
        });

        // Half the keys order by subject, half by partition key with a subject that changes every event.
        List<Event<TckPayload>> events = new ArrayList<>();
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                String key = "key-" + k;
                Event.Builder<TckPayload> b =
                        Event.builder(TckPayload.TYPE, new TckPayload(key, seq)).source(TckBusSettings.DEFAULT_SOURCE);
                events.add(
                        k % 2 == 0
                                ? b.subject(key).build()
                                : b.subject("subject-" + seq).partitionKey(key).build());
            }
        }
        publishAll(bus, topic, events);

        eventually("every event is handled").untilAsserted(() -> {
            for (int k = 0; k < keys; k++) {
                assertThat(order.firstHandlings("key-" + k)).hasSize(perKey);
            }
        });
        assertThat(order.overlaps()).as("keys with overlapping handler calls").isEmpty();
        for (int k = 0; k < keys; k++) {
            assertThat(order.firstHandlings("key-" + k))
                    .as("handling order of key-%d", k)
                    .isEqualTo(IntStream.range(0, perKey).boxed().toList());
        }
        assertThat(overlap.observed())
                .as("two handler calls on different keys ran at the same time")
                .isTrue();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Type filters
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a typed subscription sees only its type; other types are acknowledged, not dead-lettered")
    void typedSubscriptionSeesOnlyItsType() {
        EventBus bus = newBus();
        String topic = unique("tck.types");
        String typedGroup = unique("typed");
        String filteredGroup = unique("filtered");
        Inbox<TckPayload> typed = new Inbox<>();
        Inbox<Object> everything = new Inbox<>();
        Inbox<Object> filtered = new Inbox<>();
        bus.subscribe(options(topic, typedGroup).build(), TckPayload.TYPE, typed);
        bus.subscribe(options(topic, unique("all")).build(), everything);
        bus.subscribe(options(topic, filteredGroup).types(TckOtherPayload.TYPE).build(), filtered);

        // One key for all, so that on ordered backends the typed group has passed the other types once it has
        // handled the last TckPayload.
        Event<TckPayload> p1 = tckEvent("k", 0);
        Event<TckOtherPayload> o1 = Event.builder(TckOtherPayload.TYPE, new TckOtherPayload("o1"))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .subject("k")
                .build();
        Event<DeploymentRequested> d1 = Event.builder(
                        DeploymentRequested.TYPE,
                        new DeploymentRequested("d-1", "shop", "1.2.3", "prod", List.of("ams-1"), "tck"))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .subject("k")
                .build();
        Event<TckPayload> p2 = tckEvent("k", 1);
        publishAll(bus, topic, List.of(p1, o1, d1, p2));

        eventually("the untyped group gets every type")
                .untilAsserted(() -> assertThat(everything.ids()).contains(p1.id(), o1.id(), d1.id(), p2.id()));
        eventually("the typed group gets both TckPayload events")
                .untilAsserted(() -> assertThat(typed.ids()).contains(p1.id(), p2.id()));
        eventually("the type-filtered untyped group gets the TckOtherPayload event")
                .untilAsserted(() -> assertThat(filtered.ids()).contains(o1.id()));
        quietPeriodPasses(); // to show that no other type reaches the filtered handlers and nothing is dead-lettered
        assertThat(typed.ids()).containsOnly(p1.id(), p2.id());
        assertThat(typed.events()).allSatisfy(e -> assertThat(e.data()).isInstanceOf(TckPayload.class));
        assertThat(filtered.ids()).containsOnly(o1.id());
        assertThat(everything.byId(p1.id()).data()).isInstanceOf(TckPayload.class);
        assertThat(everything.byId(o1.id()).data()).isEqualTo(new TckOtherPayload("o1"));
        assertThat(everything.byId(d1.id()).data()).isEqualTo(d1.data());
        assertThat(bus.deadLetters().list(topic, typedGroup, 10)).isEmpty();
        assertThat(bus.deadLetters().list(topic, filteredGroup, 10)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Retries
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("a failing handler is retried until it succeeds, and the event is not dead-lettered")
    void retriesUntilTheHandlerSucceeds() {
        EventBus bus = newBus();
        String topic = unique("tck.retry");
        String group = unique("g");
        RetryPolicy policy = RetryPolicy.builder()
                .maxAttempts(5)
                .fixed(Duration.ofMillis(1))
                .jitter(0)
                .build();
        Queue<Event<TckPayload>> calls = new ConcurrentLinkedQueue<>();
        Inbox<TckPayload> succeeded = new Inbox<>();
        bus.subscribe(options(topic, group).retryPolicy(policy).build(), TckPayload.TYPE, e -> {
            calls.add(e);
            if (calls.size() <= 2) {
                throw new TckHandlerException("attempt " + calls.size() + " fails on purpose");
            }
            succeeded.handle(e);
        });

        Event<TckPayload> event = tckEvent("k", 0);
        accept(bus, topic, event);

        eventually("the third attempt succeeds")
                .untilAsserted(() -> assertThat(succeeded.ids()).containsExactly(event.id()));
        quietPeriodPasses(); // to show that no attempt follows the successful one
        assertThat(calls).as("attempts").hasSize(3).allSatisfy(e -> {
            assertThat(e.id()).isEqualTo(event.id());
            assertThat(e.data()).isEqualTo(event.data());
        });
        assertThat(bus.deadLetters().list(topic, group, 10)).isEmpty();
    }

    @Test
    @DisplayName("with a FIXED delay and no jitter, each retry starts at least the delay after the previous attempt")
    void retryWaitsAtLeastTheFixedDelay() {
        EventBus bus = newBus();
        String topic = unique("tck.delay");
        String group = unique("g");
        Duration delay = Duration.ofMillis(200);
        RetryPolicy policy =
                RetryPolicy.builder().maxAttempts(3).fixed(delay).jitter(0).build();
        Queue<Long> starts = new ConcurrentLinkedQueue<>();
        bus.subscribe(options(topic, group).retryPolicy(policy).build(), TckPayload.TYPE, e -> {
            starts.add(System.nanoTime());
            throw new TckHandlerException("always fails");
        });

        accept(bus, topic, tckEvent("k", 0));

        eventually("the event is dead-lettered")
                .untilAsserted(() ->
                        assertThat(bus.deadLetters().list(topic, group, 10)).hasSize(1));
        List<Long> times = List.copyOf(starts);
        assertThat(times).hasSize(3);
        for (int i = 1; i < times.size(); i++) {
            // A lower bound only: how much later a retry comes is not part of the contract.
            assertThat(Duration.ofNanos(times.get(i) - times.get(i - 1)))
                    .as("gap before retry %d", i)
                    .isGreaterThanOrEqualTo(delay.minus(CLOCK_GRANULARITY));
        }
    }

    @Test
    @DisplayName("a non-retryable exception dead-letters the event after one attempt with reason NON_RETRYABLE")
    void nonRetryableFailureIsFinal() {
        EventBus bus = newBus();
        String topic = unique("tck.nonretryable");
        String group = unique("g");
        RetryPolicy policy = FAST_RETRIES.toBuilder().maxAttempts(5).build();
        AtomicInteger calls = new AtomicInteger();
        bus.subscribe(options(topic, group).retryPolicy(policy).build(), TckPayload.TYPE, e -> {
            calls.incrementAndGet();
            throw new TckNonRetryableException("not worth retrying");
        });

        Event<TckPayload> event = tckEvent("k", 0);
        accept(bus, topic, event);

        DeadLetter deadLetter = awaitDeadLetters(bus, topic, group, 1).get(0);
        quietPeriodPasses(); // to show that the handler is not called again
        assertThat(calls).hasValue(1);
        assertThat(deadLetter.reason()).isEqualTo(DeadLetter.Reason.NON_RETRYABLE);
        assertThat(deadLetter.attempts()).isEqualTo(1);
        assertThat(deadLetter.exceptionType()).isEqualTo(TckNonRetryableException.class.getName());
        assertThat(deadLetter.message()).contains("not worth retrying");
        assertThat(deadLetter.event()).isNotNull();
        assertThat(deadLetter.event().id()).isEqualTo(event.id());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Dead letters
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("after the last attempt the event is dead-lettered to <topic>.<group>.dlq with the failure recorded")
    void deadLettersAfterMaxAttempts() {
        EventBus bus = newBus();
        String topic = unique("tck.dlq");
        String group = unique("g");
        AtomicInteger calls = new AtomicInteger();
        SubscriptionOptions options =
                options(topic, group).retryPolicy(FAST_RETRIES).build();
        bus.subscribe(options, TckPayload.TYPE, e -> {
            int attempt = calls.incrementAndGet();
            throw new TckHandlerException("boom on attempt " + attempt);
        });

        Event<TckPayload> event = tckEvent("k", 7);
        accept(bus, topic, event);

        DeadLetter dl = awaitDeadLetters(bus, topic, group, 1).get(0);
        quietPeriodPasses(); // to show that the handler is not called after the event was dead-lettered
        assertThat(calls).hasValue(FAST_RETRIES.maxAttempts());
        assertThat(dl.id()).isNotBlank();
        assertThat(dl.topic()).isEqualTo(topic);
        assertThat(dl.group()).isEqualTo(group);
        assertThat(dl.destination()).isEqualTo(topic + "." + group + ".dlq").isEqualTo(options.deadLetterDestination());
        assertThat(dl.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
        assertThat(dl.event()).isNotNull();
        assertThat(dl.event().id()).isEqualTo(event.id());
        assertThat(dl.event().type()).isEqualTo(TckPayload.TYPE_NAME);
        assertThat(dl.event().data()).isEqualTo(event.data());
        assertThat(dl.raw()).isNull();
        assertThat(dl.exceptionType()).isEqualTo(TckHandlerException.class.getName());
        assertThat(dl.message()).contains("boom on attempt " + FAST_RETRIES.maxAttempts());
        assertThat(dl.stackTrace()).contains(TckHandlerException.class.getName());
        assertThat(dl.attempts()).isEqualTo(FAST_RETRIES.maxAttempts());
        assertThat(dl.firstFailure()).isBeforeOrEqualTo(dl.lastFailure());
        assertThat(dl.origin()).isNotBlank();
        Optional<DeadLetter> found = bus.deadLetters().find(dl.id());
        assertThat(found).isPresent();
        assertThat(found.get().id()).isEqualTo(dl.id());
        assertThat(found.get().reason()).isEqualTo(dl.reason());
        assertThat(found.get().attempts()).isEqualTo(dl.attempts());
        assertThat(found.get().event()).isNotNull();
        assertThat(found.get().event().id()).isEqualTo(event.id());
    }

    @Test
    @DisplayName("a custom dead-letter destination is used and recorded")
    void deadLettersToCustomDestination() {
        EventBus bus = newBus();
        String topic = unique("tck.customdlq");
        String group = unique("g");
        String destination = unique("tck-custom-dlq");
        bus.subscribe(
                options(topic, group)
                        .retryPolicy(RetryPolicy.none())
                        .deadLetterDestination(destination)
                        .build(),
                TckPayload.TYPE,
                e -> {
                    throw new TckHandlerException("always fails");
                });

        Event<TckPayload> event = tckEvent("k", 0);
        accept(bus, topic, event);

        DeadLetter dl = awaitDeadLetters(bus, topic, group, 1).get(0);
        assertThat(dl.destination()).isEqualTo(destination);
        assertThat(dl.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
        assertThat(dl.attempts()).isEqualTo(1);
        assertThat(dl.event()).isNotNull();
        assertThat(dl.event().id()).isEqualTo(event.id());
    }

    @Test
    @DisplayName("dead letters are listed per topic and group (oldest first, up to the limit), found by id, and"
            + " discarded for good")
    void listsFindsAndDiscardsDeadLetters() {
        EventBus bus = newBus();
        String topic = unique("tck.dlops");
        String group = unique("g");
        String healthyGroup = unique("healthy");
        Switchable failing = new Switchable(bus, topic, group);
        Inbox<TckPayload> healthy = new Inbox<>();
        bus.subscribe(options(topic, healthyGroup).build(), TckPayload.TYPE, healthy);

        List<Event<TckPayload>> events =
                IntStream.range(0, 3).mapToObj(i -> tckEvent("k", i)).toList();
        publishAll(bus, topic, events);

        List<DeadLetter> listed = awaitDeadLetters(bus, topic, group, 3);
        DeadLetters dls = bus.deadLetters();
        assertThat(listed).extracting(dl -> dl.event().id()).containsExactlyInAnyOrderElementsOf(ids(events));
        if (bus.capabilities().has(ORDERED_PER_KEY) && retriesPreserveKeyOrder()) {
            assertThat(listed)
                    .as("oldest first")
                    .extracting(dl -> dl.event().id())
                    .containsExactlyElementsOf(ids(events));
        }
        assertThat(dls.list(topic, group, 2)).as("limit").hasSize(2);
        assertThat(dls.list(topic, healthyGroup, 10))
                .as("another group's dead letters")
                .isEmpty();
        assertThat(dls.list(unique("tck.other"), group, 10))
                .as("another topic's dead letters")
                .isEmpty();

        DeadLetter first = listed.get(0);
        assertThat(dls.find(first.id()))
                .hasValueSatisfying(dl ->
                        assertThat(dl.event().id()).isEqualTo(first.event().id()));
        assertThat(dls.find("tck-no-such-dead-letter-" + Event.newId())).isEmpty();

        assertThat(dls.discard(first.id())).isTrue();
        assertThat(dls.find(first.id())).isEmpty();
        assertThat(dls.discard(first.id())).as("second discard").isFalse();
        assertThat(dls.list(topic, group, 10))
                .extracting(DeadLetter::id)
                .doesNotContain(first.id())
                .hasSize(2);
        int callsBefore = failing.calls(first.event().id());
        quietPeriodPasses(); // to show that a discarded dead letter is not delivered again
        assertThat(failing.calls(first.event().id())).isEqualTo(callsBefore);
    }

    @Test
    @DisplayName("redrive hands a dead letter back to the group that failed it, and only to it, then removes it")
    void redriveDeliversToTheSameGroupOnly() {
        EventBus bus = newBus();
        String topic = unique("tck.redrive");
        String group = unique("g");
        Switchable failing = new Switchable(bus, topic, group);
        Inbox<TckPayload> healthy = new Inbox<>();
        bus.subscribe(options(topic, unique("healthy")).build(), TckPayload.TYPE, healthy);
        Event<TckPayload> event = tckEvent("k", 0);
        accept(bus, topic, event);
        DeadLetter dl = awaitDeadLetters(bus, topic, group, 1).get(0);
        eventually("the healthy group handles the event")
                .untilAsserted(() -> assertThat(healthy.ids()).contains(event.id()));

        failing.heal();
        await(bus.deadLetters().redrive(dl.id()), "redrive");

        eventually("the failing group handles the redriven event")
                .untilAsserted(() -> assertThat(failing.succeeded.ids()).containsExactly(event.id()));
        eventually("the redriven dead letter is removed").untilAsserted(() -> {
            assertThat(bus.deadLetters().find(dl.id())).isEmpty();
            assertThat(bus.deadLetters().list(topic, group, 10)).isEmpty();
        });
        quietPeriodPasses(); // to show that the healthy group does not get the redriven event
        assertThat(healthy.count(event.id())).isEqualTo(1);
    }

    @Test
    @DisplayName("redriveAll hands every dead letter of a group back to it and reports how many")
    void redriveAllRedrivesTheWholeGroup() {
        EventBus bus = newBus();
        String topic = unique("tck.redriveall");
        String group = unique("g");
        Switchable failing = new Switchable(bus, topic, group);
        Inbox<TckPayload> healthy = new Inbox<>();
        bus.subscribe(options(topic, unique("healthy")).build(), TckPayload.TYPE, healthy);
        List<Event<TckPayload>> events =
                IntStream.range(0, 3).mapToObj(i -> tckEvent("key-" + i, i)).toList();
        List<String> ids = publishAll(bus, topic, events);
        awaitDeadLetters(bus, topic, group, 3);
        eventually("the healthy group handles every event")
                .untilAsserted(() -> assertThat(healthy.ids()).containsAll(ids));

        failing.heal();
        Integer redriven = await(bus.deadLetters().redriveAll(topic, group), "redriveAll");

        assertThat(redriven).isEqualTo(3);
        eventually("the failing group handles every redriven event")
                .untilAsserted(() -> assertThat(failing.succeeded.ids()).containsExactlyInAnyOrderElementsOf(ids));
        eventually("the redriven dead letters are removed")
                .untilAsserted(() ->
                        assertThat(bus.deadLetters().list(topic, group, 10)).isEmpty());
        quietPeriodPasses(); // to show that the healthy group does not get the redriven events
        for (String id : ids) {
            assertThat(healthy.count(id))
                    .as("deliveries of %s to the healthy group", id)
                    .isEqualTo(1);
        }
    }

    @Test
    @DisplayName("redrive of an unknown dead-letter id fails its future with NoSuchElementException")
    void redriveOfUnknownIdFails() {
        EventBus bus = newBus();

        assertThat(failureOf(
                        () -> bus.deadLetters().redrive("tck-no-such-dead-letter-" + Event.newId()),
                        "redrive of an unknown id"))
                .isInstanceOf(NoSuchElementException.class);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Idempotent consumption
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("with deduplicate(...) the same event published twice reaches the handler once; without, twice")
    void deduplicatesTheSameEvent() {
        EventBus bus = newBus();
        String topic = unique("tck.dedup");
        Inbox<TckPayload> deduplicating = new Inbox<>();
        Inbox<TckPayload> plain = new Inbox<>();
        bus.subscribe(
                options(topic, unique("dedup"))
                        .deduplicate(Duration.ofMinutes(10), 10_000)
                        .build(),
                TckPayload.TYPE,
                deduplicating);
        bus.subscribe(options(topic, unique("plain")).build(), TckPayload.TYPE, plain);

        Event<TckPayload> event = tckEvent("k", 0);
        Event<TckPayload> marker = tckEvent("k", 1);
        accept(bus, topic, event);
        accept(bus, topic, event);
        accept(bus, topic, marker);

        eventually("the plain group gets both copies and the marker").untilAsserted(() -> {
            assertThat(plain.count(event.id())).isEqualTo(2);
            assertThat(plain.ids()).contains(marker.id());
        });
        eventually("the de-duplicating group gets the marker")
                .untilAsserted(() -> assertThat(deduplicating.ids()).contains(marker.id()));
        quietPeriodPasses(); // to show that the duplicate never reaches the de-duplicating handler
        assertThat(deduplicating.count(event.id()))
                .as("handler calls of the de-duplicating group for the event published twice")
                .isEqualTo(1);
        assertThat(plain.count(event.id()))
                .as("handler calls of the plain group for the event published twice")
                .isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Envelope, trace context, correlation
    // ------------------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("every envelope attribute (traceparent, correlation id, causation id, tenant, ...) reaches the"
            + " handler unchanged")
    void carriesTheEnvelope() {
        EventBus bus = newBus();
        String topic = unique("tck.envelope");
        Inbox<ClusterCreated> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).build(), ClusterCreated.TYPE, inbox);
        TraceParent trace = TraceParent.newRoot();
        Event<ClusterCreated> sent = Event.builder(
                        ClusterCreated.TYPE,
                        new ClusterCreated("ams-1", "eu-west", "ams-a", "1.31.2", Map.of("tier", "gold")))
                .source("/scaleplane/tck/publisher")
                .subject("cluster/ams-1")
                .time(Instant.parse("2026-03-01T10:15:30.123Z"))
                .tenant("tenant-a")
                .cluster("ams-1")
                .correlationId("corr-" + Event.newId())
                .causationId("cause-" + Event.newId())
                .partitionKey("pk-ams-1")
                .traceparent(trace)
                .extensions(Map.of("tckext", "tck-value"))
                .build();

        accept(bus, topic, sent);

        eventually("the event is handled")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(sent.id()));
        Event<ClusterCreated> got = inbox.byId(sent.id());
        assertThat(got.source()).isEqualTo(sent.source());
        assertThat(got.specVersion()).isEqualTo(Event.SPEC_VERSION);
        assertThat(got.type()).isEqualTo(ClusterCreated.TYPE_NAME);
        assertThat(got.subject()).isEqualTo(sent.subject());
        assertThat(got.time().truncatedTo(ChronoUnit.MILLIS)).isEqualTo(sent.time());
        assertThat(got.data()).isEqualTo(sent.data());
        assertThat(got.tenant()).isEqualTo("tenant-a");
        assertThat(got.cluster()).isEqualTo("ams-1");
        assertThat(got.correlationId()).isEqualTo(sent.correlationId());
        assertThat(got.causationId()).isEqualTo(sent.causationId());
        assertThat(got.partitionKey()).isEqualTo("pk-ams-1");
        assertThat(got.traceparent()).isEqualTo(trace);
        assertThat(got.extensions()).containsEntry("tckext", "tck-value");
    }

    @Test
    @DisplayName("publish(topic, data) inside a handler continues the handled event's trace, correlation and tenant,"
            + " with its id as causation id")
    void eventsPublishedFromAHandlerContinueTheFlow() {
        EventBus bus = newBus();
        String parents = unique("tck.parents");
        String children = unique("tck.children");
        Inbox<TckOtherPayload> childInbox = new Inbox<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        bus.subscribe(options(children, unique("g")).build(), TckOtherPayload.TYPE, childInbox);
        bus.subscribe(options(parents, unique("g")).build(), TckPayload.TYPE, e -> {
            try {
                bus.publish(children, new TckOtherPayload("child-of-" + e.id()))
                        .get(liveMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException ex) {
                problems.add("publish from the handler failed: " + ex);
            }
        });
        Event<TckPayload> correlated = tckEvent("k", 0).toBuilder()
                .traceparent(TraceParent.newRoot())
                .correlationId("corr-" + Event.newId())
                .tenant("tenant-a")
                .build();
        Event<TckPayload> uncorrelated =
                tckEvent("k", 1).toBuilder().traceparent(TraceParent.newRoot()).build();

        publishAll(bus, parents, List.of(correlated, uncorrelated));

        eventually("both children are handled").untilAsserted(() -> assertThat(childInbox.events())
                .extracting(e -> e.data().note())
                .contains("child-of-" + correlated.id(), "child-of-" + uncorrelated.id()));
        assertThat(problems).isEmpty();
        Event<TckOtherPayload> child = childInbox.byNote("child-of-" + correlated.id());
        assertThat(child.id()).isNotEqualTo(correlated.id());
        assertThat(child.type()).isEqualTo(TckOtherPayload.TYPE_NAME);
        assertThat(child.source()).isEqualTo(TckBusSettings.DEFAULT_SOURCE);
        assertThat(child.causationId()).isEqualTo(correlated.id());
        assertThat(child.correlationId()).isEqualTo(correlated.correlationId());
        assertThat(child.tenant()).isEqualTo("tenant-a");
        assertThat(child.traceparent()).isNotNull();
        assertThat(child.traceparent().traceId())
                .as("same trace")
                .isEqualTo(correlated.traceparent().traceId());
        assertThat(child.traceparent().parentId())
                .as("a child span, not the parent's own context")
                .isNotEqualTo(correlated.traceparent().parentId());

        Event<TckOtherPayload> orphan = childInbox.byNote("child-of-" + uncorrelated.id());
        assertThat(orphan.causationId()).isEqualTo(uncorrelated.id());
        assertThat(orphan.correlationId())
                .as("the handled event's id when it has no correlation id")
                .isEqualTo(uncorrelated.id());
        assertThat(orphan.tenant()).isNull();
        assertThat(orphan.traceparent()).isNotNull();
        assertThat(orphan.traceparent().traceId())
                .isEqualTo(uncorrelated.traceparent().traceId());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Start position
    // ------------------------------------------------------------------------------------------------------------

    @TestFactory
    @DisplayName("StartPosition.EARLIEST is refused with UnsupportedCapabilityException(REPLAY) without REPLAY")
    Stream<DynamicTest> earliestIsRefusedWithoutReplay() {
        return onlyIf(!declares(REPLAY), "REPLAY not declared", this::checkEarliestIsRefused);
    }

    private void checkEarliestIsRefused() {
        EventBus bus = newBus();
        SubscriptionOptions earliest = options(unique("tck.earliest"), unique("g"))
                .startPosition(StartPosition.EARLIEST)
                .build();

        assertThatThrownBy(() -> bus.subscribe(earliest, TckPayload.TYPE, e -> {}))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability())
                        .isEqualTo(REPLAY));
        assertThatThrownBy(() -> bus.subscribe(earliest, e -> {})).isInstanceOf(UnsupportedCapabilityException.class);
    }

    @TestFactory
    @DisplayName("a new group with StartPosition.EARLIEST gets events published before it existed (REPLAY)")
    Stream<DynamicTest> earliestReplaysRetainedEvents() {
        return onlyIf(declares(REPLAY), "REPLAY declared", this::checkEarliestReplays);
    }

    private void checkEarliestReplays() {
        EventBus bus = newBus();
        String topic = unique("tck.replay");
        List<String> before = publishAll(
                bus,
                topic,
                IntStream.range(0, 5).mapToObj(i -> tckEvent("k", i)).toList());

        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(
                options(topic, unique("g"))
                        .startPosition(StartPosition.EARLIEST)
                        .build(),
                TckPayload.TYPE,
                inbox);

        eventually("the new group replays the earlier events")
                .untilAsserted(() -> assertThat(inbox.ids()).containsAll(before));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Back-pressure and close
    // ------------------------------------------------------------------------------------------------------------

    @TestFactory
    @DisplayName("with a blocked handler, a publish past the buffer capacity fails with PublishTimeoutException"
            + " after the timeout, and nothing accepted is lost")
    Stream<DynamicTest> fullBufferFailsPublishAfterTimeout() {
        return onlyIf(backPressureFromConsumers(), "backPressureFromConsumers()", this::checkFullBufferTimesOut);
    }

    /** A bus with a small buffer and one group whose handler blocks until {@code release} opens. */
    private record BlockedConsumer(EventBus bus, String topic, CountDownLatch release, Inbox<TckPayload> inbox) {}

    private BlockedConsumer blockedConsumer(String topicPrefix, int capacity, Duration timeout) {
        EventBus bus =
                newBus(TckBusSettings.defaults().withBufferCapacity(capacity).withPublishTimeout(timeout));
        String topic = unique(topicPrefix);
        CountDownLatch release = new CountDownLatch(1);
        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, e -> {
            release.await(liveMillis(), TimeUnit.MILLISECONDS);
            inbox.handle(e);
        });
        return new BlockedConsumer(bus, topic, release, inbox);
    }

    private void checkFullBufferTimesOut() throws Exception {
        int capacity = 8;
        Duration timeout = Duration.ofMillis(300);
        BlockedConsumer blocked = blockedConsumer("tck.full", capacity, timeout);
        EventBus bus = blocked.bus();
        String topic = blocked.topic();
        CountDownLatch release = blocked.release();
        Inbox<TckPayload> inbox = blocked.inbox();

        List<String> accepted = new ArrayList<>();
        PublishTimeoutException rejected = null;
        Event<TckPayload> rejectedEvent = null;
        long waitedNanos = 0;
        int maxPublishes = capacity * 8 + 64;
        try {
            for (int i = 0; i < maxPublishes && rejected == null; i++) {
                Event<TckPayload> event = tckEvent("k", i);
                long start = System.nanoTime();
                CompletableFuture<PublishReceipt> future = bus.publish(topic, event);
                try {
                    future.get(liveMillis(), TimeUnit.MILLISECONDS);
                    accepted.add(event.id());
                } catch (ExecutionException e) {
                    waitedNanos = System.nanoTime() - start;
                    assertThat(e.getCause()).as("why publish %d failed", i).isInstanceOf(PublishTimeoutException.class);
                    rejected = (PublishTimeoutException) e.getCause();
                    rejectedEvent = event;
                }
            }
        } finally {
            release.countDown();
        }

        assertThat(rejected)
                .as(
                        "a publish failed within %d publishes to a blocked consumer with buffer capacity %d",
                        maxPublishes, capacity)
                .isNotNull();
        assertThat(rejected.timeout()).isEqualTo(timeout);
        assertThat(rejected.topic()).isEqualTo(topic);
        assertThat(rejected.eventId()).isEqualTo(rejectedEvent.id());
        assertThat(Duration.ofNanos(waitedNanos))
                .as("the failing publish waited (at least) the publish timeout")
                .isGreaterThanOrEqualTo(timeout.minus(CLOCK_GRANULARITY));
        eventually("every accepted event is handled once the handler is released")
                .untilAsserted(() -> assertThat(inbox.ids()).containsAll(accepted));
        Event<TckPayload> later = tckEvent("k", maxPublishes);
        accept(bus, topic, later);
        eventually("publishing works again once there is room")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(later.id()));
        assertThat(inbox.ids()).as("the rejected event was not delivered").doesNotContain(rejectedEvent.id());
    }

    @TestFactory
    @DisplayName("with a blocked handler, publishAll past the buffer capacity fails after the timeout with a"
            + " PublishBatchException that names what was accepted; the accepted events are delivered, the others not")
    Stream<DynamicTest> fullBufferFailsPartOfPublishAll() {
        return onlyIf(backPressureFromConsumers(), "backPressureFromConsumers()", this::checkFullBufferFailsBatch);
    }

    private void checkFullBufferFailsBatch() throws Exception {
        int capacity = 8;
        int batchSize = capacity + capacity / 2; // so that a batch straddles the moment the buffer fills up
        Duration timeout = Duration.ofMillis(300);
        BlockedConsumer blocked = blockedConsumer("tck.batchfull", capacity, timeout);
        EventBus bus = blocked.bus();
        String topic = blocked.topic();
        CountDownLatch release = blocked.release();
        Inbox<TckPayload> inbox = blocked.inbox();

        List<String> accepted = new ArrayList<>();
        PublishBatchException rejected = null;
        List<Event<TckPayload>> rejectedBatch = null;
        long waitedNanos = 0;
        int maxBatches = 16;
        int seq = 0;
        try {
            for (int b = 0; b < maxBatches && rejected == null; b++) {
                List<Event<TckPayload>> batch = new ArrayList<>();
                for (int i = 0; i < batchSize; i++) {
                    batch.add(tckEvent("k", seq++));
                }
                long start = System.nanoTime();
                CompletableFuture<List<PublishReceipt>> future = bus.publishAll(topic, batch);
                try {
                    List<PublishReceipt> receipts = future.get(liveMillis(), TimeUnit.MILLISECONDS);
                    assertThat(receipts).extracting(PublishReceipt::eventId).containsExactlyElementsOf(ids(batch));
                    accepted.addAll(ids(batch));
                } catch (ExecutionException e) {
                    waitedNanos = System.nanoTime() - start;
                    assertThat(e.getCause()).as("why batch %d failed", b).isInstanceOf(PublishBatchException.class);
                    rejected = (PublishBatchException) e.getCause();
                    rejectedBatch = batch;
                }
            }
        } finally {
            release.countDown();
        }

        assertThat(rejected)
                .as(
                        "a batch failed within %d batches of %d to a blocked consumer with buffer capacity %d",
                        maxBatches, batchSize, capacity)
                .isNotNull();
        assertThat(rejected.topic()).isEqualTo(topic);
        assertThat(rejected.size()).isEqualTo(batchSize);
        assertThat(rejected.failures()).isNotEmpty();
        Set<Integer> indices = new TreeSet<>(rejected.accepted().keySet());
        indices.addAll(rejected.failures().keySet());
        assertThat(indices)
                .as("every event of the batch is accepted or failed")
                .containsExactlyElementsOf(IntStream.range(0, batchSize).boxed().toList());
        for (Map.Entry<Integer, PublishReceipt> e : rejected.accepted().entrySet()) {
            assertThat(e.getValue().eventId())
                    .as("receipt of event %d", e.getKey())
                    .isEqualTo(rejectedBatch.get(e.getKey()).id());
            accepted.add(e.getValue().eventId());
        }
        List<String> failed = new ArrayList<>();
        for (Map.Entry<Integer, PublishException> e : rejected.failures().entrySet()) {
            String id = rejectedBatch.get(e.getKey()).id();
            assertThat(e.getValue())
                    .as("failure of event %d", e.getKey())
                    .isInstanceOfSatisfying(PublishTimeoutException.class, t -> {
                        assertThat(t.timeout()).isEqualTo(timeout);
                        assertThat(t.topic()).isEqualTo(topic);
                        assertThat(t.eventId()).isEqualTo(id);
                    });
            failed.add(id);
        }
        assertThat(Duration.ofNanos(waitedNanos))
                .as("the failing batch waited (at least) the publish timeout")
                .isGreaterThanOrEqualTo(timeout.minus(CLOCK_GRANULARITY));
        eventually("every accepted event is handled once the handler is released")
                .untilAsserted(() -> assertThat(inbox.ids()).containsAll(accepted));
        Event<TckPayload> later = tckEvent("k", seq);
        assertThat(await(bus.publishAll(topic, List.of(later)), "publishAll once there is room"))
                .hasSize(1);
        eventually("publishing works again once there is room")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(later.id()));
        assertThat(inbox.ids()).as("no failed event was delivered").doesNotContainAnyElementsOf(failed);
    }

    @Test
    @DisplayName("close() stops intake, lets the handler call in progress finish and (non-durable backends) handles"
            + " every accepted event before returning")
    void closeDrainsInFlightWork() throws Exception {
        EventBus bus = newBus();
        boolean durable = bus.capabilities().has(DURABLE);
        String topic = unique("tck.drain");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicBoolean firstFinished = new AtomicBoolean();
        AtomicReference<@Nullable Throwable> firstInterrupted = new AtomicReference<>();
        Inbox<TckPayload> inbox = new Inbox<>();
        bus.subscribe(options(topic, unique("g")).build(), TckPayload.TYPE, e -> {
            if (first.compareAndSet(true, false)) {
                started.countDown();
                try {
                    release.await(liveMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    firstInterrupted.set(ie);
                    throw ie;
                }
                firstFinished.set(true);
            }
            inbox.handle(e);
        });

        List<String> accepted = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closing = new CompletableFuture<>();
        try {
            Event<TckPayload> blocker = tckEvent("k", 0);
            accept(bus, topic, blocker);
            accepted.add(blocker.id());
            assertThat(started.await(liveMillis(), TimeUnit.MILLISECONDS))
                    .as("the first handler call started")
                    .isTrue();
            accepted.addAll(publishAll(
                    bus,
                    topic,
                    IntStream.range(1, 11)
                            .mapToObj(i -> tckEvent("key-" + (i % 3), i))
                            .toList()));

            Thread closer = new Thread(
                    () -> {
                        try {
                            bus.close();
                            closing.complete(null);
                        } catch (Throwable t) {
                            closing.completeExceptionally(t);
                        }
                    },
                    "tck-closer");
            closer.setDaemon(true);
            closer.start();

            AtomicInteger probes = new AtomicInteger();
            eventually("publish fails with BusClosedException once close() has begun")
                    .until(() -> {
                        Event<TckPayload> probe = tckEvent("probe", probes.incrementAndGet());
                        try {
                            bus.publish(topic, probe).get(liveMillis(), TimeUnit.MILLISECONDS);
                            accepted.add(probe.id()); // accepted before intake stopped: must be drained too
                            return false;
                        } catch (ExecutionException e) {
                            if (e.getCause() instanceof BusClosedException) {
                                return true;
                            }
                            throw e;
                        }
                    });
            quietPeriodPasses(); // to show that close() does not return while a handler call is in progress
            assertThat(closing)
                    .as("close() returned while a handler call was in progress")
                    .isNotDone();
        } finally {
            release.countDown();
        }

        await(closing, "close()");
        assertThat(firstInterrupted.get())
                .as("the handler call in progress was interrupted")
                .isNull();
        assertThat(firstFinished).as("the handler call in progress finished").isTrue();
        if (!durable) {
            assertThat(inbox.ids())
                    .as("events accepted before close() were handled before close() returned")
                    .containsAll(accepted);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Wire decoding and durability
    // ------------------------------------------------------------------------------------------------------------

    @TestFactory
    @DisplayName("an undecodable message is dead-lettered with reason UNDECODABLE and does not block later events"
            + " (WIRE_DECODING)")
    Stream<DynamicTest> undecodableMessagesAreDeadLettered() {
        // Declaring WIRE_DECODING without a rawInjector() yields the test too, which then fails and says why.
        return onlyIf(
                declares(WIRE_DECODING) || rawInjector().isPresent(),
                "WIRE_DECODING declared or rawInjector() given",
                this::checkUndecodableMessagesAreDeadLettered);
    }

    private void checkUndecodableMessagesAreDeadLettered() throws Exception {
        EventBus bus = newBus();
        Optional<RawInjector> injector = rawInjector();
        if (bus.capabilities().has(WIRE_DECODING) && injector.isEmpty()) {
            fail("the backend declares WIRE_DECODING, so " + getClass().getName()
                    + " must override rawInjector() to write undecodable messages");
        }
        String topic = unique("tck.undecodable");
        String group = unique("g");
        Inbox<Object> inbox = new Inbox<>();
        bus.subscribe(options(topic, group).build(), inbox);
        byte[] garbage = "{this is not a CloudEvent".getBytes(UTF_8);
        RawMessage raw = new RawMessage(Map.of("content-type", "application/json"), garbage);

        injector.get().inject(bus, topic, raw);
        injector.get().inject(bus, topic, raw);
        Event<TckPayload> next = tckEvent("k", 0);
        accept(bus, topic, next);

        eventually("the valid event after the undecodable ones is handled")
                .untilAsserted(() -> assertThat(inbox.ids()).contains(next.id()));
        List<DeadLetter> dls = awaitDeadLetters(bus, topic, group, 2);
        assertThat(dls).allSatisfy(dl -> {
            assertThat(dl.reason()).isEqualTo(DeadLetter.Reason.UNDECODABLE);
            assertThat(dl.topic()).isEqualTo(topic);
            assertThat(dl.group()).isEqualTo(group);
            assertThat(dl.event()).isNull();
            assertThat(dl.raw()).isNotNull();
            assertThat(dl.raw().body()).isEqualTo(garbage);
            assertThat(dl.attempts()).isZero();
            assertThat(dl.exceptionType()).isNotBlank();
        });
        assertThat(inbox.count()).as("handler calls").isEqualTo(1);
        DeadLetter dl = dls.get(0);
        assertThat(failureOf(() -> bus.deadLetters().redrive(dl.id()), "redrive of an undecodable message"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(bus.deadLetters().discard(dl.id())).isTrue();
        assertThat(bus.deadLetters().find(dl.id())).isEmpty();
    }

    @TestFactory
    @DisplayName("accepted events survive a restart of the backend (DURABLE)")
    Stream<DynamicTest> acceptedEventsSurviveARestart() {
        return onlyIf(declares(DURABLE), "DURABLE declared", this::checkAcceptedEventsSurviveARestart);
    }

    private void checkAcceptedEventsSurviveARestart() throws Exception {
        EventBus before = newBus();
        String topic = unique("tck.durable");
        String group = unique("g");
        // Subscribing creates the group; its events must then be kept for it even while it has no member.
        before.subscribe(options(topic, group).build(), TckPayload.TYPE, e -> {})
                .close();
        List<String> published = publishAll(
                before,
                topic,
                IntStream.range(0, 10)
                        .mapToObj(i -> tckEvent("key-" + (i % 3), i))
                        .toList());
        for (EventBus bus : List.copyOf(buses)) {
            release(bus);
        }

        restartBackend();

        EventBus after = newBus();
        Inbox<TckPayload> inbox = new Inbox<>();
        after.subscribe(options(topic, group).build(), TckPayload.TYPE, inbox);
        eventually("the group gets every event accepted before the restart")
                .untilAsserted(() -> assertThat(inbox.ids()).containsAll(published));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Randomized scenarios
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Runs one random scenario: random keys, events, groups, members per group, concurrency and de-duplication,
     * with a handler that succeeds, fails transiently one or two times, always fails, or fails non-retryably,
     * depending on the event. Checks that nothing is lost (each event is handled successfully or dead-lettered, in
     * every group), that no event is handled successfully twice when de-duplication is on (the scenario then also
     * publishes duplicates), that per-key order holds for successful handling (on {@code ORDERED_PER_KEY} backends:
     * for every key when {@link #retriesPreserveKeyOrder()}, else for keys that never failed), and that every dead
     * letter is explained by the failure that was injected.
     *
     * @param seed the scenario's seed, also in the test name; rerun with {@code -Dscaleplane.tck.seeds=<seed>}
     */
    @ParameterizedTest(name = "random scenario {index}, seed {0}")
    @MethodSource("dev.scaleplane.tck.EventBusCompatibilityKit#scenarioSeeds")
    @DisplayName("random keys, events, groups, concurrency and failures: nothing lost, no duplicate, order kept,"
            + " every dead letter explained")
    protected void randomScenario(long seed) throws Exception {
        Scenario scenario = Scenario.generate(seed);
        EventBus bus = newBus();
        boolean ordered = bus.capabilities().has(ORDERED_PER_KEY);
        // Duplicates are only meaningful where one key's deliveries cannot overlap; otherwise two copies may be
        // handled at the same time and both succeed before either is remembered.
        boolean publishDuplicates = scenario.deduplicate() && ordered;
        String topic = unique("tck.random");
        RetryPolicy policy = FAST_RETRIES;
        List<GroupProbe> groups = new ArrayList<>();
        for (int g = 0; g < scenario.groups(); g++) {
            GroupProbe probe = new GroupProbe(unique("g" + g), scenario);
            SubscriptionOptions.Builder options = options(topic, probe.name)
                    .concurrency(scenario.concurrency())
                    .retryPolicy(policy);
            if (scenario.deduplicate()) {
                options.deduplicate(Duration.ofMinutes(10), 100_000);
            }
            for (int m = 0; m < scenario.members(); m++) {
                bus.subscribe(options.build(), TckPayload.TYPE, probe);
            }
            groups.add(probe);
        }

        Map<Integer, Event<TckPayload>> bySeq = new LinkedHashMap<>();
        List<Event<TckPayload>> sequence = new ArrayList<>();
        for (Planned p : scenario.events()) {
            if (p.copyOf() >= 0) {
                if (publishDuplicates) {
                    sequence.add(bySeq.get(p.copyOf()));
                }
                continue;
            }
            Event<TckPayload> event = tckEvent(p.key(), p.seq());
            bySeq.put(p.seq(), event);
            sequence.add(event);
        }
        publishAll(bus, topic, sequence);

        String context = scenario + (publishDuplicates ? " (duplicates published)" : "");
        eventually("every event ends handled or dead-lettered in every group, " + context)
                .pollInterval(Duration.ofMillis(25))
                .untilAsserted(() -> {
                    for (GroupProbe probe : groups) {
                        List<DeadLetter> dls = bus.deadLetters().list(topic, probe.name, 100_000);
                        Set<String> deadIds = dls.stream()
                                .filter(dl -> dl.event() != null)
                                .map(dl -> dl.event().id())
                                .collect(Collectors.toSet());
                        for (Map.Entry<Integer, Event<TckPayload>> e : bySeq.entrySet()) {
                            Fate fate = scenario.fateOf(e.getKey());
                            String id = e.getValue().id();
                            if (fate.succeeds()) {
                                assertThat(probe.successes(id))
                                        .as("successes of seq %d (%s) in %s", e.getKey(), fate, probe.name)
                                        .isPositive();
                            } else {
                                assertThat(deadIds)
                                        .as("dead letters of %s must include seq %d (%s)", probe.name, e.getKey(), fate)
                                        .contains(id);
                            }
                        }
                    }
                });

        Map<String, Integer> seqById = new HashMap<>();
        bySeq.forEach((seq, e) -> seqById.put(e.id(), seq));
        for (GroupProbe probe : groups) {
            String where = probe.name + " in " + context;
            assertThat(probe.violations()).as("violations in %s", where).isEmpty();
            if (ordered) {
                // With retries out of place, a retried event may run beside a later event of its key.
                Map<String, String> overlaps = new TreeMap<>(probe.order.overlaps());
                overlaps.keySet().removeIf(key -> !retriesPreserveKeyOrder() && !scenario.neverFails(key));
                assertThat(overlaps)
                        .as("keys with overlapping handler calls in %s", where)
                        .isEmpty();
            }
            for (Map.Entry<Integer, Event<TckPayload>> e : bySeq.entrySet()) {
                Fate fate = scenario.fateOf(e.getKey());
                int successes = probe.successes(e.getValue().id());
                if (!fate.succeeds()) {
                    assertThat(successes)
                            .as("successes of seq %d (%s) in %s", e.getKey(), fate, where)
                            .isZero();
                } else if (scenario.deduplicate()) {
                    assertThat(successes)
                            .as("successes of seq %d with de-duplication in %s", e.getKey(), where)
                            .isEqualTo(1);
                }
            }
            Map<String, Integer> deadAttempts = new HashMap<>();
            for (DeadLetter dl : bus.deadLetters().list(topic, probe.name, 100_000)) {
                assertThat(dl.event())
                        .as("dead letter %s in %s", dl.id(), where)
                        .isNotNull();
                Integer seq = seqById.get(dl.event().id());
                assertThat(seq)
                        .as("dead letter of an event never published, in %s", where)
                        .isNotNull();
                Fate fate = scenario.fateOf(seq);
                assertThat(dl.topic()).isEqualTo(topic);
                assertThat(dl.group()).isEqualTo(probe.name);
                switch (fate.kind()) {
                    case ALWAYS -> {
                        assertThat(dl.reason())
                                .as("reason for seq %d in %s", seq, where)
                                .isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
                        assertThat(dl.attempts())
                                .as("attempts for seq %d in %s", seq, where)
                                .isEqualTo(policy.maxAttempts());
                        assertThat(dl.exceptionType()).isEqualTo(TckHandlerException.class.getName());
                    }
                    case NON_RETRYABLE -> {
                        assertThat(dl.reason())
                                .as("reason for seq %d in %s", seq, where)
                                .isEqualTo(DeadLetter.Reason.NON_RETRYABLE);
                        assertThat(dl.attempts())
                                .as("attempts for seq %d in %s", seq, where)
                                .isEqualTo(1);
                        assertThat(dl.exceptionType()).isEqualTo(TckNonRetryableException.class.getName());
                    }
                    default -> fail("seq " + seq + " (" + fate + ") was dead-lettered, but it fails fewer times"
                            + " than the " + policy.maxAttempts() + " attempts allowed: " + dl + " in " + where);
                }
                assertThat(dl.firstFailure()).isBeforeOrEqualTo(dl.lastFailure());
                deadAttempts.merge(dl.event().id(), dl.attempts(), Integer::sum);
            }
            deadAttempts.forEach((id, attempts) -> assertThat(probe.attempts(id))
                    .as(
                            "handler calls for seq %d in %s, against the attempts its dead letters record",
                            seqById.get(id), where)
                    .isGreaterThanOrEqualTo(attempts));
            if (ordered) {
                for (String key : scenario.keys()) {
                    if (!retriesPreserveKeyOrder() && !scenario.neverFails(key)) {
                        continue;
                    }
                    List<Integer> order = probe.order.firstHandlings(key);
                    List<Integer> sorted = order.stream().sorted().toList();
                    assertThat(order)
                            .as("first successful handling order of %s in %s", key, where)
                            .isEqualTo(sorted);
                }
            }
        }
    }

    /**
     * Seeds for {@link #randomScenario(long)}: those listed in {@code scaleplane.tck.seeds} (comma-separated), else
     * {@code scaleplane.tck.scenarios} (default {@value #DEFAULT_SCENARIOS}) fresh random seeds.
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

    private static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private static SubscriptionOptions.Builder options(String topic, String group) {
        return SubscriptionOptions.builder(topic, group);
    }

    private static Event<TckPayload> tckEvent(String key, int seq) {
        return Event.builder(TckPayload.TYPE, new TckPayload(key, seq))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .subject(key)
                .build();
    }

    private static List<String> ids(List<? extends Event<?>> events) {
        return events.stream().map(Event::id).toList();
    }

    private long liveMillis() {
        return livenessTimeout().toMillis();
    }

    private ConditionFactory eventually(String what) {
        return Awaitility.await(what)
                .atMost(livenessTimeout())
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10));
    }

    /** Sleeps for the quiet period; only ever used to show that something does not happen. */
    private void quietPeriodPasses() {
        try {
            Thread.sleep(quietPeriod().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private PublishReceipt accept(EventBus bus, String topic, Event<?> event) {
        return await(bus.publish(topic, event), "publish of event " + event.id() + " to " + topic);
    }

    /** Publishes in order from this thread, then waits for every receipt; returns the ids. */
    private List<String> publishAll(EventBus bus, String topic, List<? extends Event<?>> events) {
        List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();
        for (Event<?> event : events) {
            futures.add(bus.publish(topic, event));
        }
        for (int i = 0; i < futures.size(); i++) {
            PublishReceipt receipt = await(futures.get(i), "publish of event " + i + " to " + topic);
            assertThat(receipt.eventId()).isEqualTo(events.get(i).id());
        }
        return ids(events);
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(liveMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not complete within " + livenessTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    /**
     * The exception a future-returning call completes with; fails if the call throws instead (the contract puts
     * these failures in the future) or the future completes normally.
     */
    private Throwable failureOf(Supplier<? extends CompletableFuture<?>> call, String what) {
        CompletableFuture<?> future;
        try {
            future = call.get();
        } catch (RuntimeException e) {
            throw new AssertionError(
                    what + " threw " + e + "; the contract says the returned future completes exceptionally", e);
        }
        try {
            Object value = future.get(liveMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(what + " completed normally with " + value + "; it must fail");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not complete within " + livenessTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    private List<DeadLetter> awaitDeadLetters(EventBus bus, String topic, String group, int count) {
        AtomicReference<List<DeadLetter>> seen = new AtomicReference<>(List.of());
        eventually(count + " dead letter(s) of group " + group).untilAsserted(() -> {
            seen.set(bus.deadLetters().list(topic, group, 100));
            assertThat(seen.get()).hasSize(count);
        });
        return seen.get();
    }

    /** Records handler calls; thread-safe. */
    private static final class Inbox<T> implements EventHandler<T> {
        private final Queue<Event<T>> events = new ConcurrentLinkedQueue<>();

        @Override
        public void handle(Event<T> event) {
            events.add(event);
        }

        List<Event<T>> events() {
            return List.copyOf(events);
        }

        int count() {
            return events.size();
        }

        int count(String id) {
            return (int) events.stream().filter(e -> e.id().equals(id)).count();
        }

        List<String> idList() {
            return events.stream().map(Event::id).toList();
        }

        Set<String> ids() {
            return events.stream().map(Event::id).collect(Collectors.toSet());
        }

        Event<T> byId(String id) {
            return events.stream()
                    .filter(e -> e.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no event " + id + " was handled"));
        }

        Event<T> byNote(String note) {
            return events.stream()
                    .filter(e ->
                            e.data() instanceof TckOtherPayload p && p.note().equals(note))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no event with note " + note + " was handled"));
        }
    }

    /** A group whose handler fails (2 attempts, 1 ms apart) until healed. */
    private static final class Switchable {
        final Inbox<TckPayload> succeeded = new Inbox<>();
        private final AtomicBoolean failing = new AtomicBoolean(true);
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        Switchable(EventBus bus, String topic, String group) {
            RetryPolicy policy = FAST_RETRIES.toBuilder().maxAttempts(2).build();
            bus.subscribe(options(topic, group).retryPolicy(policy).build(), TckPayload.TYPE, e -> {
                calls.computeIfAbsent(e.id(), id -> new AtomicInteger()).incrementAndGet();
                if (failing.get()) {
                    throw new TckHandlerException("failing until healed");
                }
                succeeded.handle(e);
            });
        }

        void heal() {
            failing.set(false);
        }

        int calls(String id) {
            AtomicInteger n = calls.get(id);
            return n == null ? 0 : n.get();
        }
    }

    /**
     * Detects two handler calls on different keys running at the same time, without timing: the first call of a key
     * waits (up to the liveness bound) until a call of another key has entered too.
     */
    private static final class OverlapProbe {
        private final CountDownLatch latch = new CountDownLatch(2);
        private final Set<String> keys = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean gaveUp = new AtomicBoolean();
        private final long timeoutMillis;

        OverlapProbe(long timeoutMillis) {
            this.timeoutMillis = timeoutMillis;
        }

        void enter(String key) throws InterruptedException {
            if (latch.getCount() == 0 || gaveUp.get()) {
                return;
            }
            if (keys.add(key)) {
                latch.countDown();
            }
            if (!latch.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
                gaveUp.set(true);
            }
        }

        boolean observed() {
            return latch.getCount() == 0 && !gaveUp.get();
        }
    }

    /** Per-key handling order and overlap of one group; thread-safe. */
    private static final class KeyOrder {
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        private final Map<String, String> overlaps = new ConcurrentHashMap<>();

        void enter(String key) {
            int n = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (n > 1) {
                overlaps.putIfAbsent(key, n + " handler calls of key " + key + " ran at the same time");
            }
        }

        void exit(String key) {
            inFlight.get(key).decrementAndGet();
        }

        /** Records a successful handling; only the first handling of each seq counts for order. */
        void handled(String key, int seq) {
            List<Integer> list = handled.computeIfAbsent(key, k -> new ArrayList<>());
            synchronized (list) {
                if (!list.contains(seq)) {
                    list.add(seq);
                }
            }
        }

        List<Integer> firstHandlings(String key) {
            List<Integer> list = handled.getOrDefault(key, List.of());
            synchronized (list) {
                return List.copyOf(list);
            }
        }

        /** Keys with overlapping handler calls, each with a description. */
        Map<String, String> overlaps() {
            return Map.copyOf(overlaps);
        }
    }

    /** What the random scenario's handler does with one event. */
    private record Fate(Kind kind, int transientFailures) {
        enum Kind {
            OK,
            TRANSIENT,
            ALWAYS,
            NON_RETRYABLE
        }

        boolean succeeds() {
            return kind == Kind.OK || kind == Kind.TRANSIENT;
        }

        @Override
        public String toString() {
            return kind == Kind.TRANSIENT ? "fails " + transientFailures + "x then succeeds" : kind.toString();
        }
    }

    /** One entry of a scenario's publish sequence: a new event, or a copy of an earlier one ({@code copyOf >= 0}). */
    private record Planned(int seq, String key, Fate fate, int copyOf) {}

    /** A random scenario, generated from a seed. */
    private record Scenario(
            long seed,
            int keyCount,
            int groups,
            int members,
            int concurrency,
            boolean deduplicate,
            List<Planned> events) {

        static Scenario generate(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            int keys = 1 + r.nextInt(8);
            int count = 1 + r.nextInt(60);
            int groups = 1 + r.nextInt(3);
            int members = 1 + r.nextInt(2);
            int concurrency = 1 + r.nextInt(4);
            boolean deduplicate = r.nextBoolean();
            List<Planned> events = new ArrayList<>();
            List<Planned> originals = new ArrayList<>();
            int seq = 0;
            for (int i = 0; i < count; i++) {
                if (deduplicate && !originals.isEmpty() && r.nextInt(5) == 0) {
                    Planned original = originals.get(r.nextInt(originals.size()));
                    events.add(new Planned(original.seq(), original.key(), original.fate(), original.seq()));
                    continue;
                }
                int roll = r.nextInt(100);
                Fate fate;
                if (roll < 55) {
                    fate = new Fate(Fate.Kind.OK, 0);
                } else if (roll < 75) {
                    fate = new Fate(Fate.Kind.TRANSIENT, 1);
                } else if (roll < 85) {
                    fate = new Fate(Fate.Kind.TRANSIENT, 2);
                } else if (roll < 93) {
                    fate = new Fate(Fate.Kind.ALWAYS, 0);
                } else {
                    fate = new Fate(Fate.Kind.NON_RETRYABLE, 0);
                }
                Planned p = new Planned(seq++, "key-" + r.nextInt(keys), fate, -1);
                events.add(p);
                originals.add(p);
            }
            return new Scenario(seed, keys, groups, members, concurrency, deduplicate, List.copyOf(events));
        }

        Fate fateOf(int seq) {
            for (Planned p : events) {
                if (p.seq() == seq) {
                    return p.fate();
                }
            }
            throw new IllegalArgumentException("no event " + seq);
        }

        Set<String> keys() {
            Set<String> keys = new TreeSet<>();
            events.forEach(p -> keys.add(p.key()));
            return keys;
        }

        boolean neverFails(String key) {
            return events.stream()
                    .filter(p -> p.key().equals(key))
                    .allMatch(p -> p.fate().kind() == Fate.Kind.OK);
        }

        @Override
        public String toString() {
            long copies = events.stream().filter(p -> p.copyOf() >= 0).count();
            Map<String, Long> fates = events.stream()
                    .filter(p -> p.copyOf() < 0)
                    .collect(Collectors.groupingBy(p -> p.fate().toString(), TreeMap::new, Collectors.counting()));
            return "scenario[seed=" + seed + ", events=" + (events.size() - copies) + ", copies=" + copies
                    + ", keys=" + keyCount + ", groups=" + groups + ", members=" + members + ", concurrency="
                    + concurrency + ", deduplicate=" + deduplicate + ", fates=" + fates + "]";
        }
    }

    /** The handler of one group in a random scenario: injects each event's fate and records what happened. */
    private static final class GroupProbe implements EventHandler<TckPayload> {
        final String name;
        final KeyOrder order = new KeyOrder();
        private final Scenario scenario;
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        private final List<String> violations = new CopyOnWriteArrayList<>();

        GroupProbe(String name, Scenario scenario) {
            this.name = name;
            this.scenario = scenario;
        }

        @Override
        public void handle(Event<TckPayload> event) {
            String key = event.data().key();
            int seq = event.data().seq();
            if (!key.equals(event.orderingKey())) {
                violations.add("event " + seq + " arrived with ordering key " + event.orderingKey() + ", not " + key);
            }
            order.enter(key);
            try {
                int attempt = attempts.computeIfAbsent(event.id(), id -> new AtomicInteger())
                        .incrementAndGet();
                Fate fate = scenario.fateOf(seq);
                switch (fate.kind()) {
                    case ALWAYS -> throw new TckHandlerException("seq " + seq + " always fails");
                    case NON_RETRYABLE -> throw new TckNonRetryableException("seq " + seq + " fails for good");
                    case TRANSIENT -> {
                        if (attempt <= fate.transientFailures()) {
                            throw new TckHandlerException("seq " + seq + " fails on attempt " + attempt);
                        }
                    }
                    case OK -> {}
                }
                successes.computeIfAbsent(event.id(), id -> new AtomicInteger()).incrementAndGet();
                order.handled(key, seq);
            } finally {
                order.exit(key);
            }
        }

        int successes(String id) {
            AtomicInteger n = successes.get(id);
            return n == null ? 0 : n.get();
        }

        int attempts(String id) {
            AtomicInteger n = attempts.get(id);
            return n == null ? 0 : n.get();
        }

        List<String> violations() {
            return List.copyOf(violations);
        }
    }
}
