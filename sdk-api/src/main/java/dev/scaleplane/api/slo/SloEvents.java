package dev.scaleplane.api.slo;

import java.util.List;

/**
 * The event types of the error-budget policy. {@code SLOViolation} and {@code ErrorBudgetDepleted} are in the platform
 * catalog; these audit the freeze decisions. Like the CI adapter types they are not part of the catalog: the platform
 * builder adds {@link #all()} to the registry of every platform, unless the registry already uses a name or class.
 *
 * <p>Every SLO event of a service is published on topic {@link Slos#TOPIC} with the service as subject and appended to
 * the store stream {@link #stream(String) slo-<service>}.
 */
public final class SloEvents {
    private static final List<dev.scaleplane.api.events.EventType<?>> ALL = List.of(
            DeploymentFreezeStarted.TYPE,
            DeploymentFreezeLifted.TYPE,
            DeploymentAdmissionRefused.TYPE,
            FreezeExceptionGranted.TYPE);

    private SloEvents() {}

    /** The four freeze-decision types. */
    public static List<dev.scaleplane.api.events.EventType<?>> all() {
        return ALL;
    }

    /** The store stream of a service's SLO events: {@code slo-<service>}. */
    public static String stream(String service) {
        return "slo-" + service;
    }
}
