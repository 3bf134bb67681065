package dev.scaleplane.api.federation;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.scaling.ScalingRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A HorizontalPodAutoscaler ({@code autoscaling/v2}) that a propagation applies next to one of its Deployments on
 * every chosen cluster, so the service's autoscaler follows its Deployment across the fleet: placed with it, moved
 * with it on failover, deleted with it.
 *
 * <h2>What each cluster gets</h2>
 *
 * An HPA named and namespaced as the {@linkplain #deployment() Deployment}, with {@code scaleTargetRef} to it,
 * {@code Resource} metrics of type {@code Utilization} for {@linkplain #cpuUtilization() CPU} and/or
 * {@linkplain #memoryUtilization() memory}, and {@code behavior} from {@link #scaleUp()} and {@link #scaleDown()}
 * when given (absent: the Kubernetes defaults apply on the cluster).
 *
 * <p>{@link #minReplicas()} and {@link #maxReplicas()} are <em>fleet-wide</em>. When placement duplicates replicas
 * (or schedules none), every cluster gets them as they are, as it gets the Deployment's replicas. When placement
 * divides replicas (static weights or capacity), each bound is divided in proportion to the replicas placement gave
 * each cluster, by the largest-remainder method with ties by cluster name, as placement divides replicas; then each
 * cluster's {@code minReplicas} is raised to at least 1 (an HPA cannot go below 1) and its {@code maxReplicas} to at
 * least its {@code minReplicas}. Those raises are why the per-cluster bounds may sum to more than the fleet-wide
 * ones. {@linkplain ClusterOverride#autoscalerReplicas() Overrides} of bounds and targets apply last, in request
 * order.
 *
 * <h2>Behaviour</h2>
 *
 * The {@code behavior} block reuses the worker autoscaler's {@link ScalingRules}, one vocabulary for both: the
 * stabilization window, {@link ScalingRules.Select} ({@code Max}, {@code Min}, {@code Disabled}) and the limits
 * ({@link ScalingRules.Unit#WORKERS} is the HPA's {@code Pods}, {@link ScalingRules.Unit#PERCENT} its
 * {@code Percent}). The HPA takes whole seconds and a window of at most one hour, so rules outside that are refused.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(String)}; {@link Builder#build()} reports every problem at
 * once in a {@link ConfigurationException}.
 */
public final class HorizontalAutoscaling {

    /** The HPA's upper bound on a stabilization window: one hour. */
    public static final Duration MAX_STABILIZATION_WINDOW = Duration.ofHours(1);

    private final String deployment;
    private final int minReplicas;
    private final int maxReplicas;
    private final @Nullable Integer cpuUtilization;
    private final @Nullable Integer memoryUtilization;
    private final @Nullable ScalingRules scaleUp;
    private final @Nullable ScalingRules scaleDown;

    private HorizontalAutoscaling(Builder b) {
        deployment = b.deployment;
        minReplicas = b.minReplicas;
        maxReplicas = b.maxReplicas;
        cpuUtilization = b.cpuUtilization;
        memoryUtilization = b.memoryUtilization;
        scaleUp = b.scaleUp;
        scaleDown = b.scaleDown;
    }

    /**
     * A builder of the autoscaler of the Deployment named {@code deployment}, which must be one of the propagation's
     * objects (checked by {@link PropagationRequest.Builder#build()}).
     *
     * @throws NullPointerException if {@code deployment} is null
     */
    public static Builder builder(String deployment) {
        return new Builder(Objects.requireNonNull(deployment, "deployment"));
    }

    /** A builder holding this autoscaler's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(deployment).replicas(minReplicas, maxReplicas);
        b.cpuUtilization = cpuUtilization;
        b.memoryUtilization = memoryUtilization;
        b.scaleUp = scaleUp;
        b.scaleDown = scaleDown;
        return b;
    }

    /** The name of the Deployment scaled; also the HPA's name. */
    public String deployment() {
        return deployment;
    }

    /** The fleet-wide fewest replicas, {@code >= 1}; see the class comment for how it is divided. */
    public int minReplicas() {
        return minReplicas;
    }

    /** The fleet-wide most replicas, {@code >= minReplicas()}. */
    public int maxReplicas() {
        return maxReplicas;
    }

    /** The target average CPU utilization, in percent of the pods' CPU requests, if any. */
    public Optional<Integer> cpuUtilization() {
        return Optional.ofNullable(cpuUtilization);
    }

    /** The target average memory utilization, in percent of the pods' memory requests, if any. */
    public Optional<Integer> memoryUtilization() {
        return Optional.ofNullable(memoryUtilization);
    }

    /** The {@code behavior.scaleUp} rules, if given (absent: the cluster's HPA defaults). */
    public Optional<ScalingRules> scaleUp() {
        return Optional.ofNullable(scaleUp);
    }

    /** The {@code behavior.scaleDown} rules, if given (absent: the cluster's HPA defaults). */
    public Optional<ScalingRules> scaleDown() {
        return Optional.ofNullable(scaleDown);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HorizontalAutoscaling a
                && deployment.equals(a.deployment)
                && minReplicas == a.minReplicas
                && maxReplicas == a.maxReplicas
                && Objects.equals(cpuUtilization, a.cpuUtilization)
                && Objects.equals(memoryUtilization, a.memoryUtilization)
                && Objects.equals(scaleUp, a.scaleUp)
                && Objects.equals(scaleDown, a.scaleDown);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                deployment, minReplicas, maxReplicas, cpuUtilization, memoryUtilization, scaleUp, scaleDown);
    }

    @Override
    public String toString() {
        return "HorizontalAutoscaling{deployment=" + deployment + ", replicas=" + minReplicas + ".." + maxReplicas
                + (cpuUtilization == null ? "" : ", cpu=" + cpuUtilization + "%")
                + (memoryUtilization == null ? "" : ", memory=" + memoryUtilization + "%")
                + (scaleUp == null ? "" : ", scaleUp=" + scaleUp)
                + (scaleDown == null ? "" : ", scaleDown=" + scaleDown) + '}';
    }

    /**
     * The problems of one utilization target, added to {@code problems}: it must be a percentage {@code >= 1} (above
     * 100 is allowed, as in Kubernetes: pods may use more than they request).
     */
    static void checkUtilization(@Nullable Integer percent, String key, List<ConfigurationException.Problem> problems) {
        if (percent != null && percent < 1) {
            problems.add(new ConfigurationException.Problem(
                    key, percent.toString(), "a percentage of the pods' requests >= 1, such as 70"));
        }
    }

    /** The problems of the replica bounds {@code min..max}, added to {@code problems}. */
    static void checkReplicas(int min, int max, String prefix, List<ConfigurationException.Problem> problems) {
        if (min < 1) {
            problems.add(new ConfigurationException.Problem(
                    prefix + "minReplicas", Integer.toString(min), "an integer >= 1 (an HPA cannot scale to zero)"));
        }
        if (max < Math.max(min, 1)) {
            problems.add(new ConfigurationException.Problem(
                    prefix + "maxReplicas", Integer.toString(max), "an integer >= minReplicas (" + min + ")"));
        }
    }

    private static void checkRules(
            @Nullable ScalingRules rules, String key, List<ConfigurationException.Problem> problems) {
        if (rules == null) {
            return;
        }
        Duration window = rules.stabilizationWindow();
        if (window.compareTo(MAX_STABILIZATION_WINDOW) > 0 || window.toNanosPart() != 0) {
            problems.add(new ConfigurationException.Problem(
                    key + ".stabilizationWindow",
                    window.toString(),
                    "whole seconds from PT0S to PT1H, the range of the HPA's stabilizationWindowSeconds"));
        }
        for (int i = 0; i < rules.limits().size(); i++) {
            Duration period = rules.limits().get(i).period();
            if (period.toNanosPart() != 0) {
                problems.add(new ConfigurationException.Problem(
                        key + ".limits[" + i + "].period",
                        period.toString(),
                        "whole seconds, as the HPA's periodSeconds, such as PT15S"));
            }
        }
    }

    /** Builds a {@link HorizontalAutoscaling}. Not thread-safe. */
    public static final class Builder {
        private final String deployment;
        private int minReplicas = 1;
        private int maxReplicas = 1;
        private boolean replicasSet;
        private @Nullable Integer cpuUtilization;
        private @Nullable Integer memoryUtilization;
        private @Nullable ScalingRules scaleUp;
        private @Nullable ScalingRules scaleDown;

        private Builder(String deployment) {
            this.deployment = deployment;
        }

        /** The fleet-wide bounds (required); checked by {@link #build()}: {@code 1 <= min <= max}. */
        public Builder replicas(int min, int max) {
            this.minReplicas = min;
            this.maxReplicas = max;
            this.replicasSet = true;
            return this;
        }

        /** Target average CPU utilization in percent of requests; checked by {@link #build()}: {@code >= 1}. */
        public Builder cpuUtilization(int percent) {
            this.cpuUtilization = percent;
            return this;
        }

        /** Target average memory utilization in percent of requests; checked by {@link #build()}: {@code >= 1}. */
        public Builder memoryUtilization(int percent) {
            this.memoryUtilization = percent;
            return this;
        }

        /** The {@code behavior.scaleUp} rules; checked by {@link #build()} against the HPA's ranges. */
        public Builder scaleUp(ScalingRules rules) {
            this.scaleUp = Objects.requireNonNull(rules, "scaleUp");
            return this;
        }

        /** The {@code behavior.scaleDown} rules; checked by {@link #build()} against the HPA's ranges. */
        public Builder scaleDown(ScalingRules rules) {
            this.scaleDown = Objects.requireNonNull(rules, "scaleDown");
            return this;
        }

        /**
         * Builds the autoscaler.
         *
         * @throws ConfigurationException listing every problem, each naming its key under {@code autoscaling.}, the
         *     value and what is expected: a blank deployment name, bounds missing or not {@code 1 <= min <= max}, no
         *     utilization target or one below 1, a stabilization window above one hour or not whole seconds, a
         *     limit's period not whole seconds
         */
        public HorizontalAutoscaling build() {
            List<ConfigurationException.Problem> problems = new ArrayList<>();
            if (deployment.isBlank()) {
                problems.add(new ConfigurationException.Problem(
                        "autoscaling.deployment", deployment, "the name of a Deployment of the propagation"));
            }
            if (!replicasSet) {
                problems.add(new ConfigurationException.Problem(
                        "autoscaling.replicas",
                        null,
                        "fleet-wide bounds set with replicas(min, max), such as (2, 10)"));
            } else {
                checkReplicas(minReplicas, maxReplicas, "autoscaling.", problems);
            }
            if (cpuUtilization == null && memoryUtilization == null) {
                problems.add(new ConfigurationException.Problem(
                        "autoscaling.metrics",
                        null,
                        "a target set with cpuUtilization(percent) and/or memoryUtilization(percent)"));
            }
            checkUtilization(cpuUtilization, "autoscaling.cpuUtilization", problems);
            checkUtilization(memoryUtilization, "autoscaling.memoryUtilization", problems);
            checkRules(scaleUp, "autoscaling.scaleUp", problems);
            checkRules(scaleDown, "autoscaling.scaleDown", problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new HorizontalAutoscaling(this);
        }
    }
}
