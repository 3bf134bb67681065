package dev.scaleplane.events.kafka.internal;

import dev.scaleplane.api.BackendUnreachableException;
import dev.scaleplane.core.logging.RateLimitedLog;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the configured Kafka brokers have ever answered, and the one way this module reports that they have not: a
 * {@link BackendUnreachableException} naming the brokers and the {@code bootstrap-servers} setting.
 *
 * <p>{@link #start} asks the cluster for its id once, without blocking; if no broker answers within the connect
 * timeout, one WARN says so (kafka-clients keep retrying in the background, with the back-off of
 * {@link KafkaClientSettings}). Failures reported later through {@link #report} go through a {@link RateLimitedLog}.
 * With {@code fail-fast}, {@link #requireReachable} blocks until the first answer and throws if there was none.
 *
 * <p>Thread-safe.
 */
public final class BrokerCheck {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerCheck.class);

    /** What the messages call the brokers. */
    public static final String SYSTEM = "Kafka brokers";

    private final String servers;
    private final String setting;
    private final String failFastSetting;
    private final Duration connectTimeout;
    private final String user;
    private final RateLimitedLog log = new RateLimitedLog(LOG, Duration.ofMinutes(1));
    /** Completes with the outcome of the start-up check: true when a broker answered. */
    private final CompletableFuture<Boolean> firstAnswer = new CompletableFuture<>();

    private volatile boolean reached;

    /**
     * Creates a check.
     *
     * @param servers the bootstrap servers as configured
     * @param setting the key that holds them
     * @param prefix the configuration's key prefix, for naming {@code fail-fast}
     * @param user what uses the brokers, e.g. "the event bus", for the log line
     */
    public BrokerCheck(String servers, String setting, String prefix, Duration connectTimeout, String user) {
        this.servers = servers;
        this.setting = setting;
        this.failFastSetting = prefix + "fail-fast";
        this.connectTimeout = connectTimeout;
        this.user = user;
    }

    /** Asks for the cluster id through {@code admin} and returns at once; the outcome is logged and remembered. */
    public void start(Admin admin) {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .clusterId()
                .whenComplete((id, failure) -> {
                    if (failure == null) {
                        reached();
                        firstAnswer.complete(true);
                    } else {
                        firstAnswer.complete(false);
                        if (!reached) {
                            // Once: kafka-clients go on trying, and every operation that needs a broker says so.
                            LOG.warn(
                                    "{} {} ({}) are unreachable: no answer to {} within {} ({}); operations that"
                                            + " need a broker fail until one answers",
                                    SYSTEM,
                                    servers,
                                    setting,
                                    user,
                                    connectTimeout,
                                    failure.toString());
                        }
                    }
                });
    }

    /**
     * Waits for the start-up check and throws unless a broker answered: the {@code fail-fast} behaviour.
     *
     * @throws BackendUnreachableException naming the brokers, the setting and {@code fail-fast}
     */
    public void requireReachable() {
        requireReachable(failFastSetting + " is true, so building fails; set it to false to start anyway and let"
                + " operations that need a broker fail");
    }

    /**
     * Waits for the start-up check and throws unless a broker answered.
     *
     * @param why why an answer is required, for the message
     * @throws BackendUnreachableException naming the brokers and the setting
     */
    public void requireReachable(String why) {
        boolean answered;
        try {
            answered = firstAnswer.get(connectTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("are unreachable: interrupted while waiting for an answer", e);
        } catch (ExecutionException | TimeoutException e) {
            answered = false;
        }
        if (!answered && !reached) {
            throw unreachable(
                    "are unreachable: no answer within the connect timeout of " + connectTimeout + " (" + why + ")",
                    null);
        }
    }

    /** Records that a broker answered (a write was acknowledged, the check succeeded). Cheap after the first call. */
    public void reached() {
        if (!reached) {
            reached = true;
        }
    }

    /** Whether any broker has ever answered this check or an operation that reported it. */
    public boolean everReached() {
        return reached;
    }

    /**
     * How long a client may wait on close: {@code normal} once a broker answered, else zero, since nothing can be
     * flushed to brokers that never answered and waiting would only delay the caller.
     */
    public Duration closeTimeout(Duration normal) {
        return reached ? normal : Duration.ZERO;
    }

    /**
     * The exception for an operation that got no answer from the brokers.
     *
     * @param doing what got no answer, e.g. "creating topic t got no answer within PT5S"
     */
    public BackendUnreachableException noAnswer(String doing, Throwable cause) {
        return unreachable(reached ? "did not answer: " + doing : "are unreachable: " + doing, cause);
    }

    /** Logs a failure caused by unreachable brokers, at most once a minute. */
    public void report(String what, BackendUnreachableException e) {
        log.warn("unreachable", "{}: {}", what, e.getMessage());
    }

    private BackendUnreachableException unreachable(String problem, @Nullable Throwable cause) {
        return new BackendUnreachableException(SYSTEM, servers, setting, problem, cause);
    }
}
