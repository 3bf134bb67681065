package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.api.federation.ClusterCredentials;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * fabric8 clients from {@link ClusterCredentials}, for the Secrets adapter (one cluster, from settings) and for the
 * propagator (every cluster of a fleet, from its registration).
 *
 * <p>The federation module builds its clients the same way in an internal class that cannot be reused from here; this
 * is the smallest mapping of the three credential kinds onto fabric8's own configuration calls, not a copy of it.
 *
 * <p>Every client built here has fabric8's HTTP logging interceptor removed: at TRACE it logs request and response
 * bodies, which for Secrets are their data.
 */
public final class KubernetesClients {

    /** The name under which fabric8 registers its body-logging interceptor (StandardHttpClientBuilder). */
    static final String FABRIC8_HTTP_LOGGING = "HttpLogging";

    private KubernetesClients() {}

    /** The credentials could not be turned into a client configuration. */
    public static final class CredentialsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String field;

        CredentialsException(String field, String message, @Nullable Throwable cause) {
            super(message, cause);
            this.field = field;
        }

        /** Which part of the credentials is wrong: {@code kubeconfig}, {@code context} or {@code in-cluster}. */
        public String field() {
            return field;
        }
    }

    /**
     * The fabric8 configuration of {@code credentials}; a kubeconfig context may be null for the file's current
     * context.
     *
     * @throws CredentialsException naming the field when the kubeconfig is missing or unreadable, the context unknown,
     *     or in-cluster credentials are asked for outside a pod
     */
    public static Config config(ClusterCredentials credentials) {
        if (credentials instanceof ClusterCredentials.KubeconfigContext k) {
            return kubeconfig(k.kubeconfig() == null ? null : k.kubeconfig().toFile(), k.context());
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
        return inCluster();
    }

    /**
     * The configuration of {@code context} (or the current context when null) of the kubeconfig {@code file} (or the
     * default one, {@code KUBECONFIG}'s first entry, else {@code ~/.kube/config}, when null).
     */
    public static Config kubeconfig(@Nullable File file, @Nullable String context) {
        File f = file != null ? file : defaultKubeconfig();
        if (!f.isFile()) {
            throw new CredentialsException(
                    "kubeconfig", "no kubeconfig file at " + f + " (name one, or set KUBECONFIG)", null);
        }
        Config config;
        try {
            config = Config.fromKubeconfig(context, f);
        } catch (RuntimeException e) {
            throw new CredentialsException("kubeconfig", "cannot read kubeconfig " + f + ": " + e.getMessage(), e);
        }
        NamedContext current = config.getCurrentContext();
        if (context != null && (current == null || !context.equals(current.getName()))) {
            List<String> names = config.getContexts() == null
                    ? List.of()
                    : config.getContexts().stream().map(NamedContext::getName).toList();
            throw new CredentialsException(
                    "context", "unknown context '" + context + "' in " + f + "; its contexts are " + names, null);
        }
        if (context == null && current == null) {
            throw new CredentialsException(
                    "context", "kubeconfig " + f + " has no current-context; name a context", null);
        }
        return config;
    }

    /** fabric8's auto-configuration inside a pod: the mounted service account token and CA. */
    public static Config inCluster() {
        Config config = Config.autoConfigure(null);
        if (System.getenv("KUBERNETES_SERVICE_HOST") == null
                || config.getMasterUrl() == null
                || config.getAutoOAuthToken() == null && config.getOauthToken() == null) {
            throw new CredentialsException(
                    "in-cluster",
                    "in-cluster credentials need KUBERNETES_SERVICE_HOST and a mounted service account token; this"
                            + " process does not run in a pod (use a kubeconfig and context instead)",
                    null);
        }
        return config;
    }

    /**
     * A client of {@code config} with these timeouts; {@code maxAttempts - 1} request retries (fabric8's exponential
     * backoff from 100 ms), and no body logging.
     */
    public static KubernetesClient connect(
            Config config, Duration connectTimeout, Duration requestTimeout, int maxAttempts) {
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

    private static File defaultKubeconfig() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return new File(env.split(File.pathSeparator)[0]);
        }
        return Paths.get(System.getProperty("user.home"), ".kube", "config").toFile();
    }
}
