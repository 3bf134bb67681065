package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The plain JDK baseline: one {@link ArrayBlockingQueue} and one consumer thread per group; a publisher puts the event
 * into every group's queue (that is the broadcast), and a poison pill stops each consumer.
 *
 * <p>Each queue is bounded at the Scaleplane bus's buffer size; {@code put} blocks when full, as Scaleplane's publish
 * does.
 */
final class QueuePipe implements EventPipe {

    /** Identity-compared end marker; never a real event. */
    private static final Object POISON = new Object();

    private final BlockingQueue<Object>[] queues;
    private final Thread[] consumers;
    private final PaddedCounter[] handled;

    @SuppressWarnings("unchecked")
    QueuePipe(int groups, int capacity) {
        queues = new BlockingQueue[groups];
        consumers = new Thread[groups];
        handled = new PaddedCounter[groups];
        BenchThreads threads = new BenchThreads("abq");
        for (int i = 0; i < groups; i++) {
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(capacity);
            PaddedCounter counter = new PaddedCounter();
            queues[i] = queue;
            handled[i] = counter;
            consumers[i] = threads.newThread(() -> consume(queue, counter));
            consumers[i].start();
        }
    }

    private static void consume(BlockingQueue<Object> queue, PaddedCounter counter) {
        try {
            while (queue.take() != POISON) {
                counter.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void publish(Event<?> event) throws InterruptedException {
        for (BlockingQueue<Object> queue : queues) {
            queue.put(event);
        }
    }

    @Override
    public PaddedCounter[] handled() {
        return handled;
    }

    @Override
    public void close() throws InterruptedException {
        for (BlockingQueue<Object> queue : queues) {
            queue.put(POISON);
        }
        for (Thread consumer : consumers) {
            consumer.join(TimeUnit.SECONDS.toMillis(10));
            if (consumer.isAlive()) {
                consumer.interrupt();
            }
        }
    }
}
