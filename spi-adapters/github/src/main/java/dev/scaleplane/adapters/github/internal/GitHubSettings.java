package dev.scaleplane.adapters.github.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one GitHub instance: the plumbing's {@link AdapterSettings} (with GitHub's defaults filled in) plus
 * GitHub's own keys. See the providers' Javadoc for the table of keys.
 *
 * @param http the common settings
 * @param inlinePrivateKey the GitHub App key given as a value ({@code auth.private-key}) instead of a file
 * @param apiVersion the {@code X-GitHub-Api-Version} sent with every request
 * @param pageSize {@code per_page} of every listing
 * @param pollInterval the first delay between polls of a run
 * @param maxPollInterval the longest delay between polls of a run
 * @param returnRunDetails whether a dispatch asks for the run in its answer
 * @param runLookupTimeout how long a dispatch answered without a run id looks for its run
 */
public record GitHubSettings(
        AdapterSettings http,
        @Nullable Secret inlinePrivateKey,
        String apiVersion,
        int pageSize,
        Duration pollInterval,
        Duration maxPollInterval,
        boolean returnRunDetails,
        Duration runLookupTimeout) {

    /** github.com's API. */
    public static final String DEFAULT_BASE_URL = "https://api.github.com";

    /** The REST API version we were written against. */
    public static final String DEFAULT_API_VERSION = "2022-11-28";

    /** Validates. */
    public GitHubSettings {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(apiVersion, "apiVersion");
    }

    /**
     * Reads instance {@code name}.
     *
     * @throws ConfigurationException listing every problem, secret values redacted
     */
    public static GitHubSettings read(String name, ConfigProperties config) {
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);
        Optional<String> inlineKey = reader.optional(p + "auth.private-key");
        Optional<String> keyFile = reader.optional(p + "auth.private-key-file");
        String type = reader.optional(p + "auth.type")
                .map(String::trim)
                .orElseGet(() -> reader.optional(p + "auth.app-id").isPresent()
                        ? "github-app"
                        : reader.optional(p + "auth.token").isPresent() ? "bearer" : "none");
        reader.check(
                List.of("none", "bearer", "github-app").contains(type),
                p + "auth.type",
                type,
                "bearer (a fine-grained or classic token in auth.token), github-app (auth.app-id,"
                        + " auth.installation-id and auth.private-key-file or auth.private-key) or none");
        boolean app = "github-app".equals(type);
        if (app) {
            reader.check(
                    inlineKey.isPresent() != keyFile.isPresent(),
                    p + "auth.private-key",
                    inlineKey.isPresent() ? "****" : null,
                    "exactly one of auth.private-key (the PEM itself) and auth.private-key-file (its path)");
        }
        String apiVersion = reader.string(p + "api-version", DEFAULT_API_VERSION);
        int pageSize = reader.integer(p + "page-size", 100, 1, 100);
        Duration poll = reader.duration(
                p + "actions.poll-interval", Duration.ofSeconds(5), Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration maxPoll = reader.duration(
                p + "actions.max-poll-interval", Duration.ofSeconds(60), Duration.ofMillis(1), Duration.ofHours(1));
        reader.check(
                maxPoll.compareTo(poll) >= 0,
                p + "actions.max-poll-interval",
                maxPoll.toString(),
                "at least actions.poll-interval (" + poll + ")");
        boolean returnRunDetails = reader.bool(p + "actions.return-run-details", true);
        Duration lookup = reader.duration(
                p + "actions.run-lookup-timeout", Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(30));

        // The plumbing reads the common keys; GitHub's defaults are filled in first, and an inline key hides the
        // github-app type from it (it only knows key files) so that we build that authenticator ourselves.
        AdapterSettings http = AdapterSettings.readCommon(
                name,
                config,
                reader,
                app && inlineKey.isPresent() ? "none" : type,
                Map.of("base-url", DEFAULT_BASE_URL));
        Secret inline = null;
        if (app && inlineKey.isPresent()) {
            for (String required : List.of("auth.app-id", "auth.installation-id")) {
                if (reader.optional(p + required).filter(v -> !v.isBlank()).isEmpty()) {
                    reader.check(false, p + required, null, "a value (required by auth.type github-app)");
                }
            }
            try {
                inline = Secret.of(inlineKey.get().replace("\\n", "\n"));
                // Fail when the platform is built, not at the first call.
                Authenticator.githubApp("0", "0", inline);
            } catch (RuntimeException e) {
                reader.check(false, p + "auth.private-key", "****", "an RSA private key in PEM (PKCS#1 or PKCS#8)");
                inline = null;
            }
        }
        reader.throwIfInvalid();
        return new GitHubSettings(
                Objects.requireNonNull(http), inline, apiVersion, pageSize, poll, maxPoll, returnRunDetails, lookup);
    }

    /** The authenticator: the plumbing's, for a token or a GitHub App, on {@code clock}. */
    public Authenticator authenticator(Clock clock) {
        if (inlinePrivateKey != null) {
            return Authenticator.githubApp(
                    Objects.requireNonNull(http.appId()),
                    Objects.requireNonNull(http.installationId()),
                    inlinePrivateKey,
                    clock);
        }
        if (http.authType() == AdapterSettings.AuthType.GITHUB_APP) {
            return Authenticator.githubApp(
                    Objects.requireNonNull(http.appId()),
                    Objects.requireNonNull(http.installationId()),
                    Objects.requireNonNull(http.privateKey()),
                    clock);
        }
        return http.authenticator();
    }

    /**
     * A client builder with the common settings, the authenticator and GitHub's headers on every request: {@code
     * Accept: application/vnd.github+json}, {@code X-GitHub-Api-Version} and a {@code User-Agent} (GitHub refuses
     * requests without one).
     */
    public AdapterHttpClient.Builder clientBuilder(Clock clock) {
        String version = apiVersion;
        return http.clientBuilder("github")
                .clock(clock)
                .authenticator(authenticator(clock))
                .addInterceptor(chain -> chain.proceed(chain.request()
                        .newBuilder()
                        .setHeader("Accept", "application/vnd.github+json")
                        .setHeader("X-GitHub-Api-Version", version)
                        .setHeader("User-Agent", "scaleplane-adapters-github")
                        .build()));
    }

    /** Never shows a secret. */
    @Override
    public String toString() {
        return "GitHubSettings[" + http + ", api-version=" + apiVersion + ", page-size=" + pageSize + "]";
    }
}
