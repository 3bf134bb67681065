package dev.scaleplane.api.federation;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the fleet reaches one cluster's API server. Three kinds, as Kubernetes clients know them: a kubeconfig
 * context, a bearer token for a server URL, or the service account of the pod the service runs in.
 *
 * <p>Immutable. {@code toString()} never prints a token.
 */
public sealed interface ClusterCredentials {

    /**
     * A context of a kubeconfig file.
     *
     * @param kubeconfig the file, or null for the default ({@code KUBECONFIG}, else {@code ~/.kube/config})
     * @param context the context name
     */
    record KubeconfigContext(@Nullable Path kubeconfig, String context) implements ClusterCredentials {
        /** Validates the context name. */
        public KubeconfigContext {
            Names.notBlank(context, "context");
        }
    }

    /**
     * A bearer token for a server.
     *
     * @param server the API server URL, e.g. {@code https://par-1.example.com:6443}
     * @param token the bearer token (never printed)
     * @param caCertificatePem the server's CA certificate in PEM, or null to trust the JVM's trust store
     */
    record Token(URI server, String token, @Nullable String caCertificatePem) implements ClusterCredentials {
        /** Validates the server URL. */
        public Token {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(token, "token");
            if (server.getScheme() == null || server.getHost() == null) {
                throw new IllegalArgumentException(
                        "server must be an absolute URL such as https://host:6443, but was '" + server + "'");
            }
        }

        @Override
        public String toString() {
            return "Token[server=" + server + ", token=****" + (caCertificatePem == null ? "" : ", ca=<pem>") + "]";
        }
    }

    /** The service account token and CA mounted into the pod this process runs in. */
    record InCluster() implements ClusterCredentials {}

    /** A context of the default kubeconfig. */
    static ClusterCredentials kubeconfigContext(String context) {
        return new KubeconfigContext(null, context);
    }

    /** A context of the kubeconfig {@code file}. */
    static ClusterCredentials kubeconfig(Path file, String context) {
        return new KubeconfigContext(Objects.requireNonNull(file, "file"), context);
    }

    /** A bearer token for {@code server}, trusting the JVM's trust store. */
    static ClusterCredentials token(URI server, String token) {
        return new Token(server, token, null);
    }

    /** The in-cluster service account. */
    static ClusterCredentials inCluster() {
        return new InCluster();
    }
}
