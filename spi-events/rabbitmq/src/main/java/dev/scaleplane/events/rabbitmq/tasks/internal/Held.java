package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/** A message delivered to this process and not yet acknowledged. Mutable parts guarded by the queue's monitor. */
final class Held {
    /** Ready time first, then the order in which this process fetched them. */
    static final Comparator<Held> READY_ORDER =
            Comparator.comparing((Held h) -> h.msg.readyAt).thenComparingLong(h -> h.seq);

    final TaskMessage msg;
    final long tag;
    /** The channel generation it was delivered on ({@link BrokerLink#epoch()}): its tag is valid only on that one. */
    final long epoch;

    final long seq;
    final String queue;
    final long heldSince;
    TaskClock.@Nullable Cancellable timer;

    Held(TaskMessage msg, long tag, long epoch, long seq, String queue, long heldSince) {
        this.msg = msg;
        this.tag = tag;
        this.epoch = epoch;
        this.seq = seq;
        this.queue = queue;
        this.heldSince = heldSince;
    }

    void cancelTimer() {
        TaskClock.Cancellable t = timer;
        timer = null;
        if (t != null) {
            t.cancel();
        }
    }
}
