package dev.scaleplane.docs;

import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import java.util.List;

/** The README's Quickstart: one deployment request published on the embedded defaults and handled. */
public final class QuickstartExample {

    private QuickstartExample() {}

    // tag::readme[]
    public static void main(String[] args) {
        try (ScaleplanePlatform platform = Scaleplane.builder().build()) { // embedded defaults: in-memory bus
            EventBus events = platform.events();
            events.subscribe(
                    SubscriptionOptions.builder("deployments", "deployer")
                            .concurrency(4)
                            .build(),
                    DeploymentRequested.TYPE,
                    event -> System.out.println("deploying " + event.data().application() + " "
                            + event.data().version()));
            events.publish(
                            "deployments",
                            new DeploymentRequested(
                                    "dep-1", "checkout", "1.4.2", "prod", List.of("ams-prod-1"), "alice"))
                    .join(); // accepted by the bus
        } // close() drains in-flight work: the handler has run
    }
    // end::readme[]
}
