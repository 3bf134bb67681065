package dev.scaleplane.core.internal.memory;

import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import java.util.concurrent.atomic.AtomicBoolean;

/** One subscription: a handler with its options and its worker threads, a member of one group. */
final class Member implements Subscription {
    final SubscriptionOptions options;
    final EventHandler<Object> handler;
    final Group group;
    final Worker[] workers;
    private final AtomicBoolean active = new AtomicBoolean(true);

    Member(SubscriptionOptions options, EventHandler<Object> handler, Group group, int id) {
        this.options = options;
        this.handler = handler;
        this.group = group;
        this.workers = new Worker[options.concurrency()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(
                    this, group, "scaleplane-memory-" + options.topic() + "-" + options.group() + "-" + id + "-" + i);
        }
    }

    @Override
    public String topic() {
        return options.topic();
    }

    @Override
    public String group() {
        return options.group();
    }

    @Override
    public boolean isActive() {
        return active.get();
    }

    @Override
    public void close() {
        if (active.compareAndSet(true, false)) {
            group.leave(this);
        }
    }

    void markInactive() {
        active.set(false);
    }

    boolean ownsCurrentThread() {
        Thread current = Thread.currentThread();
        for (Worker w : workers) {
            if (w.thread == current) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Subscription{topic=" + topic() + ", group=" + group() + ", active=" + isActive() + '}';
    }
}
