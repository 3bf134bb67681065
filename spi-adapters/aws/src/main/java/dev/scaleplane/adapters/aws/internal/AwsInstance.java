package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ProviderContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;

/**
 * Builds an instance's adapter from the provider context: the settings, the SDK's credentials provider, and a {@link
 * SecretsManagerClient} on the JDK's {@code HttpURLConnection} ({@code url-connection-client}).
 *
 * <p>The SDK signs every request (SigV4, service {@code secretsmanager}) and resolves credentials; the adapter only
 * chooses the provider. Its retries (standard mode: throttling, 5xx and I/O errors, {@code max-attempts} attempts,
 * exponential backoff with jitter from 100 ms, from 1 s after throttling, at most 20 s) wait through the context's
 * {@link Sleeper}. Retrying a write is safe: the SDK fills {@code ClientRequestToken} once per call, and Secrets
 * Manager creates one version per token.
 */
public final class AwsInstance {
    /** The SDK's standard-mode backoff, kept as the SDK has it; only the waiting moves to the {@link Sleeper}. */
    static final Duration BASE_DELAY = Duration.ofMillis(100);

    static final Duration THROTTLED_BASE_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private AwsInstance() {}

    /**
     * The adapter of instance {@code name}. The context's {@link Sleeper} and {@link MeterRegistry} components are
     * used when it has them, else the real sleep and a registry of the adapter's own.
     *
     * @throws ConfigurationException for invalid settings, or no region found
     */
    public static AwsSecretsManagerAdapter adapter(String name, ProviderContext context) {
        AwsSettings settings = AwsSettings.read(name, context.config());
        Sleeper sleeper = context.component(Sleeper.class).orElse(Sleeper.SYSTEM);
        MeterRegistry registry = context.component(MeterRegistry.class).orElseGet(CompositeMeterRegistry::new);
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            GuardedCredentials credentials = new GuardedCredentials(
                    credentials(settings, sleeper, owned), settings.auth().key());
            owned.add(credentials);
            SecretsManagerClientBuilder b = SecretsManagerClient.builder()
                    .credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(settings.connectTimeout())
                            .socketTimeout(settings.requestTimeout()))
                    .overrideConfiguration(override(settings, sleeper));
            if (settings.region() != null) {
                b.region(Region.of(settings.region()));
            }
            if (settings.endpointOverride() != null) {
                b.endpointOverride(settings.endpointOverride());
            }
            SecretsManagerClient client = build(b::build, name);
            AwsCalls calls = new AwsCalls(name, registry, context.clock(), settings.credentialTexts());
            return new AwsSecretsManagerAdapter(settings, client, calls, context.clock(), owned);
        } catch (RuntimeException e) {
            for (AutoCloseable c : owned) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    private static ClientOverrideConfiguration override(AwsSettings settings, Sleeper sleeper) {
        RetryStrategy retry = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(new SleeperBackoff(BackoffStrategy.exponentialDelay(BASE_DELAY, MAX_BACKOFF), sleeper))
                .throttlingBackoffStrategy(new SleeperBackoff(
                        BackoffStrategy.exponentialDelay(THROTTLED_BASE_DELAY, MAX_BACKOFF), sleeper))
                .build();
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retry)
                .apiCallAttemptTimeout(settings.requestTimeout())
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, "scaleplane-adapters-aws")
                .build();
    }

    /** The credentials source {@code auth.type} names; anything it opens is added to {@code owned}. */
    private static AwsCredentialsProvider credentials(AwsSettings s, Sleeper sleeper, List<AutoCloseable> owned) {
        return switch (s.auth()) {
            case STATIC -> StaticCredentialsProvider.create(
                    s.sessionToken() == null
                            ? AwsBasicCredentials.create(
                                    required(s.accessKeyId()).reveal(),
                                    required(s.secretAccessKey()).reveal())
                            : AwsSessionCredentials.create(
                                    required(s.accessKeyId()).reveal(),
                                    required(s.secretAccessKey()).reveal(),
                                    s.sessionToken().reveal()));
            case PROFILE -> {
                ProfileCredentialsProvider.Builder b = ProfileCredentialsProvider.builder();
                if (s.profile() != null) {
                    b.profileName(s.profile());
                }
                if (s.profileFile() != null) {
                    b.profileFile(ProfileFile.builder()
                            .content(s.profileFile())
                            .type(ProfileFile.Type.CREDENTIALS)
                            .build());
                }
                ProfileCredentialsProvider p = b.build();
                owned.add(p);
                yield p;
            }
            case WEB_IDENTITY -> {
                // AssumeRoleWithWebIdentity is not signed: the token is the credential. Our own STS client, so that
                // region, endpoint, HTTP client and retries are the instance's, and the token file is read again at
                // every refresh (EKS rotates it).
                StsClientBuilder sts = StsClient.builder()
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .httpClientBuilder(UrlConnectionHttpClient.builder()
                                .connectionTimeout(s.connectTimeout())
                                .socketTimeout(s.requestTimeout()))
                        .overrideConfiguration(override(s, sleeper));
                if (s.region() != null) {
                    sts.region(Region.of(s.region()));
                }
                if (s.stsEndpointOverride() != null) {
                    sts.endpointOverride(s.stsEndpointOverride());
                }
                StsClient client = build(sts::build, s.instance());
                owned.add(client);
                StsAssumeRoleWithWebIdentityCredentialsProvider p =
                        StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
                                .stsClient(client)
                                .refreshRequest(() -> AssumeRoleWithWebIdentityRequest.builder()
                                        .roleArn(s.roleArn())
                                        .roleSessionName(s.roleSessionName())
                                        .webIdentityToken(readToken(s))
                                        .build())
                                .build();
                owned.add(p);
                yield p;
            }
            case DEFAULT -> {
                DefaultCredentialsProvider p =
                        DefaultCredentialsProvider.builder().build();
                owned.add(p);
                yield p;
            }
        };
    }

    private static String readToken(AwsSettings s) {
        try {
            return Files.readString(required(s.webIdentityTokenFile()), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            // The path, not the token; the SDK reports this through the credentials provider.
            throw new UncheckedIOException("cannot read auth.web-identity-token-file " + s.webIdentityTokenFile(), e);
        }
    }

    /** Builds an SDK client; a region the SDK cannot find is a configuration problem naming the key. */
    private static <C> C build(java.util.function.Supplier<C> build, String instance) {
        try {
            return build.get();
        } catch (SdkClientException e) {
            if (e.getMessage() != null
                    && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("region")) {
                throw ConfigurationException.of(
                        "scaleplane.adapters." + instance + ".region",
                        null,
                        "an AWS region, e.g. eu-central-1: none is set and the SDK found none (AWS_REGION, the"
                                + " profile, instance metadata)");
            }
            throw e;
        }
    }

    private static <T> T required(T value) {
        if (value == null) {
            throw new IllegalStateException("a setting required by auth.type is missing");
        }
        return value;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing is best effort: nothing a caller could do about a client that will not close.
        }
    }
}
