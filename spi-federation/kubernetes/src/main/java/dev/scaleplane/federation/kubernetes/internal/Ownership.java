package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.federation.kubernetes.FleetHaConfig;
import dev.scaleplane.federation.kubernetes.FleetOwnership;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster ownership among replicas through Leases (coordination.k8s.io/v1) on a management cluster; see
 * {@link FleetOwnership} for the protocol. Our own loop rather than fabric8's {@code LeaderElector}: we need one Lease
 * per member and per cluster with the same fencing, a deterministic (rendezvous) assignment instead of a race for
 * each Lease, and a leader that can lose and regain leadership in one process, where one {@code LeaderElector} cannot
 * be started again after it lost leadership.
 *
 * <p>Two threads: the loop (every retry period: renew the member Lease, list the Leases, hand over, renew and take
 * claims) and the fencer, which stops a cluster's work at its renew deadline even while the loop waits on an
 * unreachable management cluster. Work on a cluster is bracketed by {@link #enter(String)} / {@link #exit(String)},
 * so that stopping waits for what is running.
 *
 * <p>Thread-safe.
 */
public final class Ownership implements FleetOwnership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ownership.class);

    /** Label on every Lease of the fleet: member, cluster or leader. */
    public static final String ROLE_LABEL = "federation.scaleplane.dev/ha-role";
    /** Annotation naming the cluster of a claim Lease. */
    public static final String CLUSTER_ANNOTATION = "federation.scaleplane.dev/cluster";
    /** Prefix of claim Lease names. */
    public static final String CLAIM_PREFIX = "scaleplane-cluster-";
    /** Name of the leader Lease. */
    public static final String LEADER_LEASE = "scaleplane-leader";
    /** Prefix of member Lease names. */
    public static final String MEMBER_PREFIX = "scaleplane-member-";

    /** The rendezvous key of leadership; never a cluster name (not a DNS label). */
    static final String LEADER_KEY = "@leader";

    /** What the fleet does when this replica starts or stops working a cluster, and what it shares about it. */
    public interface Work {
        /** The registered clusters. */
        Collection<String> clusters();

        /** Start probes, watches and reconciliation of {@code cluster}. */
        void start(String cluster);

        /** Stop them; work already running is waited for by the caller. */
        void stop(String cluster);

        /** Annotations the owner writes on the claim (health for the other replicas). */
        default Map<String, String> shared(String cluster) {
            return Map.of();
        }

        /** On a replica that does not own {@code cluster}: what its owner shared. */
        default void observed(String cluster, Map<String, String> shared) {}
    }

    /** One claim this replica holds (or a cluster it is handing over). */
    private static final class Claim {
        final String key;
        final AtomicInteger inflight = new AtomicInteger();
        volatile boolean active = true;
        final Instant acquiredAt;
        final int transitions;
        Instant renewedAt; // send time of the last successful write; guarded by this
        String resourceVersion; // guarded by this
        boolean fenced; // guarded by this

        @Nullable
        ScheduledFuture<?> fence;

        Claim(String key, Instant acquiredAt, int transitions, String resourceVersion) {
            this.key = key;
            this.acquiredAt = acquiredAt;
            this.transitions = transitions;
            this.renewedAt = acquiredAt;
            this.resourceVersion = resourceVersion;
        }
    }

    private final FleetHaConfig config;
    private final KubernetesClient client;
    private final Work work;
    private final Clock clock;
    private final Executor duties;
    private final String memberLease;
    private final ScheduledExecutorService loop;
    private final ScheduledExecutorService fencer;
    private final Map<String, Claim> held = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final Counter memberRenewFailures;
    private final Counter claimRenewFailures;
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private volatile List<String> members = List.of();
    private @Nullable Instant memberRenewedAt; // loop thread only
    private @Nullable ScheduledFuture<?> ticks;

    /**
     * @param client a client of the management cluster (closed by {@link #close()})
     * @param clock the wall clock the Lease times are written and compared in (all replicas must agree on it)
     * @param duties where leader duties run
     */
    public Ownership(
            FleetHaConfig config,
            KubernetesClient client,
            Work work,
            Clock clock,
            MeterRegistry meters,
            Executor duties) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = Objects.requireNonNull(client, "client");
        this.work = Objects.requireNonNull(work, "work");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.duties = Objects.requireNonNull(duties, "duties");
        this.memberLease = memberLeaseName(config.identity());
        this.loop = daemonScheduler("scaleplane-fleet-ha");
        this.fencer = daemonScheduler("scaleplane-fleet-ha-fence");
        String replica = config.identity();
        this.memberRenewFailures = Counter.builder("scaleplane.federation.ha.lease.renew.failures")
                .tag("lease", "member")
                .tag("replica", replica)
                .description("failed renewals of this replica's Leases")
                .register(meters);
        this.claimRenewFailures = Counter.builder("scaleplane.federation.ha.lease.renew.failures")
                .tag("lease", "claim")
                .tag("replica", replica)
                .description("failed renewals of this replica's Leases")
                .register(meters);
        Gauge.builder("scaleplane.federation.ha.clusters.owned", this, o -> o.owned()
                        .size())
                .tag("replica", replica)
                .description("clusters this replica works")
                .register(meters);
        Gauge.builder("scaleplane.federation.ha.leader", this, o -> o.leader() ? 1 : 0)
                .tag("replica", replica)
                .description("1 while this replica is the leader")
                .register(meters);
    }

    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the loop: the first look at the Leases happens now. */
    public void start() {
        ticks = loop.scheduleWithFixedDelay(this::tick, 0, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- what the fleet asks ----

    /**
     * Marks the start of work on {@code cluster}; false (and nothing to undo) when this replica does not work it.
     * Every true must be followed by {@link #exit(String)}.
     */
    public boolean enter(String cluster) {
        Claim c = held.get(cluster);
        if (c == null || !c.active) {
            return false;
        }
        c.inflight.incrementAndGet();
        if (!c.active) {
            exit(c);
            return false;
        }
        return true;
    }

    /** Marks the end of work begun by a successful {@link #enter(String)}. */
    public void exit(String cluster) {
        Claim c = held.get(cluster);
        if (c != null) {
            exit(c);
        }
    }

    private static void exit(Claim c) {
        if (c.inflight.decrementAndGet() <= 0) {
            synchronized (c) {
                c.notifyAll();
            }
        }
    }

    @Override
    public String identity() {
        return config.identity();
    }

    @Override
    public boolean owns(String cluster) {
        Claim c = held.get(cluster);
        return c != null && c.active && !LEADER_KEY.equals(cluster);
    }

    @Override
    public Set<String> owned() {
        Set<String> out = new TreeSet<>();
        held.forEach((k, c) -> {
            if (c.active && !LEADER_KEY.equals(k)) {
                out.add(k);
            }
        });
        return out;
    }

    @Override
    public List<String> members() {
        return members;
    }

    @Override
    public boolean leader() {
        Claim c = held.get(LEADER_KEY);
        return c != null && c.active;
    }

    @Override
    public Map<String, String> owners() {
        Map<String, String> out = new TreeMap<>();
        try {
            for (Lease l : leases().withLabel(ROLE_LABEL, "cluster").list().getItems()) {
                String cluster = annotation(l, CLUSTER_ANNOTATION);
                if (cluster != null) {
                    String holder = l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
                    out.put(cluster, holder == null ? "" : holder);
                }
            }
        } catch (KubernetesClientException e) {
            throw new ScaleplaneException(unreachable("cannot read the claim Leases", e), e);
        }
        return out;
    }

    @Override
    public AutoCloseable whileLeader(String name, Duration period, Runnable duty) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(duty, "duty");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("leader duty " + name + ": period must be positive, but was " + period);
        }
        ScheduledFuture<?> f = loop.scheduleWithFixedDelay(
                () -> {
                    if (leader()) {
                        duties.execute(() -> {
                            try {
                                if (leader()) {
                                    duty.run();
                                }
                            } catch (RuntimeException e) {
                                failures.warn("duty-" + name, "leader duty {} failed: {}", name, e.toString());
                            }
                        });
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ---- the loop ----

    private void tick() {
        if (closed.get()) {
            return;
        }
        try {
            Instant now = clock.instant();
            renewMember(now);
            List<Lease> all = leases().list().getItems();
            Map<String, Lease> claims = new HashMap<>();
            List<String> live = new ArrayList<>();
            for (Lease l : all) {
                String role = l.getMetadata().getLabels() == null
                        ? null
                        : l.getMetadata().getLabels().get(ROLE_LABEL);
                if ("member".equals(role)) {
                    if (!expired(l, now) && !memberLease.equals(l.getMetadata().getName())) {
                        live.add(l.getSpec().getHolderIdentity());
                    }
                } else if ("cluster".equals(role) || "leader".equals(role)) {
                    claims.put(l.getMetadata().getName(), l);
                }
            }
            // Ourselves only while our own member Lease is fresh: a replica cut off from the management cluster
            // must not keep counting itself in.
            if (memberRenewedAt != null
                    && memberRenewedAt.plus(config.renewDeadline()).isAfter(clock.instant())) {
                live.add(config.identity());
            }
            live.sort(null);
            members = List.copyOf(live);
            Set<String> keys = new TreeSet<>(work.clusters());
            keys.add(LEADER_KEY);
            // First hand over what is no longer ours, so the new owner can start at its next look.
            for (String key : List.copyOf(held.keySet())) {
                if (!keys.contains(key) || !config.identity().equals(Rendezvous.owner(key, live))) {
                    handOver(key, keys.contains(key) ? "handed over" : "cluster removed");
                }
            }
            for (String key : keys) {
                String name = leaseName(key);
                Lease lease = claims.get(name);
                boolean mine = config.identity().equals(Rendezvous.owner(key, live));
                Claim c = held.get(key);
                if (c != null) {
                    renewClaim(c, name);
                } else if (mine) {
                    take(key, name, lease, now);
                } else if (lease != null && !LEADER_KEY.equals(key)) {
                    work.observed(key, annotations(lease));
                }
            }
        } catch (KubernetesClientException e) {
            failures.warn("tick", "{}", unreachable("cannot read the Leases", e));
        } catch (RuntimeException e) {
            failures.warn("tick", "fleet ownership: {}", e.toString());
        }
    }

    private void renewMember(Instant now) {
        if (memberRenewedAt != null
                && memberRenewedAt.plus(config.renewPeriod()).isAfter(now)) {
            return;
        }
        Instant sent = clock.instant();
        try {
            Lease current = leases().withName(memberLease).get();
            Lease next = new LeaseBuilder()
                    .withMetadata(new ObjectMetaBuilder()
                            .withName(memberLease)
                            .withNamespace(config.namespace())
                            .addToLabels(ROLE_LABEL, "member")
                            .withResourceVersion(
                                    current == null
                                            ? null
                                            : current.getMetadata().getResourceVersion())
                            .build())
                    .withSpec(spec(config.identity(), sent, current == null ? sent : acquired(current, sent), 0))
                    .build();
            if (current == null) {
                leases().resource(next).create();
            } else {
                leases().resource(next).update();
            }
            memberRenewedAt = sent;
        } catch (KubernetesClientException e) {
            memberRenewFailures.increment();
            failures.warn("member", "{}", unreachable("cannot renew the member Lease " + memberLease, e));
        }
    }

    private static Instant acquired(Lease l, Instant fallback) {
        Instant a = l.getSpec() == null ? null : time(l.getSpec().getAcquireTime());
        return a == null ? fallback : a;
    }

    /** Takes the claim of {@code key} when it is free, expired by its own record, or still ours. */
    private void take(String key, String name, @Nullable Lease lease, Instant now) {
        String holder = lease == null || lease.getSpec() == null
                ? null
                : lease.getSpec().getHolderIdentity();
        boolean free = holder == null || holder.isEmpty();
        if (lease != null && !free && !holder.equals(config.identity()) && !expired(lease, now)) {
            return; // its holder may still work it: wait for expiry or release
        }
        Instant sent = clock.instant();
        int before = lease == null || lease.getSpec().getLeaseTransitions() == null
                ? 0
                : lease.getSpec().getLeaseTransitions();
        int transitions = lease != null && !config.identity().equals(holder) ? before + 1 : before;
        Lease written;
        try {
            Lease next = claimLease(
                    key,
                    name,
                    lease == null ? null : lease.getMetadata().getResourceVersion(),
                    spec(config.identity(), sent, sent, transitions));
            written = lease == null
                    ? leases().resource(next).create()
                    : leases().resource(next).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                failures.warn("take-" + key, "{}", unreachable("cannot take the claim " + name, e));
            }
            return; // 409: another replica wrote it first; look again next time
        }
        Claim c = new Claim(key, sent, transitions, written.getMetadata().getResourceVersion());
        held.put(key, c);
        scheduleFence(c);
        count("acquired");
        Instant at = clock.instant();
        log.info("{} works {} from now (claim {}, transitions {})", config.identity(), key, name, transitions);
        if (!LEADER_KEY.equals(key)) {
            for (Listener l : listeners) {
                l.started(key, at);
            }
            work.start(key);
        }
    }

    private Lease claimLease(String key, String name, @Nullable String resourceVersion, LeaseSpec spec) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (!LEADER_KEY.equals(key)) {
            annotations.putAll(work.shared(key));
            annotations.put(CLUSTER_ANNOTATION, key);
        }
        return new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(config.namespace())
                        .addToLabels(ROLE_LABEL, LEADER_KEY.equals(key) ? "leader" : "cluster")
                        .withAnnotations(annotations)
                        .withResourceVersion(resourceVersion)
                        .build())
                .withSpec(spec)
                .build();
    }

    private void renewClaim(Claim c, String name) {
        Instant sent = clock.instant();
        String rv;
        synchronized (c) {
            if (c.renewedAt.plus(config.renewPeriod()).isAfter(sent)) {
                return;
            }
            rv = c.resourceVersion;
        }
        try {
            // One write with the resourceVersion we last wrote as its precondition: a 409 means another replica
            // changed the claim, so it is no longer ours.
            Lease written = leases().resource(
                            claimLease(c.key, name, rv, spec(config.identity(), sent, c.acquiredAt, c.transitions)))
                    .update();
            synchronized (c) {
                if (c.fenced) {
                    return; // too late: the work has stopped; the claim is still ours and is taken again
                }
                c.renewedAt = sent;
                c.resourceVersion = written.getMetadata().getResourceVersion();
            }
            scheduleFence(c);
        } catch (KubernetesClientException e) {
            claimRenewFailures.increment();
            if (e.getCode() == 409) {
                lost(c, "its claim " + name + " was changed by another replica");
            } else {
                failures.warn("renew-" + c.key, "{}", unreachable("cannot renew the claim " + name, e));
            }
        }
    }

    private void scheduleFence(Claim c) {
        long delay;
        synchronized (c) {
            if (c.fence != null) {
                c.fence.cancel(false);
            }
            delay = Duration.between(clock.instant(), c.renewedAt.plus(config.renewDeadline()))
                            .toMillis()
                    + 1;
            c.fence = fencer.schedule(() -> fence(c), Math.max(0, delay), TimeUnit.MILLISECONDS);
        }
    }

    /** The renew deadline passed without a renewal: stop at once, whatever the loop is waiting for. */
    private void fence(Claim c) {
        Instant renewedAt;
        synchronized (c) {
            if (c.fenced) {
                return;
            }
            if (c.renewedAt.plus(config.renewDeadline()).isAfter(clock.instant())) {
                // Renewed meanwhile, or the timer fired a little early (its delay is in whole milliseconds).
                scheduleFence(c);
                return;
            }
            c.fenced = true;
            renewedAt = c.renewedAt;
        }
        log.warn(
                "{} stops working {}: its claim was not renewed since {} (renew deadline {})",
                config.identity(),
                c.key,
                renewedAt,
                config.renewDeadline());
        stopWork(c, "fenced: claim not renewed within " + config.renewDeadline(), "fenced");
    }

    private void lost(Claim c, String why) {
        synchronized (c) {
            c.fenced = true;
        }
        stopWork(c, "lost: " + why, "lost");
    }

    /** Stops working {@code key}, then releases its claim so the new owner need not wait for expiry. */
    private void handOver(String key, String why) {
        Claim c = held.get(key);
        if (c == null) {
            return;
        }
        String rv;
        synchronized (c) {
            c.fenced = true;
            rv = c.resourceVersion;
        }
        if (stopWork(c, why, "released")) {
            release(key, rv);
        } // else work is still running: the claim is left to expire, so the next owner starts only after that
    }

    private void release(String key, String resourceVersion) {
        String name = leaseName(key);
        try {
            Lease current = leases().withName(name).get();
            if (current == null
                    || current.getSpec() == null
                    || !config.identity().equals(current.getSpec().getHolderIdentity())
                    || !resourceVersion.equals(current.getMetadata().getResourceVersion())) {
                return;
            }
            current.getSpec().setHolderIdentity(null);
            leases().resource(current).update();
        } catch (KubernetesClientException e) {
            // The claim expires on its own; the next owner waits for that.
            failures.warn("release-" + key, "{}", unreachable("cannot release the claim " + name, e));
        }
    }

    /**
     * Refuses new work, stops the fleet's work, waits for running work, then tells the listeners.
     *
     * @return whether every running work finished within the wait
     */
    private boolean stopWork(Claim c, String why, String change) {
        if (!held.remove(c.key, c)) {
            return true;
        }
        c.active = false;
        synchronized (c) {
            if (c.fence != null) {
                c.fence.cancel(false);
            }
        }
        if (LEADER_KEY.equals(c.key)) {
            count(change);
            log.info("{} is no longer the leader ({})", config.identity(), why);
            return true;
        }
        try {
            work.stop(c.key);
        } catch (RuntimeException e) {
            log.error("stopping work on {} failed: {}", c.key, e.toString());
        }
        // Running work (a probe, an apply) finishes within the fencing margin, before any other owner can start.
        long margin = config.leaseDuration().minus(config.renewDeadline()).toMillis() / 2;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(margin);
        boolean drained = true;
        synchronized (c) {
            while (c.inflight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                if (left <= 0) {
                    failures.warn(
                            "drain-" + c.key,
                            "{}: work on {} still running {} ms after it was told to stop; its claim is left to"
                                    + " expire instead of being released",
                            config.identity(),
                            c.key,
                            margin);
                    drained = false;
                    break;
                }
                try {
                    c.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    drained = false;
                    break;
                }
            }
        }
        count(change);
        Instant at = clock.instant();
        log.info("{} stopped working {} ({})", config.identity(), c.key, why);
        for (Listener l : listeners) {
            l.stopped(c.key, at, why);
        }
        return drained;
    }

    private void count(String change) {
        changes.computeIfAbsent(change, k -> Counter.builder("scaleplane.federation.ha.ownership.changes")
                        .tag("change", k)
                        .tag("replica", config.identity())
                        .description("clusters (and leadership) this replica started or stopped working")
                        .register(meters))
                .increment();
    }

    // ---- Lease records ----

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                    Lease,
                    io.fabric8.kubernetes.api.model.coordination.v1.LeaseList,
                    io.fabric8.kubernetes.client.dsl.Resource<Lease>>
            leases() {
        return client.leases().inNamespace(config.namespace());
    }

    private LeaseSpec spec(String holder, Instant renew, Instant acquire, int transitions) {
        LeaseSpec s = new LeaseSpec();
        s.setLeaseDurationSeconds((int) config.leaseDuration().getSeconds());
        s.setHolderIdentity(holder);
        s.setRenewTime(ZonedDateTime.ofInstant(renew, ZoneOffset.UTC));
        s.setAcquireTime(ZonedDateTime.ofInstant(acquire, ZoneOffset.UTC));
        s.setLeaseTransitions(transitions);
        return s;
    }

    /** Whether the Lease's holder may no longer act by its own record: no holder, or renewTime + duration passed. */
    static boolean expired(Lease l, Instant now) {
        LeaseSpec s = l.getSpec();
        if (s == null || s.getHolderIdentity() == null || s.getHolderIdentity().isEmpty()) {
            return true;
        }
        Instant renewed = time(s.getRenewTime());
        Integer seconds = s.getLeaseDurationSeconds();
        if (renewed == null || seconds == null) {
            return true;
        }
        return now.isAfter(renewed.plusSeconds(seconds));
    }

    static @Nullable Instant time(@Nullable ZonedDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static @Nullable String annotation(Lease l, String key) {
        Map<String, String> a = l.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    private static Map<String, String> annotations(Lease l) {
        Map<String, String> a = l.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** The claim Lease name of a cluster (a DNS label, so the name is valid) or of leadership. */
    static String leaseName(String key) {
        return LEADER_KEY.equals(key) ? LEADER_LEASE : CLAIM_PREFIX + key;
    }

    /** A valid, stable Lease name for any identity: a readable part and a hash, so different identities differ. */
    static String memberLeaseName(String identity) {
        String readable = identity.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        readable = readable.replaceAll("^-+|-+$", "");
        if (readable.length() > 40) {
            readable = readable.substring(0, 40).replaceAll("-+$", "");
        }
        long h = Rendezvous.weight("member", identity);
        String hash = String.format(Locale.ROOT, "%08x", (int) (h ^ (h >>> 32)));
        return MEMBER_PREFIX + (readable.isEmpty() ? "" : readable + "-") + hash;
    }

    private String unreachable(String what, KubernetesClientException e) {
        return config.identity() + ": " + what + " on the management cluster (context '" + config.context()
                + "', namespace " + config.namespace() + ", settings " + FleetHaConfig.CONTEXT + " and "
                + FleetHaConfig.NAMESPACE + "): " + (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "")
                + KubernetesFleet.rootMessage(e);
    }

    /**
     * Stops every work and releases every claim and the member Lease, so the other replicas take over at their next
     * look instead of after expiry. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ticks != null) {
            ticks.cancel(false);
        }
        loop.shutdown();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String key : List.copyOf(held.keySet())) {
            handOver(key, "closing");
        }
        try {
            leases().withName(memberLease).delete();
        } catch (KubernetesClientException e) {
            failures.warn("member", "{}", unreachable("cannot delete the member Lease " + memberLease, e));
        }
        fencer.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return "Ownership{" + config.identity() + ", owned=" + owned().size() + ", members=" + members + '}';
    }
}
