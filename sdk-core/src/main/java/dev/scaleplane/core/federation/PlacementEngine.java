package dev.scaleplane.core.federation;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.ClusterVerdict;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.LabelSelector;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaBounds;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.Toleration;
import dev.scaleplane.api.federation.WhatIf;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Placement as a pure function: {@link #decide(PlacementPolicy, FleetSnapshot)} turns a policy and a fleet snapshot
 * into a {@link PlacementDecision} that explains every cluster, and {@link #simulate(PlacementPolicy, FleetSnapshot,
 * WhatIf)} runs the same engine on a snapshot changed by {@link #apply(FleetSnapshot, WhatIf)}. No clock, randomness,
 * hash order or other state is read, so equal inputs give equal decisions on any JVM and a decision can be replayed
 * from its inputs.
 *
 * <h2>Filters</h2>
 *
 * Each cluster is checked in this order; every check adds one reason to its verdict, and a cluster that fails one is
 * still checked against the rest, so its verdict lists every reason:
 *
 * <ol>
 *   <li>cluster names: {@code in clusters ok} / {@code not in clusters [a, b]};
 *   <li>label selector: {@code selector ok} / {@code selector: tier in (web) not met (labels {env=prod})}, the first
 *       requirement not met and the labels sorted by key;
 *   <li>regions: {@code region eu-west ok} / {@code region us-east not in [eu-west]};
 *   <li>zones, the same way ({@code zone none} for a cluster without a zone);
 *   <li>residency, hard: {@code residency EU ok} / {@code residency US, policy needs EU} ({@code residency none} when
 *       the cluster has none). Nothing relaxes it, failover and what-ifs included: with no cluster left in the
 *       residency the decision fails;
 *   <li>health: a READY cluster adds nothing; otherwise {@code NotReady since 10:42:03Z} or {@code Unknown since ...}
 *       rejects, unless a toleration matches the automatic {@code NO_SCHEDULE} taint of that health
 *       ({@link Taint#NOT_READY} or {@link Taint#UNREACHABLE}), which adds the same text and {@code tolerated}. The
 *       instant is the UTC time of day when it falls on the snapshot's UTC day, else the whole ISO instant, so an
 *       outage that began on another day never reads like one that began today;
 *   <li>taints of {@link ClusterState#taints()}: a {@code NO_SCHEDULE} or {@code NO_EXECUTE} taint that no toleration
 *       matches rejects ({@code taint k=v:NO_SCHEDULE not tolerated}). A matched {@code NO_EXECUTE} taint is
 *       tolerated for the smallest {@code tolerationSeconds} of the tolerations that match it, and for ever only when
 *       none of them sets one (as the Kubernetes taint manager does). Taint start times are not recorded, so the
 *       window starts at the cluster's {@link ClusterState#healthSince()}, which is when the health component adds
 *       its automatic taints: tolerated while {@code healthSince + tolerationSeconds} is after the snapshot's instant,
 *       rejected once it is not ({@code ... toleration of 300s expired}). An untolerated {@code PREFER_NO_SCHEDULE}
 *       taint only costs score. The automatic taints of an unhealthy cluster are covered by the health reason and not
 *       listed again;
 *   <li>capacity, only when the policy has {@linkplain PlacementPolicy#resourcesPerReplica() resources per replica}
 *       and {@code replicas > 0}: {@code fits = available.fits(perReplica)}. Duplicated placement needs
 *       {@code fits >=} the replicas clamped to the cluster's bounds, divided placement
 *       {@code fits >= max(1, bounds.min)}: {@code capacity fits 2 < 5 replicas}.
 * </ol>
 *
 * <h2>Scoring and rank</h2>
 *
 * A feasible cluster's score is the sum of its parts:
 *
 * <ul>
 *   <li>{@code capacity}: 100 times the share of its capacity still available after this placement's share, for the
 *       most constrained resource ({@code min over cpu, memory, pods with capacity > 0 of (available - share) /
 *       capacity}, within 0..1). The share is what the capacity filter asked of it (the clamped replicas when
 *       duplicated, {@code max(1, min)} when divided) times the resources per replica, nothing without them. A cluster
 *       whose capacity is zero or unknown scores {@value #UNKNOWN_CAPACITY_SCORE};
 *   <li>{@code prefer-no-schedule}: {@value #PREFER_NO_SCHEDULE_PENALTY} per untolerated {@code PREFER_NO_SCHEDULE}
 *       taint;
 *   <li>{@code weight}, with {@linkplain ReplicaDivision#staticWeights(Map) static weights} only: the cluster's weight
 *       (0 without one), a preference that decides between clusters of similar capacity. Keep the candidate set to
 *       the weighted clusters (names or a selector) when you pick N, or a weight-0 cluster may be picked and then
 *       dropped with no replica.
 * </ul>
 *
 * Rank is by score, higher first, then by cluster name ascending: a total, stable order, so ties never depend on the
 * input order.
 *
 * <h2>Choice</h2>
 *
 * The limit is {@link PlacementPolicy#pick()} (every feasible cluster for 0; fewer feasible clusters than
 * {@code pick} are all chosen, which is not a failure). Spread minimums come first, constraint by constraint: the best
 * cluster of each region (or zone) not yet covered, regions in the order of their best cluster's rank, until
 * {@code min} distinct values are covered. Then clusters are taken by rank up to the limit, skipping any that would
 * add a region or zone beyond a constraint's {@code max}. A cluster without a zone counts for no zone. A minimum that
 * cannot be reached fails the decision, naming the constraint and the distinct values available. A feasible cluster
 * that is not chosen says why ({@code not chosen: rank 4 of 9 feasible, pick 3}, {@code not chosen: spread REGION max
 * 2 reached}).
 *
 * <h2>Replicas</h2>
 *
 * When {@code replicas > 0}: {@linkplain ReplicaDivision#duplicated() duplicated} gives each chosen cluster
 * {@code replicas} clamped to its bounds. Static weights and dynamic division (weight = the replicas the cluster's
 * available capacity fits) first give every chosen cluster its {@code min}, then divide the rest in proportion to the
 * weights, never giving a cluster more than its {@code max} or, with resources per replica, more than it fits; what a
 * capped cluster cannot take is divided among the others by their weights (water-filling). Whole replicas follow the
 * largest-remainder method, remainders tied by cluster name. Clusters of weight 0 get only their {@code min}. The
 * decision fails when the minimums exceed the replicas, or when fewer replicas fit than requested (the failure says
 * how many fit).
 *
 * <p>As in Karmada, a chosen cluster left with 0 replicas is dropped from the result: it is rejected with
 * {@code 0 replicas after division} (the pick is not refilled, since the division already gave its share to the
 * others). If that leaves a spread minimum unmet, the decision fails.
 *
 * <h2>Failures</h2>
 *
 * A failed decision ({@link PlacementDecision#failure()} set) chooses no cluster, so nothing partial is applied by
 * accident; feasible clusters keep their score and add {@code not chosen: placement failed}. With no feasible cluster
 * the failure is {@code no cluster fits: N rejected}.
 *
 * <p>Stateless and thread-safe. Cost: one pass over the clusters, then a sort of the feasible ones; about
 * {@code O(n log n)} for {@code n} clusters.
 */
public final class PlacementEngine {

    /** Score of the {@code capacity} part for a cluster whose capacity is zero or unknown. */
    public static final double UNKNOWN_CAPACITY_SCORE = 50;

    /** Score part per untolerated {@code PREFER_NO_SCHEDULE} taint. */
    public static final double PREFER_NO_SCHEDULE_PENALTY = -50;

    /**
     * How long ago {@link WhatIf.ClusterDown} makes a cluster unreachable: long enough that any realistic
     * {@code NO_EXECUTE} toleration has expired.
     */
    static final Duration DOWN_FOR = Duration.ofDays(365);

    /** Rank: score descending, then name ascending. */
    static final Comparator<Candidate> RANK = (a, b) -> {
        int c = Double.compare(b.score, a.score);
        return c != 0 ? c : a.name.compareTo(b.name);
    };

    /** The automatic taints the health check looks up, built once: building a taint validates its key by regex. */
    private static final Taint NOT_READY_NO_SCHEDULE = Taint.of(Taint.NOT_READY, Taint.Effect.NO_SCHEDULE);

    private static final Taint UNREACHABLE_NO_SCHEDULE = Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE);

    private static final DateTimeFormatter TIME_OF_DAY =
            DateTimeFormatter.ofPattern("HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final long SECONDS_PER_DAY = 86_400;

    private PlacementEngine() {}

    /**
     * Decides where {@code policy} places, on {@code snapshot}: a verdict for every cluster of the snapshot (by name),
     * the chosen clusters with their replicas, or the failure. Pure and deterministic: equal arguments give equal
     * decisions, whatever the order the snapshot was built from.
     *
     * @param policy the placement policy
     * @param snapshot the fleet
     * @return the decision, never null; {@link PlacementDecision#satisfied()} is false when the policy cannot be met
     * @throws NullPointerException if an argument is null
     */
    public static PlacementDecision decide(PlacementPolicy policy, FleetSnapshot snapshot) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(snapshot, "snapshot");
        List<ClusterState> clusters = snapshot.clusters();
        int n = clusters.size();
        Filters filters = new Filters(policy, snapshot.at());
        List<Candidate> all = new ArrayList<>(n);
        List<Candidate> ranked = new ArrayList<>(n);
        for (ClusterState state : clusters) {
            Candidate c = filters.evaluate(state);
            all.add(c);
            if (c.feasible) {
                ranked.add(c);
            }
        }
        String failure;
        if (ranked.isEmpty()) {
            failure = n == 0 ? "no cluster fits: the snapshot has no clusters" : "no cluster fits: " + n + " rejected";
        } else {
            ranked.sort(RANK);
            failure = ClusterChooser.choose(policy, ranked);
            if (failure == null && policy.replicas() > 0) {
                failure = divide(policy, all);
            }
        }
        List<ClusterVerdict> verdicts = new ArrayList<>(n);
        for (Candidate c : all) {
            if (failure != null && c.feasible && !c.explained) {
                c.chosen = false;
                c.reasons.add("not chosen: placement failed");
            }
            verdicts.add(c.verdict());
        }
        return new PlacementDecision(policy, snapshot.at(), verdicts, failure);
    }

    /** Divides the replicas among the chosen candidates and drops those left with none. */
    private static @Nullable String divide(PlacementPolicy policy, List<Candidate> all) {
        List<Candidate> chosen = new ArrayList<>();
        for (Candidate c : all) {
            if (c.chosen) {
                chosen.add(c);
            }
        }
        String failure = ReplicaDivider.divide(policy, chosen);
        if (failure != null) {
            return failure;
        }
        List<Candidate> kept = new ArrayList<>(chosen.size());
        List<String> dropped = new ArrayList<>();
        for (Candidate c : chosen) {
            if (c.replicas == 0) {
                c.chosen = false;
                c.explained = true;
                c.reasons.add("0 replicas after division");
                dropped.add(c.name);
            } else {
                kept.add(c);
            }
        }
        if (kept.isEmpty()) {
            return "replicas do not fit: every chosen cluster " + dropped + " got 0 replicas";
        }
        return dropped.isEmpty() ? null : ClusterChooser.minimumsAfterDivision(policy, kept, dropped);
    }

    /**
     * Applies hypothetical changes, in order, to a copy of {@code snapshot}; the snapshot itself is not changed. A
     * later change sees the earlier ones (a cluster added, then taken down).
     *
     * <ul>
     *   <li>{@link WhatIf.ClusterDown}: health {@link ClusterHealth#UNKNOWN} since a year before the snapshot's instant
     *       (so a {@code NO_EXECUTE} toleration shorter than that has expired), the automatic health taints replaced
     *       by {@link Taint#UNREACHABLE} with {@code NO_SCHEDULE} and with {@code NO_EXECUTE};
     *   <li>{@link WhatIf.ClusterRemoved}: the cluster leaves the snapshot;
     *   <li>{@link WhatIf.LabelChanged}: the label is set, or removed for a null value;
     *   <li>{@link WhatIf.CapacityChanged}: capacity and available capacity both become the new capacity;
     *   <li>{@link WhatIf.ClusterAdded}: a READY cluster (since the snapshot's instant), its registered taints, all its
     *       capacity available.
     * </ul>
     *
     * @param snapshot the fleet as it is
     * @param whatIf the changes
     * @return the changed copy, at the same instant
     * @throws IllegalArgumentException if a change names a cluster that is not in the snapshot (the message names it
     *     and the known clusters), if an added cluster is already there, or if a label change is not a valid label
     * @throws NullPointerException if an argument is null
     */
    public static FleetSnapshot apply(FleetSnapshot snapshot, WhatIf whatIf) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(whatIf, "whatIf");
        if (whatIf.changes().isEmpty()) {
            return snapshot;
        }
        Map<String, ClusterState> fleet =
                new LinkedHashMap<>(snapshot.clusters().size() * 2);
        for (ClusterState c : snapshot.clusters()) {
            fleet.put(c.name(), c);
        }
        Instant at = snapshot.at();
        for (WhatIf.Change change : whatIf.changes()) {
            Objects.requireNonNull(change, "change");
            if (change instanceof WhatIf.ClusterAdded added) {
                if (fleet.containsKey(added.cluster())) {
                    throw new IllegalArgumentException("what-if " + change + " adds cluster '" + added.cluster()
                            + "', which is already in the snapshot");
                }
                fleet.put(
                        added.cluster(),
                        new ClusterState(
                                added.spec(),
                                ClusterHealth.READY,
                                at,
                                added.spec().taints(),
                                added.capacity(),
                                added.capacity()));
                continue;
            }
            ClusterState c = fleet.get(change.cluster());
            if (c == null) {
                throw new IllegalArgumentException("what-if " + change + " names unknown cluster '" + change.cluster()
                        + "'; known clusters: " + knownNames(fleet));
            }
            if (change instanceof WhatIf.ClusterRemoved) {
                fleet.remove(c.name());
            } else if (change instanceof WhatIf.ClusterDown) {
                List<Taint> taints = new ArrayList<>(c.taints().size() + 2);
                for (Taint t : c.taints()) {
                    if (!t.key().equals(Taint.NOT_READY) && !t.key().equals(Taint.UNREACHABLE)) {
                        taints.add(t);
                    }
                }
                taints.add(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_SCHEDULE));
                taints.add(Taint.of(Taint.UNREACHABLE, Taint.Effect.NO_EXECUTE));
                fleet.put(
                        c.name(),
                        new ClusterState(
                                c.spec(),
                                ClusterHealth.UNKNOWN,
                                at.minus(DOWN_FOR),
                                taints,
                                c.capacity(),
                                c.available()));
            } else if (change instanceof WhatIf.LabelChanged label) {
                Map<String, String> labels = new HashMap<>(c.spec().labels());
                if (label.value() == null) {
                    labels.remove(label.key());
                } else {
                    labels.put(label.key(), label.value());
                }
                ClusterSpec spec = c.spec().toBuilder().labels(labels).build();
                fleet.put(
                        c.name(),
                        new ClusterState(spec, c.health(), c.healthSince(), c.taints(), c.capacity(), c.available()));
            } else if (change instanceof WhatIf.CapacityChanged capacity) {
                fleet.put(
                        c.name(),
                        new ClusterState(
                                c.spec(),
                                c.health(),
                                c.healthSince(),
                                c.taints(),
                                capacity.capacity(),
                                capacity.capacity()));
            } else {
                throw new IllegalArgumentException("unsupported what-if change " + change);
            }
        }
        return new FleetSnapshot(at, new ArrayList<>(fleet.values()));
    }

    /**
     * {@code decide(policy, apply(snapshot, whatIf))}: where the policy would place if the changes happened.
     *
     * @param policy the placement policy
     * @param snapshot the fleet as it is
     * @param whatIf the hypothetical changes
     * @return the decision on the changed fleet
     * @throws IllegalArgumentException as {@link #apply(FleetSnapshot, WhatIf)}
     * @throws NullPointerException if an argument is null
     */
    public static PlacementDecision simulate(PlacementPolicy policy, FleetSnapshot snapshot, WhatIf whatIf) {
        return decide(policy, apply(snapshot, whatIf));
    }

    /** The known names for an error message: every one in a small fleet, the first 50 and a count in a large one. */
    private static String knownNames(Map<String, ClusterState> fleet) {
        StringBuilder sb = new StringBuilder("[");
        int i = 0;
        for (String name : new TreeSet<>(fleet.keySet())) {
            if (i > 0) {
                sb.append(", ");
            }
            if (i == 50) {
                return sb.append("... (")
                        .append(fleet.size())
                        .append(" in all)]")
                        .toString();
            }
            sb.append(name);
            i++;
        }
        return sb.append(']').toString();
    }

    /**
     * The time of day of {@code t} in UTC ({@code 10:42:03Z}) when it falls on the UTC day of {@code at}, else the
     * ISO instant to the second, so an old outage does not read like one from today.
     */
    static String since(Instant t, Instant at) {
        if (Math.floorDiv(t.getEpochSecond(), SECONDS_PER_DAY) == Math.floorDiv(at.getEpochSecond(), SECONDS_PER_DAY)) {
            return TIME_OF_DAY.format(t);
        }
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * The filters and scoring of one decision, with what can be computed once per policy (reason texts, the
     * tolerations as an array) computed once, so the per-cluster path allocates little beyond its reasons.
     */
    private static final class Filters {
        private final PlacementPolicy policy;
        private final Instant at;
        private final Set<String> names;
        private final @Nullable String notInClusters;
        private final LabelSelector selector;
        private final boolean selecting;
        private final Set<String> regions;
        private final String regionList;
        private final Set<String> zones;
        private final String zoneList;
        private final String residency;
        private final String residencyOk;
        private final String residencyNeeded;
        private final Toleration[] tolerations;
        private final @Nullable Capacity perReplica;
        private final boolean duplicated;
        private final boolean staticWeights;
        private final boolean dynamic;
        private final Map<String, Integer> weights;
        /** "region x ok" and "zone x ok" texts by value, built once per value: fleets have few regions and zones. */
        private final Map<String, String> regionOk = new HashMap<>();

        private final Map<String, String> zoneOk = new HashMap<>();

        Filters(PlacementPolicy policy, Instant at) {
            this.policy = policy;
            this.at = at;
            names = policy.clusterNames();
            notInClusters = names.isEmpty() ? null : "not in clusters " + new TreeSet<>(names);
            selector = policy.selector();
            selecting = !selector.requirements().isEmpty();
            regions = policy.regions();
            regionList = new TreeSet<>(regions).toString();
            zones = policy.zones();
            zoneList = new TreeSet<>(zones).toString();
            residency = policy.residency();
            residencyOk = "residency " + residency + " ok";
            residencyNeeded = ", policy needs " + residency;
            tolerations = policy.tolerations().toArray(new Toleration[0]);
            perReplica = policy.replicas() > 0 ? policy.resourcesPerReplica().orElse(null) : null;
            ReplicaDivision.Kind kind = policy.division().kind();
            duplicated = kind == ReplicaDivision.Kind.DUPLICATED;
            staticWeights = kind == ReplicaDivision.Kind.STATIC_WEIGHTS;
            dynamic = kind == ReplicaDivision.Kind.DYNAMIC_CAPACITY;
            weights = policy.division().weights();
        }

        Candidate evaluate(ClusterState state) {
            ClusterSpec spec = state.spec();
            String name = spec.name();
            Candidate c = new Candidate(state, policy.boundsFor(name));
            List<String> reasons = c.reasons;
            boolean ok = true;

            if (notInClusters != null) {
                if (names.contains(name)) {
                    reasons.add("in clusters ok");
                } else {
                    reasons.add(notInClusters);
                    ok = false;
                }
            }
            if (selecting) {
                LabelSelector.Requirement unmet = selector.firstUnmet(spec.labels());
                if (unmet == null) {
                    reasons.add("selector ok");
                } else {
                    reasons.add("selector: " + unmet + " not met (labels " + new TreeMap<>(spec.labels()) + ")");
                    ok = false;
                }
            }
            if (!regions.isEmpty()) {
                ok &= within("region", spec.region(), regions, regionList, regionOk, reasons);
            }
            if (!zones.isEmpty()) {
                ok &= within("zone", spec.zone(), zones, zoneList, zoneOk, reasons);
            }
            if (!residency.isEmpty()) {
                if (residency.equals(spec.residency())) {
                    reasons.add(residencyOk);
                } else {
                    String has = spec.residency().isEmpty() ? "none" : spec.residency();
                    reasons.add("residency " + has + residencyNeeded);
                    ok = false;
                }
            }

            // Health, then taints; the automatic taints of an unhealthy cluster are explained by its health.
            String healthKey = "";
            boolean healthRejected = false;
            if (state.health() != ClusterHealth.READY) {
                boolean notReady = state.health() == ClusterHealth.NOT_READY;
                healthKey = notReady ? Taint.NOT_READY : Taint.UNREACHABLE;
                String text = (notReady ? "NotReady since " : "Unknown since ") + since(state.healthSince(), at);
                if (tolerates(notReady ? NOT_READY_NO_SCHEDULE : UNREACHABLE_NO_SCHEDULE)) {
                    reasons.add(text + " tolerated");
                } else {
                    reasons.add(text);
                    ok = false;
                    healthRejected = true;
                }
            }
            int preferNoSchedule = 0;
            for (Taint t : state.taints()) {
                if (t.key().equals(healthKey) && (t.effect() != Taint.Effect.NO_EXECUTE || healthRejected)) {
                    continue;
                }
                switch (t.effect()) {
                    case PREFER_NO_SCHEDULE -> {
                        if (tolerates(t)) {
                            reasons.add("taint " + t + " tolerated");
                        } else {
                            reasons.add("taint " + t + " not tolerated, score " + (int) PREFER_NO_SCHEDULE_PENALTY);
                            preferNoSchedule++;
                        }
                    }
                    case NO_SCHEDULE -> {
                        if (tolerates(t)) {
                            reasons.add("taint " + t + " tolerated");
                        } else {
                            reasons.add("taint " + t + " not tolerated");
                            ok = false;
                        }
                    }
                    case NO_EXECUTE -> ok &= noExecute(t, state, reasons);
                }
            }

            long needed = 0;
            if (perReplica != null) {
                long fits = state.available().fits(perReplica);
                c.fits = fits;
                ReplicaBounds b = c.bounds;
                needed = duplicated ? ReplicaDivider.clamp(policy.replicas(), b) : Math.max(1, b.min());
                if (fits == Long.MAX_VALUE) {
                    // The policy's per-replica resources request nothing.
                    reasons.add("capacity fits any number of replicas");
                } else if (fits < needed) {
                    reasons.add("capacity fits " + fits + " < " + needed + replicasWord(needed));
                    ok = false;
                } else if (duplicated) {
                    reasons.add("capacity fits " + fits + " >= " + needed + replicasWord(needed));
                } else {
                    reasons.add("capacity fits " + fits + replicasWord(fits));
                }
            }

            c.feasible = ok;
            if (ok) {
                double capacity = capacityScore(state, needed);
                c.scoreParts.add(new ClusterVerdict.ScorePart("capacity", capacity));
                double score = capacity;
                if (preferNoSchedule > 0) {
                    double penalty = PREFER_NO_SCHEDULE_PENALTY * preferNoSchedule;
                    c.scoreParts.add(new ClusterVerdict.ScorePart("prefer-no-schedule", penalty));
                    score += penalty;
                }
                if (staticWeights) {
                    int w = weights.getOrDefault(name, 0);
                    c.scoreParts.add(new ClusterVerdict.ScorePart("weight", w));
                    score += w;
                    c.weight = w;
                } else if (dynamic) {
                    c.weight = Math.min(c.fits, Integer.MAX_VALUE);
                }
                c.score = score;
            }
            return c;
        }

        private static boolean within(
                String what,
                String value,
                Set<String> allowed,
                String list,
                Map<String, String> okTexts,
                List<String> reasons) {
            if (allowed.contains(value)) {
                reasons.add(okTexts.computeIfAbsent(value, v -> what + " " + v + " ok"));
                return true;
            }
            reasons.add(what + " " + (value.isEmpty() ? "none" : value) + " not in " + list);
            return false;
        }

        private boolean tolerates(Taint t) {
            for (Toleration tol : tolerations) {
                if (tol.matches(t)) {
                    return true;
                }
            }
            return false;
        }

        /** The NO_EXECUTE check: matched, and within the shortest toleration window of the matching tolerations. */
        private boolean noExecute(Taint t, ClusterState state, List<String> reasons) {
            boolean matched = false;
            @Nullable Duration window = null;
            for (Toleration tol : tolerations) {
                if (tol.matches(t)) {
                    matched = true;
                    Duration d = tol.tolerationSeconds();
                    if (d != null && (window == null || d.compareTo(window) < 0)) {
                        window = d;
                    }
                }
            }
            if (!matched) {
                reasons.add("taint " + t + " not tolerated");
                return false;
            }
            if (window == null) {
                reasons.add("taint " + t + " tolerated");
                return true;
            }
            // healthSince + window after at, written without the addition, which could overflow Instant.
            String from = since(state.healthSince(), at);
            if (window.compareTo(Duration.between(state.healthSince(), at)) > 0) {
                reasons.add("taint " + t + " tolerated for " + window.getSeconds() + "s since " + from);
                return true;
            }
            reasons.add("taint " + t + " toleration of " + window.getSeconds() + "s expired (since " + from + ")");
            return false;
        }

        /** 100 x the share of the most constrained resource left after {@code replicas} of this placement. */
        private double capacityScore(ClusterState state, long replicas) {
            Capacity cap = state.capacity();
            Capacity free = state.available();
            @Nullable Capacity per = perReplica;
            double least = Double.MAX_VALUE;
            if (cap.cpuMillis() > 0) {
                least = Math.min(
                        least, left(free.cpuMillis(), per == null ? 0 : per.cpuMillis(), replicas, cap.cpuMillis()));
            }
            if (cap.memoryBytes() > 0) {
                least = Math.min(
                        least,
                        left(free.memoryBytes(), per == null ? 0 : per.memoryBytes(), replicas, cap.memoryBytes()));
            }
            if (cap.pods() > 0) {
                least = Math.min(least, left(free.pods(), per == null ? 0 : per.pods(), replicas, cap.pods()));
            }
            return least == Double.MAX_VALUE ? UNKNOWN_CAPACITY_SCORE : 100 * least;
        }

        private static double left(long available, long perReplica, long replicas, long capacity) {
            // In doubles: a score needs no exactness, and the product could exceed a long.
            double rest = available - (double) perReplica * replicas;
            return Math.max(0, Math.min(1, rest / capacity));
        }

        private static String replicasWord(long n) {
            return n == 1 ? " replica" : " replicas";
        }
    }
}
