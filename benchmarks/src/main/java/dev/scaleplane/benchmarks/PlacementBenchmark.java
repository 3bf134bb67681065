package dev.scaleplane.benchmarks;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterHealth;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementPolicy;
import dev.scaleplane.api.federation.ReplicaDivision;
import dev.scaleplane.api.federation.SpreadConstraint;
import dev.scaleplane.api.federation.Taint;
import dev.scaleplane.api.federation.WhatIf;
import dev.scaleplane.core.federation.PlacementEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one placement decision ({@link PlacementEngine#decide}) over a synthetic fleet of {@link #clusters}
 * clusters, and of a failover simulation ({@link PlacementEngine#simulate} with one chosen cluster down, which also
 * copies the snapshot).
 *
 * <p>The policy is a realistic one: a selector with {@code in} and {@code notin}, residency EU, spread over at least 2
 * regions (at most 3), the best 3 clusters, 30 replicas divided by available capacity, 500m / 1 GiB / 1 pod per
 * replica. The fleet spreads over six regions (four in the EU, one UK, one US) with three zones each, three tiers and
 * three environments; about 5% of the clusters are NotReady (with the automatic taint), 10% carry a
 * {@code NO_SCHEDULE} taint and 10% a {@code PREFER_NO_SCHEDULE} one, and capacities and use vary. The fleet is
 * generated from a fixed seed, so every run decides on the same inputs; {@link #setUp()} checks that the decision is
 * satisfied, so the benchmark measures a full decision, not an early failure.
 *
 * <p>No peer is measured: the comparable engine, Karmada's scheduler, is Go code inside a control plane (an API
 * server round trip per decision), so no same-process comparison is honest here. The figures are absolute.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PlacementBenchmark {

    private static final Instant AT = Instant.parse("2025-03-14T12:00:00Z");
    private static final String[] REGIONS = {"ams", "par", "waw", "fra", "lon", "nyc"};
    private static final String[] RESIDENCY = {"EU", "EU", "EU", "EU", "UK", "US"};
    private static final String[] TIERS = {"web", "api", "batch"};
    private static final String[] ENVS = {"prod", "staging", "dev"};

    /** Clusters in the fleet. */
    @Param({"10", "100", "1000", "10000"})
    public int clusters;

    private FleetSnapshot fleet;
    private PlacementPolicy policy;
    private WhatIf firstChosenDown;

    /** Builds the fleet and the policy, and checks that the policy is met on it. */
    @Setup(Level.Trial)
    public void setUp() {
        fleet = fleet(clusters);
        policy = PlacementPolicy.builder()
                .selector("tier in (web,api),env notin (dev)")
                .residency("EU")
                .spread(SpreadConstraint.regions(2, 3))
                .pick(3)
                .replicas(30)
                .division(ReplicaDivision.dynamicByCapacity())
                .resourcesPerReplica(Capacity.of("500m", "1Gi", 1))
                .build();
        PlacementDecision d = PlacementEngine.decide(policy, fleet);
        if (!d.satisfied() || d.chosen().size() != 3) {
            throw new IllegalStateException("the benchmark policy should be met on the fleet:\n" + d.explain());
        }
        firstChosenDown = WhatIf.builder().clusterDown(d.chosenNames().get(0)).build();
        if (!PlacementEngine.simulate(policy, fleet, firstChosenDown).satisfied()) {
            throw new IllegalStateException("the failover simulation should be met on the fleet");
        }
    }

    /** One decision. */
    @Benchmark
    public PlacementDecision decide() {
        return PlacementEngine.decide(policy, fleet);
    }

    /** One failover simulation: the snapshot copied with a chosen cluster down, then a decision. */
    @Benchmark
    public PlacementDecision simulateClusterDown() {
        return PlacementEngine.simulate(policy, fleet, firstChosenDown);
    }

    /** A fleet of {@code n} clusters, the same for the same {@code n}. */
    static FleetSnapshot fleet(int n) {
        Random random = new Random(42);
        List<ClusterState> states = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int r = i % REGIONS.length;
            String name = REGIONS[r] + "-" + i;
            ClusterSpec.Builder spec = ClusterSpec.builder(name)
                    .region(REGIONS[r])
                    .zone(REGIONS[r] + "-" + (char) ('a' + (i / REGIONS.length) % 3))
                    .residency(RESIDENCY[r])
                    .label("tier", TIERS[(i / REGIONS.length) % TIERS.length])
                    .label("env", ENVS[(i / (REGIONS.length * TIERS.length)) % ENVS.length])
                    .label("team", "team-" + (i % 17))
                    .credentials(ClusterCredentials.kubeconfigContext(name));
            List<Taint> taints = new ArrayList<>(2);
            if (i % 10 == 3) {
                taints.add(new Taint("dedicated", "gpu", Taint.Effect.NO_SCHEDULE));
            } else if (i % 10 == 5) {
                taints.add(Taint.of("spot", Taint.Effect.PREFER_NO_SCHEDULE));
            }
            ClusterHealth health = ClusterHealth.READY;
            if (i % 20 == 7) {
                health = ClusterHealth.NOT_READY;
                taints.add(Taint.of(Taint.NOT_READY, Taint.Effect.NO_SCHEDULE));
            }
            long cores = 16 + random.nextInt(113);
            Capacity capacity = new Capacity(cores * 1000, cores * 4L << 30, 110 * (cores / 8));
            double used = random.nextDouble() * 0.9;
            Capacity available = new Capacity(
                    (long) (capacity.cpuMillis() * (1 - used)), (long) (capacity.memoryBytes() * (1 - used)), (long)
                            (capacity.pods() * (1 - used)));
            states.add(new ClusterState(
                    spec.build(), health, AT.minusSeconds(random.nextInt(86_400)), taints, capacity, available));
        }
        return new FleetSnapshot(AT, states);
    }
}
