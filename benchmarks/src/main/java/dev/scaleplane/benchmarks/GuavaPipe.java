package dev.scaleplane.benchmarks;

import com.google.common.eventbus.AsyncEventBus;
import com.google.common.eventbus.Subscribe;
import dev.scaleplane.api.events.Event;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Guava's {@link AsyncEventBus} on a fixed thread pool with as many threads as there are consumer groups; each group
 * is one registered subscriber object, and Guava hands every event to every subscriber.
 *
 * <p>Fairness choices: the subscriber method is not {@code @AllowConcurrentEvents}, so Guava serializes calls to one
 * subscriber, the closest it comes to Scaleplane's one-call-at-a-time per group; Guava still gives no ordering across
 * its pool threads, a weaker contract than Scaleplane's. Its executor queue is the JDK's unbounded
 * {@code LinkedBlockingQueue} ({@link Executors#newFixedThreadPool}), which the benchmark's batches never come close
 * to exhausting but which means Guava has no back-pressure.
 */
final class GuavaPipe implements EventPipe {

    /** One consumer group: a subscriber with its own counter. */
    public static final class Listener {
        private final PaddedCounter counter;

        Listener(PaddedCounter counter) {
            this.counter = counter;
        }

        /**
         * Counts one event.
         *
         * @param event the event
         */
        @Subscribe
        public void on(Event<?> event) {
            counter.increment();
        }
    }

    private final ExecutorService pool;
    private final AsyncEventBus bus;
    private final PaddedCounter[] handled;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    GuavaPipe(int groups) {
        pool = Executors.newFixedThreadPool(groups, new BenchThreads("guava"));
        bus = new AsyncEventBus(pool, (e, context) -> failure.compareAndSet(null, e));
        handled = new PaddedCounter[groups];
        for (int i = 0; i < groups; i++) {
            handled[i] = new PaddedCounter();
            bus.register(new Listener(handled[i]));
        }
    }

    @Override
    public void publish(Event<?> event) {
        bus.post(event);
    }

    @Override
    public PaddedCounter[] handled() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("a Guava subscriber failed", t);
        }
        return handled;
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
