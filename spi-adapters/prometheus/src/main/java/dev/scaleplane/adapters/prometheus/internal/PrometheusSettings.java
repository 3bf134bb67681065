package dev.scaleplane.adapters.prometheus.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one Prometheus instance: the plumbing's {@link AdapterSettings} for the Prometheus server, the same
 * for the Pushgateway when one is configured, and the Pushgateway grouping key. See {@code
 * dev.scaleplane.adapters.prometheus} for the table of keys.
 *
 * @param prometheus the common settings of the Prometheus server (its base URI is the server's root)
 * @param pushgateway the Pushgateway's settings (the same timeouts and attempts, its own root and credential), or null
 *     when no {@code pushgateway-url} is set: then the instance only queries
 * @param job the {@code job} label of every push
 * @param grouping the grouping labels of {@link dev.scaleplane.api.adapters.observability.ObservabilityAdapter#push}
 *     after the job, sorted by name
 */
public record PrometheusSettings(
        AdapterSettings prometheus, @Nullable AdapterSettings pushgateway, String job, Map<String, String> grouping) {

    /** The default {@code job}. */
    public static final String DEFAULT_JOB = "scaleplane";

    /** The keys of the grouping labels, under the instance's prefix: {@code grouping.<label>}. */
    static final String GROUPING = "grouping.";

    /** How requests carry the credential ({@code auth.type}, {@code pushgateway.auth.type}). */
    public enum Auth {
        /** No credential. */
        NONE("none", AdapterSettings.AuthType.NONE),
        /** {@code Authorization: Bearer <auth.token>}, as an OAuth2 proxy or a managed Prometheus expects. */
        BEARER("bearer", AdapterSettings.AuthType.BEARER),
        /** HTTP Basic with {@code auth.username} and {@code auth.token} (the password), as Prometheus' web config. */
        BASIC("basic", AdapterSettings.AuthType.BASIC);

        private final String key;
        private final AdapterSettings.AuthType plumbing;

        Auth(String key, AdapterSettings.AuthType plumbing) {
            this.key = key;
            this.plumbing = plumbing;
        }

        /** The spelling in {@code auth.type}. */
        public String key() {
            return key;
        }
    }

    /** Validates and copies. */
    public PrometheusSettings {
        Objects.requireNonNull(prometheus, "prometheus");
        Objects.requireNonNull(job, "job");
        grouping = Collections.unmodifiableMap(new TreeMap<>(grouping));
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static PrometheusSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        Optional<Auth> auth = auth(reader, p + "auth.");

        Optional<String> rawPushgateway = reader.optional(p + "pushgateway-url");
        URI pushgatewayUrl = reader.uri(p + "pushgateway-url", URI.create("http://invalid.example"));
        rawPushgateway.ifPresent(raw -> reader.check(
                pushgatewayUrl.isAbsolute()
                        && ("http".equals(pushgatewayUrl.getScheme()) || "https".equals(pushgatewayUrl.getScheme())),
                p + "pushgateway-url",
                raw,
                "the http(s) root URL of the Pushgateway, e.g. http://pushgateway:9091"));
        boolean ownPushgatewayAuth =
                reader.optional(p + "pushgateway.auth.type").isPresent()
                        || reader.optional(p + "pushgateway.auth.token").isPresent()
                        || reader.optional(p + "pushgateway.auth.username").isPresent();
        Optional<Auth> pushgatewayAuth = ownPushgatewayAuth ? auth(reader, p + "pushgateway.auth.") : auth;
        if (ownPushgatewayAuth) {
            reader.check(
                    rawPushgateway.isPresent(),
                    p + "pushgateway.auth.type",
                    reader.optional(p + "pushgateway.auth.type").orElse(null),
                    "no pushgateway.auth.* without a pushgateway-url");
        }

        String job = reader.string(p + "job", DEFAULT_JOB).trim();
        reader.check(!job.isEmpty(), p + "job", job, "a non-empty job name, the job label of every push");

        Map<String, String> grouping = new TreeMap<>();
        config.withPrefix(p + GROUPING).forEach((label, value) -> {
            String key = p + GROUPING + label;
            reader.optional(key); // read, so that the key counts as known
            if (reader.check(
                    Exposition.validGroupingName(label),
                    key,
                    value,
                    "a grouping label named with letters, digits and _ (not starting with a digit or __), not job")) {
                grouping.put(label, value);
            }
        });
        if (!grouping.containsKey("instance")) {
            grouping.put("instance", localHostName());
        }
        // An empty value leaves the label out, so that pushes can be grouped by job alone.
        grouping.values().removeIf(String::isEmpty);

        // The plumbing reads the common keys: base-url, timeouts, attempts, and the Prometheus credential (when our
        // type is one we accept; a wrong type is reported above, so it is told "none").
        AdapterSettings http = AdapterSettings.readCommon(
                name, config, reader, auth.orElse(Auth.NONE).key(), Map.of());
        reader.throwIfInvalid();
        Objects.requireNonNull(http);
        AdapterSettings pushgateway = null;
        if (rawPushgateway.isPresent()) {
            String a = ownPushgatewayAuth ? p + "pushgateway.auth." : p + "auth.";
            pushgateway = new AdapterSettings(
                    name,
                    pushgatewayUrl,
                    http.connectTimeout(),
                    http.requestTimeout(),
                    http.maxAttempts(),
                    pushgatewayAuth.orElseThrow().plumbing,
                    reader.optional(a + "username").map(String::trim).orElse(null),
                    reader.optional(a + "token")
                            .filter(t -> !t.isBlank())
                            .map(t -> Secret.of(t.trim()))
                            .orElse(null),
                    "Authorization",
                    null,
                    null,
                    null);
        }
        return new PrometheusSettings(http, pushgateway, job, grouping);
    }

    /**
     * The credential kind under {@code prefix} ({@code auth.} or {@code pushgateway.auth.}): as set, else {@code basic}
     * with a user and a token, {@code bearer} with a token alone, {@code none} without. Records a problem for an
     * unknown kind and for a missing token or user.
     */
    private static Optional<Auth> auth(ConfigReader reader, String prefix) {
        boolean hasToken =
                reader.optional(prefix + "token").filter(t -> !t.isBlank()).isPresent();
        boolean hasUser =
                reader.optional(prefix + "username").filter(t -> !t.isBlank()).isPresent();
        Optional<Auth> auth = AdapterSettings.choice(
                reader,
                prefix + "type",
                List.of(Auth.values()),
                Auth::key,
                hasToken ? (hasUser ? Auth.BASIC : Auth.BEARER) : Auth.NONE,
                "none, bearer (" + prefix + "token sent as Authorization: Bearer) or basic (" + prefix + "username and "
                        + prefix + "token, the password)");
        if (auth.isPresent() && auth.get() != Auth.NONE) {
            reader.check(
                    hasToken,
                    prefix + "token",
                    null,
                    "a value (required by " + prefix + "type " + auth.get().key() + ")");
        }
        if (auth.isPresent() && auth.get() == Auth.BASIC) {
            reader.check(hasUser, prefix + "username", null, "a value (required by " + prefix + "type basic)");
        }
        return auth;
    }

    /** The machine's host name, the default {@code instance} grouping label: each host pushes its own group. */
    static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Whether pushes and deployment markers are possible: a Pushgateway is configured. */
    public boolean canPush() {
        return pushgateway != null;
    }

    /** A client builder for the Prometheus server: common settings, credential, JSON accepted, a User-Agent. */
    public AdapterHttpClient.Builder prometheusClient(Clock clock) {
        return withHeaders(prometheus.clientBuilder("prometheus").clock(clock), "application/json");
    }

    /**
     * A client builder for the Pushgateway.
     *
     * @throws IllegalStateException when no Pushgateway is configured
     */
    public AdapterHttpClient.Builder pushgatewayClient(Clock clock) {
        if (pushgateway == null) {
            throw new IllegalStateException("no pushgateway-url for " + prometheus.name());
        }
        return withHeaders(pushgateway.clientBuilder("prometheus").clock(clock), "*/*");
    }

    private static AdapterHttpClient.Builder withHeaders(AdapterHttpClient.Builder b, String accept) {
        return b.addInterceptor(chain -> chain.proceed(chain.request()
                .newBuilder()
                .setHeader("Accept", accept)
                .setHeader("User-Agent", "scaleplane-adapters-prometheus")
                .build()));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "PrometheusSettings[" + prometheus + ", pushgateway="
                + (pushgateway == null ? "none" : pushgateway.toString()) + ", job=" + job + ", grouping=" + grouping
                + "]";
    }
}
