package dev.scaleplane.adapters.linear.internal;

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
import java.util.Optional;

/**
 * The settings of one Linear instance: the plumbing's {@link AdapterSettings} (with Linear's defaults filled in) plus
 * Linear's own keys. See {@code dev.scaleplane.adapters.linear} for the table of keys.
 *
 * @param http the common settings; {@code auth.type} is {@code linear-api-key} or {@code bearer}
 * @param pageSize {@code first} of every listing
 * @param createMissingLabels whether labels named in a new issue that the team lacks are created
 * @param cacheTtl how long team, workflow-state, label and issue-id lookups are reused; zero for never
 */
public record LinearSettings(AdapterSettings http, int pageSize, boolean createMissingLabels, Duration cacheTtl) {

    /** Linear's API; requests go to {@code /graphql} under it. */
    public static final String DEFAULT_BASE_URL = "https://api.linear.app";

    /** Linear's default page size ({@code first}) of connections. */
    public static final int DEFAULT_PAGE_SIZE = 50;

    /** The largest {@code first} Linear accepts. */
    public static final int MAX_PAGE_SIZE = 250;

    /** Default {@code cache-ttl}. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(10);

    private static final List<String> AUTH_TYPES = List.of("linear-api-key", "bearer");

    /** Validates. */
    public LinearSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be in [1, " + MAX_PAGE_SIZE + "], but was " + pageSize);
        }
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static LinearSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        String type = reader.optional(p + "auth.type")
                .map(t -> t.trim().toLowerCase(Locale.ROOT))
                .orElse("linear-api-key");
        boolean knownType = reader.check(
                AUTH_TYPES.contains(type),
                p + "auth.type",
                type,
                "linear-api-key (a personal API key in auth.token, sent as the Authorization value) or bearer (an"
                        + " OAuth 2.0 access token in auth.token, sent as Authorization: Bearer)");
        Optional<String> token = reader.optional(p + "auth.token").map(String::trim);
        if ("linear-api-key".equals(type) && token.isPresent()) {
            reader.check(
                    !token.get().regionMatches(true, 0, "Bearer ", 0, 7),
                    p + "auth.token",
                    "****",
                    "the API key itself, without 'Bearer ' (OAuth access tokens take auth.type bearer)");
        }
        int pageSize = reader.integer(p + "page-size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        boolean createMissing = reader.bool(p + "create-missing-labels", true);
        Duration ttl = reader.duration(p + "cache-ttl", DEFAULT_CACHE_TTL, Duration.ZERO, Duration.ofDays(1));

        // The plumbing reads the common keys, with Linear's base URL as default and a known auth type (an unknown one
        // is reported above, once).
        AdapterSettings http = AdapterSettings.readCommon(
                name, config, reader, knownType ? type : "linear-api-key", Map.of("base-url", DEFAULT_BASE_URL));
        reader.throwIfInvalid();
        return new LinearSettings(Objects.requireNonNull(http), pageSize, createMissing, ttl);
    }

    /** A client builder with the common settings, the credential and Linear's reading of GraphQL errors. */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        return http.clientBuilder(LinearIssues.SYSTEM)
                .clock(clock)
                .bodyErrors(new LinearErrors(Objects.requireNonNull(http.token(), "token")));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "LinearSettings[" + http + ", page-size=" + pageSize + ", create-missing-labels=" + createMissingLabels
                + ", cache-ttl=" + cacheTtl + "]";
    }
}
