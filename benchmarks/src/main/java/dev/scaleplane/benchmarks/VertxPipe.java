package dev.scaleplane.benchmarks;

import dev.scaleplane.api.events.Event;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x 5 local (non-clustered) event bus: one event loop per consumer group, one local consumer per group
 * deployed as its own verticle, so on its own event-loop context; {@code send} for a single group, {@code publish} to broadcast to several.
 *
 * <p>Fairness choices: the message is the shared {@link Event} object passed by reference through a local-only codec
 * whose {@code transform} returns it unchanged (Vert.x copies nothing and serializes nothing locally). Vert.x's
 * delivery from a non-Vert.x publisher thread is a task on the consumer's event-loop queue, which is unbounded: Vert.x
 * has no back-pressure on local delivery. Event-loop threads are the only consumer threads; Vert.x also starts its
 * blocked-thread checker (a timer thread that wakes once a second), which no peer has.
 */
final class VertxPipe implements EventPipe {

    private static final String ADDRESS = "bench";

    /** Passes the event object through unchanged; local delivery only, so the wire methods are never called. */
    static final class SameObjectCodec implements MessageCodec<Event<?>, Event<?>> {
        @Override
        public void encodeToWire(Buffer buffer, Event<?> event) {
            throw new UnsupportedOperationException("local delivery only");
        }

        @Override
        public Event<?> decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException("local delivery only");
        }

        @Override
        public Event<?> transform(Event<?> event) {
            return event;
        }

        @Override
        public String name() {
            return "scaleplane-bench-event";
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    private final Vertx vertx;
    private final EventBus bus;
    private final boolean broadcast;
    private final PaddedCounter[] handled;
    /** Names of the threads that ran each consumer, to check that every group got its own event loop. */
    private final Set<String> consumerThreads = ConcurrentHashMap.newKeySet();

    /** One consumer group: a verticle, so that Vert.x gives it its own event-loop context. */
    final class ConsumerVerticle extends VerticleBase {
        private final PaddedCounter counter;

        ConsumerVerticle(PaddedCounter counter) {
            this.counter = counter;
        }

        @Override
        public Future<?> start() {
            consumerThreads.add(Thread.currentThread().getName());
            return vertx.eventBus()
                    .<Event<?>>localConsumer(ADDRESS, message -> counter.increment())
                    .completion();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    VertxPipe(int groups) throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(groups).setWorkerPoolSize(1));
        try {
            bus = vertx.eventBus();
            bus.registerDefaultCodec((Class) Event.class, new SameObjectCodec());
            broadcast = groups > 1;
            handled = new PaddedCounter[groups];
            for (int i = 0; i < groups; i++) {
                handled[i] = new PaddedCounter();
                // Each deployment is bound to the next event loop, round-robin: one loop per group.
                vertx.deployVerticle(new ConsumerVerticle(handled[i]))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            }
            if (consumerThreads.size() != groups) {
                throw new IllegalStateException("expected each of " + groups
                        + " Vert.x consumers on its own event loop, but they run on " + consumerThreads);
            }
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void publish(Event<?> event) {
        if (broadcast) {
            bus.publish(ADDRESS, event);
        } else {
            bus.send(ADDRESS, event);
        }
    }

    @Override
    public PaddedCounter[] handled() {
        return handled;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
