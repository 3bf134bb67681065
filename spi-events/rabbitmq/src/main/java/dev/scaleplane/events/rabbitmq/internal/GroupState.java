package dev.scaleplane.events.rabbitmq.internal;

import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.bus.DeduplicationWindow;
import io.micrometer.core.instrument.Gauge;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** What the members of one group in one bus share: metrics, the de-duplication window, queue names. Thread-safe. */
final class GroupState {
    final String topic;
    final String group;
    final String[] shardQueues;
    final String presenceQueue;
    final String deadLetterDestination;
    final String deadLetterQueue;
    final BusMetrics.Group metrics;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong queueDepth = new AtomicLong();
    /** Shared by the group's members in this bus, so a shard moving between them keeps its history. */
    final @Nullable DeduplicationWindow dedup;

    final Gauge depthGauge;

    GroupState(SubscriptionOptions options, Names names, BusMetrics busMetrics, String backend) {
        topic = options.topic();
        group = options.group();
        shardQueues = new String[names.shards()];
        for (int i = 0; i < shardQueues.length; i++) {
            shardQueues[i] = names.shardQueue(topic, group, i);
        }
        presenceQueue = names.presenceQueue(topic, group);
        deadLetterDestination = options.deadLetterDestination();
        deadLetterQueue = names.deadLetterQueue(deadLetterDestination);
        metrics = busMetrics.group(topic, group, inFlight::get);
        dedup = DeduplicationWindow.of(options);
        depthGauge = Gauge.builder(RabbitEventBus.QUEUE_DEPTH, queueDepth, AtomicLong::get)
                .description("Messages ready in the group's shard queues, as last reported by the broker")
                .tags("backend", backend, "topic", topic, "group", group)
                .register(busMetrics.registry());
    }
}
