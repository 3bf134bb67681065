package dev.scaleplane.events.kubernetes;

import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the {@code kubernetes} bus ({@link KubernetesEventBusProvider}), read from the platform configuration.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #KUBECONFIG}</td><td>fabric8's discovery ({@code KUBECONFIG}, {@code ~/.kube/config},
 *       in-cluster)</td><td>kubeconfig file of the designated cluster</td></tr>
 *   <tr><td>{@value #CONTEXT}</td><td>the file's current context</td><td>context in that file</td></tr>
 *   <tr><td>{@value #NAMESPACE}</td><td>{@value #DEFAULT_NAMESPACE}</td><td>namespace the events are stored in; it
 *       must exist, and the platform's account needs create, list and watch on {@code events.events.k8s.io}
 *       there</td></tr>
 *   <tr><td>{@value #MAX_EVENT_BYTES}</td><td>65536</td><td>largest encoded event accepted (the apiserver allows
 *       256 KiB of annotations per object); larger publishes fail</td></tr>
 *   <tr><td>{@value #WRITE_QUEUE}</td><td>1024</td><td>publishes waiting to be written before publish waits</td></tr>
 *   <tr><td>{@value #BUFFER_SIZE}</td><td>1024</td><td>events per partition of the in-process delivery stage</td></tr>
 *   <tr><td>{@value #REQUEST_TIMEOUT}</td><td>10s</td><td>timeout of one apiserver request</td></tr>
 *   <tr><td>{@value #PUBLISH_TIMEOUT}</td><td>5s</td><td>how long publish waits for room, and for the apiserver
 *       (with retries) before it fails</td></tr>
 *   <tr><td>{@value #DRAIN_TIMEOUT}</td><td>30s</td><td>how long close waits for accepted events</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kubeconfig the kubeconfig file, or {@code null} for fabric8's discovery
 * @param context the context, or {@code null} for the current one
 * @param namespace the namespace of the stored events
 * @param maxEventBytes the largest encoded event
 * @param writeQueue publishes waiting to be written
 * @param bufferSize events per partition of the delivery stage
 * @param requestTimeout timeout of one apiserver request
 * @param publishTimeout how long publish waits
 * @param drainTimeout how long close waits
 */
public record KubernetesBusConfig(
        @Nullable Path kubeconfig,
        @Nullable String context,
        String namespace,
        int maxEventBytes,
        int writeQueue,
        int bufferSize,
        Duration requestTimeout,
        Duration publishTimeout,
        Duration drainTimeout) {

    /** Prefix of this bus's own keys. */
    public static final String PREFIX = "scaleplane.events.kubernetes.";

    /** Kubeconfig file. */
    public static final String KUBECONFIG = PREFIX + "kubeconfig";

    /** Context in the kubeconfig. */
    public static final String CONTEXT = PREFIX + "context";

    /** Namespace of the stored events. */
    public static final String NAMESPACE = PREFIX + "namespace";

    /** Largest encoded event. */
    public static final String MAX_EVENT_BYTES = PREFIX + "max-event-bytes";

    /** Write queue capacity. */
    public static final String WRITE_QUEUE = PREFIX + "write-queue";

    /** Delivery buffer per partition. */
    public static final String BUFFER_SIZE = PREFIX + "buffer-size";

    /** Request timeout. */
    public static final String REQUEST_TIMEOUT = PREFIX + "request-timeout";

    /** Publish timeout, shared by every bus. */
    public static final String PUBLISH_TIMEOUT = "scaleplane.events.publish-timeout";

    /** Drain timeout, shared by every bus. */
    public static final String DRAIN_TIMEOUT = "scaleplane.events.drain-timeout";

    /** Default namespace. */
    public static final String DEFAULT_NAMESPACE = "scaleplane-events";

    /** The most {@link #MAX_EVENT_BYTES} may be: the apiserver's 256 KiB of annotations, less room for the rest. */
    public static final int MAX_MAX_EVENT_BYTES = 240 * 1024;

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /**
     * @throws NullPointerException if a required value is null
     */
    public KubernetesBusConfig {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    /**
     * Reads and validates every {@code scaleplane.events.kubernetes.*} setting and the shared timeouts, without
     * connecting.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting, its value and what is expected
     */
    public static KubernetesBusConfig from(ConfigProperties properties) {
        ConfigReader r = new ConfigReader(properties);
        Optional<String> kubeconfig = r.optional(KUBECONFIG);
        Path kubeconfigPath = null;
        if (kubeconfig.isPresent()) {
            kubeconfigPath = Path.of(kubeconfig.get());
            r.check(
                    Files.isRegularFile(kubeconfigPath),
                    KUBECONFIG,
                    kubeconfig.get(),
                    "a readable kubeconfig file (or leave it unset for KUBECONFIG, ~/.kube/config or in-cluster)");
        }
        String context = r.optional(CONTEXT).orElse(null);
        if (context != null) {
            r.check(!context.isBlank(), CONTEXT, context, "a context name from the kubeconfig");
        }
        String namespace = r.string(NAMESPACE, DEFAULT_NAMESPACE);
        r.check(
                DNS_1123_LABEL.matcher(namespace).matches(),
                NAMESPACE,
                namespace,
                "a namespace name (DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending"
                        + " with a letter or digit)");
        int maxEventBytes = r.integer(MAX_EVENT_BYTES, 64 * 1024, 1024, MAX_MAX_EVENT_BYTES);
        int writeQueue = r.integer(WRITE_QUEUE, 1024, 1, 100_000);
        int bufferSize = r.integer(BUFFER_SIZE, 1024, 2, 1 << 20);
        Duration requestTimeout =
                r.duration(REQUEST_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10));
        Duration publishTimeout =
                r.duration(PUBLISH_TIMEOUT, Duration.ofSeconds(5), Duration.ZERO, Duration.ofHours(1));
        Duration drainTimeout = r.duration(DRAIN_TIMEOUT, Duration.ofSeconds(30), Duration.ZERO, Duration.ofHours(1));
        r.rejectUnknownKeys(PREFIX);
        r.throwIfInvalid();
        return new KubernetesBusConfig(
                kubeconfigPath,
                context,
                namespace,
                maxEventBytes,
                writeQueue,
                bufferSize,
                requestTimeout,
                publishTimeout,
                drainTimeout);
    }

    /** Where the bus connects, for messages: the kubeconfig and context, or fabric8's discovery. */
    public String describeTarget() {
        return (kubeconfig != null ? "kubeconfig " + kubeconfig : "the default kubeconfig")
                + (context != null ? " context " + context : "") + " (" + KUBECONFIG + ", " + CONTEXT + ")";
    }
}
