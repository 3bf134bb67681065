package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.federation.kubernetes.internal.Ownership;
import dev.scaleplane.federation.kubernetes.internal.Rendezvous;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three replicas (child JVMs) share 60 simulated clusters through Leases on a simulated management cluster; one is
 * killed with SIGKILL. From the replicas' action logs and from every version of the claim Leases (watched by this
 * JVM) it checks that no cluster was ever worked by two replicas at once, that a claim changed holder only when
 * released or expired by its own record, and that the dead replica's clusters were owned again within
 * lease-duration + renew-period of the kill. The measured takeover time is printed.
 */
class HaKillTest {
    private static final int CLUSTERS = 60;
    private static final List<String> REPLICAS = List.of("replica-0", "replica-1", "replica-2");
    private static final String VICTIM = "replica-1";
    private static final Duration LEASE =
            Duration.parse("PT" + HaReplicaProcess.TIMINGS.get(FleetHaConfig.LEASE_DURATION));
    private static final Duration RENEW =
            Duration.parse("PT" + HaReplicaProcess.TIMINGS.get(FleetHaConfig.RENEW_PERIOD));

    @TempDir
    Path dir;

    private SimulatedFleet sim;
    private final Map<String, Process> children = new LinkedHashMap<>();

    /** One version of a claim Lease as the watch delivered it. */
    record Version(String lease, String holder, Instant renew, Instant acquire, int seconds, int transitions) {}

    static String cluster(int i) {
        return String.format("c-%02d", i);
    }

    @AfterEach
    void stop() {
        children.values().forEach(Process::destroyForcibly);
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void aKilledReplicasClustersAreTakenOverInTimeAndNoClusterEverHasTwoOwners() throws Exception {
        SimulatedFleet.Builder b = SimulatedFleet.builder().cluster("mgmt");
        List<String> clusters = new ArrayList<>();
        for (int i = 0; i < CLUSTERS; i++) {
            clusters.add(cluster(i));
            b.cluster(cluster(i));
        }
        sim = b.start();
        Path kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        KubernetesClient mgmt = sim.cluster("mgmt").client();

        List<Version> history = new CopyOnWriteArrayList<>();
        Watch watch = mgmt.leases().inNamespace(HaReplicaProcess.NAMESPACE).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease l) {
                if (action == Action.DELETED || !l.getMetadata().getName().startsWith(Ownership.CLAIM_PREFIX)) {
                    return;
                }
                history.add(version(l));
            }

            @Override
            public void onClose(WatcherException cause) {}
        });

        for (String r : REPLICAS) {
            children.put(r, start(kubeconfig, r));
        }
        // Converged: every claim held by the replica rendezvous hashing names among the three.
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> holders(mgmt, clusters, REPLICAS));
        Map<String, String> before = currentHolders(mgmt);
        List<String> ofVictim =
                clusters.stream().filter(c -> VICTIM.equals(before.get(c))).toList();
        assertThat(ofVictim).isNotEmpty();

        Process victim = children.get(VICTIM);
        Instant killing = Instant.now(); // before the signal: a takeover measured from here is not understated
        victim.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no release
        assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Instant killed = Instant.now(); // after death: the victim's open work ends here at the latest
        List<String> survivors =
                REPLICAS.stream().filter(r -> !r.equals(VICTIM)).toList();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> holders(mgmt, clusters, survivors));
        Map<String, String> after = currentHolders(mgmt);
        for (String c : clusters) {
            if (!ofVictim.contains(c)) {
                assertThat(after.get(c)).as("%s did not move", c).isEqualTo(before.get(c));
            }
        }

        for (String r : survivors) {
            Process p = children.get(r);
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS))
                    .as("%s exits when told", r)
                    .isTrue();
            assertThat(p.exitValue())
                    .as("%s exit code; log: %s", r, Files.readString(dir.resolve(r + ".err")))
                    .isZero();
        }
        watch.close();

        // ---- the action logs: never two replicas on one cluster ----
        Map<String, List<Instant[]>> intervals = new HashMap<>();
        Map<String, List<String>> owners = new HashMap<>();
        Map<String, Instant> takenOver = new HashMap<>();
        for (String r : REPLICAS) {
            Map<String, Instant> open = new HashMap<>();
            for (String line : Files.readAllLines(dir.resolve(r + ".actions"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                Instant at = Instant.EPOCH.plus(Long.parseLong(f[3]), java.time.temporal.ChronoUnit.MICROS);
                if (f[2].equals("start")) {
                    assertThat(open.put(f[0], at))
                            .as("%s started %s twice", r, f[0])
                            .isNull();
                    if (at.isAfter(killing) && ofVictim.contains(f[0])) {
                        takenOver.merge(f[0], at, (x, y) -> x.isBefore(y) ? x : y);
                    }
                } else {
                    Instant from = open.remove(f[0]);
                    assertThat(from)
                            .as("%s stopped %s without starting it", r, f[0])
                            .isNotNull();
                    intervals.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Instant[] {from, at});
                    owners.computeIfAbsent(f[0], k -> new ArrayList<>()).add(r);
                }
            }
            // Only the killed replica leaves work open: it ends at the kill at the latest.
            if (!r.equals(VICTIM)) {
                assertThat(open).as("%s stopped everything on close", r).isEmpty();
            }
            open.forEach((c, from) -> {
                intervals.computeIfAbsent(c, k -> new ArrayList<>()).add(new Instant[] {from, killed});
                owners.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
            });
        }
        for (String c : clusters) {
            List<Instant[]> iv = intervals.get(c);
            assertThat(iv).as("%s was worked", c).isNotEmpty();
            for (int i = 0; i < iv.size(); i++) {
                for (int j = i + 1; j < iv.size(); j++) {
                    Instant[] x = iv.get(i);
                    Instant[] y = iv.get(j);
                    assertThat(x[1].isBefore(y[0]) || y[1].isBefore(x[0]))
                            .as(
                                    "%s worked by %s %s..%s and by %s %s..%s",
                                    c,
                                    owners.get(c).get(i),
                                    x[0],
                                    x[1],
                                    owners.get(c).get(j),
                                    y[0],
                                    y[1])
                            .isTrue();
                }
            }
        }
        assertThat(takenOver.keySet()).containsExactlyInAnyOrderElementsOf(ofVictim);

        // ---- the Lease records: a holder changes only after release or expiry, by the record ----
        Map<String, Version> last = new HashMap<>();
        Map<String, Version> victimsLast = new HashMap<>();
        long worstFromRenewal = 0;
        for (Version v : history) {
            Version prev = last.put(v.lease(), v);
            if (prev != null
                    && !prev.holder().isEmpty()
                    && !v.holder().isEmpty()
                    && !prev.holder().equals(v.holder())) {
                Instant expiry = prev.renew().plusSeconds(prev.seconds());
                assertThat(v.acquire())
                        .as(
                                "%s taken by %s at %s while %s held it until %s",
                                v.lease(), v.holder(), v.acquire(), prev.holder(), expiry)
                        .isAfter(expiry);
                // Only takeovers after the kill: while the three replicas converged at start, the victim may have
                // held a cluster that then moved on by the same rules (seen once in CI: 19 moves for 18 clusters).
                if (prev.holder().equals(VICTIM) && v.acquire().isAfter(killing)) {
                    long ms = Duration.between(prev.renew(), v.acquire()).toMillis();
                    worstFromRenewal = Math.max(worstFromRenewal, ms);
                    victimsLast.put(v.lease(), prev);
                }
            }
        }
        assertThat(victimsLast).hasSize(ofVictim.size());
        long worstFromKill = takenOver.values().stream()
                .mapToLong(t -> Duration.between(killing, t).toMillis())
                .max()
                .orElseThrow();
        // The correctness bound, from the death of the replica.
        assertThat(Duration.ofMillis(worstFromKill))
                .as("taken over within lease-duration + renew-period of the kill")
                .isLessThanOrEqualTo(LEASE.plus(RENEW));
        System.out.printf(
                "HA takeover: %d clusters of %s (SIGKILL) worked again by %s at most %d ms after the kill and %d ms"
                        + " after its last renewal; bound lease-duration %ds + renew-period %d ms = %d ms%n",
                ofVictim.size(),
                VICTIM,
                survivors,
                worstFromKill,
                worstFromRenewal,
                LEASE.toSeconds(),
                RENEW.toMillis(),
                LEASE.plus(RENEW).toMillis());
    }

    private static Version version(Lease l) {
        var s = l.getSpec();
        return new Version(
                l.getMetadata().getName(),
                s.getHolderIdentity() == null ? "" : s.getHolderIdentity(),
                s.getRenewTime() == null ? Instant.EPOCH : s.getRenewTime().toInstant(),
                s.getAcquireTime() == null ? Instant.EPOCH : s.getAcquireTime().toInstant(),
                s.getLeaseDurationSeconds() == null ? 0 : s.getLeaseDurationSeconds(),
                s.getLeaseTransitions() == null ? 0 : s.getLeaseTransitions());
    }

    private static Map<String, String> currentHolders(KubernetesClient mgmt) {
        Map<String, String> out = new HashMap<>();
        for (Lease l : mgmt.leases()
                .inNamespace(HaReplicaProcess.NAMESPACE)
                .withLabel(Ownership.ROLE_LABEL, "cluster")
                .list()
                .getItems()) {
            String c = l.getMetadata().getAnnotations().get(Ownership.CLUSTER_ANNOTATION);
            String h = l.getSpec().getHolderIdentity();
            out.put(c, h == null ? "" : h);
        }
        return out;
    }

    /** Whether every cluster's claim is held by the replica rendezvous hashing picks among {@code members}. */
    private static boolean holders(KubernetesClient mgmt, List<String> clusters, List<String> members) {
        Map<String, String> now = currentHolders(mgmt);
        for (String c : clusters) {
            if (!Rendezvous.owner(c, members).equals(now.get(c))) {
                return false;
            }
        }
        return true;
    }

    private Process start(Path kubeconfig, String identity) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HaReplicaProcess.class.getName(),
                        kubeconfig.toString(),
                        identity,
                        dir.resolve(identity + ".actions").toString(),
                        Integer.toString(CLUSTERS))
                .redirectError(dir.resolve(identity + ".err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.equals(HaReplicaProcess.READY)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        if (!ready.get(90, TimeUnit.SECONDS)) {
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("replica " + identity + " ended without starting: "
                    + Files.readString(dir.resolve(identity + ".err")));
        }
        return p;
    }
}
