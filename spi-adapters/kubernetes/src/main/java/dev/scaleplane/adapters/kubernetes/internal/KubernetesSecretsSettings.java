package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.federation.kubernetes.ClusterClients;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one Kubernetes Secrets instance, under {@code scaleplane.adapters.<name>.}; the table of keys is in
 * {@code KubernetesSecretsProvider}. The cluster is reached as the federation's {@code ClusterCredentials} reach one:
 * a kubeconfig context or the pod's service account.
 *
 * @param name the instance name
 * @param kubeconfig the kubeconfig file, or null for the default one
 * @param context the kubeconfig context, or null for the file's current context
 * @param inCluster whether to use the pod's service account instead of a kubeconfig
 * @param connectTimeout the connect timeout
 * @param requestTimeout the timeout of one request
 * @param maxAttempts attempts per call (fabric8 retries with exponential backoff)
 * @param pageSize the {@code limit} of each page of a listing
 */
public record KubernetesSecretsSettings(
        String name,
        @Nullable Path kubeconfig,
        @Nullable String context,
        boolean inCluster,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        int pageSize) {

    /** The prefix of every adapter instance's keys. */
    public static final String PREFIX = "scaleplane.adapters.";

    /** Validates. */
    public KubernetesSecretsSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Reads instance {@code name} without touching the kubeconfig.
     *
     * @throws ConfigurationException listing every problem
     */
    public static KubernetesSecretsSettings read(String name, ConfigProperties config) {
        String p = PREFIX + name + ".";
        ConfigReader r = new ConfigReader(config);
        Optional<String> kubeconfig = r.optional(p + "kubeconfig").filter(s -> !s.isBlank());
        Optional<String> context = r.optional(p + "context").filter(s -> !s.isBlank());
        boolean inCluster = r.bool(p + "in-cluster", false);
        r.check(
                !inCluster || kubeconfig.isEmpty(),
                p + "kubeconfig",
                kubeconfig.orElse(null),
                "no kubeconfig with in-cluster=true (the pod's service account is used); remove one of the two");
        r.check(
                !inCluster || context.isEmpty(),
                p + "context",
                context.orElse(null),
                "no context with in-cluster=true (the pod's service account is used); remove one of the two");
        Duration connect =
                r.duration(p + "connect-timeout", Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration request =
                r.duration(p + "request-timeout", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofMinutes(10));
        int attempts = r.integer(p + "max-attempts", 3, 1, 10);
        int pageSize = r.integer(p + "page-size", 500, 1, 10_000);
        r.throwIfInvalid();
        return new KubernetesSecretsSettings(
                name,
                kubeconfig.map(Path::of).orElse(null),
                context.orElse(null),
                inCluster,
                connect,
                request,
                attempts,
                pageSize);
    }

    /**
     * A client for the configured cluster.
     *
     * @throws ConfigurationException naming the key when the kubeconfig cannot be read, the context is unknown, or
     *     in-cluster credentials are asked for outside a pod
     */
    public KubernetesClient connect() {
        Config config;
        try {
            config = inCluster ? ClusterClients.inCluster(name) : ClusterClients.kubeconfig(name, kubeconfig, context);
        } catch (ClusterRegistrationException e) {
            String field = e.field().substring(e.field().indexOf('.') + 1); // credentials.context -> context
            String value =
                    switch (field) {
                        case "kubeconfig" -> kubeconfig == null ? null : kubeconfig.toString();
                        case "context" -> context;
                        default -> "true";
                    };
            throw ConfigurationException.of(
                    PREFIX + name + "." + ("credentials".equals(field) ? "in-cluster" : field), value, e.problem());
        }
        return ClusterClients.connect(config, connectTimeout, requestTimeout, maxAttempts);
    }

    @Override
    public String toString() {
        return "KubernetesSecretsSettings[" + name + ", "
                + (inCluster
                        ? "in-cluster"
                        : "kubeconfig=" + (kubeconfig == null ? "default" : kubeconfig) + ", context="
                                + (context == null ? "current" : context))
                + ", page-size=" + pageSize + "]";
    }
}
