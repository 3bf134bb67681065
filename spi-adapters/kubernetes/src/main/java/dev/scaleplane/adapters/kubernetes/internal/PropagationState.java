package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.adapters.kubernetes.ClusterSecretStatus;
import dev.scaleplane.adapters.kubernetes.ClusterSecretStatus.State;
import dev.scaleplane.adapters.kubernetes.SecretPropagation;
import dev.scaleplane.adapters.kubernetes.SecretPropagationRequest;
import dev.scaleplane.adapters.kubernetes.SecretPropagationStatus;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import dev.scaleplane.api.federation.ClusterState;
import dev.scaleplane.api.federation.FleetSnapshot;
import dev.scaleplane.api.federation.PlacementDecision;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One secret propagation and its passes. A pass is level-triggered and idempotent: read the source if it rotated,
 * place on the fleet as it is now, make every selected cluster hold the source version, then remove the copies from
 * clusters no longer selected once the selected ones hold it. Whatever failed is retried with backoff.
 *
 * <p>The request, the status and the trigger flags are read and written from any thread; everything else only on
 * the engine's worker thread. The source's values live in {@link #current} only, as {@link Secret}s; nothing here
 * turns them or a fabric8 Secret into text.
 */
final class PropagationState implements SecretPropagation {
    private static final Logger log = LoggerFactory.getLogger(PropagationState.class);

    private final PropagationEngine engine;
    private final String id;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final List<CompletableFuture<SecretPropagationStatus>> waiters = new ArrayList<>();
    private final CompletableFuture<Void> deletion = new CompletableFuture<>();
    private volatile SecretPropagationRequest request;
    private volatile SecretPropagationStatus status;
    private volatile boolean sourceDirty = true;
    private volatile boolean deleted;
    /** The clusters chosen after the last pass, for the synchronous placement check of an update. */
    private volatile Set<String> placedOn = Set.of();

    // Worker thread only.
    private @Nullable SecretPropagationRequest applied;
    private @Nullable SecretVersion current;
    private @Nullable AutoCloseable sourceWatch;
    private boolean watching;
    private boolean fresh = true;
    private boolean deleting;
    private Set<String> chosen = new TreeSet<>();
    private @Nullable PlacementDecision decision;
    /** Clusters where a copy was written (or its write attempted): the ones that may hold one. */
    private final Set<String> holding = new TreeSet<>();
    /** Clusters to check for copies left by an earlier placement, process or target name. */
    private final Set<String> unswept = new TreeSet<>();
    /** Every target namespace of this propagation in this process: where copies are looked for. */
    private final Set<String> namespaces = new TreeSet<>();

    private final Map<String, ClusterSecretStatus> clusters = new TreeMap<>();
    private String sourceMessage = "";
    private String placementMessage = "";
    private int failures;

    PropagationState(PropagationEngine engine, SecretPropagationRequest request) {
        this.engine = engine;
        this.id = request.id();
        this.request = request;
        this.status = new SecretPropagationStatus(
                id, null, null, List.of(), "not propagated yet", engine.clock().instant());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SecretPropagationRequest request() {
        return request;
    }

    @Override
    public SecretPropagationStatus status() {
        return status;
    }

    @Override
    public CompletableFuture<SecretPropagationStatus> resync() {
        if (engine.closed()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the secret propagator is closed"));
        }
        CompletableFuture<SecretPropagationStatus> f = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(f);
        }
        engine.requestPass(this);
        return f;
    }

    @Override
    public CompletableFuture<Void> delete() {
        deleted = true;
        engine.requestPass(this);
        return deletion;
    }

    /** A newer request with the same id; the worker applies it on its next pass. */
    void update(SecretPropagationRequest newer) {
        if (deleted) {
            throw new IllegalStateException("secret propagation " + id + " is being deleted; wait for delete()");
        }
        request = newer;
    }

    Set<String> placedOn() {
        return placedOn;
    }

    boolean markQueued() {
        return queued.compareAndSet(false, true);
    }

    /** The resync timer: a source that cannot be watched is read again. */
    void resyncTick() {
        if (!watching) {
            sourceDirty = true;
        }
    }

    private void rotated(SecretRotated r) {
        log.info("secret propagation {}: source {} rotated to version {}", id, r.name(), r.version());
        sourceDirty = true;
        engine.requestPass(this);
    }

    /** Stops the source's watch (the engine is closing). */
    void stop() {
        closeWatch();
    }

    // ---- the pass, on the worker thread ----

    void pass() {
        queued.set(false);
        List<CompletableFuture<SecretPropagationStatus>> done;
        synchronized (waiters) {
            done = new ArrayList<>(waiters);
            waiters.clear();
        }
        boolean retry;
        try {
            retry = run();
        } catch (RuntimeException e) {
            retry = true;
            placementMessage = "pass failed: " + redact(String.valueOf(e.getMessage()));
            log.warn("secret propagation {}: pass failed: {}", id, placementMessage);
        }
        publish();
        done.forEach(f -> f.complete(status));
        if (deleting && holding.isEmpty() && unswept.isEmpty()) {
            log.info("secret propagation {} deleted: no copy left", id);
            engine.removed(this);
            deletion.complete(null);
            return;
        }
        if (retry) {
            failures++;
            engine.retry(this, failures);
        } else {
            failures = 0;
        }
    }

    /** One pass; whether something failed and should be retried soon. */
    private boolean run() {
        SecretPropagationRequest req = request;
        boolean retry = false;
        if (deleted && !deleting) {
            deleting = true;
            closeWatch();
            unswept.addAll(holding);
        }
        FleetSnapshot snapshot = engine.fleet().snapshot();
        if (!deleting) {
            applyRequest(req, snapshot);
            retry |= readSource(req);
        }
        forgetClustersThatLeft(snapshot);
        if (deleting) {
            chosen = new TreeSet<>();
            placementMessage = "deleting";
        } else {
            place(req, snapshot);
        }
        retry |= write(req, snapshot);
        retry |= remove(req, snapshot);
        return retry;
    }

    /** Takes up a new request: a changed source is read again, a changed target swept, a changed policy re-placed. */
    private void applyRequest(SecretPropagationRequest req, FleetSnapshot snapshot) {
        SecretPropagationRequest old = applied;
        if (old == req) {
            return;
        }
        if (old == null) {
            // A new propagation, maybe in a new process: any cluster may hold a copy from before.
            snapshot.clusters().forEach(c -> unswept.add(c.name()));
        } else {
            if (old.source() != req.source() || !old.sourceName().equals(req.sourceName())) {
                closeWatch();
                current = null;
                sourceDirty = true;
            }
            if (!old.targetNamespace().equals(req.targetNamespace())
                    || !old.targetName().equals(req.targetName())) {
                unswept.addAll(holding);
            }
            if (!old.placement().equals(req.placement())) {
                fresh = true;
            }
        }
        namespaces.add(req.targetNamespace());
        applied = req;
    }

    /** Starts the source's watch if it has one, then reads the source if it rotated (or was never read). */
    private boolean readSource(SecretPropagationRequest req) {
        SecretsAdapter source = req.source();
        String before = sourceMessage;
        boolean retry = false;
        String watchProblem = "";
        if (sourceWatch == null && source.capabilities().contains(SecretsCapability.WATCH)) {
            try {
                // Watch first, read second: a rotation between the two is then seen by one or the other.
                sourceWatch = source.watch(Set.of(req.sourceName()), engine.sourceWatchInterval(), this::rotated);
            } catch (RuntimeException e) {
                watchProblem = "cannot watch source " + sourceLabel(req) + ": " + redact(String.valueOf(e.getMessage()))
                        + "; read on every resync until it can";
                engine.counter(PropagationEngine.FAILURES, id, "step", "source").increment();
                retry = true;
            }
        }
        // Without a watch, the resync timer marks the source for reading on every pass it starts.
        watching = sourceWatch != null;
        if (sourceDirty || current == null) {
            sourceDirty = false;
            try {
                SecretVersion v = source.get(req.sourceName());
                if (current == null || !current.version().equals(v.version())) {
                    log.info("secret propagation {}: source {} is at version {}", id, sourceLabel(req), v.version());
                }
                current = v;
                sourceMessage = "";
            } catch (RuntimeException e) {
                sourceDirty = true;
                sourceMessage = "source " + sourceLabel(req) + " unreadable: " + redact(String.valueOf(e.getMessage()));
                engine.counter(PropagationEngine.FAILURES, id, "step", "source").increment();
                retry = true;
            }
        } else if (sourceWatch != null) {
            sourceMessage = "";
        }
        if (!watchProblem.isEmpty()) {
            sourceMessage = sourceMessage.isEmpty() ? watchProblem : sourceMessage + "; " + watchProblem;
        }
        if (!sourceMessage.isEmpty() && !sourceMessage.equals(before)) {
            log.warn("secret propagation {}: {}", id, sourceMessage);
        }
        return retry;
    }

    /** Clusters removed from the fleet cannot be reached any more: whatever they hold is left in place. */
    private void forgetClustersThatLeft(FleetSnapshot snapshot) {
        Set<String> known = new TreeSet<>();
        snapshot.clusters().forEach(c -> known.add(c.name()));
        Set<String> gone = new TreeSet<>(holding);
        gone.addAll(unswept);
        gone.addAll(chosen);
        gone.removeAll(known);
        for (String c : gone) {
            if (holding.contains(c)) {
                log.warn("secret propagation {}: cluster {} left the fleet; a copy there is left in place", id, c);
            }
            holding.remove(c);
            unswept.remove(c);
            chosen.remove(c);
            clusters.remove(c);
            engine.clients().forget(c);
        }
    }

    private void place(SecretPropagationRequest req, FleetSnapshot snapshot) {
        PlacementDecision d = StickyPlacement.decide(req.placement(), snapshot, chosen, decision, fresh);
        if (d.satisfied()) {
            if (d != decision) {
                Set<String> next = new TreeSet<>(d.chosenNames());
                if (!next.equals(chosen)) {
                    log.info("secret propagation {}: placed on {} (was {})", id, next, chosen);
                }
                chosen = next;
                decision = d;
            }
            fresh = false;
            placementMessage = "";
        } else {
            // As the fleet does when a failover finds no cluster: nothing moves, least of all out of the residency.
            // Except that a cluster which itself left the zone (re-registered elsewhere) is dropped, so its copy goes.
            chosen.removeIf(c -> snapshot.cluster(c)
                    .map(cs -> !StickyPlacement.residencyAllows(req.placement(), cs.spec()))
                    .orElse(true));
            String m = "placement not met (" + d.failureReason().orElse("") + "); keeping " + chosen;
            if (!m.equals(placementMessage)) {
                log.warn("secret propagation {}: {}", id, m);
            }
            placementMessage = m;
        }
    }

    /** Makes every selected cluster hold the source version; whether a write failed. */
    private boolean write(SecretPropagationRequest req, FleetSnapshot snapshot) {
        boolean retry = false;
        for (String c : chosen) {
            ClusterState cs = snapshot.cluster(c).orElse(null);
            if (cs == null) {
                continue;
            }
            if (!StickyPlacement.residencyAllows(req.placement(), cs.spec())) {
                // Unreachable through the engine, which filters on residency; checked again before any write.
                engine.counter(PropagationEngine.RESIDENCY_REFUSALS, id).increment();
                set(
                        cs,
                        State.PENDING,
                        null,
                        "not written: residency '" + cs.spec().residency() + "', the policy needs '"
                                + req.placement().residency() + "'");
                continue;
            }
            SecretVersion v = current;
            if (v == null) {
                set(cs, State.PENDING, version(c), "waiting for the source: " + sourceMessage);
                continue;
            }
            holding.add(c);
            try {
                KubernetesClient client = engine.clients().client(cs.spec());
                switch (SecretCopies.ensure(client, owner(c), req, v)) {
                    case WRITTEN -> {
                        engine.counter(PropagationEngine.WRITES, id).increment();
                        log.info(
                                "secret propagation {}: version {} written to {} as {}/{}",
                                id,
                                v.version(),
                                c,
                                req.targetNamespace(),
                                req.targetName());
                        set(cs, State.CURRENT, v.version(), "");
                    }
                    case UNCHANGED -> set(cs, State.CURRENT, v.version(), "");
                    case CONFLICT -> {
                        holding.remove(c);
                        set(
                                cs,
                                State.CONFLICT,
                                null,
                                "Secret " + req.targetNamespace() + "/" + req.targetName() + " exists on " + c
                                        + " and was not created by propagation " + id + "; left alone");
                    }
                }
            } catch (AdapterException | ClusterRegistrationException e) {
                engine.counter(PropagationEngine.FAILURES, id, "step", "write").increment();
                set(cs, State.PENDING, version(c), redact(String.valueOf(e.getMessage())) + "; retrying");
                retry = true;
            }
        }
        return retry;
    }

    /**
     * Removes copies from clusters no longer selected (once every selected cluster holds the source version, so a
     * failover has its replacement first), and copies under an old target name from selected ones; whether a removal
     * failed.
     */
    private boolean remove(SecretPropagationRequest req, FleetSnapshot snapshot) {
        boolean retry = false;
        boolean replaced = chosen.stream().allMatch(c -> {
            ClusterSecretStatus s = clusters.get(c);
            return s != null && (s.state() == State.CURRENT || s.state() == State.CONFLICT);
        });
        Set<String> candidates = new TreeSet<>(holding);
        candidates.removeAll(chosen);
        candidates.addAll(unswept);
        SecretName keep = new SecretName(req.targetNamespace(), req.targetName());
        for (String c : candidates) {
            ClusterState cs = snapshot.cluster(c).orElse(null);
            if (cs == null) {
                continue;
            }
            boolean selected = chosen.contains(c);
            if (!selected && !replaced && !deleting) {
                if (holding.contains(c)) {
                    set(cs, State.LEAVING, version(c), "removed once every selected cluster holds the source version");
                }
                continue;
            }
            try {
                KubernetesClient client = engine.clients().client(cs.spec());
                int n = SecretCopies.sweep(client, owner(c), id, namespaces, selected && !deleting ? keep : null);
                if (n > 0) {
                    engine.counter(PropagationEngine.REMOVALS, id).increment(n);
                    log.info("secret propagation {}: {} copies removed from {}", id, n, c);
                }
                unswept.remove(c);
                if (!selected) {
                    holding.remove(c);
                    clusters.remove(c);
                }
            } catch (AdapterException | ClusterRegistrationException e) {
                engine.counter(PropagationEngine.FAILURES, id, "step", "remove").increment();
                if (holding.contains(c) && !selected) {
                    set(cs, State.LEAVING, version(c), "removal pending: " + redact(String.valueOf(e.getMessage())));
                }
                retry = true;
            }
        }
        return retry;
    }

    private void set(ClusterState cs, State state, @Nullable String version, String message) {
        ClusterSecretStatus old = clusters.get(cs.name());
        if (old != null
                && old.state() == state
                && Objects.equals(old.version(), version)
                && old.message().equals(message)) {
            return;
        }
        if (!message.isEmpty() && (old == null || !old.message().equals(message))) {
            log.warn("secret propagation {} on {}: {} ({})", id, cs.name(), state, message);
        }
        clusters.put(
                cs.name(),
                new ClusterSecretStatus(
                        cs.name(),
                        cs.spec().residency(),
                        state,
                        version,
                        message,
                        engine.clock().instant()));
    }

    private void publish() {
        Set<String> shown = new TreeSet<>(chosen);
        shown.addAll(holding);
        clusters.keySet().retainAll(shown);
        String message = String.join(
                "; ",
                java.util.stream.Stream.of(placementMessage, sourceMessage)
                        .filter(m -> !m.isEmpty())
                        .distinct()
                        .toList());
        placedOn = Set.copyOf(chosen);
        SecretVersion v = current;
        status = new SecretPropagationStatus(
                id,
                v == null ? null : v.version(),
                deleting ? null : decision,
                new ArrayList<>(clusters.values()),
                message,
                engine.clock().instant());
    }

    private @Nullable String version(String cluster) {
        ClusterSecretStatus s = clusters.get(cluster);
        return s == null ? null : s.version();
    }

    private String owner(String cluster) {
        return id + "@" + cluster;
    }

    private String redact(String text) {
        SecretVersion v = current;
        Collection<Secret> values = v == null ? List.of() : v.data().values();
        return KubernetesErrors.redact(text, values);
    }

    private static String sourceLabel(SecretPropagationRequest req) {
        return req.source().system() + "/" + req.source().name() + ":" + req.sourceName();
    }

    private void closeWatch() {
        AutoCloseable w = sourceWatch;
        sourceWatch = null;
        watching = false;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                log.debug("secret propagation {}: closing the source watch: {}", id, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "SecretPropagation[" + id + ", " + request + "]";
    }
}
