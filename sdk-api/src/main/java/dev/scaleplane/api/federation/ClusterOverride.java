package dev.scaleplane.api.federation;

import dev.scaleplane.api.ConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Changes made to the propagated objects on some clusters only, in the manner of Karmada's OverridePolicy: the image,
 * replicas, labels, annotations, environment variables, and any RFC 6902 JSON Patch.
 *
 * <p>Targets: cluster names, a label selector, regions; a cluster is targeted when it meets every target given (no
 * target: every cluster). Workload changes ({@code image}, {@code replicas}, {@code env}) apply to objects that have
 * them (Deployment, StatefulSet, DaemonSet, Job, ReplicaSet and custom resources with the same paths); labels,
 * annotations and JSON patches to every object. Overrides apply in the order of the request, after replica division
 * (so an override's {@code replicas} wins), and JSON patches last.
 *
 * <p>Autoscaler changes ({@code autoscalerReplicas}, {@code autoscalerCpuUtilization},
 * {@code autoscalerMemoryUtilization}) apply to the HorizontalPodAutoscalers the request
 * {@linkplain PropagationRequest#autoscaling() carries}, after their bounds are divided among the clusters, so an
 * override's bounds win; labels and annotations apply to those HPAs too, JSON patches do not (they address the
 * request's own objects, and a patch written for a Deployment would not fit its HPA).
 *
 * <p>Immutable. Build with {@link #builder()}.
 */
public final class ClusterOverride {

    /**
     * One environment variable set in containers.
     *
     * @param container the container name, or {@code *} for every container
     * @param name the variable
     * @param value its value
     */
    public record EnvVar(String container, String name, String value) {
        /** Validates the fields. */
        public EnvVar {
            Names.notBlank(container, "env container");
            Names.notBlank(name, "env name");
            Objects.requireNonNull(value, "env value");
        }
    }

    private final Set<String> clusters;
    private final LabelSelector selector;
    private final Set<String> regions;
    private final Map<String, String> images;
    private final @Nullable Integer replicas;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final List<EnvVar> env;
    private final List<JsonPatchOperation> jsonPatch;
    private final @Nullable ReplicaBounds autoscalerReplicas;
    private final @Nullable Integer autoscalerCpuUtilization;
    private final @Nullable Integer autoscalerMemoryUtilization;

    private ClusterOverride(Builder b) {
        clusters = Set.copyOf(b.clusters);
        selector = b.selector;
        regions = Set.copyOf(b.regions);
        images = Map.copyOf(b.images);
        replicas = b.replicas;
        labels = Map.copyOf(b.labels);
        annotations = Map.copyOf(b.annotations);
        env = List.copyOf(b.env);
        jsonPatch = List.copyOf(b.jsonPatch);
        autoscalerReplicas = b.autoscalerReplicas;
        autoscalerCpuUtilization = b.autoscalerCpuUtilization;
        autoscalerMemoryUtilization = b.autoscalerMemoryUtilization;
    }

    /** A builder of an override with no target and no change. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether this override applies to {@code cluster}. */
    public boolean targets(ClusterSpec cluster) {
        return (clusters.isEmpty() || clusters.contains(cluster.name()))
                && (regions.isEmpty() || regions.contains(cluster.region()))
                && selector.matches(cluster.labels());
    }

    /** Targeted cluster names; empty for any. */
    public Set<String> clusters() {
        return clusters;
    }

    /** Targeted cluster labels. */
    public LabelSelector selector() {
        return selector;
    }

    /** Targeted regions; empty for any. */
    public Set<String> regions() {
        return regions;
    }

    /** Image per container name ({@code *} for every container). */
    public Map<String, String> images() {
        return images;
    }

    /** The replicas to set, if any. */
    public Optional<Integer> replicas() {
        return Optional.ofNullable(replicas);
    }

    /** Labels to add to {@code metadata.labels} (and to the pod template of workloads). */
    public Map<String, String> labels() {
        return labels;
    }

    /** Annotations to add to {@code metadata.annotations}. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /** Environment variables to set. */
    public List<EnvVar> env() {
        return env;
    }

    /** JSON Patch operations, applied last. */
    public List<JsonPatchOperation> jsonPatch() {
        return jsonPatch;
    }

    /** The {@code minReplicas..maxReplicas} of the targeted clusters' HPAs, if any (replacing the divided ones). */
    public Optional<ReplicaBounds> autoscalerReplicas() {
        return Optional.ofNullable(autoscalerReplicas);
    }

    /** The targeted clusters' HPA CPU utilization target in percent, if any (added when the HPA has none). */
    public Optional<Integer> autoscalerCpuUtilization() {
        return Optional.ofNullable(autoscalerCpuUtilization);
    }

    /** The targeted clusters' HPA memory utilization target in percent, if any (added when the HPA has none). */
    public Optional<Integer> autoscalerMemoryUtilization() {
        return Optional.ofNullable(autoscalerMemoryUtilization);
    }

    /** Whether this override changes autoscalers. */
    public boolean changesAutoscaler() {
        return autoscalerReplicas != null || autoscalerCpuUtilization != null || autoscalerMemoryUtilization != null;
    }

    @Override
    public String toString() {
        return "ClusterOverride{clusters=" + new TreeSet<>(clusters) + ", selector='" + selector + "', regions="
                + new TreeSet<>(regions) + ", images=" + images + ", replicas=" + replicas + ", labels=" + labels
                + ", annotations=" + annotations + ", env=" + env + ", jsonPatch=" + jsonPatch
                + (autoscalerReplicas == null ? "" : ", autoscalerReplicas=" + autoscalerReplicas)
                + (autoscalerCpuUtilization == null ? "" : ", autoscalerCpu=" + autoscalerCpuUtilization + "%")
                + (autoscalerMemoryUtilization == null ? "" : ", autoscalerMemory=" + autoscalerMemoryUtilization + "%")
                + '}';
    }

    /** Builds a {@link ClusterOverride}. Not thread-safe. */
    public static final class Builder {
        private final Set<String> clusters = new TreeSet<>();
        private LabelSelector selector = LabelSelector.everything();
        private final Set<String> regions = new TreeSet<>();
        private final Map<String, String> images = new LinkedHashMap<>();
        private @Nullable Integer replicas;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<EnvVar> env = new ArrayList<>();
        private final List<JsonPatchOperation> jsonPatch = new ArrayList<>();
        private @Nullable ReplicaBounds autoscalerReplicas;
        private @Nullable Integer autoscalerCpuUtilization;
        private @Nullable Integer autoscalerMemoryUtilization;

        private Builder() {}

        /** Targets these cluster names. */
        public Builder clusters(String... names) {
            for (String n : names) {
                clusters.add(Names.dnsLabel(n, "override cluster name"));
            }
            return this;
        }

        /** Targets clusters whose labels match. */
        public Builder selector(LabelSelector selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Targets these regions. */
        public Builder regions(String... regions) {
            for (String r : regions) {
                this.regions.add(Names.notBlank(r, "override region"));
            }
            return this;
        }

        /** Sets the image of every container. */
        public Builder image(String image) {
            return image("*", image);
        }

        /** Sets the image of the container {@code container}. */
        public Builder image(String container, String image) {
            images.put(Names.notBlank(container, "override container"), Names.notBlank(image, "override image"));
            return this;
        }

        /** Sets the replicas. */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("override replicas must be >= 0, but was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Adds a label. */
        public Builder label(String key, String value) {
            labels.put(Names.labelKey(key, "override label key"), Names.labelValue(value, "override label " + key));
            return this;
        }

        /** Adds an annotation. */
        public Builder annotation(String key, String value) {
            annotations.put(Names.labelKey(key, "override annotation key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets an environment variable in container {@code container} ({@code *} for all). */
        public Builder env(String container, String name, String value) {
            env.add(new EnvVar(container, name, value));
            return this;
        }

        /** Adds JSON Patch operations. */
        public Builder jsonPatch(JsonPatchOperation... operations) {
            for (JsonPatchOperation op : operations) {
                jsonPatch.add(Objects.requireNonNull(op, "operation"));
            }
            return this;
        }

        /**
         * Sets the {@code minReplicas} and {@code maxReplicas} of the targeted clusters' HPAs, replacing what the
         * division of the fleet-wide bounds gave them.
         *
         * @throws ConfigurationException naming {@code override.autoscaler.minReplicas} or {@code maxReplicas} unless
         *     {@code 1 <= min <= max}
         */
        public Builder autoscalerReplicas(int min, int max) {
            List<ConfigurationException.Problem> problems = new ArrayList<>();
            HorizontalAutoscaling.checkReplicas(min, max, "override.autoscaler.", problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            this.autoscalerReplicas = new ReplicaBounds(min, max);
            return this;
        }

        /**
         * Sets the targeted clusters' HPA CPU utilization target, in percent of the pods' requests.
         *
         * @throws ConfigurationException naming {@code override.autoscaler.cpuUtilization} if below 1
         */
        public Builder autoscalerCpuUtilization(int percent) {
            this.autoscalerCpuUtilization = utilization(percent, "override.autoscaler.cpuUtilization");
            return this;
        }

        /**
         * Sets the targeted clusters' HPA memory utilization target, in percent of the pods' requests.
         *
         * @throws ConfigurationException naming {@code override.autoscaler.memoryUtilization} if below 1
         */
        public Builder autoscalerMemoryUtilization(int percent) {
            this.autoscalerMemoryUtilization = utilization(percent, "override.autoscaler.memoryUtilization");
            return this;
        }

        private static int utilization(int percent, String key) {
            List<ConfigurationException.Problem> problems = new ArrayList<>();
            HorizontalAutoscaling.checkUtilization(percent, key, problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return percent;
        }

        /** Builds the override. */
        public ClusterOverride build() {
            return new ClusterOverride(this);
        }
    }
}
