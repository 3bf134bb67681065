package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.Event;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded multi-producer, single-consumer ring of events, each stored with its publish timestamp.
 *
 * <p>Producers claim a slot with one CAS on the producer index, write the slot, then mark it available by storing its
 * sequence number (the Vyukov scheme): no lock, and no allocation per event since slots are plain arrays. The consumer
 * reads a slot only after seeing its sequence, and frees it by advancing the consumer index with a release store,
 * which is also what tells producers there is room.
 *
 * <p>The consumer may peek at the head and advance later, so an event that is being retried stays at the head and a
 * consumer that stops mid-retry leaves it for the next owner (at-least-once).
 *
 * <p>Only some events carry their publish time (for the latency metric): every {@value #STAMP_EVERY}th slot, any
 * event whose publisher asks for it, and the next event after the consumer asked ({@link #requestStamp()}, when it
 * parks: sparse traffic should still feed the metric). A clock read costs as much as the rest of an offer on a virtual machine
 * (kvm-clock, about 50 ns), so stamping every event halved throughput for a metric that samples anyway.
 */
final class Ring extends RingConsumerIndex {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    /** The publish time of an event that was not stamped. */
    static final long NO_TIME = Long.MIN_VALUE;
    /**
     * One slot in this many is stamped with its publish time whatever the publisher asked. Recording a sample in the
     * latency timer (HdrHistogram recorders per time window, several atomic adds each) was 15% of the worker's CPU
     * samples at 1 in 32 under load (JFR, issue 18, {@code 4p1s}); 1 in 256 still yields tens of thousands of samples
     * a second at that rate, and sparse traffic is stamped whenever the worker parks.
     */
    static final int STAMP_EVERY = 256;

    /** The stripe of its partition this ring is (see {@link Partition}); 0 for a ring on its own. */
    final int stripe;

    private final int mask;
    private final Event<?>[] events;
    /**
     * Per slot, its sequence (at {@code 2 * slot}) and the event's publish time (at {@code 2 * slot + 1}): one array
     * so that both usually share a cache line.
     */
    private final long[] meta;

    Ring(int capacity) {
        this(capacity, 0);
    }

    Ring(int capacity, int stripe) {
        this.stripe = stripe;
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, but was " + capacity);
        }
        mask = capacity - 1;
        events = new Event<?>[capacity];
        meta = new long[2 * capacity];
        for (int i = 0; i < capacity; i++) {
            meta[2 * i] = i; // slot i is free for producer index i; its sequence becomes i + 1 when filled
        }
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Adds an event if there is room; safe from any number of threads. The event is made visible with a release
     * store. A successful offer claims its slot with a CAS on the producer index, a volatile write: a producer that then
     * reads the consumer's parked flag (a volatile read) needs no fence of its own, because the parking consumer
     * writes its flag and then reads the producer index ({@link #hasAccepted()}), so one of the two sees the other.
     *
     * @param stamp whether to record the publish time even if this slot is not one of the sampled ones
     */
    boolean offer(Event<?> event, boolean stamp) {
        if (stampRequested) {
            stampRequested = false; // this producer's own cache line: no transfer unless the consumer just asked
            stamp = true;
        }
        long index;
        while (true) {
            index = producerIndex();
            if (index - consumerIndexCache >= capacity()) {
                long consumed = consumerIndexVolatile();
                if (index - consumed >= capacity()) {
                    return false;
                }
                consumerIndexCache = consumed; // benign race: any stale value only costs a re-read
            }
            if (casProducerIndex(index, index + 1)) {
                break;
            }
            // Lost the race to another producer: back off a moment rather than hammer the contended line again.
            Thread.onSpinWait();
        }
        int slot = (int) index & mask;
        events[slot] = event;
        meta[2 * slot + 1] = stamp || (index & (STAMP_EVERY - 1)) == 0 ? System.nanoTime() : NO_TIME;
        // Release only: the claim above already ordered this producer against a parking consumer (see above).
        SEQ.setRelease(meta, 2 * slot, index + 1);
        return true;
    }

    /**
     * Adds as many of {@code events[from..to)} as there is room for, in order, with one claim on the producer index
     * for all of them; safe from any number of threads, and the claimed run stays contiguous, so another producer's
     * events never interleave with it. Visibility as for {@link #offer}: release stores, ordered against a parking
     * consumer by the claim's CAS when at least one event was added.
     *
     * @param stamp whether to record the publish time of every event, not only of the sampled slots
     * @return how many events were added, from {@code from} on: 0 when the ring is full
     */
    int offer(Event<?>[] events, int from, int to, boolean stamp) {
        if (stampRequested) {
            stampRequested = false; // as in offer(Event, boolean)
            stamp = true;
        }
        int wanted = to - from;
        long index;
        int claimed;
        while (true) {
            index = producerIndex();
            long room = capacity() - (index - consumerIndexCache);
            if (room < wanted) {
                long consumed = consumerIndexVolatile();
                consumerIndexCache = consumed; // benign race, as in offer(...)
                room = capacity() - (index - consumed);
                if (room <= 0) {
                    return 0;
                }
            }
            claimed = (int) Math.min(room, wanted);
            if (casProducerIndex(index, index + claimed)) {
                break;
            }
            Thread.onSpinWait(); // as in offer(...)
        }
        long now = NO_TIME; // one clock read for the run: its events are published together
        for (int i = 0; i < claimed; i++) {
            long at = index + i;
            int slot = (int) at & mask;
            this.events[slot] = events[from + i];
            if (stamp || (at & (STAMP_EVERY - 1)) == 0) {
                if (now == NO_TIME) {
                    now = System.nanoTime();
                }
                meta[2 * slot + 1] = now;
            } else {
                meta[2 * slot + 1] = NO_TIME;
            }
            SEQ.setRelease(meta, 2 * slot, at + 1);
        }
        return claimed;
    }

    /**
     * Asks that the next event offered be stamped with its publish time; called by the consumer when it parks, so that
     * the publisher reads no flag of the consumer's per publish to decide. Racy by design: a lost request only costs
     * one sample.
     */
    void requestStamp() {
        stampRequested = true;
    }

    /** The head event, or null when the ring is empty. Consumer thread only. */
    Event<?> peek() {
        long index = consumerIndexPlain();
        int slot = (int) index & mask;
        if ((long) SEQ.getAcquire(meta, 2 * slot) != index + 1) {
            return null;
        }
        return events[slot];
    }

    /** The publish time of the head event, or {@link #NO_TIME}; call after a non-null {@link #peek()}. */
    long headNanos() {
        return meta[2 * ((int) consumerIndexPlain() & mask) + 1];
    }

    /** Position of the head, for diagnostics. */
    long headIndex() {
        return consumerIndexPlain();
    }

    /**
     * Frees the head slot; call after a non-null {@link #peek()}. Consumer thread only.
     *
     * <p>The slot keeps its event reference until a producer overwrites it: clearing it would make the consumer
     * write to the cache line producers are writing, on every event. A ring therefore retains at most its capacity
     * of already handled events, a bounded amount.
     */
    void advance() {
        // Sequence values are unique per lap (index + 1), so the slot needs no reset: releasing the consumer index
        // is what hands it back to producers.
        releaseConsumerIndex(consumerIndexPlain() + 1);
    }

    /** Events accepted and not yet advanced past; approximate while producers and the consumer run. */
    int size() {
        long size = producerIndex() - consumerIndexVolatile();
        return (int) Math.max(0, Math.min(size, capacity()));
    }

    /**
     * Whether a producer claimed a slot the consumer has not advanced past, including one whose event is still being
     * written: the check a consumer makes after publishing its parked flag. It reads the producer index, which every
     * successful offer writes with a CAS, so a producer that saw the flag unset is seen here.
     */
    boolean hasAccepted() {
        return producerIndex() != consumerIndexVolatile();
    }

    boolean isEmpty() {
        return peek() == null && producerIndex() == consumerIndexVolatile();
    }
}

/** Padding so that the hot indices of a ring sit on their own cache lines. */
abstract class RingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16;
}

abstract class RingProducerIndex extends RingPad0 {
    private static final VarHandle PRODUCER;

    static {
        try {
            PRODUCER = MethodHandles.lookup().findVarHandle(RingProducerIndex.class, "producerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long producerIndex;
    /** The last consumer index a producer saw; saves producers a shared read on every offer. */
    long consumerIndexCache;
    /**
     * Set by the consumer when it parks, cleared by the next offer, which stamps its event (see {@link Ring}). On the
     * producer's line because producers read it on every offer and the consumer writes it only when it parks.
     */
    boolean stampRequested;

    final long producerIndex() {
        return producerIndex;
    }

    final boolean casProducerIndex(long expected, long next) {
        return PRODUCER.compareAndSet(this, expected, next);
    }
}

abstract class RingPad1 extends RingProducerIndex {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36;
}

abstract class RingConsumerIndex extends RingPad1 {
    private static final VarHandle CONSUMER;

    static {
        try {
            CONSUMER = MethodHandles.lookup().findVarHandle(RingConsumerIndex.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long consumerIndex;
    long p40, p41, p42, p43, p44, p45, p46, p47;

    final long consumerIndexPlain() {
        return (long) CONSUMER.getOpaque(this);
    }

    final long consumerIndexVolatile() {
        return consumerIndex;
    }

    final void releaseConsumerIndex(long value) {
        CONSUMER.setRelease(this, value);
    }
}
