package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a batch from several threads at once: the calling (JMH) thread plus {@code helpers} helper threads, each
 * publishing an equal share. The helpers park between batches and are unparked at the start of each one; that costs
 * a few microseconds per batch of thousands of events, the same for every implementation.
 */
final class PublisherCrew implements AutoCloseable {

    private final EventPipe pipe;
    private final Event<?> event;
    private final Thread[] helpers;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Batch number the helpers should run; they run it once each. */
    private volatile long round;
    /** Helpers that finished the current round. */
    private final PaddedCounter finished = new PaddedCounter();

    private volatile int share;
    private volatile boolean stopped;

    PublisherCrew(EventPipe pipe, Event<?> event, int publishers) {
        this.pipe = pipe;
        this.event = event;
        helpers = new Thread[publishers - 1];
        BenchThreads threads = new BenchThreads("publisher");
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = threads.newThread(this::helperLoop);
            helpers[i].start();
        }
    }

    int publishers() {
        return helpers.length + 1;
    }

    /** Publishes {@code total} events (a multiple of the publisher count) and returns once every share is published. */
    void publishBatch(int total) throws Exception {
        int each = total / publishers();
        if (helpers.length > 0) {
            share = each;
            round++;
            for (Thread t : helpers) {
                LockSupport.unpark(t);
            }
        }
        publishShare(each);
        if (helpers.length > 0) {
            PaddedCounter[] done = {finished};
            try {
                Await.allReached(done, round * helpers.length, "publishers");
            } finally {
                Throwable t = failure.get();
                if (t != null) {
                    throw new IllegalStateException("a publisher thread failed", t);
                }
            }
        }
    }

    private void helperLoop() {
        long seen = 0;
        while (true) {
            while (round == seen) {
                if (stopped) {
                    return;
                }
                LockSupport.park(this);
            }
            seen = round;
            int n = share;
            try {
                publishShare(n);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            finished.increment();
        }
    }

    /** Publishes one thread's share, one event per call or in batches of the pipe's batch size. */
    private void publishShare(int n) throws Exception {
        int batch = pipe.batchSize();
        if (batch == 1) {
            for (int i = 0; i < n; i++) {
                pipe.publish(event);
            }
            return;
        }
        for (int i = 0; i < n; i += batch) {
            pipe.publish(event, Math.min(batch, n - i));
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread t : helpers) {
            LockSupport.unpark(t);
        }
        for (Thread t : helpers) {
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
