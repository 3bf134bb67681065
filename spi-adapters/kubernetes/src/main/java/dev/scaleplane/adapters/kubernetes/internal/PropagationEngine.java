package dev.scaleplane.adapters.kubernetes.internal;

import dev.scaleplane.adapters.kubernetes.SecretPropagation;
import dev.scaleplane.adapters.kubernetes.SecretPropagationRequest;
import dev.scaleplane.adapters.kubernetes.SecretPropagator;
import dev.scaleplane.api.federation.ClusterHealthChange;
import dev.scaleplane.api.federation.Fleet;
import dev.scaleplane.api.federation.PlacementDecision;
import dev.scaleplane.api.federation.PlacementException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@code SecretPropagator}: one worker thread that runs every propagation's passes one at a
 * time, the resync timer, the fleet's health changes as triggers, the clusters' clients and the meters.
 *
 * <p>Thread-safe: state of a propagation is only touched on the worker thread; triggers hand work to it.
 */
public final class PropagationEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PropagationEngine.class);

    static final String WRITES = SecretPropagator.WRITES;
    static final String REMOVALS = SecretPropagator.REMOVALS;
    static final String FAILURES = SecretPropagator.FAILURES;
    static final String RESIDENCY_REFUSALS = SecretPropagator.RESIDENCY_REFUSALS;

    private final Fleet fleet;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Duration resyncInterval;
    private final Duration retryInterval;
    private final Duration sourceWatchInterval;
    private final ClusterClients clients;
    private final ScheduledExecutorService worker;
    private final Map<String, PropagationState> states = new ConcurrentSkipListMap<>();
    private volatile Flow.@Nullable Subscription health;
    private volatile boolean closed;

    /**
     * Starts the worker, the resync timer and the subscription to the fleet's health changes.
     *
     * @param fleet the fleet
     * @param clock the clock of statuses
     * @param meters where the counters go
     * @param resyncInterval time between passes of every propagation
     * @param retryInterval first delay before a failed pass is repeated, doubled up to {@code resyncInterval}
     * @param sourceWatchInterval the poll interval handed to the source's watch
     * @param connectTimeout connect timeout of the clusters' clients
     * @param requestTimeout request timeout of the clusters' clients
     */
    public PropagationEngine(
            Fleet fleet,
            Clock clock,
            MeterRegistry meters,
            Duration resyncInterval,
            Duration retryInterval,
            Duration sourceWatchInterval,
            Duration connectTimeout,
            Duration requestTimeout) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.clock = clock;
        this.meters = meters;
        this.resyncInterval = resyncInterval;
        this.retryInterval = retryInterval;
        this.sourceWatchInterval = sourceWatchInterval;
        this.clients = new ClusterClients(connectTimeout, requestTimeout);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "scaleplane-secret-propagator");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.worker = executor;
        worker.scheduleWithFixedDelay(
                this::resyncAll, resyncInterval.toMillis(), resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
        fleet.healthChanges().subscribe(new Flow.Subscriber<ClusterHealthChange>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                health = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ClusterHealthChange change) {
                // Any cluster's health may change a placement: every propagation takes a pass.
                states.values().forEach(PropagationEngine.this::requestPass);
            }

            @Override
            public void onError(Throwable t) {
                log.warn("secret propagation no longer hears the fleet's health changes: {}", t.toString());
            }

            @Override
            public void onComplete() {}
        });
    }

    /**
     * Starts or updates a propagation. Checks synchronously that the placement can be met.
     *
     * @throws PlacementException if no placement meets the policy (nothing is written)
     * @throws IllegalStateException if the propagator is closed or the propagation is being deleted
     */
    public SecretPropagation propagate(SecretPropagationRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed) {
            throw new IllegalStateException("the secret propagator is closed");
        }
        PropagationState running = states.get(request.id());
        // The same rule as the passes: clusters holding the secret count through their NO_SCHEDULE taints.
        Set<String> held = running == null ? Set.of() : running.placedOn();
        PlacementDecision d = StickyPlacement.decide(request.placement(), fleet.snapshot(), held, null, true);
        if (!d.satisfied()) {
            throw new PlacementException(request.id(), d);
        }
        PropagationState state = states.compute(request.id(), (id, existing) -> {
            if (existing == null) {
                return new PropagationState(this, request);
            }
            existing.update(request);
            return existing;
        });
        requestPass(state);
        return state;
    }

    /** The propagation {@code id}, if running (or being deleted). */
    public Optional<SecretPropagation> propagation(String id) {
        return Optional.ofNullable(states.get(id));
    }

    /** Every propagation, by id. */
    public List<SecretPropagation> propagations() {
        return new ArrayList<>(states.values());
    }

    boolean closed() {
        return closed;
    }

    Fleet fleet() {
        return fleet;
    }

    Clock clock() {
        return clock;
    }

    ClusterClients clients() {
        return clients;
    }

    Duration sourceWatchInterval() {
        return sourceWatchInterval;
    }

    Counter counter(String name, String propagation, String... tags) {
        return Counter.builder(name).tag("propagation", propagation).tags(tags).register(meters);
    }

    /** Queues a pass of {@code state} unless one is already queued. */
    void requestPass(PropagationState state) {
        if (closed || !state.markQueued()) {
            return;
        }
        try {
            worker.execute(state::pass);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Repeats a failed pass after {@code failures} failures in a row: the retry interval, doubled, up to resync. */
    void retry(PropagationState state, int failures) {
        long delay = retryInterval.toMillis() << Math.min(failures - 1, 20);
        delay = Math.min(delay, resyncInterval.toMillis());
        if (closed) {
            return;
        }
        try {
            worker.schedule(() -> requestPass(state), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** A deleted propagation whose copies are all gone. */
    void removed(PropagationState state) {
        states.remove(state.id(), state);
    }

    private void resyncAll() {
        for (PropagationState s : states.values()) {
            s.resyncTick();
            requestPass(s);
        }
    }

    /** Stops the worker, the watches and the health subscription, and closes the clients. Copies stay in place. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Flow.Subscription s = health;
        if (s != null) {
            s.cancel();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        states.values().forEach(PropagationState::stop);
        clients.close();
    }
}
