package dev.scaleplane.samples.quickstart;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventHandler;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group {@code deployer}: starts the rollout of every requested deployment, one {@link DeploymentStarted} per target
 * cluster.
 *
 * <p>It publishes with {@link EventBus#publish(String, Object)} from inside the handler, so the bus fills in the
 * envelope: each {@code DeploymentStarted} names the request as its cause and carries its correlation id, tenant and
 * trace. Runs with concurrency 4, so calls for different deployments overlap: state is kept in concurrent maps.
 */
final class Deployer implements EventHandler<DeploymentRequested> {

    /** Where rollout progress is published. */
    static final String ROLLOUTS_TOPIC = "rollouts";

    private final EventBus events;
    private final Map<String, Event<DeploymentRequested>> handled = new ConcurrentHashMap<>();

    Deployer(EventBus events) {
        this.events = events;
    }

    @Override
    public void handle(Event<DeploymentRequested> event) {
        DeploymentRequested request = event.data();
        for (String cluster : request.clusters()) {
            DeploymentStarted started = new DeploymentStarted(
                    request.deploymentId(),
                    request.application(),
                    request.version(),
                    cluster,
                    strategyFor(request.environment()));
            // Wait for acceptance before returning: the request is acknowledged only once its follow-ups are safe.
            events.publish(ROLLOUTS_TOPIC, started).join();
        }
        handled.put(request.deploymentId(), event);
    }

    /** Deployments handled so far (each counted once, even if redelivered). */
    int handledCount() {
        return handled.size();
    }

    /** The request envelope as the deployer received it. */
    Event<DeploymentRequested> handledRequest(String deploymentId) {
        return handled.get(deploymentId);
    }

    private static String strategyFor(String environment) {
        return switch (environment) {
            case "prod" -> "canary";
            case "staging" -> "blue-green";
            default -> "rolling";
        };
    }
}
