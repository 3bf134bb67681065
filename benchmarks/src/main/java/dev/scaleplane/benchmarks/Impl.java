package dev.scaleplane.benchmarks;

import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The implementations measured, by the id used in the benchmarks' {@code impl} parameter and in the ratio table.
 *
 * <p>Every implementation runs exactly one consumer thread per consumer group and gets the same buffer size where it
 * has a bound ({@link #BUFFER_SIZE}).
 */
enum Impl {
    /** The Scaleplane in-memory bus, built through the public builder and used through {@code EventBus}. */
    SCALEPLANE("scaleplane"),

    /**
     * The same bus, each publisher handing over {@value #PUBLISH_BATCH} events per {@code EventBus.publishAll} call:
     * one future and one list for the batch instead of a future and a receipt per event. Compared with
     * {@link #DISRUPTOR_BATCH}.
     */
    SCALEPLANE_BATCH("scaleplaneBatch"),

    /**
     * The same bus with {@value #STRIPES} publisher stripes ({@code scaleplane.events.memory.publisher-stripes}, opt-in):
     * publishing threads on different stripes share no ring, and a key's events are ordered only among one thread's
     * publishes. Not in the default parameter list; ask for it with {@code -p impl=scaleplane,scaleplaneStriped}.
     */
    SCALEPLANE_STRIPED("scaleplaneStriped"),

    /**
     * LMAX Disruptor with {@link SleepingWaitStrategy}: the comparable wait strategy. Scaleplane's bus workers idle
     * by spinning 100 times, yielding 10 times, then parking; SleepingWaitStrategy idles by spinning 100 times,
     * yielding 100 times, then parking in short naps: the same three phases, and like Scaleplane it costs the
     * publisher nothing while consumers are busy. The difference is the last phase: Scaleplane's publisher unparks a
     * parked worker, while a sleeping Disruptor consumer wakes on its own within a timer tick. That only matters when
     * a consumer had gone fully idle (the first event of a batch), never while events flow. Blocking and LiteBlocking
     * were not chosen: they park on every empty check with no spin phase and make the publisher take a lock to
     * signal, so every time a consumer catches up with its publisher the Disruptor would pay a park and a wake-up
     * that Scaleplane avoids by spinning, which would measure the strategy, not the ring.
     */
    DISRUPTOR("disruptor"),

    /**
     * {@link #DISRUPTOR} with the Disruptor's own batch publish: each publisher claims {@value #PUBLISH_BATCH}
     * sequences with one {@code next(n)}, fills them and publishes them with one {@code publish(lo, hi)}. The peer of
     * {@link #SCALEPLANE_BATCH}.
     */
    DISRUPTOR_BATCH("disruptorBatch"),

    /**
     * LMAX Disruptor with {@link YieldingWaitStrategy} (spin, then {@code Thread.yield()} forever, never parks). Extra
     * context only: it never parks, so it burns its core while idle, which Scaleplane does not do; not the
     * comparison the goal is judged on.
     */
    DISRUPTOR_YIELDING("disruptorYielding"),

    /**
     * LMAX Disruptor with {@link PhasedBackoffWaitStrategy#withLiteLock}: busy-polls (at least 10,000 polls, about
     * {@value #PHASED_SPIN_MICROS} us), yields for {@value #PHASED_YIELD_MICROS} us, then blocks on a lock that the
     * publisher signals only when a consumer waits. Structurally the closest to Scaleplane's worker (spin, yield,
     * park, woken by the publisher), but it spins far longer before parking. Extra context for the latency benchmark,
     * where the sleeping strategy's timer wake-up shows in the tail.
     */
    DISRUPTOR_PHASED("disruptorPhased"),

    /** Guava {@code AsyncEventBus} on a fixed pool with one thread per consumer group. */
    GUAVA("guava"),

    /** Vert.x 5 local event bus, one event loop per consumer group. */
    VERTX("vertx"),

    /** One JDK {@code ArrayBlockingQueue} and one consumer thread per group; the plain hand-off baseline. */
    ABQ("abq");

    /** Publisher stripes of {@link #SCALEPLANE_STRIPED}: one per publisher of the {@code 4p1s} topology. */
    static final int STRIPES = 4;

    /** Slots per ring or queue, the same for every bounded implementation (Scaleplane's buffer-size setting). */
    static final int BUFFER_SIZE = 65536;

    /**
     * Events per batch publish of the batching implementations: a batch a service might hand over at once (a page of
     * work, a flush of a local buffer), far below the buffer size so that a batch never waits for room as a whole.
     */
    static final int PUBLISH_BATCH = 100;

    static final long PHASED_SPIN_MICROS = 10;
    static final long PHASED_YIELD_MICROS = 10;

    final String id;

    Impl(String id) {
        this.id = id;
    }

    static Impl of(String id) {
        for (Impl impl : values()) {
            if (impl.id.equals(id)) {
                return impl;
            }
        }
        throw new IllegalArgumentException("unknown impl '" + id + "'; known: "
                + Arrays.stream(values()).map(i -> i.id).collect(Collectors.joining(", ")));
    }

    /** Starts this implementation with {@code groups} consumer groups. */
    EventPipe open(int groups) throws Exception {
        return switch (this) {
            case SCALEPLANE -> new ScaleplanePipe(groups, BUFFER_SIZE, 1, 1);
            case SCALEPLANE_BATCH -> new ScaleplanePipe(groups, BUFFER_SIZE, 1, PUBLISH_BATCH);
            case SCALEPLANE_STRIPED -> new ScaleplanePipe(groups, BUFFER_SIZE, STRIPES, 1);
            case DISRUPTOR -> new DisruptorPipe(groups, BUFFER_SIZE, new SleepingWaitStrategy());
            case DISRUPTOR_BATCH -> new DisruptorPipe(groups, BUFFER_SIZE, new SleepingWaitStrategy(), PUBLISH_BATCH);
            case DISRUPTOR_YIELDING -> new DisruptorPipe(groups, BUFFER_SIZE, new YieldingWaitStrategy());
            case DISRUPTOR_PHASED -> new DisruptorPipe(
                    groups,
                    BUFFER_SIZE,
                    PhasedBackoffWaitStrategy.withLiteLock(
                            PHASED_SPIN_MICROS, PHASED_YIELD_MICROS, TimeUnit.MICROSECONDS));
            case GUAVA -> new GuavaPipe(groups);
            case VERTX -> new VertxPipe(groups);
            case ABQ -> new QueuePipe(groups, BUFFER_SIZE);
        };
    }
}
