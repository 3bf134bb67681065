package dev.scaleplane.federation.kubernetes.tenants.internal;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.catalog.NamespaceCreated;
import dev.scaleplane.api.events.catalog.ResourceQuotaExceeded;
import dev.scaleplane.api.federation.ClusterPropagationStatus;
import dev.scaleplane.api.federation.DriftPolicy;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.Manifest;
import dev.scaleplane.api.federation.ObjectStatus;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementException;
import dev.scaleplane.api.federation.Propagation;
import dev.scaleplane.api.federation.PropagationRequest;
import dev.scaleplane.api.federation.PropagationStatus;
import dev.scaleplane.api.federation.WorkloadState;
import dev.scaleplane.api.tenants.ClusterTenantStatus;
import dev.scaleplane.api.tenants.InvalidTenantException;
import dev.scaleplane.api.tenants.Tenant;
import dev.scaleplane.api.tenants.TenantPlacementException;
import dev.scaleplane.api.tenants.TenantSpec;
import dev.scaleplane.api.tenants.TenantStatus;
import dev.scaleplane.api.tenants.Tenants;
import dev.scaleplane.core.logging.RateLimitedLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Tenants} on the fabric8 fleet: each tenant is one propagation (id {@code user-<name>}, the bundle of
 * {@link TenantBundle}, drift {@link DriftPolicy#REPAIR}, conflicts aborted, {@linkplain
 * PropagationRequest#allOrNothing() all or nothing} per cluster), so placement, tasks, retries, status, failover and
 * the event-store record are the fleet's. This class adds validation, the tenant view of status, the
 * {@code NamespaceCreated} events (from each propagation's status stream) and the {@link QuotaWatch}.
 *
 * <p>Thread-safe.
 */
public final class KubernetesTenants implements Tenants, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubernetesTenants.class);
    private static final URI SOURCE = URI.create("/scaleplane/tenants");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /**
     * How the fleet's status says a drift is being repaired under {@code DriftPolicy.REPAIR}:
     * {@code repairing drift of <Kind/namespace/name>: <what differs>} (see the fleet's status watcher).
     */
    private static final String REPAIRING_DRIFT = "repairing drift of ";
    /** 63 (a DNS label) less the {@code user-} prefix. */
    static final int MAX_NAME = 63 - NAMESPACE_PREFIX.length();

    private final Fleet fleet;
    private final Platform platform;
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final Map<String, TenantSpec> specs = new ConcurrentSkipListMap<>();
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private final QuotaWatch quotaWatch;

    /**
     * Creates the tenants of {@code fleet}.
     *
     * @param clients the fabric8 client of a registered cluster (null when unknown), for the quota watch
     */
    public KubernetesTenants(Fleet fleet, Platform platform, Function<String, @Nullable KubernetesClient> clients) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.platform = Objects.requireNonNull(platform, "platform");
        this.quotaWatch = new QuotaWatch(clients, this::alertShare, this::quotaExceeded, failures);
        restore();
    }

    /**
     * Takes up the tenants whose propagations the fleet restored from its record (a restarted process): each spec is
     * read back from its bundle. Their clusters count as already announced, so a restart sends no second
     * {@code NamespaceCreated}.
     */
    private void restore() {
        for (Propagation p : fleet.propagations()) {
            if (!p.id().startsWith(NAMESPACE_PREFIX)) {
                continue;
            }
            Map.Entry<String, TenantSpec> tenant;
            try {
                tenant = TenantBundle.decode(p.request().objects(), p.request().placement());
            } catch (RuntimeException e) {
                failures.warn("restore", "propagation {} is not a tenant bundle that can be read back: {}", p.id(), e);
                continue;
            }
            if (tenant == null || !p.id().equals(TenantBundle.namespace(tenant.getKey()))) {
                continue;
            }
            specs.put(tenant.getKey(), tenant.getValue());
            followers.computeIfAbsent(
                    tenant.getKey(), n -> new Follower(n, p, p.decision().chosenNames()));
        }
        if (!specs.isEmpty()) {
            log.info("restored {} tenants from the fleet's propagations", specs.size());
        }
    }

    /** The quota watch, whose {@code start}/{@code stop} per cluster lets a replica watch only its own clusters. */
    public QuotaWatch quotaWatch() {
        return quotaWatch;
    }

    // ---- Tenants ----

    @Override
    public Tenant provision(String name, TenantSpec spec) {
        checkName(name);
        Objects.requireNonNull(spec, "spec");
        String namespace = TenantBundle.namespace(name);
        if (specs.containsKey(name)) {
            throw new InvalidTenantException(
                    "name", name, "tenant " + name + " exists; change it with update(name, spec)");
        }
        if (fleet.propagation(namespace).isPresent()) {
            throw new InvalidTenantException(
                    "name",
                    name,
                    "the fleet already has a propagation with id " + namespace + "; pick another tenant name");
        }
        return apply(name, spec);
    }

    @Override
    public Tenant update(String name, TenantSpec spec) {
        Objects.requireNonNull(spec, "spec");
        existing(name);
        return apply(name, spec);
    }

    private Tenant apply(String name, TenantSpec spec) {
        // Placed first on its own so that a tenant whose placement selects no cluster fails with its own error and
        // leaves no trace; the fleet places again (and may still refuse, on a fleet that changed meanwhile).
        PlacementDecision decision = fleet.place(spec.placement());
        if (!decision.satisfied() || decision.chosen().isEmpty()) {
            throw new TenantPlacementException(name, decision);
        }
        PropagationRequest request = PropagationRequest.builder(TenantBundle.namespace(name))
                .objects(TenantBundle.render(name, spec))
                .placement(spec.placement())
                .driftPolicy(DriftPolicy.REPAIR)
                .allOrNothing(true)
                .build();
        TenantSpec previous = specs.put(name, spec);
        Propagation p;
        try {
            p = fleet.propagate(request);
        } catch (PlacementException e) {
            restore(name, previous);
            throw new TenantPlacementException(name, e.decision());
        } catch (RuntimeException e) {
            restore(name, previous);
            throw e;
        }
        followers.computeIfAbsent(name, n -> new Follower(n, p, List.of()));
        return view(name, spec, p);
    }

    private void restore(String name, @Nullable TenantSpec previous) {
        if (previous == null) {
            specs.remove(name);
        } else {
            specs.put(name, previous);
        }
    }

    @Override
    public CompletableFuture<Void> deprovision(String name) {
        Propagation p = existing(name);
        Follower f = followers.remove(name);
        if (f != null) {
            f.cancel();
        }
        return p.delete(false).thenRun(() -> specs.remove(name));
    }

    @Override
    public Optional<Tenant> tenant(String name) {
        TenantSpec spec = specs.get(name);
        if (spec == null) {
            return Optional.empty();
        }
        return fleet.propagation(TenantBundle.namespace(name)).map(p -> view(name, spec, p));
    }

    @Override
    public List<Tenant> list() {
        List<Tenant> out = new ArrayList<>();
        for (String name : specs.keySet()) {
            tenant(name).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public TenantStatus status(String name) {
        return status(name, existing(name).status());
    }

    @Override
    public CompletableFuture<TenantStatus> whenReady(String name) {
        return existing(name).whenReady().thenApply(s -> status(name, s));
    }

    // ---- views ----

    private Tenant view(String name, TenantSpec spec, Propagation p) {
        return new Tenant(
                name,
                TenantBundle.namespace(name),
                spec,
                List.copyOf(new TreeSet<>(p.decision().chosenNames())));
    }

    private static TenantStatus status(String name, PropagationStatus s) {
        List<ClusterTenantStatus> clusters = new ArrayList<>();
        for (ClusterPropagationStatus c : s.clusters()) {
            Set<String> drift = new LinkedHashSet<>();
            for (ObjectStatus o : c.objects()) {
                if (o.state() == WorkloadState.MODIFIED) {
                    drift.add(o.kind() + "/" + (o.namespace().isEmpty() ? "" : o.namespace() + "/") + o.name() + ": "
                            + o.message());
                } else if (o.message().startsWith(REPAIRING_DRIFT)) {
                    drift.add(o.message().substring(REPAIRING_DRIFT.length()));
                }
            }
            clusters.add(new ClusterTenantStatus(c.cluster(), c.region(), c.state(), List.copyOf(drift), c.message()));
        }
        clusters.sort((a, b) -> a.cluster().compareTo(b.cluster()));
        return new TenantStatus(name, s.state(), clusters, s.at());
    }

    private Propagation existing(String name) {
        Objects.requireNonNull(name, "name");
        Optional<Propagation> p =
                specs.containsKey(name) ? fleet.propagation(TenantBundle.namespace(name)) : Optional.empty();
        return p.orElseThrow(() -> new InvalidTenantException(
                "name", name, "no tenant of that name; provision it first (tenants: " + specs.keySet() + ")"));
    }

    private static void checkName(String name) {
        if (name == null || !DNS_LABEL.matcher(name).matches() || name.length() > MAX_NAME) {
            throw new InvalidTenantException(
                    "name",
                    name,
                    "a tenant name must be a DNS label of 1-" + MAX_NAME + " characters (a-z, 0-9 and '-', starting"
                            + " and ending with a letter or digit), since its namespace " + NAMESPACE_PREFIX
                            + "<name> must fit the 63 characters of a DNS label; e.g. alice or team-42");
        }
    }

    // ---- events ----

    private double alertShare(String tenant) {
        TenantSpec spec = specs.get(tenant);
        return spec == null ? TenantSpec.DEFAULT_QUOTA_ALERT_SHARE : spec.quotaAlertShare();
    }

    private void quotaExceeded(String tenant, ResourceQuotaExceeded e) {
        log.info("tenant {}: quota {} on {} at {} of {}", tenant, e.resource(), e.cluster(), e.used(), e.hard());
        publish(ResourceQuotaExceeded.TYPE, e, tenant, e.cluster(), e.namespace());
    }

    private <T> void publish(EventType<T> type, T data, String tenant, String cluster, String subject) {
        try {
            platform.events()
                    .publish(
                            TOPIC,
                            Event.builder(type, data)
                                    .source(SOURCE)
                                    .subject(subject)
                                    .tenant(tenant)
                                    .cluster(cluster)
                                    .build())
                    .whenComplete((r, x) -> {
                        if (x != null) {
                            failures.warn(
                                    "publish", "tenant event {} not published on {}: {}", type, TOPIC, x.toString());
                        }
                    });
        } catch (RuntimeException x) {
            failures.warn("publish", "tenant event {} not published on {}: {}", type, TOPIC, x.toString());
        }
    }

    /**
     * Follows one tenant's propagation status: {@code NamespaceCreated} the first time the bundle is complete on a
     * cluster (again if the tenant leaves a cluster and comes back), and the quota watch started on its clusters.
     */
    private final class Follower implements Flow.Subscriber<PropagationStatus> {
        private final String tenant;
        private final Set<String> created = ConcurrentHashMap.newKeySet();
        private volatile Flow.@Nullable Subscription subscription;
        private volatile boolean cancelled;

        Follower(String tenant, Propagation p, List<String> announced) {
            this.tenant = tenant;
            created.addAll(announced);
            p.changes().subscribe(this);
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (cancelled) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(PropagationStatus s) {
            if (cancelled) {
                return;
            }
            Set<String> placed = new TreeSet<>();
            for (ClusterPropagationStatus c : s.clusters()) {
                placed.add(c.cluster());
                if (quotaWatch.autoStart()) {
                    quotaWatch.start(c.cluster());
                }
                if (c.state() == WorkloadState.READY && created.add(c.cluster())) {
                    namespaceCreated(c);
                }
            }
            created.retainAll(placed);
        }

        private void namespaceCreated(ClusterPropagationStatus c) {
            TenantSpec spec = specs.get(tenant);
            if (spec == null) {
                return;
            }
            String namespace = TenantBundle.namespace(tenant);
            Map<String, String> labels =
                    labels(TenantBundle.render(tenant, spec).get(0));
            log.debug("tenant {}: namespace {} complete on {}", tenant, namespace, c.cluster());
            publish(
                    NamespaceCreated.TYPE,
                    new NamespaceCreated(c.cluster(), namespace, tenant, labels),
                    tenant,
                    c.cluster(),
                    namespace);
        }

        @Override
        public void onError(Throwable t) {
            failures.warn("follow-" + tenant, "tenant {}: status stream failed: {}", tenant, t.toString());
        }

        @Override
        public void onComplete() {}
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(Manifest namespace) {
        Object metadata = namespace.tree().get("metadata");
        if (metadata instanceof Map<?, ?> m && m.get("labels") instanceof Map<?, ?> l) {
            return (Map<String, String>) l;
        }
        return Map.of();
    }

    @Override
    public void close() {
        followers.values().forEach(Follower::cancel);
        followers.clear();
        quotaWatch.close();
    }
}
