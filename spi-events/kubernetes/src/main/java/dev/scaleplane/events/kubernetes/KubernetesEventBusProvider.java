package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.spi.Capabilities;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.events.kubernetes.internal.KubernetesEventBus;
import dev.scaleplane.federation.kubernetes.ClusterClients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The event bus on the Kubernetes Events API, name {@value #NAME}, for low-rate use: each published event is stored as
 * an events.k8s.io/v1 Event in one namespace of a designated cluster, and delivered to this process's subscription
 * groups from a watch. Settings: {@link KubernetesBusConfig}. Select it with {@code scaleplane.events.provider=kubernetes}.
 * Its
 * {@linkplain #priority() priority} is below the in-memory bus's, so it is never chosen by accident.
 *
 * <p>Capabilities: {@code ORDERED_PER_KEY} only. One writer per bus creates the Events one after another, so their
 * resourceVersions, and with them the watch's order, follow publish order; the delivery stage keeps per-key order.
 * Not {@code DURABLE} (the apiserver drops Events after about an hour, and what was accepted but not yet delivered is
 * lost with the process), not {@code REPLAY}, not {@code CROSS_PROCESS} (groups live in one process: two processes
 * would each deliver every event), not {@code WIRE_DECODING} (an Event that cannot be decoded, written by someone
 * else, is skipped, counted and logged, not dead-lettered).
 *
 * <p>A {@link KubernetesClient} given to the platform as a component is used (and not closed); otherwise the bus
 * builds one from the settings and closes it with the bus.
 *
 * <p>Stateless and thread-safe.
 */
public final class KubernetesEventBusProvider implements EventBusProvider {
    /** The provider name. */
    public static final String NAME = "kubernetes";

    /** How the designated cluster is named in messages. */
    private static final String CLUSTER = "event-bus";

    /** What the bus guarantees. */
    public static final Capabilities CAPABILITIES = Capabilities.of(Capabilities.Capability.ORDERED_PER_KEY);

    /** Creates the provider; ServiceLoader calls this. */
    public KubernetesEventBusProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@code -2}: below the bundled in-memory bus ({@value EventBusProvider#EMBEDDED_PRIORITY}), because this
     * best-effort bus must be chosen by name, never by merely being on the class path.
     */
    @Override
    public int priority() {
        return EMBEDDED_PRIORITY - 1;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** Reads every {@code scaleplane.events.kubernetes.*} setting as {@code create} would, without connecting. */
    @Override
    public void validate(ConfigProperties config) {
        KubernetesBusConfig.from(config);
    }

    /**
     * Reads {@link KubernetesBusConfig}, connects to the designated cluster and starts the writer.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     * @throws ScaleplaneException if the kubeconfig cannot be used
     */
    @Override
    public EventBus create(ProviderContext context) {
        KubernetesBusConfig config = KubernetesBusConfig.from(context.config());
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(SimpleMeterRegistry::new);
        EventCodec codec = EventCodec.forContext(context);
        KubernetesClient given = context.component(KubernetesClient.class).orElse(null);
        KubernetesClient client = given != null ? given : connect(config);
        return new KubernetesEventBus(
                config, client, given == null, codec, context, CAPABILITIES, new BusMetrics(registry, NAME), registry);
    }

    /**
     * A client for the configured cluster, its configuration made by the federation layer's one home of credentials
     * ({@link ClusterClients}): the named kubeconfig and context, else in a pod its service account, else the default
     * kubeconfig. fabric8's request retries are off: the bus retries writes itself.
     *
     * @throws ScaleplaneException naming the settings when the kubeconfig or context cannot be used
     */
    public static KubernetesClient connect(KubernetesBusConfig config) {
        Config fabric;
        try {
            boolean named = config.kubeconfig() != null || config.context() != null;
            fabric = !named && System.getenv("KUBERNETES_SERVICE_HOST") != null
                    ? ClusterClients.inCluster(CLUSTER)
                    : ClusterClients.kubeconfig(CLUSTER, config.kubeconfig(), config.context());
        } catch (ClusterRegistrationException e) {
            throw new ScaleplaneException(
                    "cannot use " + config.describeTarget() + " for the kubernetes event bus: " + e.getMessage(), e);
        }
        fabric.setWatchReconnectInterval(500);
        return ClusterClients.connect(fabric, config.requestTimeout(), config.requestTimeout(), 1);
    }
}
