package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.federation.FederationCapability;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.FederationProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.federation.kubernetes.internal.KubernetesFleet;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumSet;
import java.util.Set;

/**
 * The fabric8 federation backend, name {@value #NAME}, configured under {@value KubernetesFleetConfig#PREFIX} (see
 * {@link KubernetesFleetConfig}). The fleet keeps its registry in the platform's event store, publishes cluster and
 * health events on its bus, and applies objects through tasks on its task queue.
 *
 * <p>Stateless and cheap to instantiate.
 */
public final class KubernetesFederationProvider implements FederationProvider {
    /** The provider name. */
    public static final String NAME = "kubernetes";

    /**
     * Type of the tasks that apply (or delete) one propagation's objects on one cluster, on the platform's task
     * queue. Give it a retry policy that suits cluster outages and makes refusals final, e.g.
     * {@code TaskQueueOptions.builder().retryPolicy(APPLY_TASK, RetryPolicy.builder().exponential(Duration.ofSeconds(1),
     * 2).maxAttempts(20).nonRetryable(ApplyException.class).build())}; without one the queue's default applies.
     */
    public static final String APPLY_TASK = "scaleplane.federation.apply";

    private static final Set<FederationCapability> CAPABILITIES = Set.copyOf(EnumSet.of(
            FederationCapability.SERVER_SIDE_APPLY,
            FederationCapability.CAPACITY_DISCOVERY,
            FederationCapability.WATCHED_STATUS));

    /** Creates the provider; ServiceLoader calls this. */
    public KubernetesFederationProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<FederationCapability> capabilities() {
        return CAPABILITIES;
    }

    /** Checks every key under {@value KubernetesFleetConfig#PREFIX}, the HA keys ({@link FleetHaConfig}) included. */
    @Override
    public void validate(ConfigProperties config) {
        KubernetesFleetConfig.from(config);
        FleetHaConfig.from(config);
    }

    /**
     * Starts the fleet: restores the registry from the event store and starts probing; with
     * {@link FleetHaConfig#ENABLED} it joins the other replicas and works only the clusters it owns
     * ({@link FleetOwnership}).
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws IllegalStateException if the context offers no {@link Platform} component
     */
    @Override
    public Fleet create(ProviderContext context) {
        Platform platform = context.component(Platform.class)
                .orElseThrow(() -> new IllegalStateException(
                        "the Kubernetes fleet needs the platform (its store, bus and task queue) as a context"
                                + " component"));
        TaskClock clock = context.component(TaskClock.class).orElseGet(() -> TaskClock.of(context.clock()));
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        return KubernetesFleet.start(
                KubernetesFleetConfig.from(context.config()),
                FleetHaConfig.from(context.config()),
                platform,
                clock,
                registry);
    }
}
