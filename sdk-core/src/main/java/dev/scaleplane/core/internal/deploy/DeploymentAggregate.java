package dev.scaleplane.core.internal.deploy;

import dev.scaleplane.api.deployments.ClusterRollout;
import dev.scaleplane.api.deployments.ClusterRolloutState;
import dev.scaleplane.api.deployments.DeploymentPhase;
import dev.scaleplane.api.deployments.DeploymentRequest;
import dev.scaleplane.api.deployments.DeploymentStatus;
import dev.scaleplane.api.slo.FreezeFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A deployment rebuilt from its stream: {@link #apply} folds one recorded step into the state, and nothing else
 * changes it, so the state after a restart is exactly the state the stream records. Not thread-safe: one driver owns
 * it at a time.
 */
final class DeploymentAggregate {
    /** One cluster of the rollout. */
    static final class Cluster {
        final String name;
        int wave;
        ClusterRolloutState state = ClusterRolloutState.PENDING;

        @Nullable
        String previousVersion;

        @Nullable
        String previousDeployment;

        @Nullable
        String message;

        @Nullable
        Instant appliedAt;

        @Nullable
        Instant failedAt;
        /** How many times {@code cluster-applied} was recorded: one per deployment, or the stream is wrong. */
        int applied;

        Cluster(String name, int wave) {
            this.name = name;
            this.wave = wave;
        }

        boolean changed() {
            return state == ClusterRolloutState.APPLYING
                    || state == ClusterRolloutState.APPLIED
                    || state == ClusterRolloutState.READY
                    || state == ClusterRolloutState.FAILED;
        }
    }

    final String id;
    long version = -1;

    @Nullable
    DeploymentRequest request;

    List<Map<String, Object>> manifests = List.of();

    @Nullable
    Instant requestedAt;

    boolean admitted;
    boolean refused;
    boolean queued;

    @Nullable
    String ciRun;

    boolean ciDone;
    boolean ciFailed;
    boolean placed;
    final List<List<String>> waves = new ArrayList<>();
    final Map<String, Cluster> clusters = new LinkedHashMap<>();
    int wave = -1;
    final Set<Integer> wavesStarted = new TreeSet<>();
    final Map<Integer, Instant> wavesReady = new HashMap<>();
    final Set<Integer> wavesCompleted = new TreeSet<>();
    final Map<Integer, List<Map<String, Object>>> measurements = new HashMap<>();
    final Map<Integer, String> analyses = new HashMap<>();
    final Map<Integer, String> analysisMessages = new HashMap<>();
    boolean paused;
    boolean promoted;
    boolean abortRequested;
    boolean rollbackStarted;
    boolean rolledBack;
    boolean completed;
    boolean failed;

    @Nullable
    String reason;

    @Nullable
    String failedCluster;

    /** Side effects done after the outcome (notifications, index), so a resumed controller does not repeat them. */
    final Set<String> notified = new java.util.HashSet<>();

    @Nullable
    Instant startedAt;

    @Nullable
    Instant finishedAt;

    @Nullable
    Instant lastAt;

    DeploymentAggregate(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /** Folds one recorded step. Unknown kinds are kept in the stream and ignored here (a newer writer's steps). */
    @SuppressWarnings("unchecked")
    void apply(long streamVersion, String kind, Map<String, Object> data, Instant at) {
        version = streamVersion;
        lastAt = at;
        switch (kind) {
            case Steps.REQUESTED -> {
                request = decodeRequest((Map<String, Object>) data.get("request"));
                manifests = (List<Map<String, Object>>) data.get("manifests");
                requestedAt = at;
            }
            case Steps.REFUSED -> {
                refused = true;
                reason = text(data, "reason");
                finishedAt = at;
            }
            case Steps.ADMITTED -> admitted = true;
            case Steps.QUEUED -> queued = true;
            case Steps.CI_TRIGGERED -> ciRun = text(data, "run");
            case Steps.CI_COMPLETED -> {
                ciDone = true;
                ciFailed = !Boolean.TRUE.equals(data.get("ok"));
            }
            case Steps.PLACED -> {
                placed = true;
                waves.clear();
                int w = 0;
                for (Object wave : (List<Object>) data.get("waves")) {
                    List<String> names = new ArrayList<>((List<String>) wave);
                    waves.add(names);
                    for (String c : names) {
                        clusters.put(c, new Cluster(c, w));
                    }
                    w++;
                }
                wave = waves.isEmpty() ? -1 : 0;
            }
            case Steps.WAVE_STARTED -> {
                int w = number(data, "wave");
                wavesStarted.add(w);
                wave = w;
                if (startedAt == null) {
                    startedAt = at;
                }
            }
            case Steps.CLUSTER_APPLYING -> {
                Cluster c = cluster(data);
                c.state = ClusterRolloutState.APPLYING;
                c.previousVersion = text(data, "previousVersion");
                c.previousDeployment = text(data, "previousDeployment");
                c.appliedAt = at;
            }
            case Steps.CLUSTER_APPLIED -> {
                Cluster c = cluster(data);
                c.state = ClusterRolloutState.APPLIED;
                c.applied++;
                c.appliedAt = at;
            }
            case Steps.CLUSTER_READY -> {
                Cluster c = cluster(data);
                c.state = ClusterRolloutState.READY;
                c.message = null;
            }
            case Steps.CLUSTER_FAILED -> {
                Cluster c = cluster(data);
                c.state = ClusterRolloutState.FAILED;
                c.message = text(data, "reason");
                c.failedAt = at;
            }
            case Steps.CLUSTER_REPLACED -> {
                Cluster lost = cluster(data);
                lost.state = ClusterRolloutState.REPLACED;
                lost.message = text(data, "reason");
                String by = Objects.requireNonNull(text(data, "by"), "by");
                Cluster replacement = new Cluster(by, lost.wave);
                clusters.put(by, replacement);
                List<String> wave = waves.get(lost.wave);
                wave.add(by);
            }
            case Steps.WAVE_READY -> wavesReady.put(number(data, "wave"), at);
            case Steps.ANALYSIS_MEASUREMENT -> measurements
                    .computeIfAbsent(number(data, "wave"), w -> new ArrayList<>())
                    .add(data);
            case Steps.ANALYSIS_COMPLETED -> {
                analyses.put(number(data, "wave"), text(data, "phase"));
                analysisMessages.put(number(data, "wave"), String.valueOf(data.get("message")));
            }
            case Steps.WAVE_COMPLETED -> {
                int w = number(data, "wave");
                wavesCompleted.add(w);
                wave = w + 1 < waves.size() ? w + 1 : w;
            }
            case Steps.PAUSED -> {
                paused = true;
                reason = "paused by " + text(data, "actor") + reasonSuffix(data);
            }
            case Steps.RESUMED -> {
                paused = false;
                reason = "resumed by " + text(data, "actor");
            }
            case Steps.PROMOTED -> {
                promoted = true;
                reason = "promoted by " + text(data, "actor");
            }
            case Steps.ABORTED -> {
                abortRequested = true;
                paused = false;
                reason = "aborted by " + text(data, "actor") + reasonSuffix(data);
            }
            case Steps.ROLLBACK_STARTED -> {
                rollbackStarted = true;
                reason = text(data, "reason");
                failedCluster = text(data, "cluster");
            }
            case Steps.CLUSTER_ROLLED_BACK -> cluster(data).state = ClusterRolloutState.ROLLED_BACK;
            case Steps.ROLLED_BACK -> rolledBack = true;
            case Steps.COMPLETED -> {
                completed = true;
                finishedAt = at;
            }
            case Steps.FAILED -> {
                failed = true;
                reason = text(data, "reason");
                finishedAt = at;
            }
            case Steps.NOTIFIED -> notified.add(String.valueOf(data.get("channel")));
            default -> {
                // kinds a newer version may write: audit only
            }
        }
    }

    DeploymentPhase phase() {
        if (refused) {
            return DeploymentPhase.REFUSED;
        }
        if (failed) {
            return DeploymentPhase.FAILED;
        }
        if (completed) {
            return DeploymentPhase.COMPLETED;
        }
        if (rollbackStarted) {
            return DeploymentPhase.ROLLING_BACK;
        }
        if (paused) {
            return DeploymentPhase.PAUSED;
        }
        if (placed) {
            return DeploymentPhase.PROGRESSING;
        }
        if (ciRun != null && !ciDone) {
            return DeploymentPhase.BUILDING;
        }
        if (admitted) {
            return DeploymentPhase.QUEUED;
        }
        return DeploymentPhase.REQUESTED;
    }

    /** Whether the rollout holds a concurrency slot: it has started and not finished. */
    boolean started() {
        return ciRun != null || placed;
    }

    /** The clusters of a wave that still count (not replaced), in order. */
    List<Cluster> wave(int w) {
        List<Cluster> result = new ArrayList<>();
        for (String name : waves.get(w)) {
            Cluster c = clusters.get(name);
            if (c.state != ClusterRolloutState.REPLACED) {
                result.add(c);
            }
        }
        return result;
    }

    DeploymentStatus status() {
        DeploymentRequest r = Objects.requireNonNull(request, "request");
        List<ClusterRollout> rollouts = new ArrayList<>();
        for (Cluster c : clusters.values()) {
            rollouts.add(new ClusterRollout(c.name, c.wave, c.state, c.previousVersion, c.message));
        }
        return new DeploymentStatus(
                id,
                r.application(),
                r.version(),
                phase(),
                wave,
                waves.size(),
                rollouts,
                r.requestedBy(),
                Objects.requireNonNull(requestedAt, "requestedAt"),
                startedAt,
                finishedAt,
                reason);
    }

    static Map<String, Object> encodeRequest(DeploymentRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deploymentId", r.deploymentId());
        m.put("application", r.application());
        m.put("version", r.version());
        m.put("environment", r.environment());
        m.put("clusters", r.clusters());
        m.put("requestedBy", r.requestedBy());
        m.put("flag", r.flag().name());
        m.put("flaggedBy", r.flaggedBy());
        m.put("justification", r.justification());
        return m;
    }

    @SuppressWarnings("unchecked")
    static DeploymentRequest decodeRequest(Map<String, Object> m) {
        return new DeploymentRequest(
                (String) m.get("deploymentId"),
                (String) m.get("application"),
                (String) m.get("version"),
                (String) m.get("environment"),
                (List<String>) m.get("clusters"),
                (String) m.get("requestedBy"),
                FreezeFlag.valueOf((String) m.get("flag")),
                (String) m.get("flaggedBy"),
                (String) m.get("justification"));
    }

    private Cluster cluster(Map<String, Object> data) {
        String name = text(data, "cluster");
        Cluster c = clusters.get(name);
        if (c == null) {
            throw new IllegalStateException(
                    "deployment " + id + " records a step on cluster " + name + " that its placement does not hold");
        }
        return c;
    }

    static @Nullable String text(Map<String, Object> data, String key) {
        Object v = data.get(key);
        return v == null ? null : v.toString();
    }

    static int number(Map<String, Object> data, String key) {
        return ((Number) data.get(key)).intValue();
    }

    private static String reasonSuffix(Map<String, Object> data) {
        String r = text(data, "reason");
        return r == null || r.isBlank() ? "" : ": " + r;
    }
}
