package dev.scaleplane.federation.kubernetes.internal;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Flow.Publisher} of the latest value: a new subscriber gets the current value first, then changes; a slow
 * subscriber skips intermediate values instead of buffering them (conflation), so memory stays bounded whatever the
 * subscriber's pace. Deliveries run on the given executor, never on the thread that offers a value.
 *
 * <p>Thread-safe.
 */
final class LatestValuePublisher<T> implements Flow.Publisher<T>, AutoCloseable {
    private final Executor executor;
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private volatile @Nullable T latest;
    private volatile boolean closed;

    LatestValuePublisher(Executor executor, @Nullable T initial) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.latest = initial;
    }

    /** Sets the latest value and offers it to every subscriber. */
    void offer(T value) {
        latest = Objects.requireNonNull(value, "value");
        for (Slot s : slots) {
            s.signal();
        }
    }

    @Nullable
    T latest() {
        return latest;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Slot slot = new Slot(subscriber);
        slots.add(slot);
        executor.execute(() -> subscriber.onSubscribe(slot));
        if (closed) {
            slot.complete();
        }
    }

    @Override
    public void close() {
        closed = true;
        slots.forEach(Slot::complete);
    }

    /** One subscriber: its demand and the last value it was sent. */
    private final class Slot implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private long demand; // guarded by this
        private @Nullable T sent; // guarded by this
        private boolean done; // guarded by this
        private final AtomicInteger wip = new AtomicInteger();

        Slot(Flow.Subscriber<? super T> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                executor.execute(() -> subscriber.onError(
                        new IllegalArgumentException("request(n) needs n > 0 (rule 3.9), but was " + n)));
                return;
            }
            synchronized (this) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            signal();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                done = true;
            }
            slots.remove(this);
        }

        void complete() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
            }
            slots.remove(this);
            executor.execute(subscriber::onComplete);
        }

        /** Drains on the executor; one drain at a time per subscriber keeps deliveries in order. */
        void signal() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            executor.execute(() -> {
                do {
                    T next;
                    synchronized (this) {
                        T value = latest;
                        if (done || demand == 0 || value == null || value == sent) {
                            next = null;
                        } else {
                            next = value;
                            sent = value;
                            demand--;
                        }
                    }
                    if (next != null) {
                        subscriber.onNext(next);
                    }
                } while (wip.decrementAndGet() != 0);
            });
        }
    }
}
