package dev.scaleplane.adapters.gitlab.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of one GitLab instance: the plumbing's {@link AdapterSettings} (with GitLab's defaults filled in) plus
 * GitLab's own keys. See {@code dev.scaleplane.adapters.gitlab} for the table of keys.
 *
 * @param http the common settings; its base URI is the instance's root, e.g. {@code https://gitlab.com}
 * @param auth how requests carry the token
 * @param webRoot the instance's root, where people browse projects (no {@code /api/v4})
 * @param apiBase where the REST API v4 lives: {@code webRoot + /api/v4}
 * @param pageSize {@code per_page} of every listing
 * @param pollInterval the first delay between polls of a pipeline
 * @param maxPollInterval the longest delay between polls of a pipeline
 */
public record GitLabSettings(
        AdapterSettings http,
        Auth auth,
        URI webRoot,
        URI apiBase,
        int pageSize,
        Duration pollInterval,
        Duration maxPollInterval) {

    /** gitlab.com. */
    public static final String DEFAULT_BASE_URL = "https://gitlab.com";

    /** The REST API's path under an instance's root. */
    public static final String API_PATH = "/api/v4";

    /** How requests carry the credential ({@code auth.type}). */
    public enum Auth {
        /** No credential: public projects can be read, nothing can be triggered. */
        NONE("none"),
        /** A personal, project or group access token in the {@code PRIVATE-TOKEN} header. */
        PRIVATE_TOKEN("private-token"),
        /** An OAuth 2.0 access token in {@code Authorization: Bearer}. */
        BEARER("bearer");

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
    public GitLabSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(webRoot, "webRoot");
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(maxPollInterval, "maxPollInterval");
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static GitLabSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        boolean hasToken =
                reader.optional(p + "auth.token").filter(t -> !t.isBlank()).isPresent();
        Optional<Auth> auth = AdapterSettings.choice(
                reader,
                p + "auth.type",
                List.of(Auth.values()),
                Auth::key,
                hasToken ? Auth.PRIVATE_TOKEN : Auth.NONE,
                "private-token (a personal, project or group access token, sent as PRIVATE-TOKEN), bearer (an OAuth"
                        + " 2.0 access token) or none");
        if (auth.isPresent() && auth.get() != Auth.NONE) {
            reader.check(
                    hasToken,
                    p + "auth.token",
                    null,
                    "a value (required by auth.type " + auth.get().key() + ")");
        }
        int pageSize = reader.integer(p + "page-size", 100, 1, 100);
        Duration poll = reader.duration(
                p + "pipelines.poll-interval", Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration maxPoll = reader.duration(
                p + "pipelines.max-poll-interval", Duration.ofSeconds(60), Duration.ofMillis(1), Duration.ofHours(1));
        reader.check(
                maxPoll.compareTo(poll) >= 0,
                p + "pipelines.max-poll-interval",
                maxPoll.toString(),
                "at least pipelines.poll-interval (" + poll + ")");

        // The plumbing reads the common keys (base-url, timeouts, attempts, the token) with GitLab's default base URL
        // filled in. Our auth types are not the plumbing's names and their problems are reported above, so it is told
        // "none" (it still reads auth.token); the authenticator is built from our own type.
        AdapterSettings http =
                AdapterSettings.readCommon(name, config, reader, "none", Map.of("base-url", DEFAULT_BASE_URL));
        reader.throwIfInvalid();
        URI root = root(Objects.requireNonNull(http).baseUri());
        return new GitLabSettings(http, auth.orElseThrow(), root, URI.create(root + API_PATH), pageSize, poll, maxPoll);
    }

    /**
     * The instance's root: {@code base-url} without a trailing {@code /} or {@code /api/v4}, so that both the root
     * ({@code https://gitlab.example.com}, or {@code https://example.com/gitlab} under a relative URL root) and the
     * API's URL are accepted.
     */
    static URI root(URI baseUrl) {
        return AdapterSettings.withoutSuffix(baseUrl, API_PATH);
    }

    /** The authenticator: the plumbing's GitLab token or bearer one. */
    public Authenticator authenticator() {
        return switch (auth) {
            case NONE -> Authenticator.none();
            case PRIVATE_TOKEN -> Authenticator.gitlabToken(Objects.requireNonNull(http.token(), "token"));
            case BEARER -> Authenticator.bearer(Objects.requireNonNull(http.token(), "token"));
        };
    }

    /**
     * A client builder with the common settings, pointed at the REST API ({@link #apiBase()}), the authenticator, and
     * {@code Accept: application/json} and a {@code User-Agent} on every request.
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        return http.clientBuilder("gitlab")
                .baseUri(apiBase)
                .clock(clock)
                .authenticator(authenticator())
                .addInterceptor(chain -> chain.proceed(chain.request()
                        .newBuilder()
                        .setHeader("Accept", "application/json")
                        .setHeader("User-Agent", "scaleplane-adapters-gitlab")
                        .build()));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "GitLabSettings[" + http.name() + ", " + apiBase + ", auth=" + auth.key()
                + (http.token() != null ? ", token=****" : "") + ", page-size=" + pageSize + "]";
    }
}
