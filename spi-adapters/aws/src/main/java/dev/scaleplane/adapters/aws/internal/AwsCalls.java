package dev.scaleplane.adapters.aws.internal;

import dev.scaleplane.adapters.http.AdapterMetrics;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every call to Secrets Manager goes through {@link #call}: it maps the SDK's exceptions to the typed exceptions of
 * {@code dev.scaleplane.api.adapters}, records the plumbing's meters, and logs without values or credentials. The one
 * place that decides which AWS error is which kind.
 *
 * <h2>Errors</h2>
 *
 * By AWS error code (JSON 1.1 {@code __type}), then by status:
 *
 * <ul>
 *   <li>{@code ResourceNotFoundException}: {@link AdapterNotFoundException};
 *   <li>{@code AccessDeniedException}, {@code UnrecognizedClientException}, {@code InvalidSignatureException}, {@code
 *       ExpiredTokenException}, {@code IncompleteSignature}, {@code MissingAuthenticationToken}, {@code
 *       InvalidClientTokenId}, {@code SignatureDoesNotMatch}, {@code DecryptionFailure} (the credential may not use
 *       the secret's KMS key), a 401 or 403, and credentials that could not be resolved at all: {@link
 *       AdapterAuthenticationException};
 *   <li>throttling as the SDK recognises it ({@code ThrottlingException}, {@code TooManyRequestsException}, {@code
 *       RequestLimitExceeded}, 429, ...) once its retries are spent: {@link AdapterRateLimitedException}, wait unknown;
 *   <li>other 4xx ({@code InvalidParameterException}, {@code InvalidRequestException}, {@code
 *       ResourceExistsException}, {@code LimitExceededException}, ...): {@link AdapterRequestRefusedException};
 *   <li>5xx ({@code InternalServiceError}) and no response at all (I/O, timeouts): {@link
 *       AdapterUnavailableException}.
 * </ul>
 *
 * The facts: method {@code POST}, path {@code <operation> <subject>} (e.g. {@code GetSecretValue prod/db}: every call
 * is {@code POST /}, the operation and the secret tell them apart), the status, the {@code x-amzn-RequestId}, and as
 * server message {@code <error code>: <AWS's message>} with every configured credential scrubbed, at most 300
 * characters. The SDK's exception is not kept as the cause: its text is the same as the facts' but unscrubbed, and a
 * response it could not parse may hold a value. For a call with no response, the message names the SDK's exception
 * and the root cause (e.g. {@code ConnectException: Connection refused}).
 *
 * <h2>Meters</h2>
 *
 * The plumbing's {@link AdapterMetrics}, as every adapter: tags {@code system=aws-secrets-manager}, {@code
 * instance}, {@code method=POST}, {@code path=secretsmanager.<Operation>} (the {@code X-Amz-Target}; no secret names,
 * so the tags stay few), {@code status} and {@code outcome}. One observation per call, the SDK's retries included.
 *
 * <p>Thread-safe.
 */
public final class AwsCalls {
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger("dev.scaleplane.adapters.aws");
    private static final int MAX_MESSAGE = 300;
    private static final Set<String> AUTHENTICATION = Set.of(
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "ExpiredTokenException",
            "ExpiredToken",
            "IncompleteSignature",
            "MissingAuthenticationToken",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "DecryptionFailure");

    private final String instance;
    private final AdapterMetrics metrics;
    private final RateLimitedLog failures;
    private final List<String> scrub;

    /**
     * Creates the call wrapper of an instance.
     *
     * @param scrub texts never to let out (the configured credentials), longest first when replaced
     */
    public AwsCalls(String instance, MeterRegistry registry, Clock clock, List<String> scrub) {
        this.instance = instance;
        this.metrics = new AdapterMetrics(registry, AwsSettings.SYSTEM, instance);
        this.failures = new RateLimitedLog(LOG, FAILURE_LOG_INTERVAL, clock);
        this.scrub = scrub.stream()
                .filter(s -> s.length() >= 4)
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The instance name. */
    public String instance() {
        return instance;
    }

    /**
     * Runs {@code call}, one Secrets Manager operation, and returns its result.
     *
     * @param operation the operation, e.g. {@code GetSecretValue}
     * @param subject what it is about, for messages: a secret name, a prefix
     * @throws AdapterException the typed failure
     */
    public <T> T call(String operation, String subject, Supplier<T> call) {
        Timer.Sample sample = metrics.start();
        String path = "secretsmanager." + operation;
        try {
            T result = call.get();
            metrics.record(sample, "POST", path, 200);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} ({}) POST {} {}: 200", AwsSettings.SYSTEM, instance, operation, subject);
            }
            return result;
        } catch (RuntimeException e) {
            // The SDK's own failures, also when something (a future, a credentials refresher) wrapped them; anything
            // else (a bug, a refused argument) is not a call failure and goes up as it is.
            SdkException sdk = e instanceof SdkException s ? s : find(e, SdkException.class);
            if (sdk == null) {
                throw e;
            }
            AdapterException mapped = map(operation, subject, sdk);
            metrics.record(sample, "POST", path, mapped);
            // A call interrupted on purpose (the adapter closing under a watch) is not an outage.
            boolean interrupted =
                    sdk instanceof AbortedException || Thread.currentThread().isInterrupted();
            log(operation, mapped, interrupted);
            throw mapped;
        }
    }

    /** The typed exception for an SDK failure of {@code operation} on {@code subject}. */
    AdapterException map(String operation, String subject, SdkException e) {
        String path = operation + " " + subject;
        if (e instanceof AwsServiceException s) {
            String code =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
            String message =
                    s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
            int status = s.statusCode();
            AdapterCallFacts facts = new AdapterCallFacts(
                    AwsSettings.SYSTEM,
                    instance,
                    "POST",
                    path,
                    Math.max(status, 0),
                    s.requestId(),
                    serverMessage(code, message));
            if ("ResourceNotFoundException".equals(code)) {
                return new AdapterNotFoundException(facts, null);
            }
            if ((code != null && AUTHENTICATION.contains(code)) || status == 401 || status == 403) {
                return new AdapterAuthenticationException(facts, null);
            }
            if (s.isThrottlingException() || status == 429) {
                return new AdapterRateLimitedException(facts, Duration.ZERO, null);
            }
            if (status >= 500) {
                return new AdapterUnavailableException(facts, false, null);
            }
            if (status >= 400) {
                return new AdapterRequestRefusedException(facts, null);
            }
            return new AdapterException(facts, "", null);
        }
        CredentialsUnavailableException credentials = find(e, CredentialsUnavailableException.class);
        if (credentials != null) {
            return new AdapterAuthenticationException(
                    new AdapterCallFacts(
                            AwsSettings.SYSTEM,
                            instance,
                            "POST",
                            path,
                            0,
                            null,
                            truncate(scrub(credentials.getMessage()))),
                    null);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Only an I/O root cause's own text is kept: it names a host or a timeout, never a body.
        String why = "no response: " + e.getClass().getSimpleName()
                + (root != e
                        ? " caused by " + root.getClass().getSimpleName()
                                + (root instanceof IOException && root.getMessage() != null
                                        ? ": " + root.getMessage()
                                        : "")
                        : "");
        return new AdapterUnavailableException(
                new AdapterCallFacts(AwsSettings.SYSTEM, instance, "POST", path, 0, null, truncate(scrub(why))),
                false,
                null);
    }

    /** Whether {@code e} came from AWS error code {@code code} (e.g. {@code ResourceExistsException}). */
    public static boolean hasCode(AdapterException e, String code) {
        String m = e.serverMessage();
        return m != null && m.startsWith(code + ":");
    }

    /** {@code text} with every configured credential replaced by {@code ****}. */
    public String scrub(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String s = text;
        for (String secret : scrub) {
            s = s.replace(secret, "****");
        }
        return s;
    }

    private @Nullable String serverMessage(@Nullable String code, @Nullable String message) {
        if (code == null && message == null) {
            return null;
        }
        String text = (code == null ? "" : code + ": ") + (message == null ? "" : message);
        return truncate(scrub(text));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }

    private static <X extends Throwable> @Nullable X find(Throwable t, Class<X> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /**
     * A failure the caller does not cause (5xx, throttling, no response) at WARN, at most once per operation every
     * {@link #FAILURE_LOG_INTERVAL} so an outage does not flood the log; the rest at DEBUG (the exception says it).
     */
    private void log(String operation, AdapterException e, boolean interrupted) {
        boolean severe =
                !interrupted && (e instanceof AdapterUnavailableException || e instanceof AdapterRateLimitedException);
        if (!severe) {
            LOG.debug("{}", e.getMessage());
            return;
        }
        failures.warn(operation, "{}", e.getMessage());
    }
}
