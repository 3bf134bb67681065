package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the Kubernetes fleet, read from keys under {@value #PREFIX}. Health defaults follow KubeFed (period
 * 10 s, timeout 3 s, failure threshold 3, success threshold 1); the toleration before failover follows Karmada
 * (300 s).
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code probe-interval}</td><td>10s</td><td>time between health probes of one cluster</td></tr>
 *   <tr><td>{@code probe-timeout}</td><td>3s</td><td>a probe slower than this fails</td></tr>
 *   <tr><td>{@code failure-threshold}</td><td>3</td><td>failed probes in a row before a cluster is NotReady (or
 *       Unknown when unreachable)</td></tr>
 *   <tr><td>{@code success-threshold}</td><td>1</td><td>passed probes in a row before it is Ready again</td></tr>
 *   <tr><td>{@code toleration}</td><td>300s</td><td>how long a cluster may be not ready before its
 *       {@code NO_EXECUTE} taint makes its propagations fail over</td></tr>
 *   <tr><td>{@code request-timeout}</td><td>10s</td><td>timeout of one API request (apply, delete)</td></tr>
 *   <tr><td>{@code apply-workers}</td><td>8</td><td>per-cluster applies running at once in this process</td></tr>
 *   <tr><td>{@code event-loops}</td><td>2</td><td>Vert.x event-loop threads shared by every cluster's HTTP
 *       client</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param probeInterval time between probes
 * @param probeTimeout timeout of one probe
 * @param failureThreshold failed probes before not ready
 * @param successThreshold passed probes before ready
 * @param toleration not-ready time before failover
 * @param requestTimeout timeout of one API request
 * @param applyWorkers concurrent applies
 * @param eventLoops shared event-loop threads
 */
public record KubernetesFleetConfig(
        Duration probeInterval,
        Duration probeTimeout,
        int failureThreshold,
        int successThreshold,
        Duration toleration,
        Duration requestTimeout,
        int applyWorkers,
        int eventLoops) {

    /** Prefix of every key. */
    public static final String PREFIX = "scaleplane.federation.kubernetes.";
    /** Key of the probe interval. */
    public static final String PROBE_INTERVAL = PREFIX + "probe-interval";
    /** Key of the probe timeout. */
    public static final String PROBE_TIMEOUT = PREFIX + "probe-timeout";
    /** Key of the failure threshold. */
    public static final String FAILURE_THRESHOLD = PREFIX + "failure-threshold";
    /** Key of the success threshold. */
    public static final String SUCCESS_THRESHOLD = PREFIX + "success-threshold";
    /** Key of the toleration. */
    public static final String TOLERATION = PREFIX + "toleration";
    /** Key of the request timeout. */
    public static final String REQUEST_TIMEOUT = PREFIX + "request-timeout";
    /** Key of the apply workers. */
    public static final String APPLY_WORKERS = PREFIX + "apply-workers";
    /** Key of the event loops. */
    public static final String EVENT_LOOPS = PREFIX + "event-loops";

    /** Validates the values. */
    public KubernetesFleetConfig {
        Objects.requireNonNull(probeInterval, "probeInterval");
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        Objects.requireNonNull(toleration, "toleration");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Every default. */
    public static KubernetesFleetConfig defaults() {
        return new KubernetesFleetConfig(
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                3,
                1,
                Duration.ofSeconds(300),
                Duration.ofSeconds(10),
                8,
                2);
    }

    /**
     * Reads and validates every key.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX}
     */
    public static KubernetesFleetConfig from(ConfigProperties properties) {
        ConfigReader r = new ConfigReader(Objects.requireNonNull(properties, "properties"));
        KubernetesFleetConfig d = defaults();
        Duration ms = Duration.ofMillis(1);
        Duration day = Duration.ofDays(1);
        KubernetesFleetConfig c = new KubernetesFleetConfig(
                r.duration(PROBE_INTERVAL, d.probeInterval, ms, day),
                r.duration(PROBE_TIMEOUT, d.probeTimeout, ms, day),
                r.integer(FAILURE_THRESHOLD, d.failureThreshold, 1, 1000),
                r.integer(SUCCESS_THRESHOLD, d.successThreshold, 1, 1000),
                r.duration(TOLERATION, d.toleration, Duration.ZERO, day),
                r.duration(REQUEST_TIMEOUT, d.requestTimeout, ms, day),
                r.integer(APPLY_WORKERS, d.applyWorkers, 1, 1024),
                r.integer(EVENT_LOOPS, d.eventLoops, 1, 64));
        r.rejectUnknownKeys(
                PREFIX,
                Set.of(
                        PROBE_INTERVAL,
                        PROBE_TIMEOUT,
                        FAILURE_THRESHOLD,
                        SUCCESS_THRESHOLD,
                        TOLERATION,
                        REQUEST_TIMEOUT,
                        APPLY_WORKERS,
                        EVENT_LOOPS,
                        // read and checked by FleetHaConfig
                        FleetHaConfig.PREFIX + "*"));
        r.throwIfInvalid();
        return c;
    }
}
