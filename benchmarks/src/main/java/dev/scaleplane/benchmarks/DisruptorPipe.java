package dev.scaleplane.benchmarks;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.scaleplane.api.events.Event;
import java.util.concurrent.TimeUnit;

/**
 * LMAX Disruptor 4: one ring, one {@link com.lmax.disruptor.BatchEventProcessor} thread per consumer group (all
 * groups read the same ring, which is how the Disruptor broadcasts).
 *
 * <p>Fairness choices:
 *
 * <ul>
 *   <li>{@link ProducerType#MULTI} in every topology, even with one publisher: Scaleplane's {@code publish} is safe
 *       from any thread and claims slots with a CAS, so the Disruptor must pay its multi-producer claim too.
 *       {@code SINGLE} would measure a contract Scaleplane does not offer.
 *   <li>The ring has the same number of slots as the Scaleplane bus's buffer; both preallocate, neither allocates per
 *       event. The slot holds a reference to the shared {@link Payloads#EVENT}.
 *   <li>The wait strategy is chosen by the caller; see {@link Impl}.
 * </ul>
 */
final class DisruptorPipe implements EventPipe {

    /** The ring's slot: a reference to the published event. */
    static final class Slot {
        Event<?> event;
    }

    private static final EventTranslatorOneArg<Slot, Event<?>> TRANSLATOR = (slot, seq, event) -> slot.event = event;

    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final PaddedCounter[] handled;
    private final int batchSize;

    DisruptorPipe(int groups, int bufferSize, WaitStrategy waitStrategy) {
        this(groups, bufferSize, waitStrategy, 1);
    }

    /** @param batchSize events a publisher claims and publishes at once ({@code next(n)}, {@code publish(lo, hi)}) */
    DisruptorPipe(int groups, int bufferSize, WaitStrategy waitStrategy, int batchSize) {
        this.batchSize = batchSize;
        disruptor =
                new Disruptor<>(Slot::new, bufferSize, new BenchThreads("disruptor"), ProducerType.MULTI, waitStrategy);
        handled = new PaddedCounter[groups];
        @SuppressWarnings("unchecked")
        EventHandler<Slot>[] handlers = new EventHandler[groups];
        for (int i = 0; i < groups; i++) {
            PaddedCounter counter = new PaddedCounter();
            handled[i] = counter;
            handlers[i] = (slot, sequence, endOfBatch) -> counter.increment();
        }
        disruptor.handleEventsWith(handlers);
        ring = disruptor.start();
    }

    @Override
    public void publish(Event<?> event) {
        ring.publishEvent(TRANSLATOR, event);
    }

    @Override
    public void publish(Event<?> event, int count) {
        long hi = ring.next(count);
        long lo = hi - (count - 1);
        for (long seq = lo; seq <= hi; seq++) {
            ring.get(seq).event = event;
        }
        ring.publish(lo, hi);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public PaddedCounter[] handled() {
        return handled;
    }

    @Override
    public void close() throws Exception {
        try {
            disruptor.shutdown(10, TimeUnit.SECONDS);
        } finally {
            disruptor.halt();
        }
    }
}
