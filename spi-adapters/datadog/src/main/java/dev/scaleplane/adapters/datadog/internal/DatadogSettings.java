package dev.scaleplane.adapters.datadog.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one Datadog instance: the plumbing's {@link AdapterSettings} (its base URL derived from the site)
 * plus Datadog's own keys. See {@code dev.scaleplane.adapters.datadog} for the table of keys.
 *
 * @param http the common settings; its base URI is where the API is reached
 * @param site the Datadog site of the organisation
 * @param apiBase the API's base URL: {@code https://api.<site>}, or {@code base-url} when set (a proxy, a test server)
 * @param apiKey the organisation's API key, sent as {@code DD-API-KEY}
 * @param applicationKey an application key, sent as {@code DD-APPLICATION-KEY}
 * @param instantLookback how far back an instant query looks for the last point of each series
 */
public record DatadogSettings(
        AdapterSettings http,
        DatadogSite site,
        URI apiBase,
        Secret apiKey,
        Secret applicationKey,
        Duration instantLookback) {

    /** Default {@code query.instant-lookback}: 5 minutes, as Prometheus looks back for an instant query. */
    public static final Duration DEFAULT_INSTANT_LOOKBACK = Duration.ofMinutes(5);

    /** Validates. */
    public DatadogSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(applicationKey, "applicationKey");
        Objects.requireNonNull(instantLookback, "instantLookback");
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static DatadogSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        Optional<String> rawSite = reader.optional(p + "site");
        Optional<DatadogSite> site = rawSite.isPresent() ? DatadogSite.of(rawSite.get()) : Optional.of(DatadogSite.US1);
        reader.check(
                site.isPresent(),
                p + "site",
                rawSite.orElse(null),
                "a Datadog site: one of " + DatadogSite.known() + " (the domain of its web app, or its short name)");
        Optional<String> apiKey = reader.optional(p + "auth.api-key").filter(k -> !k.isBlank());
        reader.check(
                apiKey.isPresent(),
                p + "auth.api-key",
                null,
                "the organisation's API key (Organization Settings > API Keys), sent as DD-API-KEY");
        Optional<String> appKey = reader.optional(p + "auth.application-key").filter(k -> !k.isBlank());
        reader.check(
                appKey.isPresent(),
                p + "auth.application-key",
                null,
                "an application key with the timeseries_query and events_read permissions (Organization Settings >"
                        + " Application Keys), sent as DD-APPLICATION-KEY");
        Duration lookback = reader.duration(
                p + "query.instant-lookback", DEFAULT_INSTANT_LOOKBACK, Duration.ofSeconds(1), Duration.ofDays(1));

        // The plumbing reads the common keys (timeouts, attempts) and base-url, which defaults to the site's API. The
        // two keys are Datadog's own: the plumbing is told there is no credential of its kinds.
        AdapterSettings http = AdapterSettings.readCommon(
                name,
                config,
                reader,
                "none",
                Map.of("base-url", site.orElse(DatadogSite.US1).apiBase().toString()));
        reader.throwIfInvalid();
        return new DatadogSettings(
                Objects.requireNonNull(http),
                site.orElseThrow(),
                AdapterSettings.withoutSuffix(http.baseUri(), ""),
                Secret.of(apiKey.orElseThrow().trim()),
                Secret.of(appKey.orElseThrow().trim()),
                lookback);
    }

    /**
     * A client builder with the common settings and both keys, pointed at the API, with {@code Accept:
     * application/json} and a {@code User-Agent} on every request. {@code budget} names the rate-limit budget its
     * calls count against (Datadog limits each family of endpoints separately: a spent query budget must not hold back
     * events).
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock, String budget) {
        return http.clientBuilder("datadog")
                .baseUri(apiBase)
                .clock(clock)
                .authenticator(Authenticator.headers(keys()).withBudget(budget))
                .addInterceptor(chain -> chain.proceed(chain.request()
                        .newBuilder()
                        .setHeader("Accept", "application/json")
                        .setHeader("User-Agent", "scaleplane-adapters-datadog")
                        .build()));
    }

    /** Both keys, the API key first: it names the organisation's rate-limit budgets. */
    private Map<String, Secret> keys() {
        Map<String, Secret> keys = new LinkedHashMap<>();
        keys.put("DD-API-KEY", apiKey);
        keys.put("DD-APPLICATION-KEY", applicationKey);
        return keys;
    }

    /** Never shows a key. */
    @Override
    public String toString() {
        return "DatadogSettings[" + http.name() + ", site=" + site.domain() + ", " + apiBase
                + ", api-key=****, application-key=****, instant-lookback=" + instantLookback + "]";
    }
}
