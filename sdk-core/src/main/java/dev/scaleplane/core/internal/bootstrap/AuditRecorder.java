package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.Subscription;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.ExpectedVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every event published on chosen topics into the event store, so the audit trail needs no code of its own.
 *
 * <p>It subscribes group {@value #GROUP} to each topic, so with a broker it records what every process published,
 * not only this one. Each topic's events go to stream {@code audit-<topic>} (category {@code audit}), in the order
 * the group receives them. The subscription de-duplicates by event id, so a redelivery does not record an event
 * twice within the window; a failed append is retried by the bus and dead-lettered like any handler failure.
 */
final class AuditRecorder implements AutoCloseable {
    /** The subscription group that records. */
    static final String GROUP = "scaleplane-audit";

    /** The stream a topic's events are recorded in. */
    static String streamFor(String topic) {
        return "audit-" + topic;
    }

    private final List<Subscription> subscriptions = new ArrayList<>();

    AuditRecorder(EventBus bus, EventStore store, List<String> topics) {
        for (String topic : topics) {
            String stream = streamFor(topic);
            SubscriptionOptions options = SubscriptionOptions.builder(topic, GROUP)
                    .deduplicate(Duration.ofMinutes(10), 100_000)
                    .retryPolicy(RetryPolicy.builder()
                            .maxAttempts(10)
                            .exponential(Duration.ofMillis(50), 2.0)
                            .maxDelay(Duration.ofSeconds(5))
                            .build())
                    .build();
            subscriptions.add(bus.subscribe(options, event -> record(store, stream, event)));
        }
    }

    private static void record(EventStore store, String stream, Event<Object> event) {
        // Waiting for the append is what lets the bus acknowledge the event only once it is recorded.
        store.append(stream, ExpectedVersion.ANY, List.of(event)).join();
    }

    @Override
    public void close() {
        subscriptions.forEach(Subscription::close);
    }
}
