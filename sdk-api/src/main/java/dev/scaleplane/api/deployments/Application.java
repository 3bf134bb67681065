package dev.scaleplane.api.deployments;

import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.PlacementPolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the platform knows about a deployable application: the Kubernetes objects of a version, where it runs, how a
 * new version rolls out, and which adapters build it, file its incidents and annotate its dashboards.
 *
 * <p>Applications are defined in code, at start-up, with {@link Deployments#define(Application)}; a deployment
 * records the objects {@link #manifests(String)} rendered when it was accepted, so a restarted process resumes with
 * exactly what was accepted even if the definition changed meanwhile (the rollout settings in force are the current
 * definition's).
 *
 * <p>Immutable and thread-safe if {@code manifests} is.
 */
public final class Application {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final String name;
    private final Function<String, List<Manifest>> manifests;
    private final PlacementPolicy placement;
    private final RolloutStrategy rollout;
    private final @Nullable String ciAdapter;
    private final @Nullable String ciPipeline;
    private final @Nullable String issueTracker;
    private final @Nullable String issueProject;
    private final @Nullable String annotations;

    private Application(Builder b) {
        name = b.name;
        manifests = b.manifests;
        placement = b.placement;
        rollout = b.rollout;
        ciAdapter = b.ciAdapter;
        ciPipeline = b.ciPipeline;
        issueTracker = b.issueTracker;
        issueProject = b.issueProject;
        annotations = b.annotations;
    }

    /**
     * A builder for the application {@code name}.
     *
     * @param name a DNS-1123 label (lower-case letters, digits and '-', at most 63), e.g. {@code checkout}: it names
     *     the application's propagations on every cluster
     * @param manifests the Kubernetes objects of a version, e.g. a Deployment whose image tag is the version
     * @throws InvalidDeploymentException if {@code name} is not a DNS-1123 label
     */
    public static Builder builder(String name, Function<String, List<Manifest>> manifests) {
        return new Builder(name, manifests);
    }

    /** The application's name. */
    public String name() {
        return name;
    }

    /**
     * The objects of {@code version}.
     *
     * @throws InvalidDeploymentException if the function returns no object or fails
     */
    public List<Manifest> manifests(String version) {
        List<Manifest> objects;
        try {
            objects = manifests.apply(version);
        } catch (RuntimeException e) {
            throw new InvalidDeploymentException(
                    "version", version, "the manifests of application " + name + " failed for it: " + e);
        }
        if (objects == null || objects.isEmpty()) {
            throw new InvalidDeploymentException(
                    "version", version, "the manifests of application " + name + " gave no object for it");
        }
        return List.copyOf(objects);
    }

    /** Where the application runs. */
    public PlacementPolicy placement() {
        return placement;
    }

    /** How a new version rolls out. */
    public RolloutStrategy rollout() {
        return rollout;
    }

    /** The CI adapter instance that builds a version before it rolls out, if any. */
    public Optional<String> ciAdapter() {
        return Optional.ofNullable(ciAdapter);
    }

    /** The CI pipeline triggered with the version as ref, when {@link #ciAdapter()} is set. */
    public Optional<String> ciPipeline() {
        return Optional.ofNullable(ciPipeline);
    }

    /** The issue tracker instance a failed deployment files (or comments on) a ticket in, if any. */
    public Optional<String> issueTracker() {
        return Optional.ofNullable(issueTracker);
    }

    /** The project tickets are filed in, when {@link #issueTracker()} is set. */
    public Optional<String> issueProject() {
        return Optional.ofNullable(issueProject);
    }

    /** The observability adapter instance that gets an annotation at each deployment's start and end, if any. */
    public Optional<String> annotations() {
        return Optional.ofNullable(annotations);
    }

    @Override
    public String toString() {
        return "Application{" + name + ", placement=" + placement + ", rollout=" + rollout + '}';
    }

    /** Builds an {@link Application}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Function<String, List<Manifest>> manifests;
        private PlacementPolicy placement = PlacementPolicy.builder().build();
        private RolloutStrategy rollout = RolloutStrategy.defaults();
        private @Nullable String ciAdapter;
        private @Nullable String ciPipeline;
        private @Nullable String issueTracker;
        private @Nullable String issueProject;
        private @Nullable String annotations;

        private Builder(String name, Function<String, List<Manifest>> manifests) {
            if (name == null || !DNS_LABEL.matcher(name).matches()) {
                throw new InvalidDeploymentException(
                        "application",
                        name,
                        "a DNS-1123 label: 1-63 lower-case letters, digits or '-', starting and ending with a letter"
                                + " or digit, e.g. checkout");
            }
            this.name = name;
            this.manifests = Objects.requireNonNull(manifests, "manifests");
        }

        /** Where the application runs (default: every ready cluster). */
        public Builder placement(PlacementPolicy placement) {
            this.placement = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /** How a new version rolls out (default: {@link RolloutStrategy#defaults()}). */
        public Builder rollout(RolloutStrategy rollout) {
            this.rollout = Objects.requireNonNull(rollout, "rollout");
            return this;
        }

        /**
         * Builds every version through CI first: the pipeline is triggered with the version as its ref and the
         * rollout starts when the run succeeds.
         */
        public Builder ci(String adapter, String pipeline) {
            this.ciAdapter = Objects.requireNonNull(adapter, "adapter");
            this.ciPipeline = Objects.requireNonNull(pipeline, "pipeline");
            return this;
        }

        /** Files a ticket (one per application, later failures comment on it) when a deployment fails. */
        public Builder tickets(String issueTracker, String project) {
            this.issueTracker = Objects.requireNonNull(issueTracker, "issueTracker");
            this.issueProject = Objects.requireNonNull(project, "project");
            return this;
        }

        /** Annotates dashboards through this observability adapter at each deployment's start and end. */
        public Builder annotations(String observabilityAdapter) {
            this.annotations = Objects.requireNonNull(observabilityAdapter, "observabilityAdapter");
            return this;
        }

        /** Builds the application. */
        public Application build() {
            return new Application(this);
        }
    }
}
