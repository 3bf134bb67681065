package dev.scaleplane.adapters.webhooks;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The receiver's settings, read from {@code scaleplane.webhooks.*} by {@link #read(ConfigProperties)}; the table of
 * keys is in the package documentation. Immutable and thread-safe; {@link #toString()} never shows a secret.
 *
 * @param endpoints the endpoints, at least one, each on its own path
 * @param publishTimeout how long a delivery waits for the bus to accept its events before it is answered 503
 * @param dedupWindow how long an accepted delivery id is remembered
 * @param dedupMaxEntries the most delivery ids remembered at once
 * @param server the settings of the standalone {@link WebhookServer}
 */
public record WebhookSettings(
        List<Endpoint> endpoints, Duration publishTimeout, Duration dedupWindow, int dedupMaxEntries, Server server) {

    /** Prefix of every key. */
    public static final String PREFIX = "scaleplane.webhooks.";

    /** Topic of the webhook events unless an endpoint names another. */
    public static final String DEFAULT_TOPIC = "scaleplane.webhooks";

    /** Largest accepted body unless configured otherwise: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;

    /**
     * Default publish timeout: 5 s, well inside the 10 s GitHub and GitLab wait for an answer, so that a slow bus is
     * answered 503 (and retried) rather than timed out by the sender.
     */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);

    /** Default de-duplication window: 24 h, which covers Jira's retries (up to 30 min) and most manual redeliveries. */
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);

    /** Default number of delivery ids remembered. */
    public static final int DEFAULT_DEDUP_MAX_ENTRIES = 100_000;

    private static final String ENDPOINTS = PREFIX + "endpoints.";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    /** Validates and copies. */
    public WebhookSettings {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(dedupWindow, "dedupWindow");
        Objects.requireNonNull(server, "server");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        Set<String> paths = new TreeSet<>();
        for (Endpoint e : endpoints) {
            if (!paths.add(e.path())) {
                throw new IllegalArgumentException("two endpoints share the path " + e.path());
            }
        }
        if (dedupMaxEntries < 1) {
            throw new IllegalArgumentException("dedupMaxEntries must be >= 1, but was " + dedupMaxEntries);
        }
    }

    /**
     * One endpoint: where one sender delivers, how its deliveries are checked, where they go.
     *
     * @param name the endpoint name, {@code scaleplane.webhooks.endpoints.<name>.*}; also in the events' source {@code
     *     /webhooks/<name>}
     * @param sender the system that delivers here
     * @param secret the webhook secret (GitHub, Jira), secret token (GitLab) or shared token (Jenkins)
     * @param path the request path, e.g. {@code /webhooks/github}
     * @param topic the topic of this endpoint's webhook events
     * @param ciInstance the CI adapter instance whose {@code CiRunCompleted} events this endpoint's run completions
     *     become, or null for none
     * @param ciTopic the topic of those events, or null when {@code ciInstance} is
     * @param maxBodyBytes the largest body accepted
     */
    public record Endpoint(
            String name,
            Sender sender,
            Secret secret,
            String path,
            String topic,
            @Nullable String ciInstance,
            @Nullable String ciTopic,
            int maxBodyBytes) {

        /** Validates. */
        public Endpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(path, "path");
            SubscriptionOptions.checkName(topic, "topic");
            if (ciInstance != null) {
                if (!sender.runsCi()) {
                    throw new IllegalArgumentException(sender.id() + " runs no CI: it has no ciInstance");
                }
                SubscriptionOptions.checkName(Objects.requireNonNull(ciTopic, "ciTopic"), "ciTopic");
            }
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be >= 1, but was " + maxBodyBytes);
            }
        }

        /** An endpoint on {@code /webhooks/<name>} publishing to {@link #DEFAULT_TOPIC}, with no CI instance. */
        public static Endpoint of(String name, Sender sender, Secret secret) {
            return new Endpoint(
                    name, sender, secret, "/webhooks/" + name, DEFAULT_TOPIC, null, null, DEFAULT_MAX_BODY_BYTES);
        }

        /** Never shows the secret. */
        @Override
        public String toString() {
            return "Endpoint[" + name + ", " + sender.id() + ", " + path + " -> " + topic
                    + (ciInstance != null ? ", ci " + ciInstance + " -> " + ciTopic : "") + ", secret=****]";
        }
    }

    /**
     * The standalone server's settings.
     *
     * @param bindAddress the address to listen on; loopback by default, so exposing the receiver is a decision
     * @param port the port, 0 for any free one
     * @param threads handler threads
     * @param drainTimeout how long {@link WebhookServer#close()} lets deliveries in progress finish
     */
    public record Server(String bindAddress, int port, int threads, Duration drainTimeout) {

        /** Default bind address: the IPv4 loopback. */
        public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

        /** Default port. */
        public static final int DEFAULT_PORT = 8090;

        /** Default handler threads. */
        public static final int DEFAULT_THREADS = 4;

        /** Default drain timeout. */
        public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

        /** Validates. */
        public Server {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be within [0, 65535], but was " + port);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, but was " + threads);
            }
        }

        /** Loopback, the default port, default threads and drain timeout. */
        public static Server defaults() {
            return new Server(DEFAULT_BIND_ADDRESS, DEFAULT_PORT, DEFAULT_THREADS, DEFAULT_DRAIN_TIMEOUT);
        }
    }

    /** Settings with the given endpoints and every default. */
    public static WebhookSettings of(List<Endpoint> endpoints) {
        return new WebhookSettings(
                endpoints, DEFAULT_PUBLISH_TIMEOUT, DEFAULT_DEDUP_WINDOW, DEFAULT_DEDUP_MAX_ENTRIES, Server.defaults());
    }

    /**
     * Reads {@code scaleplane.webhooks.*}.
     *
     * @throws ConfigurationException listing every missing, invalid or unknown key at once, secret values redacted
     */
    public static WebhookSettings read(ConfigProperties config) {
        Objects.requireNonNull(config, "config");
        ConfigReader reader = new ConfigReader(config);
        int maxBody = reader.integer(PREFIX + "max-body-bytes", DEFAULT_MAX_BODY_BYTES, 1024, 100 << 20);
        Duration publishTimeout = reader.duration(
                PREFIX + "publish-timeout", DEFAULT_PUBLISH_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(5));
        Duration window = reader.duration(
                PREFIX + "dedup.window", DEFAULT_DEDUP_WINDOW, Duration.ofSeconds(1), Duration.ofDays(30));
        int maxEntries = reader.integer(PREFIX + "dedup.max-entries", DEFAULT_DEDUP_MAX_ENTRIES, 1, 10_000_000);
        String bind = reader.string(PREFIX + "server.bind-address", Server.DEFAULT_BIND_ADDRESS)
                .trim();
        reader.check(
                !bind.isEmpty() && bind.chars().noneMatch(Character::isWhitespace),
                PREFIX + "server.bind-address",
                bind,
                "an IP address or host name to listen on, e.g. 127.0.0.1 or 0.0.0.0");
        int port = reader.integer(PREFIX + "server.port", Server.DEFAULT_PORT, 0, 65_535);
        int threads = reader.integer(PREFIX + "server.threads", Server.DEFAULT_THREADS, 1, 256);
        Duration drain = reader.duration(
                PREFIX + "server.drain-timeout", Server.DEFAULT_DRAIN_TIMEOUT, Duration.ZERO, Duration.ofMinutes(5));

        Set<String> names = new TreeSet<>();
        for (String key : config.keys()) {
            if (key.startsWith(ENDPOINTS)) {
                String rest = key.substring(ENDPOINTS.length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    names.add(rest.substring(0, dot));
                }
            }
        }
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, String> pathOwners = new HashMap<>();
        for (String name : names) {
            String p = ENDPOINTS + name + ".";
            if (!NAME.matcher(name).matches()) {
                reader.check(
                        false,
                        p + "sender",
                        null,
                        "an endpoint name of 1-63 of a-z 0-9 - (e.g. " + ENDPOINTS + "github-main.sender)");
                continue;
            }
            Optional<String> rawSender = reader.optional(p + "sender");
            Sender sender = reader.enumValue(p + "sender", Sender.class, Sender.GITHUB);
            reader.check(rawSender.isPresent(), p + "sender", null, "the sender: github, gitlab, jenkins or jira");
            String secretValue = reader.optional(p + "secret").map(String::trim).orElse("");
            reader.check(
                    !secretValue.isEmpty(),
                    p + "secret",
                    null,
                    "the webhook secret (GitHub, Jira), secret token (GitLab) or shared token (Jenkins)");
            String path = reader.string(p + "path", "/webhooks/" + name).trim();
            if (reader.check(
                    PATH.matcher(path).matches(),
                    p + "path",
                    path,
                    "a request path starting with '/', without query or spaces, e.g. /webhooks/" + name)) {
                String owner = pathOwners.putIfAbsent(path, name);
                reader.check(
                        owner == null,
                        p + "path",
                        path,
                        "a path of this endpoint alone, but endpoint '" + owner + "' has it too");
            }
            String topic = topic(reader, p + "topic", reader.string(p + "topic", DEFAULT_TOPIC));
            String ciInstance =
                    reader.optional(p + "ci-instance").map(String::trim).orElse(null);
            String ciTopic = null;
            if (ciInstance != null) {
                boolean valid = reader.check(
                        NAME.matcher(ciInstance).matches(),
                        p + "ci-instance",
                        ciInstance,
                        "a CI adapter instance name of 1-63 of a-z 0-9 - (scaleplane.adapters.<instance>.*)");
                valid &= reader.check(
                        !rawSender.isPresent() || sender.runsCi(),
                        p + "ci-instance",
                        ciInstance,
                        "no value: only github, gitlab and jenkins endpoints report CI runs");
                if (valid) {
                    String topicKey = CiEvents.completionsTopicKey(ciInstance);
                    ciTopic = topic(reader, topicKey, reader.string(topicKey, CiEvents.DEFAULT_TOPIC));
                } else {
                    ciInstance = null;
                }
            }
            int endpointMaxBody = reader.integer(p + "max-body-bytes", maxBody, 1024, 100 << 20);
            if (rawSender.isPresent() && !secretValue.isEmpty()) {
                endpoints.add(new Endpoint(
                        name, sender, Secret.of(secretValue), path, topic, ciInstance, ciTopic, endpointMaxBody));
            }
        }
        reader.check(
                !names.isEmpty(),
                ENDPOINTS + "<name>.sender",
                null,
                "at least one endpoint, e.g. " + ENDPOINTS + "github.sender=github and " + ENDPOINTS
                        + "github.secret=<the webhook secret>");
        reader.rejectUnknownKeys(PREFIX);
        reader.throwIfInvalid();
        return new WebhookSettings(
                endpoints, publishTimeout, window, maxEntries, new Server(bind, port, threads, drain));
    }

    private static String topic(ConfigReader reader, String key, String value) {
        String topic = value.trim();
        try {
            return SubscriptionOptions.checkName(topic, "topic");
        } catch (IllegalArgumentException e) {
            reader.check(false, key, value, "a topic name (" + e.getMessage() + ")");
            return DEFAULT_TOPIC;
        }
    }

    /** The endpoints; never shows a secret. */
    @Override
    public String toString() {
        return "WebhookSettings" + endpoints + "[publishTimeout=" + publishTimeout + ", dedupWindow=" + dedupWindow
                + ", dedupMaxEntries=" + dedupMaxEntries + ", server=" + server + "]";
    }
}
