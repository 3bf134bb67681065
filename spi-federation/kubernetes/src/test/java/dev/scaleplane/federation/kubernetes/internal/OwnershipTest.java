package dev.scaleplane.federation.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.federation.kubernetes.FleetHaConfig;
import dev.scaleplane.federation.kubernetes.FleetOwnership;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ownership among replicas in one JVM, on a simulated management cluster: hand-over when a replica joins, fencing
 * when a replica cannot reach the Leases (renewals fail by fault injection in that replica's HTTP client only), the
 * takeover that waits for the Lease record's expiry, and leadership.
 */
class OwnershipTest {
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final String NAMESPACE = "ha-test";

    /** One start or stop of work, as a replica's listener saw it. */
    record Event(String cluster, String replica, boolean start, Instant at) {}

    /** A replica: its ownership, its work log and a switch that cuts it off from the management cluster. */
    final class Replica {
        final String name;
        final AtomicBoolean cut = new AtomicBoolean();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final Ownership ownership;
        final Set<String> working = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Replica(String name) {
            this.name = name;
            FleetHaConfig config = FleetHaConfig.defaults()
                    .enable("mgmt", name)
                    .location("", NAMESPACE)
                    .timings(LEASE, DEADLINE, RENEW, RETRY);
            Ownership.Work work = new Ownership.Work() {
                @Override
                public Collection<String> clusters() {
                    return clusters;
                }

                @Override
                public void start(String cluster) {
                    assertThat(working.add(cluster)).isTrue();
                }

                @Override
                public void stop(String cluster) {
                    working.remove(cluster);
                }
            };
            ownership = new Ownership(config, client(cut), work, Clock.systemUTC(), meters, duties);
            ownership.addListener(new FleetOwnership.Listener() {
                @Override
                public void started(String cluster, Instant at) {
                    events.add(new Event(cluster, name, true, at));
                }

                @Override
                public void stopped(String cluster, Instant at, String why) {
                    events.add(new Event(cluster, name, false, at));
                }
            });
            replicas.add(this);
        }

        double renewFailures() {
            return meters.get("scaleplane.federation.ha.lease.renew.failures").counters().stream()
                    .mapToDouble(c -> c.count())
                    .sum();
        }
    }

    private SimulatedFleet fleet;
    private SimulatedCluster mgmt;
    private final List<String> clusters = new ArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Replica> replicas = new ArrayList<>();
    private final ExecutorService duties = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        fleet = SimulatedFleet.builder().cluster("mgmt").start();
        mgmt = fleet.cluster("mgmt");
        for (int i = 0; i < 24; i++) {
            clusters.add(String.format("c-%02d", i));
        }
    }

    @AfterEach
    void stop() {
        replicas.forEach(r -> r.ownership.close());
        duties.shutdownNow();
        fleet.close();
    }

    /** A client of the management cluster whose requests go to a closed port while {@code cut} is set. */
    private KubernetesClient client(AtomicBoolean cut) {
        return new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(mgmt.config())
                        .withRequestRetryBackoffLimit(0)
                        .withRequestTimeout(1000)
                        .withConnectionTimeout(500)
                        .build())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("cut", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        if (cut.get()) {
                            builder.uri(URI.create(
                                    "http://127.0.0.1:1" + request.uri().getRawPath()));
                        }
                    }
                }))
                .build();
    }

    private Lease claim(String cluster) {
        return mgmt.client()
                .leases()
                .inNamespace(NAMESPACE)
                .withName(Ownership.leaseName(cluster))
                .get();
    }

    /** No two replicas' work intervals on one cluster overlap; an open interval lasts until now. */
    private void assertNoOverlap() {
        Instant now = Instant.now();
        for (String cluster : clusters) {
            List<Instant[]> intervals = new ArrayList<>();
            List<String> owners = new ArrayList<>();
            Map<String, Instant> open = new java.util.HashMap<>();
            for (Event e : events) {
                if (!e.cluster().equals(cluster)) {
                    continue;
                }
                if (e.start()) {
                    assertThat(open.put(e.replica(), e.at()))
                            .as("%s started twice by %s", cluster, e.replica())
                            .isNull();
                } else {
                    Instant from = open.remove(e.replica());
                    assertThat(from)
                            .as("%s stopped by %s without a start", cluster, e.replica())
                            .isNotNull();
                    intervals.add(new Instant[] {from, e.at()});
                    owners.add(e.replica());
                }
            }
            open.forEach((r, from) -> {
                intervals.add(new Instant[] {from, now});
                owners.add(r);
            });
            for (int i = 0; i < intervals.size(); i++) {
                for (int j = i + 1; j < intervals.size(); j++) {
                    if (owners.get(i).equals(owners.get(j))) {
                        continue;
                    }
                    Instant[] a = intervals.get(i);
                    Instant[] b = intervals.get(j);
                    assertThat(a[1].isBefore(b[0]) || b[1].isBefore(a[0]))
                            .as(
                                    "%s worked by %s %s..%s and by %s %s..%s",
                                    cluster, owners.get(i), a[0], a[1], owners.get(j), b[0], b[1])
                            .isTrue();
                }
            }
        }
    }

    @Test
    void aJoiningReplicaGetsOnlyItsShareAndTheOldOwnerStopsFirst() {
        Replica a = new Replica("replica-a");
        a.ownership.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ownership.owned().size() == clusters.size());
        assertThat(a.ownership.leader()).isTrue();

        Replica b = new Replica("replica-b");
        b.ownership.start();
        List<String> both = List.of("replica-a", "replica-b");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (String c : clusters) {
                Replica want = Rendezvous.owner(c, both).equals("replica-a") ? a : b;
                if (!want.ownership.owns(c)) {
                    return false;
                }
            }
            return true;
        });
        assertThat(a.ownership.members()).containsExactlyElementsOf(both);
        Set<String> moved = new HashSet<>(b.ownership.owned());
        assertThat(moved).isNotEmpty().hasSizeLessThan(clusters.size());
        assertThat(a.working).doesNotContainAnyElementsOf(moved);
        Set<String> union = new HashSet<>(a.ownership.owned());
        union.addAll(moved);
        assertThat(union).containsExactlyInAnyOrderElementsOf(clusters);
        // Minimal movement: A started each of its clusters exactly once; only B's share moved.
        for (String c : clusters) {
            long startsByA = events.stream()
                    .filter(e -> e.cluster().equals(c) && e.replica().equals("replica-a") && e.start())
                    .count();
            assertThat(startsByA).as(c).isEqualTo(1);
        }
        // The Lease records agree, and a hand-over counts as a transition.
        Map<String, String> owners = b.ownership.owners();
        for (String c : clusters) {
            assertThat(owners.get(c)).isEqualTo(Rendezvous.owner(c, both));
            Lease l = claim(c);
            assertThat(l.getSpec().getLeaseTransitions()).isEqualTo(moved.contains(c) ? 1 : 0);
        }
        assertThat(a.ownership.leader() ^ b.ownership.leader()).isTrue();
        assertNoOverlap();
    }

    @Test
    void aReplicaCutOffStopsBeforeItsClaimsExpireAndTheOtherTakesOverOnlyAfterExpiry() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        a.ownership.start();
        b.ownership.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> a.ownership.owned().size() + b.ownership.owned().size() == clusters.size()
                        && a.ownership.members().size() == 2);
        Set<String> ofA = a.ownership.owned();
        assertThat(ofA).isNotEmpty();
        int eventsBefore = events.size();

        a.cut.set(true); // every request of A's client now fails to connect: renewals fail
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ownership.owned().isEmpty());
        assertThat(a.working).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> b.ownership.owned().size() == clusters.size());
        assertThat(a.renewFailures()).isPositive();

        List<Event> after = events.subList(eventsBefore, events.size());
        for (String c : ofA) {
            Event stop = after.stream()
                    .filter(e -> e.cluster().equals(c) && e.replica().equals("replica-a") && !e.start())
                    .findFirst()
                    .orElseThrow();
            Event start = after.stream()
                    .filter(e -> e.cluster().equals(c) && e.replica().equals("replica-b") && e.start())
                    .findFirst()
                    .orElseThrow();
            // A's last renewal is in B's record of the claim only through the time B took it: read it from the
            // lease history instead, which is A's renewTime that B overwrote; A wrote nothing since the cut.
            Lease now = claim(c);
            assertThat(now.getSpec().getHolderIdentity()).isEqualTo("replica-b");
            assertThat(stop.at()).as("A stopped %s before B started it", c).isBefore(start.at());
        }
        assertNoOverlap();

        a.cut.set(false); // A is back: it rejoins and gets its share again, handed over by B
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !a.ownership.owned().isEmpty()
                        && a.ownership.owned().size() + b.ownership.owned().size() == clusters.size());
        assertNoOverlap();
    }

    @Test
    void fencingStopsWorkAtTheRenewDeadlineBeforeTheLeaseRecordExpires() {
        Replica a = new Replica("replica-a");
        a.ownership.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ownership.owned().size() == clusters.size());
        assertThat(a.meters
                        .get("scaleplane.federation.ha.clusters.owned")
                        .gauge()
                        .value())
                .isEqualTo(clusters.size());
        // Work that is running when the fence comes is waited for: one action held open across the cut.
        AtomicInteger entered = new AtomicInteger();
        assertThat(a.ownership.enter("c-00")).isTrue();
        entered.incrementAndGet();
        duties.execute(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            a.ownership.exit("c-00");
        });
        a.cut.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> a.ownership.owned().isEmpty());
        assertThat(a.ownership.enter("c-01")).as("no new work once fenced").isFalse();
        assertThat(a.renewFailures()).isPositive();
        assertThat(a.meters
                        .get("scaleplane.federation.ha.ownership.changes")
                        .tag("change", "fenced")
                        .counter()
                        .count())
                .as("every cluster and the leadership fenced")
                .isEqualTo(clusters.size() + 1);
        assertThat(a.meters
                        .get("scaleplane.federation.ha.clusters.owned")
                        .gauge()
                        .value())
                .isZero();
        for (String c : clusters) {
            Lease l = claim(c); // A's last successful renewal: nobody wrote the claim since
            assertThat(l.getSpec().getHolderIdentity()).isEqualTo("replica-a");
            Instant expiry = Ownership.time(l.getSpec().getRenewTime())
                    .plusSeconds(l.getSpec().getLeaseDurationSeconds());
            Event stop = events.stream()
                    .filter(e -> e.cluster().equals(c) && !e.start())
                    .findFirst()
                    .orElseThrow();
            assertThat(stop.at()).as("%s stopped before its claim expired", c).isBefore(expiry);
        }
        assertThat(entered).hasValue(1);
    }

    @Test
    void leaderDutiesRunOnlyOnTheLeaderAndMoveWhenItLeaves() {
        Replica a = new Replica("replica-a");
        Replica b = new Replica("replica-b");
        List<String> ran = new CopyOnWriteArrayList<>();
        a.ownership.whileLeader("report", Duration.ofMillis(100), () -> ran.add("replica-a"));
        b.ownership.whileLeader("report", Duration.ofMillis(100), () -> ran.add("replica-b"));
        a.ownership.start();
        b.ownership.start();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> a.ownership.members().size() == 2 && (a.ownership.leader() ^ b.ownership.leader()));
        Replica leader = a.ownership.leader() ? a : b;
        Replica other = leader == a ? b : a;
        await().atMost(Duration.ofSeconds(20)).until(() -> ran.contains(leader.name));
        leader.ownership.close();
        replicas.remove(leader);
        await().atMost(Duration.ofSeconds(20)).until(() -> other.ownership.leader());
        int mark = ran.size();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ran.subList(mark, ran.size()).contains(other.name));
        assertThat(ran.subList(mark, ran.size())).containsOnly(other.name);
    }
}
