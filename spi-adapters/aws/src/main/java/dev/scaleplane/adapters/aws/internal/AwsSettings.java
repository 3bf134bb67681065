package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.adapters.http.AdapterHttpClient;
import dev.scaleplane.adapters.http.AdapterSettings;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one AWS Secrets Manager instance, read from {@code scaleplane.adapters.<name>.*}; see {@code
 * dev.scaleplane.adapters.aws} for the table of keys. The timeouts and attempts have the same keys and defaults as
 * every adapter's ({@link AdapterSettings}); there is no {@code base-url}: the SDK finds the regional endpoint, and
 * {@code endpoint-override} replaces it.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows a key or token.
 *
 * @param instance the instance name
 * @param region the region, or null to let the SDK find one (AWS_REGION, the profile, instance metadata)
 * @param endpointOverride where to send requests instead of the regional endpoint, or null
 * @param auth where credentials come from
 * @param accessKeyId static access key id
 * @param secretAccessKey static secret access key
 * @param sessionToken static session token, for temporary keys
 * @param profile the profile name of {@link Auth#PROFILE}, or null for the SDK's ({@code AWS_PROFILE} or {@code
 *     default})
 * @param profileFile the credentials file of {@link Auth#PROFILE}, or null for the SDK's {@code ~/.aws} files
 * @param roleArn the role of {@link Auth#WEB_IDENTITY}
 * @param webIdentityTokenFile the token file of {@link Auth#WEB_IDENTITY}, read again at every refresh
 * @param roleSessionName the session name of {@link Auth#WEB_IDENTITY}
 * @param stsEndpointOverride where STS is called instead of its regional endpoint, or null
 * @param connectTimeout connect timeout
 * @param requestTimeout timeout of each attempt
 * @param maxAttempts attempts per call, the first included
 * @param pageSize {@code MaxResults} of {@code ListSecrets}
 */
public record AwsSettings(
        String instance,
        @Nullable String region,
        @Nullable URI endpointOverride,
        Auth auth,
        @Nullable Secret accessKeyId,
        @Nullable Secret secretAccessKey,
        @Nullable Secret sessionToken,
        @Nullable String profile,
        @Nullable Path profileFile,
        @Nullable String roleArn,
        @Nullable Path webIdentityTokenFile,
        String roleSessionName,
        @Nullable URI stsEndpointOverride,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        int pageSize) {

    /** The system name, what {@code type} names. */
    public static final String SYSTEM = "aws-secrets-manager";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    /** Where credentials come from ({@code auth.type}). */
    public enum Auth {
        /** An access key id and secret access key (and a session token for temporary keys) from the settings. */
        STATIC,
        /** A named profile of the shared credentials and config files. */
        PROFILE,
        /** {@code AssumeRoleWithWebIdentity} with a token file (EKS IRSA, any OIDC provider), refreshed by the SDK. */
        WEB_IDENTITY,
        /** The SDK's default chain: system properties, environment, web identity, profile, container, EC2. */
        DEFAULT;

        /** The spelling in {@code auth.type}. */
        public String key() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Validates. */
    public AwsSettings {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(roleSessionName, "roleSessionName");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /**
     * Reads instance {@code name}, without connecting anywhere.
     *
     * @throws ConfigurationException listing every problem, keys and tokens redacted
     */
    public static AwsSettings read(String name, ConfigProperties config) {
        Objects.requireNonNull(name, "name");
        String p = AdapterSettings.PREFIX + name + ".";
        ConfigReader reader = new ConfigReader(config);

        String region = reader.optional(p + "region").map(String::trim).orElse(null);
        if (region != null) {
            reader.check(REGION.matcher(region).matches(), p + "region", region, "an AWS region, e.g. eu-central-1");
        }
        URI endpoint = httpUri(reader, p + "endpoint-override");

        Optional<String> keyId = present(reader, p + "auth.access-key-id");
        Optional<String> secretKey = present(reader, p + "auth.secret-access-key");
        Optional<String> token = present(reader, p + "auth.session-token");
        Optional<String> profile = present(reader, p + "auth.profile");
        Optional<String> profileFile = present(reader, p + "auth.profile-file");
        Optional<String> roleArn = present(reader, p + "auth.role-arn");
        Optional<String> tokenFile = present(reader, p + "auth.web-identity-token-file");
        Optional<String> sessionName = present(reader, p + "auth.role-session-name");
        URI stsEndpoint = httpUri(reader, p + "auth.sts-endpoint-override");
        Auth auth = reader.enumValue(p + "auth.type", Auth.class, keyId.isPresent() ? Auth.STATIC : Auth.DEFAULT);

        String needs = "a value (required by auth.type " + auth.key() + ")";
        switch (auth) {
            case STATIC -> {
                reader.check(keyId.isPresent(), p + "auth.access-key-id", null, needs);
                reader.check(secretKey.isPresent(), p + "auth.secret-access-key", null, needs);
            }
            case PROFILE -> profileFile.ifPresent(f -> reader.check(
                    Files.isReadable(Path.of(f)), p + "auth.profile-file", f, "a readable AWS credentials file"));
            case WEB_IDENTITY -> {
                reader.check(roleArn.isPresent(), p + "auth.role-arn", null, needs);
                roleArn.ifPresent(a -> reader.check(
                        ROLE_ARN.matcher(a).matches(),
                        p + "auth.role-arn",
                        a,
                        "an IAM role ARN, e.g. arn:aws:iam::123456789012:role/platform"));
                reader.check(tokenFile.isPresent(), p + "auth.web-identity-token-file", null, needs);
                tokenFile.ifPresent(f -> reader.check(
                        Files.isReadable(Path.of(f)),
                        p + "auth.web-identity-token-file",
                        f,
                        "a readable file holding the OIDC token (e.g. AWS_WEB_IDENTITY_TOKEN_FILE)"));
                sessionName.ifPresent(s -> reader.check(
                        SESSION_NAME.matcher(s).matches(),
                        p + "auth.role-session-name",
                        s,
                        "2-64 letters, digits or +=,.@_-"));
            }
            case DEFAULT -> {}
        }
        // Keys of another source are a mistake worth naming: they would be silently ignored.
        List<String> unused = new ArrayList<>();
        if (auth != Auth.STATIC) {
            keyId.ifPresent(x -> unused.add("auth.access-key-id"));
            secretKey.ifPresent(x -> unused.add("auth.secret-access-key"));
            token.ifPresent(x -> unused.add("auth.session-token"));
        }
        if (auth != Auth.PROFILE) {
            profile.ifPresent(x -> unused.add("auth.profile"));
            profileFile.ifPresent(x -> unused.add("auth.profile-file"));
        }
        if (auth != Auth.WEB_IDENTITY) {
            roleArn.ifPresent(x -> unused.add("auth.role-arn"));
            tokenFile.ifPresent(x -> unused.add("auth.web-identity-token-file"));
            sessionName.ifPresent(x -> unused.add("auth.role-session-name"));
            if (stsEndpoint != null) {
                unused.add("auth.sts-endpoint-override");
            }
        }
        for (String key : unused) {
            reader.check(
                    false,
                    p + key,
                    reader.optional(p + key).orElse(null),
                    "not used by auth.type " + auth.key() + "; remove it or set auth.type to the source it belongs to");
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
        int pageSize = reader.integer(p + "page-size", 100, 1, 100);
        reader.throwIfInvalid();

        return new AwsSettings(
                name,
                region,
                endpoint,
                auth,
                keyId.map(Secret::of).orElse(null),
                secretKey.map(Secret::of).orElse(null),
                token.map(Secret::of).orElse(null),
                profile.orElse(null),
                profileFile.map(Path::of).orElse(null),
                roleArn.orElse(null),
                tokenFile.map(Path::of).orElse(null),
                sessionName.orElse(defaultSessionName(name)),
                stsEndpoint,
                connect,
                request,
                attempts,
                pageSize);
    }

    /** {@code scaleplane-<instance>}, with the characters STS refuses replaced, at most 64 long. */
    static String defaultSessionName(String instance) {
        String s = ("scaleplane-" + instance).replaceAll("[^\\w+=,.@-]", "-");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static Optional<String> present(ConfigReader reader, String key) {
        return reader.optional(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static @Nullable URI httpUri(ConfigReader reader, String key) {
        Optional<String> raw = present(reader, key);
        if (raw.isEmpty()) {
            return null;
        }
        URI uri = reader.uri(key, URI.create("https://invalid.example"));
        boolean ok = reader.check(
                ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null,
                key,
                raw.get(),
                "an http or https URL, e.g. http://127.0.0.1:4566 or https://vpce-123.secretsmanager.eu-central-1"
                        + ".vpce.amazonaws.com");
        return ok ? uri : null;
    }

    /** The secrets among the settings, for scrubbing them from any text that leaves the adapter. */
    public List<String> credentialTexts() {
        List<String> texts = new ArrayList<>();
        for (Secret s : new Secret[] {accessKeyId, secretAccessKey, sessionToken}) {
            if (s != null) {
                texts.add(s.reveal());
            }
        }
        return texts;
    }

    /** Never shows a key or token. */
    @Override
    public String toString() {
        return "AwsSettings[" + instance + ", region=" + (region == null ? "(SDK default)" : region)
                + (endpointOverride != null ? ", endpoint=" + endpointOverride : "") + ", auth=" + auth.key()
                + (accessKeyId != null ? ", access-key-id=****" : "")
                + (secretAccessKey != null ? ", secret-access-key=****" : "")
                + (sessionToken != null ? ", session-token=****" : "") + (profile != null ? ", profile=" + profile : "")
                + (roleArn != null ? ", role-arn=" + roleArn : "") + "]";
    }
}
