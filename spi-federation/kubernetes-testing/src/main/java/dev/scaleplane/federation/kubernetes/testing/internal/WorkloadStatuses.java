package dev.scaleplane.federation.kubernetes.testing.internal;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The status rules of the simulated controller, as pure functions: what a Deployment's or StatefulSet's status is
 * once the simulated rollout of its current spec has finished.
 *
 * <p>A workload fails when it asks for at least one replica and an image of one of its containers or init
 * containers contains the failure marker; every other workload succeeds with all its replicas ready. Counts that are
 * zero are left out ({@code null}), because the real API server omits them from its JSON ({@code omitempty}), so a
 * client reading them must treat {@code null} as 0 on a real cluster as well.
 *
 * <p>Thread-safety: stateless.
 */
public final class WorkloadStatuses {

    /** The condition reason of a Deployment whose new ReplicaSet is available. */
    public static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";

    /** The condition reason of a Deployment that missed its progress deadline. */
    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

    /** The condition reason of a Deployment with its minimum of replicas available. */
    public static final String MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";

    /** The condition reason of a Deployment below its minimum of available replicas. */
    public static final String MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";

    // The alphabet of Kubernetes' rand.SafeEncodeString: no vowels, no 0/1/3, so hashes never spell words.
    private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private WorkloadStatuses() {}

    /**
     * Whether a workload with this pod template never becomes ready in the simulation.
     *
     * @param template the pod template, or {@code null}
     * @param replicas the desired replicas
     * @param marker the failure marker
     * @return whether {@code replicas > 0} and some container image contains {@code marker}
     */
    public static boolean failing(@Nullable PodTemplateSpec template, int replicas, String marker) {
        Objects.requireNonNull(marker, "marker");
        return replicas > 0 && images(template).anyMatch(image -> image.contains(marker));
    }

    /**
     * The status of a Deployment once the rollout of its current generation has finished or failed.
     *
     * @param deployment the stored Deployment, with its current status (or none)
     * @param marker the failure marker
     * @param now the time stamped on conditions that change
     * @return the status to store; conditions whose status, reason and message stay the same keep their times
     */
    public static DeploymentStatus deploymentStatus(Deployment deployment, String marker, Instant now) {
        int replicas = desiredReplicas(
                deployment.getSpec() == null ? null : deployment.getSpec().getReplicas());
        PodTemplateSpec template =
                deployment.getSpec() == null ? null : deployment.getSpec().getTemplate();
        boolean failing = failing(template, replicas, marker);
        String replicaSet = "ReplicaSet \"" + deployment.getMetadata().getName() + "-" + templateHash(template) + "\"";
        List<DeploymentCondition> previous = deployment.getStatus() == null
                ? List.of()
                : Objects.requireNonNullElse(deployment.getStatus().getConditions(), List.of());
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        List<DeploymentCondition> conditions = new ArrayList<>(2);
        if (failing) {
            conditions.add(condition(
                    previous,
                    "Available",
                    "False",
                    MINIMUM_REPLICAS_UNAVAILABLE,
                    "Deployment does not have minimum availability.",
                    time));
            conditions.add(condition(
                    previous,
                    "Progressing",
                    "False",
                    PROGRESS_DEADLINE_EXCEEDED,
                    replicaSet + " has timed out progressing.",
                    time));
        } else {
            conditions.add(condition(
                    previous,
                    "Available",
                    "True",
                    MINIMUM_REPLICAS_AVAILABLE,
                    "Deployment has minimum availability.",
                    time));
            conditions.add(condition(
                    previous,
                    "Progressing",
                    "True",
                    NEW_REPLICA_SET_AVAILABLE,
                    replicaSet + " has successfully progressed.",
                    time));
        }
        return new DeploymentStatusBuilder()
                .withObservedGeneration(generation(deployment.getMetadata().getGeneration()))
                .withReplicas(orNull(replicas))
                .withUpdatedReplicas(orNull(replicas))
                .withReadyReplicas(failing ? null : orNull(replicas))
                .withAvailableReplicas(failing ? null : orNull(replicas))
                .withUnavailableReplicas(failing ? orNull(replicas) : null)
                .withConditions(conditions)
                .build();
    }

    /**
     * The status of a StatefulSet once the rollout of its current generation has finished or failed. A real
     * StatefulSet controller sets no {@code Available}/{@code Progressing} conditions, so neither does this one;
     * readiness shows in {@code readyReplicas} and in {@code currentRevision} equal to {@code updateRevision}.
     *
     * @param statefulSet the stored StatefulSet
     * @param marker the failure marker
     * @return the status to store
     */
    public static StatefulSetStatus statefulSetStatus(StatefulSet statefulSet, String marker) {
        int replicas = desiredReplicas(
                statefulSet.getSpec() == null ? null : statefulSet.getSpec().getReplicas());
        PodTemplateSpec template =
                statefulSet.getSpec() == null ? null : statefulSet.getSpec().getTemplate();
        boolean failing = failing(template, replicas, marker);
        String revision = statefulSet.getMetadata().getName() + "-" + templateHash(template);
        return new StatefulSetStatusBuilder()
                .withObservedGeneration(generation(statefulSet.getMetadata().getGeneration()))
                .withReplicas(orNull(replicas))
                .withCurrentReplicas(orNull(replicas))
                .withUpdatedReplicas(orNull(replicas))
                .withReadyReplicas(failing ? null : orNull(replicas))
                .withAvailableReplicas(failing ? null : orNull(replicas))
                .withCurrentRevision(revision)
                .withUpdateRevision(revision)
                .withCollisionCount(
                        statefulSet.getStatus() == null
                                ? null
                                : statefulSet.getStatus().getCollisionCount())
                .build();
    }

    /**
     * Whether two Deployment statuses agree on everything but condition time stamps.
     *
     * @param current the stored status, or {@code null}
     * @param desired the computed status
     * @return whether writing {@code desired} would change nothing but times
     */
    public static boolean sameIgnoringTimes(@Nullable DeploymentStatus current, DeploymentStatus desired) {
        return current != null && withoutTimes(current).equals(withoutTimes(desired));
    }

    /**
     * The Kubernetes-style hash of a pod template, as used in ReplicaSet names and StatefulSet revisions: FNV-1a
     * (32 bit) of the template's JSON, encoded with Kubernetes' safe alphabet.
     *
     * @param template the pod template, or {@code null}
     * @return a short lower-case hash
     */
    public static String templateHash(@Nullable PodTemplateSpec template) {
        byte[] bytes = (template == null ? "" : Serialization.asJson(template)).getBytes(StandardCharsets.UTF_8);
        int hash = 0x811c9dc5;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        String decimal = Integer.toUnsignedString(hash);
        StringBuilder encoded = new StringBuilder(decimal.length());
        for (int i = 0; i < decimal.length(); i++) {
            encoded.append(SAFE_ALPHABET.charAt(decimal.charAt(i) % SAFE_ALPHABET.length()));
        }
        return encoded.toString();
    }

    private static DeploymentStatus withoutTimes(DeploymentStatus status) {
        List<DeploymentCondition> conditions = new ArrayList<>();
        for (DeploymentCondition condition :
                Objects.requireNonNullElse(status.getConditions(), List.<DeploymentCondition>of())) {
            conditions.add(new DeploymentConditionBuilder(condition)
                    .withLastTransitionTime(null)
                    .withLastUpdateTime(null)
                    .build());
        }
        return new DeploymentStatusBuilder(status).withConditions(conditions).build();
    }

    private static DeploymentCondition condition(
            List<DeploymentCondition> previous, String type, String status, String reason, String message, String now) {
        DeploymentCondition before = previous.stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
        boolean sameStatus = before != null && status.equals(before.getStatus());
        boolean unchanged = sameStatus && reason.equals(before.getReason()) && message.equals(before.getMessage());
        return new DeploymentConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(sameStatus ? before.getLastTransitionTime() : now)
                .withLastUpdateTime(unchanged ? before.getLastUpdateTime() : now)
                .build();
    }

    private static Stream<String> images(@Nullable PodTemplateSpec template) {
        if (template == null || template.getSpec() == null) {
            return Stream.empty();
        }
        PodSpec spec = template.getSpec();
        return Stream.concat(
                        Objects.requireNonNullElse(spec.getContainers(), List.<Container>of()).stream(),
                        Objects.requireNonNullElse(spec.getInitContainers(), List.<Container>of()).stream())
                .map(Container::getImage)
                .filter(Objects::nonNull);
    }

    // The API server defaults spec.replicas to 1; the CRUD mock does no defaulting, so the controller does it.
    private static int desiredReplicas(@Nullable Integer replicas) {
        return replicas == null ? 1 : replicas;
    }

    // The CRUD mock sets generation 1 on create and bumps it on spec changes; it is null only for objects that were
    // stored without going through a create, which the simulation never does.
    private static long generation(@Nullable Long generation) {
        return generation == null ? 1L : generation;
    }

    private static @Nullable Integer orNull(int count) {
        return count == 0 ? null : count;
    }
}
