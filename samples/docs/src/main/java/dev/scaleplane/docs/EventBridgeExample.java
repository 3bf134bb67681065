package dev.scaleplane.docs;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.core.bridge.EventBridge;

/** The README's bridge example: a topic forwarded from one bus to another. */
public final class EventBridgeExample {

    private EventBridgeExample() {}

    // tag::readme[]
    public static EventBridge forwardDeployments(EventBus kafkaBus, EventBus rabbitBus) {
        return EventBridge.builder(kafkaBus, "deployments", rabbitBus).start(); // close() stops forwarding
    }
    // end::readme[]
}
