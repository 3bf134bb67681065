package dev.scaleplane.federation.kubernetes;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.core.config.ConfigReader;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Settings of fleet high availability, read from keys under {@value #PREFIX}: replicas of the service share the
 * fleet through Kubernetes Leases on a management cluster, each cluster worked by exactly one live replica (see
 * the ownership view). The timing defaults are those of Kubernetes' own leader election (client-go: 15 s lease,
 * 10 s renew deadline, 2 s retry).
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code enabled}</td><td>false</td><td>share the fleet with other replicas; off, this process works
 *       every cluster</td></tr>
 *   <tr><td>{@code context}</td><td>(required when enabled)</td><td>kubeconfig context of the management cluster
 *       that holds the Leases, or {@code in-cluster} for the pod's service account</td></tr>
 *   <tr><td>{@code kubeconfig}</td><td>{@code $KUBECONFIG}, else {@code ~/.kube/config}</td><td>kubeconfig file
 *       of that context</td></tr>
 *   <tr><td>{@code namespace}</td><td>default</td><td>namespace of the Leases</td></tr>
 *   <tr><td>{@code identity}</td><td>{@code $HOSTNAME}, else {@code pid@host}</td><td>this replica's name in the
 *       Leases; unique among replicas</td></tr>
 *   <tr><td>{@code lease-duration}</td><td>15s</td><td>a Lease not renewed for this long is expired (whole
 *       seconds: the Lease field is in seconds)</td></tr>
 *   <tr><td>{@code renew-deadline}</td><td>10s</td><td>a replica that has not renewed a claim for this long stops
 *       working that cluster; must be below {@code lease-duration}</td></tr>
 *   <tr><td>{@code renew-period}</td><td>5s</td><td>time between renewals of a held Lease; below
 *       {@code renew-deadline}</td></tr>
 *   <tr><td>{@code retry-period}</td><td>2s</td><td>time between looks at the Leases (membership, free claims);
 *       at most {@code renew-period}</td></tr>
 * </table>
 *
 * <p>A dead replica's clusters are taken over within {@code lease-duration + retry-period} of its death (its Leases
 * were renewed at most a renew period before it, and expire a lease duration after that renewal; the others look
 * every retry period), so within {@code lease-duration + renew-period}. {@code lease-duration - renew-deadline} is the fencing margin: it must
 * exceed the clock skew between replicas plus the time to stop working a cluster.
 *
 * <p>Immutable and thread-safe.
 *
 * @param enabled whether replicas share the fleet
 * @param context kubeconfig context of the management cluster, or {@value #IN_CLUSTER}
 * @param kubeconfig kubeconfig file, or empty for the default
 * @param namespace namespace of the Leases
 * @param identity this replica's identity
 * @param leaseDuration Lease validity after a renewal
 * @param renewDeadline time without a renewal after which a holder stops
 * @param renewPeriod time between renewals
 * @param retryPeriod time between looks at the Leases
 */
public record FleetHaConfig(
        boolean enabled,
        String context,
        String kubeconfig,
        String namespace,
        String identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration renewPeriod,
        Duration retryPeriod) {

    /** Prefix of every key. */
    public static final String PREFIX = KubernetesFleetConfig.PREFIX + "ha.";
    /** Key: whether HA is on. */
    public static final String ENABLED = PREFIX + "enabled";
    /** Key: the management cluster's kubeconfig context. */
    public static final String CONTEXT = PREFIX + "context";
    /** Key: the kubeconfig file. */
    public static final String KUBECONFIG = PREFIX + "kubeconfig";
    /** Key: the Leases' namespace. */
    public static final String NAMESPACE = PREFIX + "namespace";
    /** Key: this replica's identity. */
    public static final String IDENTITY = PREFIX + "identity";
    /** Key: the lease duration. */
    public static final String LEASE_DURATION = PREFIX + "lease-duration";
    /** Key: the renew deadline. */
    public static final String RENEW_DEADLINE = PREFIX + "renew-deadline";
    /** Key: the renew period. */
    public static final String RENEW_PERIOD = PREFIX + "renew-period";
    /** Key: the retry period. */
    public static final String RETRY_PERIOD = PREFIX + "retry-period";
    /** The {@code context} value that uses the pod's service account. */
    public static final String IN_CLUSTER = "in-cluster";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    /**
     * Checks every value and the rules between them.
     *
     * @throws ConfigurationException naming each key, its value and what it must be
     */
    public FleetHaConfig {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(renewDeadline, "renewDeadline");
        Objects.requireNonNull(renewPeriod, "renewPeriod");
        Objects.requireNonNull(retryPeriod, "retryPeriod");
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        if (enabled && context.isBlank()) {
            problems.add(new ConfigurationException.Problem(
                    CONTEXT,
                    context,
                    "the kubeconfig context of the management cluster that holds the Leases (or " + IN_CLUSTER
                            + "), required when " + ENABLED + "=true"));
        }
        if (!DNS_LABEL.matcher(namespace).matches()) {
            problems.add(new ConfigurationException.Problem(
                    NAMESPACE, namespace, "a namespace name (DNS-1123 label: lower-case letters, digits, '-')"));
        }
        if (identity.isBlank() || identity.length() > 128) {
            problems.add(new ConfigurationException.Problem(
                    IDENTITY, identity, "a non-empty name of at most 128 characters, unique among the replicas"));
        }
        if (leaseDuration.toNanos() % 1_000_000_000L != 0 || leaseDuration.getSeconds() < 1) {
            problems.add(new ConfigurationException.Problem(
                    LEASE_DURATION,
                    leaseDuration.toString(),
                    "whole seconds, at least 1s (the Lease's leaseDurationSeconds is an integer)"));
        }
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            problems.add(new ConfigurationException.Problem(
                    RENEW_DEADLINE,
                    renewDeadline.toString(),
                    "less than " + LEASE_DURATION + " (" + leaseDuration
                            + "): a holder must stop before another replica may take its clusters"));
        }
        if (renewPeriod.isZero() || renewPeriod.isNegative() || renewPeriod.compareTo(renewDeadline) >= 0) {
            problems.add(new ConfigurationException.Problem(
                    RENEW_PERIOD,
                    renewPeriod.toString(),
                    "positive and less than " + RENEW_DEADLINE + " (" + renewDeadline
                            + "), so a renewal can fail and be retried before the deadline"));
        }
        if (retryPeriod.isZero() || retryPeriod.isNegative() || retryPeriod.compareTo(renewPeriod) > 0) {
            problems.add(new ConfigurationException.Problem(
                    RETRY_PERIOD,
                    retryPeriod.toString(),
                    "positive and at most " + RENEW_PERIOD + " (" + renewPeriod + ")"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /** HA off, every other value its default. */
    public static FleetHaConfig defaults() {
        return new FleetHaConfig(
                false,
                "",
                "",
                "default",
                defaultIdentity(),
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofSeconds(2));
    }

    /** A copy with HA on, the management cluster's {@code context} and this replica's {@code identity}. */
    public FleetHaConfig enable(String context, String identity) {
        return new FleetHaConfig(
                true, context, kubeconfig, namespace, identity, leaseDuration, renewDeadline, renewPeriod, retryPeriod);
    }

    /** A copy with other timings. */
    public FleetHaConfig timings(
            Duration leaseDuration, Duration renewDeadline, Duration renewPeriod, Duration retryPeriod) {
        return new FleetHaConfig(
                enabled,
                context,
                kubeconfig,
                namespace,
                identity,
                leaseDuration,
                renewDeadline,
                renewPeriod,
                retryPeriod);
    }

    /** A copy with another kubeconfig file and namespace. */
    public FleetHaConfig location(String kubeconfig, String namespace) {
        return new FleetHaConfig(
                enabled,
                context,
                kubeconfig,
                namespace,
                identity,
                leaseDuration,
                renewDeadline,
                renewPeriod,
                retryPeriod);
    }

    /** The longest time from a replica's death until its clusters are owned again. */
    public Duration takeoverBound() {
        return leaseDuration.plus(renewPeriod);
    }

    /** The pod name in Kubernetes ({@code HOSTNAME}), else {@code pid@host} from the JVM. */
    static String defaultIdentity() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host + "-" + ProcessHandle.current().pid();
        }
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    /**
     * Reads and validates every key.
     *
     * @throws ConfigurationException listing every invalid or unknown key under {@value #PREFIX} and every broken
     *     rule between them
     */
    public static FleetHaConfig from(ConfigProperties properties) {
        ConfigReader r = new ConfigReader(Objects.requireNonNull(properties, "properties"));
        FleetHaConfig d = defaults();
        Duration ms = Duration.ofMillis(1);
        Duration hour = Duration.ofHours(1);
        boolean enabled = r.bool(ENABLED, d.enabled);
        String context = r.string(CONTEXT, d.context).trim();
        String kubeconfig = r.string(KUBECONFIG, d.kubeconfig).trim();
        String namespace = r.string(NAMESPACE, d.namespace).trim();
        String identity = r.string(IDENTITY, d.identity).trim();
        Duration lease = r.duration(LEASE_DURATION, d.leaseDuration, Duration.ofSeconds(1), hour);
        Duration deadline = r.duration(RENEW_DEADLINE, d.renewDeadline, ms, hour);
        Duration renew = r.duration(RENEW_PERIOD, d.renewPeriod, ms, hour);
        Duration retry = r.duration(RETRY_PERIOD, d.retryPeriod, ms, hour);
        r.rejectUnknownKeys(
                PREFIX,
                Set.of(
                        ENABLED,
                        CONTEXT,
                        KUBECONFIG,
                        NAMESPACE,
                        IDENTITY,
                        LEASE_DURATION,
                        RENEW_DEADLINE,
                        RENEW_PERIOD,
                        RETRY_PERIOD));
        List<ConfigurationException.Problem> problems = new ArrayList<>(r.problems());
        FleetHaConfig c = null;
        try {
            c = new FleetHaConfig(enabled, context, kubeconfig, namespace, identity, lease, deadline, renew, retry);
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty() || c == null) {
            throw new ConfigurationException(problems);
        }
        return c;
    }
}
