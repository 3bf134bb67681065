package dev.scaleplane.adapters.jenkins.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one Jenkins instance: the plumbing's {@link AdapterSettings} plus Jenkins' own keys. See the package
 * Javadoc of {@code dev.scaleplane.adapters.jenkins} for the table of keys.
 *
 * @param http the common settings (base URL, timeouts, attempts, credential)
 * @param pageSize builds per page of {@code runs}, the size of each {@code tree} range
 * @param refParameter the job parameter that carries {@link dev.scaleplane.api.adapters.ci.CiTrigger#ref()}, or
 *     null when refs are not sent
 * @param pollInterval the first delay between polls of a run
 * @param maxPollInterval the longest delay between polls of a run
 * @param buildLookupTimeout how long {@code trigger} waits for the queue item to become a build; zero returns the
 *     queue item at once
 */
public record JenkinsSettings(
        AdapterSettings http,
        int pageSize,
        @Nullable String refParameter,
        Duration pollInterval,
        Duration maxPollInterval,
        Duration buildLookupTimeout) {

    /** Default {@code page-size}. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    private static final List<String> AUTH_TYPES = List.of("jenkins", "none");

    /** Every key of an instance, after {@code scaleplane.adapters.<name>.}; anything else is a typo. */
    private static final List<String> KEYS = List.of(
            "type",
            "base-url",
            "connect-timeout",
            "request-timeout",
            "max-attempts",
            "auth.type",
            "auth.username",
            "auth.token",
            "page-size",
            "ref-parameter",
            "poll-interval",
            "max-poll-interval",
            "build-lookup-timeout");

    /** Validates. */
    public JenkinsSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        Objects.requireNonNull(buildLookupTimeout, "buildLookupTimeout");
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static JenkinsSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        boolean hasCredential = reader.optional(p + "auth.token").isPresent()
                || reader.optional(p + "auth.username").isPresent();
        String type = reader.optional(p + "auth.type")
                .map(t -> t.trim().toLowerCase(Locale.ROOT))
                .orElse(hasCredential ? "jenkins" : "none");
        boolean knownType = reader.check(
                AUTH_TYPES.contains(type),
                p + "auth.type",
                type,
                "jenkins (auth.username and auth.token: a user and one of its API tokens, sent as HTTP Basic) or none"
                        + " (anonymous)");
        int pageSize = reader.integer(p + "page-size", DEFAULT_PAGE_SIZE, 1, 1000);
        String refParameter = reader.optional(p + "ref-parameter")
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .orElse(null);
        Duration poll = reader.duration(
                p + "poll-interval", Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration maxPoll = reader.duration(
                p + "max-poll-interval", Duration.ofSeconds(60), Duration.ofMillis(1), Duration.ofHours(1));
        reader.check(
                maxPoll.compareTo(poll) >= 0,
                p + "max-poll-interval",
                maxPoll.toString(),
                "at least poll-interval (" + poll + ")");
        Duration lookup =
                reader.duration(p + "build-lookup-timeout", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(30));
        reader.rejectUnknownKeys(p, KEYS.stream().map(k -> p + k).collect(Collectors.toSet()));

        // The plumbing reads the common keys, with auth.type defaulted as above (it would default to none).
        AdapterSettings http = AdapterSettings.readCommon(name, config, reader, knownType ? type : "none", Map.of());
        reader.throwIfInvalid();
        return new JenkinsSettings(Objects.requireNonNull(http), pageSize, refParameter, poll, maxPoll, lookup);
    }

    /**
     * A client builder with the common settings and credential ({@code Authenticator.jenkins}: Basic, plus a CSRF
     * crumb once Jenkins asks for one), asking for JSON on every request: Jenkins' servlet container (Jetty) then
     * writes its error pages as JSON, {@code {"message": ...}}, instead of HTML the plumbing cannot quote.
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        return http.clientBuilder("jenkins")
                .clock(clock)
                .addInterceptor(chain -> chain.proceed(chain.request()
                        .newBuilder()
                        .setHeader("Accept", "application/json")
                        .build()));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "JenkinsSettings[" + http + ", page-size=" + pageSize
                + (refParameter != null ? ", ref-parameter=" + refParameter : "") + "]";
    }
}
