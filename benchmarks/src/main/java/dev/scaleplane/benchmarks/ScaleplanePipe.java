package dev.scaleplane.benchmarks;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The Scaleplane in-memory bus, built and used the way an application does: through {@link Scaleplane#builder()},
 * configuration keys and the public {@link EventBus} API, with no internal class touched.
 *
 * <p>With a batch size above 1 each publisher hands its events over in {@code publishAll} calls of that many.
 *
 * <p>Each consumer group is one subscription with concurrency 1 (one worker thread) and no retries, since the
 * handler never fails. Everything else is the default, including the metrics the bus records for every event: that
 * is work a real deployment does, so it is measured, and it is work no peer does.
 */
final class ScaleplanePipe implements EventPipe {

    private static final String TOPIC = "bench";

    private final ScaleplanePlatform platform;
    private final EventBus bus;
    private final PaddedCounter[] handled;
    private final int batchSize;
    /** {@code batchSize} times the same event; a batch of fewer is a view of its head. */
    private volatile List<Event<?>> copies = List.of();

    /**
     * @param stripes the bus's {@code publisher-stripes} setting
     * @param batchSize events per {@code publishAll} call, or 1 to publish one event per {@code publish} call
     */
    ScaleplanePipe(int groups, int bufferSize, int stripes, int batchSize) {
        this.batchSize = batchSize;
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of(
                        "scaleplane.events.provider",
                        "memory",
                        "scaleplane.events.memory.buffer-size",
                        Integer.toString(bufferSize),
                        "scaleplane.events.memory.publisher-stripes",
                        Integer.toString(stripes),
                        // The benchmark jar also holds the PostgreSQL store and the Kafka and RabbitMQ task queues,
                        // which would win selection by priority; this platform needs neither.
                        "scaleplane.store.provider",
                        "memory",
                        "scaleplane.tasks.provider",
                        "memory")))
                .build();
        try {
            bus = platform.events();
            handled = new PaddedCounter[groups];
            for (int i = 0; i < groups; i++) {
                PaddedCounter counter = new PaddedCounter();
                handled[i] = counter;
                EventHandler<Object> handler = event -> counter.increment();
                bus.subscribe(
                        SubscriptionOptions.builder(TOPIC, "g" + i)
                                .concurrency(1)
                                .retryPolicy(RetryPolicy.none())
                                .build(),
                        handler);
            }
        } catch (RuntimeException | Error e) {
            platform.close();
            throw e;
        }
    }

    @Override
    public void publish(Event<?> event) {
        CompletableFuture<PublishReceipt> accepted = bus.publish(TOPIC, event);
        // The in-memory bus completes the future before publish returns. A real caller must look at it; a failed
        // publish must fail the benchmark rather than show up as a missing event after the deadline.
        if (accepted.isCompletedExceptionally()) {
            accepted.join();
        }
    }

    @Override
    public void publish(Event<?> event, int count) {
        List<Event<?>> batch = copies;
        if (batch.size() != batchSize || batch.get(0) != event) {
            batch = Collections.nCopies(batchSize, event); // once per trial: the benchmark repeats one event
            copies = batch;
        }
        CompletableFuture<List<PublishReceipt>> accepted =
                bus.publishAll(TOPIC, count == batchSize ? batch : batch.subList(0, count));
        if (accepted.isCompletedExceptionally()) { // as in publish(event)
            accepted.join();
        }
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
    public void close() {
        platform.close();
    }
}
