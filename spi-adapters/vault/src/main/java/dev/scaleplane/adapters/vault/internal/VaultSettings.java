package dev.scaleplane.adapters.vault.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one Vault instance: the plumbing's {@link AdapterSettings} (address, timeouts, attempts, the token)
 * plus Vault's own keys. See {@code dev.scaleplane.adapters.vault} for the table of keys.
 *
 * @param http the common settings; its base URI is Vault's address, e.g. {@code https://vault.example.com:8200}
 * @param apiBase where the HTTP API lives: the address followed by {@code /v1}
 * @param namespace the Vault Enterprise namespace sent as {@code X-Vault-Namespace}, or null for none
 * @param mount the KV v2 mount path, e.g. {@code secret}
 * @param casRequired whether writes carry {@code options.cas} (check-and-set on the version read just before)
 * @param auth how the client token is obtained
 * @param renewToken token auth: whether the token's lease is looked up and renewed
 * @param kubernetesMount Kubernetes auth: the auth method's mount path, e.g. {@code kubernetes}
 * @param kubernetesRole Kubernetes auth: the role to log in with, or null for token auth
 * @param jwtFile Kubernetes auth: the service-account token file, read at every login
 */
public record VaultSettings(
        AdapterSettings http,
        URI apiBase,
        @Nullable String namespace,
        String mount,
        boolean casRequired,
        Auth auth,
        boolean renewToken,
        String kubernetesMount,
        @Nullable String kubernetesRole,
        Path jwtFile) {

    /** Where Kubernetes mounts a pod's service-account token. */
    public static final String DEFAULT_JWT_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /** The mount Vault enables KV v2 at in dev mode, and the usual one. */
    public static final String DEFAULT_MOUNT = "secret";

    /** The usual mount of the Kubernetes auth method. */
    public static final String DEFAULT_KUBERNETES_MOUNT = "kubernetes";

    /** The HTTP API's path under Vault's address. */
    public static final String API_PATH = "/v1";

    /** How the client token is obtained ({@code auth.type}). */
    public enum Auth {
        /** A Vault token given in {@code auth.token}. */
        TOKEN("token"),
        /** A login with the pod's service-account JWT and a role, renewed and repeated as its lease requires. */
        KUBERNETES("kubernetes");

        private final String key;

        Auth(String key) {
            this.key = key;
        }

        /** The spelling in {@code auth.type}. */
        public String key() {
            return key;
        }
    }

    /** Validates. */
    public VaultSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(mount, "mount");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(kubernetesMount, "kubernetesMount");
        Objects.requireNonNull(jwtFile, "jwtFile");
    }

    /**
     * Reads instance {@code name}, checking (without connecting) that a Kubernetes service-account token file is
     * readable.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static VaultSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        boolean hasToken =
                reader.optional(p + "auth.token").filter(t -> !t.isBlank()).isPresent();
        Optional<Auth> auth = AdapterSettings.choice(
                reader,
                p + "auth.type",
                List.of(Auth.values()),
                Auth::key,
                Auth.TOKEN,
                "token (a Vault token in auth.token) or kubernetes (a login with the pod's service-account token and"
                        + " auth.kubernetes.role)");
        String mount = trimSlashes(reader.string(p + "kv.mount", DEFAULT_MOUNT));
        reader.check(
                VaultPaths.validMount(mount),
                p + "kv.mount",
                mount,
                "the path the KV v2 engine is mounted at, e.g. secret or team/kv (no empty, '.' or '..' segments)");
        boolean cas = reader.bool(p + "kv.cas-required", false);
        boolean renew = reader.bool(p + "auth.renew", true);
        String namespace = reader.optional(p + "namespace")
                .map(String::trim)
                .filter(n -> !n.isEmpty())
                .orElse(null);
        if (namespace != null) {
            reader.check(
                    namespace.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)),
                    p + "namespace",
                    namespace,
                    "a Vault namespace path such as team-a or org/team-a, without spaces");
        }
        String kubernetesMount = trimSlashes(reader.string(p + "auth.kubernetes.mount", DEFAULT_KUBERNETES_MOUNT));
        String role = reader.optional(p + "auth.kubernetes.role")
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .orElse(null);
        String jwtFile =
                reader.string(p + "auth.kubernetes.jwt-file", DEFAULT_JWT_FILE).trim();
        if (auth.orElse(null) == Auth.TOKEN) {
            reader.check(hasToken, p + "auth.token", null, "a Vault token (required by auth.type token)");
        }
        if (auth.orElse(null) == Auth.KUBERNETES) {
            reader.check(role != null, p + "auth.kubernetes.role", null, "a role (required by auth.type kubernetes)");
            reader.check(
                    VaultPaths.validMount(kubernetesMount),
                    p + "auth.kubernetes.mount",
                    kubernetesMount,
                    "the path the Kubernetes auth method is mounted at, e.g. kubernetes or clusters/eu-1");
            reader.check(
                    readable(jwtFile),
                    p + "auth.kubernetes.jwt-file",
                    jwtFile,
                    "a readable, non-empty service-account token file (the pod's is " + DEFAULT_JWT_FILE + ")");
            // A token next to a Kubernetes login would be ignored: say so rather than leave the reader guessing.
            reader.check(
                    !hasToken,
                    p + "auth.token",
                    null,
                    "no value with auth.type kubernetes (the client token comes from the login)");
        }

        // The plumbing reads the common keys (base-url, timeouts, attempts, the token). Our auth types are not the
        // plumbing's names and their problems are reported above, so it is told "none" (it still reads auth.token).
        AdapterSettings http = AdapterSettings.readCommon(name, config, reader, "none", Map.of());
        reader.throwIfInvalid();
        return new VaultSettings(
                Objects.requireNonNull(http),
                apiBase(http.baseUri()),
                namespace,
                mount,
                cas,
                auth.orElseThrow(),
                renew,
                kubernetesMount,
                role,
                Path.of(jwtFile));
    }

    /** Vault's address without a trailing {@code /} or {@code /v1}, followed by {@code /v1}. */
    static URI apiBase(URI address) {
        return URI.create(AdapterSettings.withoutSuffix(address, API_PATH) + API_PATH);
    }

    private static String trimSlashes(String s) {
        String t = s.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    private static boolean readable(String file) {
        try {
            Path path = Path.of(file);
            return Files.isRegularFile(path) && Files.isReadable(path) && Files.size(path) > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The authenticator these settings describe, on {@code clock}. */
    public VaultAuthenticator authenticator(Clock clock) {
        return switch (auth) {
            case TOKEN -> VaultAuthenticator.token(
                    Objects.requireNonNull(http.token(), "token"), renewToken, apiBase, clock);
            case KUBERNETES -> VaultAuthenticator.kubernetes(
                    kubernetesMount, Objects.requireNonNull(kubernetesRole, "kubernetesRole"), jwtFile, apiBase, clock);
        };
    }

    /**
     * A client builder with the common settings, pointed at the API ({@link #apiBase()}), with the authenticator, the
     * deleted-version reader, and {@code X-Vault-Request: true} plus {@code X-Vault-Namespace} (when set) on every
     * request on the wire, the authenticator's own logins and renewals included.
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock, VaultAuthenticator authenticator) {
        String ns = namespace;
        return http.clientBuilder("vault")
                .baseUri(apiBase)
                .clock(clock)
                .authenticator(authenticator)
                .addInterceptor(new DeletedVersions())
                .addNetworkInterceptor(chain -> {
                    var b = chain.request().newBuilder().setHeader("X-Vault-Request", "true");
                    if (ns != null) {
                        b.setHeader("X-Vault-Namespace", ns);
                    }
                    return chain.proceed(b.build());
                });
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "VaultSettings[" + http.name() + ", " + apiBase + (namespace != null ? ", namespace=" + namespace : "")
                + ", mount=" + mount + ", auth=" + auth.key()
                + (auth == Auth.KUBERNETES ? ", role=" + kubernetesRole + "@" + kubernetesMount : "")
                + (http.token() != null ? ", token=****" : "") + "]";
    }
}
