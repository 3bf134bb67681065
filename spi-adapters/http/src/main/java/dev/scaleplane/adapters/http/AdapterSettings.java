package dev.scaleplane.adapters.http;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The settings every adapter instance has, whatever its system, read from {@code scaleplane.adapters.<name>.*}:
 *
 * <table>
 *   <caption>Keys, after the prefix {@code scaleplane.adapters.<name>.}</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code base-url}</td><td>http(s) base URI of the API</td><td>required</td></tr>
 *   <tr><td>{@code connect-timeout}</td><td>duration</td><td>10s</td></tr>
 *   <tr><td>{@code request-timeout}</td><td>duration, per attempt</td><td>30s</td></tr>
 *   <tr><td>{@code max-attempts}</td><td>attempts per call, 1 to 10</td><td>3</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code none}, {@code bearer}, {@code header}, {@code basic}, {@code jenkins},
 *       {@code jira-cloud}, {@code linear-api-key}, {@code github-app}</td><td>none</td></tr>
 *   <tr><td>{@code auth.token}</td><td>token, API token, API key or password (secret)</td><td>-</td></tr>
 *   <tr><td>{@code auth.username}</td><td>user (basic, jenkins) or email (jira-cloud)</td><td>-</td></tr>
 *   <tr><td>{@code auth.header-name}</td><td>header of {@code header} auth</td><td>PRIVATE-TOKEN</td></tr>
 *   <tr><td>{@code auth.app-id}, {@code auth.installation-id}, {@code auth.private-key-file}</td>
 *       <td>GitHub App: ids and the path of its PEM key</td><td>-</td></tr>
 * </table>
 *
 * System-specific keys live under the same prefix and are read by each adapter; unknown keys are therefore not
 * rejected here. Immutable and thread-safe; {@link #toString()} never shows a secret.
 *
 * @param name the instance name
 * @param baseUri the API's base URI
 * @param connectTimeout connect timeout
 * @param requestTimeout timeout per attempt
 * @param maxAttempts attempts per call, the first included
 * @param authType the kind of credential
 * @param username user or email, for the kinds that have one
 * @param token the token, API key or password
 * @param headerName the header of {@link AuthType#HEADER}
 * @param appId GitHub App id
 * @param installationId GitHub App installation id
 * @param privateKey GitHub App private key, PEM
 */
public record AdapterSettings(
        String name,
        URI baseUri,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        AuthType authType,
        @Nullable String username,
        @Nullable Secret token,
        String headerName,
        @Nullable String appId,
        @Nullable String installationId,
        @Nullable Secret privateKey) {

    /** The prefix of every adapter instance's keys. */
    public static final String PREFIX = "scaleplane.adapters.";

    /** Kinds of credential. */
    public enum AuthType {
        /** No credential. */
        NONE,
        /** {@code Authorization: Bearer}. */
        BEARER,
        /** A token in a header of its own, e.g. GitLab {@code PRIVATE-TOKEN}. */
        HEADER,
        /** HTTP Basic. */
        BASIC,
        /** Basic plus Jenkins' CSRF crumb when asked. */
        JENKINS,
        /** Jira Cloud email and API token. */
        JIRA_CLOUD,
        /** Linear API key, raw in {@code Authorization}. */
        LINEAR_API_KEY,
        /** GitHub App installation token. */
        GITHUB_APP
    }

    /** Validates the settings. */
    public AdapterSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(authType, "authType");
        Objects.requireNonNull(headerName, "headerName");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
        }
    }

    /**
     * Reads instance {@code name}'s settings.
     *
     * @throws ConfigurationException listing every missing or invalid key, secret values redacted
     */
    public static AdapterSettings read(String name, ConfigProperties properties) {
        Objects.requireNonNull(name, "name");
        String p = PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(properties);
        Optional<String> rawBase = reader.optional(p + "base-url");
        URI baseUri = reader.uri(p + "base-url", URI.create("https://invalid.example"));
        reader.check(rawBase.isPresent(), p + "base-url", null, "the http(s) base URL of the system's API");
        if (rawBase.isPresent()) {
            reader.check(
                    "https".equals(baseUri.getScheme()) || "http".equals(baseUri.getScheme()),
                    p + "base-url",
                    rawBase.get(),
                    "an http or https URL");
        }
        Duration connect = reader.duration(
                p + "connect-timeout",
                AdapterHttpClient.Builder.DEFAULT_CONNECT_TIMEOUT,
                Duration.ofMillis(1),
                Duration.ofMinutes(10));
        Duration request = reader.duration(
                p + "request-timeout",
                AdapterHttpClient.Builder.DEFAULT_REQUEST_TIMEOUT,
                Duration.ofMillis(1),
                Duration.ofHours(1));
        int attempts = reader.integer(p + "max-attempts", AdapterHttpClient.Builder.DEFAULT_RETRY.maxAttempts(), 1, 10);
        AuthType type = reader.enumValue(p + "auth.type", AuthType.class, AuthType.NONE);
        String username = reader.optional(p + "auth.username").orElse(null);
        String tokenValue = reader.optional(p + "auth.token").orElse(null);
        String headerName = reader.string(p + "auth.header-name", "PRIVATE-TOKEN");
        String appId = reader.optional(p + "auth.app-id").orElse(null);
        String installationId = reader.optional(p + "auth.installation-id").orElse(null);
        String keyFile = reader.optional(p + "auth.private-key-file").orElse(null);
        String needs = "required by auth.type "
                + type.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        switch (type) {
            case NONE -> {}
            case BEARER, HEADER, LINEAR_API_KEY -> require(reader, p + "auth.token", tokenValue, needs);
            case BASIC, JENKINS, JIRA_CLOUD -> {
                require(reader, p + "auth.username", username, needs);
                require(reader, p + "auth.token", tokenValue, needs);
            }
            case GITHUB_APP -> {
                require(reader, p + "auth.app-id", appId, needs);
                require(reader, p + "auth.installation-id", installationId, needs);
                require(reader, p + "auth.private-key-file", keyFile, needs);
            }
        }
        Secret privateKey = null;
        if (type == AuthType.GITHUB_APP && keyFile != null) {
            try {
                String pem = Files.readString(Path.of(keyFile.trim()), StandardCharsets.US_ASCII);
                privateKey = Secret.of(pem);
                // Fail at build time, not at the first call.
                dev.scaleplane.adapters.http.internal.Rs256.privateKey(pem);
            } catch (IOException | RuntimeException e) {
                reader.check(
                        false,
                        p + "auth.private-key-file",
                        keyFile,
                        "a readable PEM RSA private key file (" + e.getClass().getSimpleName() + ")");
                privateKey = null;
            }
        }
        reader.throwIfInvalid();
        return new AdapterSettings(
                name,
                baseUri,
                connect,
                request,
                attempts,
                type,
                username,
                tokenValue == null || tokenValue.isBlank() ? null : Secret.of(tokenValue.trim()),
                headerName,
                appId,
                installationId,
                privateKey);
    }

    /**
     * Reads the common keys for an adapter that reads keys of its own with {@code reader}, so that one {@link
     * ConfigReader#throwIfInvalid()} reports the adapter's problems and the common ones together. The common keys are
     * read as {@link #read} reads them, from {@code config} with {@code defaults} (keys after the instance's prefix,
     * e.g. {@code base-url}) filled in where absent and {@code auth.type} replaced by {@code authType}: the
     * plumbing's name of the credential kind the adapter resolved from its own spelling, or {@code none} when the
     * adapter builds its authenticator itself (the plumbing still reads {@code auth.token} and {@code auth.username}).
     * Each problem with a common key is recorded in {@code reader} unless it already holds one for that key (the
     * adapter's own explanation is kept).
     *
     * @param name the instance name
     * @param config every setting
     * @param reader the adapter's reader of {@code config}, which receives the common problems
     * @param authType an {@link AuthType} spelt as in {@code auth.type}, e.g. {@code none} or {@code bearer}
     * @param defaults values for absent keys, by key after {@code scaleplane.adapters.<name>.}
     * @return the common settings, or null when a common key has a problem (recorded in {@code reader})
     */
    public static @Nullable AdapterSettings readCommon(
            String name, ConfigProperties config, ConfigReader reader, String authType, Map<String, String> defaults) {
        Objects.requireNonNull(authType, "authType");
        String p = PREFIX + Objects.requireNonNull(name, "name") + ".";
        Map<String, String> view = new HashMap<>();
        for (String key : config.keys()) {
            config.get(key).ifPresent(v -> view.put(key, v));
        }
        defaults.forEach((key, value) -> view.putIfAbsent(p + key, value));
        view.put(p + "auth.type", authType);
        try {
            return read(name, ScaleplaneProperties.of(view));
        } catch (ConfigurationException e) {
            for (ConfigurationException.Problem problem : e.problems()) {
                boolean known = reader.problems().stream().anyMatch(x -> x.key().equals(problem.key()));
                reader.check(known, problem.key(), problem.value(), problem.expected());
            }
            return null;
        }
    }

    /**
     * One of {@code choices}, by its spelling in setting {@code key} (trimmed, case ignored); {@code defaultChoice}
     * when the key is absent. An unknown spelling is recorded in {@code reader} with {@code expected} and gives
     * empty.
     *
     * @param spelling a choice's spelling, e.g. {@code Auth::key}
     * @param expected what the key takes, e.g. {@code "token (a Vault token in auth.token) or kubernetes (...)"}
     */
    public static <T> Optional<T> choice(
            ConfigReader reader,
            String key,
            List<T> choices,
            Function<? super T, String> spelling,
            T defaultChoice,
            String expected) {
        Objects.requireNonNull(defaultChoice, "defaultChoice");
        Optional<String> raw = reader.optional(key).map(v -> v.trim().toLowerCase(Locale.ROOT));
        if (raw.isEmpty()) {
            return Optional.of(defaultChoice);
        }
        Optional<T> chosen = choices.stream()
                .filter(c -> spelling.apply(c).equals(raw.get()))
                .findFirst();
        reader.check(chosen.isPresent(), key, raw.get(), expected);
        return chosen;
    }

    /**
     * {@code baseUrl} without trailing {@code /} and then without {@code apiPath} at its end, so that a setting may
     * name a system's root or its API's URL alike: {@code withoutSuffix("https://gitlab.example.com/api/v4/",
     * "/api/v4")} is {@code https://gitlab.example.com}.
     *
     * @param apiPath the path of the API under the root, e.g. {@code /api}, or empty to remove only the slashes
     */
    public static URI withoutSuffix(URI baseUrl, String apiPath) {
        String s = baseUrl.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!apiPath.isEmpty() && s.endsWith(apiPath)) {
            s = s.substring(0, s.length() - apiPath.length());
        }
        return URI.create(s);
    }

    /** The authenticator these settings describe. */
    public Authenticator authenticator() {
        return switch (authType) {
            case NONE -> Authenticator.none();
            case BEARER -> Authenticator.bearer(required(token));
            case HEADER -> Authenticator.header(headerName, required(token));
            case BASIC -> Authenticator.basic(required(username), required(token));
            case JENKINS -> Authenticator.jenkins(required(username), required(token));
            case JIRA_CLOUD -> Authenticator.jiraCloud(required(username), required(token));
            case LINEAR_API_KEY -> Authenticator.linearApiKey(required(token));
            case GITHUB_APP -> Authenticator.githubApp(required(appId), required(installationId), required(privateKey));
        };
    }

    /** A client builder for {@code system} with these settings applied: base URI, timeouts, attempts, credential. */
    public AdapterHttpClient.Builder clientBuilder(String system) {
        return AdapterHttpClient.builder(system, name)
                .baseUri(baseUri)
                .connectTimeout(connectTimeout)
                .requestTimeout(requestTimeout)
                .retryPolicy(AdapterHttpClient.Builder.DEFAULT_RETRY.toBuilder()
                        .maxAttempts(maxAttempts)
                        .build())
                .authenticator(authenticator());
    }

    private static void require(ConfigReader reader, String key, @Nullable String value, String why) {
        reader.check(value != null && !value.isBlank(), key, null, "a value (" + why + ")");
    }

    private static <T> T required(@Nullable T value) {
        if (value == null) {
            throw new IllegalStateException("a setting required by auth type is missing");
        }
        return value;
    }

    /** Never shows the token or key. */
    @Override
    public String toString() {
        return "AdapterSettings[" + name + ", " + baseUri + ", auth="
                + authType.name().toLowerCase(java.util.Locale.ROOT) + (username != null ? ", user=" + username : "")
                + (token != null ? ", token=****" : "") + "]";
    }
}
