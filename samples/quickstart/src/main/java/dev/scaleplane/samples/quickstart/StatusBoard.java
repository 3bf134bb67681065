package dev.scaleplane.samples.quickstart;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Group {@code status-board} on {@link Deployer#ROLLOUTS_TOPIC}: collects rollout progress per deployment. */
final class StatusBoard implements EventHandler<DeploymentStarted> {

    private final Map<String, Event<DeploymentStarted>> byEventId = new ConcurrentHashMap<>();

    @Override
    public void handle(Event<DeploymentStarted> event) {
        byEventId.put(event.id(), event);
    }

    /** {@code DeploymentStarted} events received (each counted once, even if redelivered). */
    int receivedCount() {
        return byEventId.size();
    }

    /** Every {@code DeploymentStarted} event received. */
    List<Event<DeploymentStarted>> all() {
        return List.copyOf(byEventId.values());
    }

    /** The {@code DeploymentStarted} events of one deployment, by cluster name. */
    List<Event<DeploymentStarted>> startedFor(String deploymentId) {
        List<Event<DeploymentStarted>> result = new ArrayList<>();
        for (Event<DeploymentStarted> e : byEventId.values()) {
            if (e.data().deploymentId().equals(deploymentId)) {
                result.add(e);
            }
        }
        result.sort(Comparator.comparing(e -> e.data().cluster()));
        return result;
    }
}
