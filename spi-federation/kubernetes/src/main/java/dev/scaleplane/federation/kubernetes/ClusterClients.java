package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * fabric8 configurations and clients for the clusters of a fleet: the one home of turning {@link ClusterCredentials}
 * (a kubeconfig context, a bearer token, the pod's service account) into a fabric8 {@link Config}, used by the
 * federation layer, the Kubernetes secrets adapter and the Kubernetes Events module alike.
 *
 * <p>A kubeconfig context becomes a configuration of that context alone (its cluster and user, as text): a {@link
 * Config} built from a whole file keeps the parsed file per cluster and re-reads it on every request once fabric8's
 * token refresh starts, which with one file of a thousand contexts stalls a fleet. Relative paths in the file are
 * therefore not resolved: inline the certificate data or use absolute paths.
 *
 * <p>Stateless and thread-safe. Every failure is a {@link ClusterRegistrationException} naming the cluster and the
 * field ({@code credentials.kubeconfig}, {@code credentials.context} or {@code credentials}).
 */
public final class ClusterClients {
    /** The name under which fabric8 registers its body-logging interceptor (StandardHttpClientBuilder). */
    private static final String FABRIC8_HTTP_LOGGING = "HttpLogging";

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private ClusterClients() {}

    /**
     * The configuration of {@code credentials}.
     *
     * @param cluster the cluster's name, for messages
     * @throws ClusterRegistrationException naming the field when the kubeconfig is missing or unreadable, the context
     *     unknown, or in-cluster credentials are asked for outside a pod
     */
    public static Config config(String cluster, ClusterCredentials credentials) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(credentials, "credentials");
        if (credentials instanceof ClusterCredentials.KubeconfigContext k) {
            return kubeconfig(cluster, k.kubeconfig(), k.context());
        }
        if (credentials instanceof ClusterCredentials.Token t) {
            ConfigBuilder b = new ConfigBuilder(Config.empty())
                    .withMasterUrl(t.server().toString())
                    .withOauthToken(t.token());
            if (t.caCertificatePem() != null) {
                b.withCaCertData(
                        Base64.getEncoder().encodeToString(t.caCertificatePem().getBytes(StandardCharsets.UTF_8)));
            }
            return b.build();
        }
        return inCluster(cluster);
    }

    /**
     * The configuration of {@code context} of the kubeconfig {@code file}.
     *
     * @param cluster the cluster's name, for messages
     * @param file the kubeconfig, or null for the default one ({@code KUBECONFIG}'s first entry, else {@code
     *     ~/.kube/config})
     * @param context the context, or null for the file's {@code current-context}
     * @throws ClusterRegistrationException naming the field when the file is missing or unreadable, or the context
     *     unknown or unusable
     */
    public static Config kubeconfig(String cluster, @Nullable Path file, @Nullable String context) {
        File f = file != null ? file.toFile() : defaultKubeconfig();
        if (!f.isFile()) {
            throw new ClusterRegistrationException(
                    cluster,
                    "credentials.kubeconfig",
                    "no kubeconfig file at " + f + " (name one, or set KUBECONFIG)",
                    null);
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(Files.readString(f.toPath(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new ClusterRegistrationException(
                    cluster, "credentials.kubeconfig", "cannot read kubeconfig " + f + ": " + e, e);
        }
        String wanted = context != null ? context : parsed.getCurrentContext();
        if (wanted == null || wanted.isBlank()) {
            throw new ClusterRegistrationException(
                    cluster,
                    "credentials.context",
                    "kubeconfig " + f + " has no current-context; name a context",
                    null);
        }
        List<String> contexts = new ArrayList<>();
        NamedContext found = null;
        if (parsed.getContexts() != null) {
            for (NamedContext nc : parsed.getContexts()) {
                contexts.add(nc.getName());
                if (nc.getName().equals(wanted)) {
                    found = nc;
                }
            }
        }
        if (found == null) {
            throw new ClusterRegistrationException(
                    cluster,
                    "credentials.context",
                    "unknown context '" + wanted + "' in " + f + "; its contexts are " + contexts,
                    null);
        }
        try {
            return Config.fromKubeconfig(singleContext(parsed, found));
        } catch (RuntimeException e) {
            throw new ClusterRegistrationException(
                    cluster, "credentials.context", "context '" + wanted + "' is unusable: " + e, e);
        }
    }

    /**
     * fabric8's auto-configuration inside a pod: the mounted service account token and CA.
     *
     * @param cluster the cluster's name, for messages
     * @throws ClusterRegistrationException if this process does not run in a pod
     */
    public static Config inCluster(String cluster) {
        Config config = Config.autoConfigure(null);
        if (System.getenv("KUBERNETES_SERVICE_HOST") == null
                || config.getMasterUrl() == null
                || config.getAutoOAuthToken() == null && config.getOauthToken() == null) {
            throw new ClusterRegistrationException(
                    cluster,
                    "credentials",
                    "in-cluster credentials need KUBERNETES_SERVICE_HOST and a mounted service account token; this"
                            + " process does not run in a pod (use a kubeconfig and context instead)",
                    null);
        }
        return config;
    }

    /**
     * A client of {@code config} with these timeouts and {@code maxAttempts - 1} request retries (fabric8's
     * exponential backoff from 100 ms). fabric8's HTTP body logging is removed: at TRACE it logs request and response
     * bodies, which for Secrets are their data. The caller closes the client.
     *
     * @throws IllegalArgumentException if {@code maxAttempts} is below 1
     */
    public static KubernetesClient connect(
            Config config, Duration connectTimeout, Duration requestTimeout, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
        }
        Config c = new ConfigBuilder(config)
                .withConnectionTimeout((int) connectTimeout.toMillis())
                .withRequestTimeout((int) requestTimeout.toMillis())
                .withRequestRetryBackoffLimit(maxAttempts - 1)
                .withRequestRetryBackoffInterval(100)
                .build();
        return new KubernetesClientBuilder()
                .withConfig(c)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(FABRIC8_HTTP_LOGGING, null))
                .build();
    }

    private static String singleContext(io.fabric8.kubernetes.api.model.Config parsed, NamedContext context) {
        String clusterName =
                context.getContext() == null ? null : context.getContext().getCluster();
        String userName =
                context.getContext() == null ? null : context.getContext().getUser();
        io.fabric8.kubernetes.api.model.ConfigBuilder single = new io.fabric8.kubernetes.api.model.ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .withContexts(context)
                .withCurrentContext(context.getName());
        if (parsed.getClusters() != null) {
            parsed.getClusters().stream()
                    .filter(c -> c.getName().equals(clusterName))
                    .forEach(single::addToClusters);
        }
        if (parsed.getUsers() != null) {
            parsed.getUsers().stream().filter(u -> u.getName().equals(userName)).forEach(single::addToUsers);
        }
        return YAML.asYaml(single.build());
    }

    private static File defaultKubeconfig() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return new File(env.split(File.pathSeparator)[0]);
        }
        return Paths.get(System.getProperty("user.home"), ".kube", "config").toFile();
    }
}
