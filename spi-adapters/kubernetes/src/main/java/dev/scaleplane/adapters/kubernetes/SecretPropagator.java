package dev.scaleplane.adapters.kubernetes;

import dev.scaleplane.adapters.kubernetes.internal.PropagationEngine;
import dev.scaleplane.api.federation.Fleet;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Copies secrets from any secrets adapter (Vault, AWS Secrets Manager, another cluster's Secrets, ...) into the
 * clusters of a {@link Fleet} that a placement policy selects, as Kubernetes Secrets, and keeps them so.
 *
 * <h2>What a propagation keeps true</h2>
 *
 * <ul>
 *   <li><b>Placement</b> is the fleet's own engine on the fleet's snapshot ({@link Fleet#snapshot()}): filters,
 *       residency, taints, health, spread and pick, with the fleet's failover rule (a cluster holding the secret
 *       keeps it while it is merely not ready, and loses it at its {@code NO_EXECUTE} taint, past the fleet's
 *       toleration). With {@code pickAll} every feasible cluster holds it, including clusters registered later;
 *       with {@code pick(n)} the chosen clusters stay chosen until one is lost.
 *   <li><b>Residency</b> is never left: the engine filters on it, failover included, and every write checks the
 *       target cluster's residency against the policy's again (a refusal is counted in {@value
 *       #RESIDENCY_REFUSALS}). When no cluster of the zone is left, nothing moves.
 *   <li><b>Copies</b>: one {@code Opaque} Secret per selected cluster, {@code <namespace>/<name>} from the request,
 *       labelled and annotated as {@link SecretPropagationRequest} says, replaced whole when the source version or
 *       the data differs (a copy edited on the cluster is repaired on the next pass). A Secret of that name that the
 *       propagation did not create is left alone ({@link ClusterSecretStatus.State#CONFLICT}). The namespace must
 *       exist on a real cluster.
 *   <li><b>Rotation</b>: the source's {@link dev.scaleplane.api.adapters.secrets.SecretsAdapter#watch watch} (when
 *       it has the WATCH capability) triggers a pass that reads the new version and writes it everywhere; a source
 *       without WATCH is read again on every resync.
 *   <li><b>Removal</b>: a cluster the placement no longer selects (failover, a policy, label or residency change)
 *       has its copy deleted once every selected cluster holds the source version (the replacement first, as the
 *       fleet does); an unreachable one is retried until it answers. A new propagator also looks for copies left on
 *       every cluster by an earlier process. A cluster removed from the fleet keeps what it has (it cannot be
 *       reached any more), as in the fleet.
 *   <li><b>Secrecy</b>: values travel as {@link dev.scaleplane.api.adapters.secrets.Secret}s from the source's
 *       answer to the cluster's request body, nowhere else: not in logs (fabric8's TRACE body logging is removed from
 *       the clients), statuses, exceptions, metrics or {@code toString}; nothing is written to the event store or
 *       the bus. This is why the fleet's {@link Fleet#propagate} is not used: it records every object of a
 *       propagation in the event store (to restore it after a restart) and shows the first drifting field with its
 *       value in the status message.
 * </ul>
 *
 * <h2>When passes run</h2>
 *
 * A pass of a propagation runs on {@link #propagate}, on a rotation of its source, on every health change of the
 * fleet, every {@code resyncInterval} (which is also when a failover past the toleration is noticed) and, after a
 * failure, after {@code retryInterval} doubling up to {@code resyncInterval}. Passes run one at a time on one worker
 * thread; a cluster that does not answer holds it for up to {@code requestTimeout} per request.
 *
 * <p>Thread-safe. {@link #close()} stops everything and leaves every copy in place.
 */
public final class SecretPropagator implements AutoCloseable {
    /** Counter of copies written (created or replaced), tag {@code propagation}. */
    public static final String WRITES = "scaleplane.secrets.propagation.writes";

    /** Counter of copies removed, tag {@code propagation}. */
    public static final String REMOVALS = "scaleplane.secrets.propagation.removals";

    /** Counter of failed steps, tags {@code propagation} and {@code step} ({@code source}, {@code write}, {@code remove}). */
    public static final String FAILURES = "scaleplane.secrets.propagation.failures";

    /** Counter of writes refused because the cluster is outside the policy's residency, tag {@code propagation}. */
    public static final String RESIDENCY_REFUSALS = "scaleplane.secrets.propagation.residency.refusals";

    private final PropagationEngine engine;

    private SecretPropagator(Builder b) {
        engine = new PropagationEngine(
                b.fleet,
                b.clock,
                b.meters,
                b.resyncInterval,
                b.retryInterval,
                b.sourceWatchInterval,
                b.connectTimeout,
                b.requestTimeout);
    }

    /** A builder for a propagator over {@code fleet}. */
    public static Builder builder(Fleet fleet) {
        return new Builder(Objects.requireNonNull(fleet, "fleet"));
    }

    /**
     * Starts a propagation, or updates the one with the request's id (a changed target has its old copies removed, a
     * changed source is read afresh, a changed policy is placed afresh). Returns at once; the first pass follows.
     *
     * @throws dev.scaleplane.api.federation.PlacementException if no placement meets the policy on the fleet now
     *     (nothing is written)
     * @throws IllegalStateException if the propagator is closed, or the propagation is being deleted
     */
    public SecretPropagation propagate(SecretPropagationRequest request) {
        return engine.propagate(request);
    }

    /** The propagation {@code id}, if running or being deleted. */
    public Optional<SecretPropagation> propagation(String id) {
        return engine.propagation(Objects.requireNonNull(id, "id"));
    }

    /** Every propagation, by id. */
    public List<SecretPropagation> propagations() {
        return engine.propagations();
    }

    /** Stops the worker, the sources' watches and the clusters' clients. Copies stay where they are. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    /** Builds a {@link SecretPropagator}; setters validate. Not thread-safe. */
    public static final class Builder {
        private final Fleet fleet;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meters = new SimpleMeterRegistry();
        private Duration resyncInterval = Duration.ofSeconds(30);
        private Duration retryInterval = Duration.ofSeconds(1);
        private Duration sourceWatchInterval = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder(Fleet fleet) {
            this.fleet = fleet;
        }

        /** Time between passes of every propagation; default 30 s. */
        public Builder resyncInterval(Duration interval) {
            this.resyncInterval = positive(interval, "resyncInterval");
            return this;
        }

        /** First delay before a failed pass is repeated, doubled up to the resync interval; default 1 s. */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = positive(interval, "retryInterval");
            return this;
        }

        /** The poll interval handed to sources that poll for rotations (Vault, AWS); default 30 s. */
        public Builder sourceWatchInterval(Duration interval) {
            this.sourceWatchInterval = positive(interval, "sourceWatchInterval");
            return this;
        }

        /** Connect timeout of the clusters' clients; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Timeout of one request to a cluster; default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** The clock of statuses; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the counters go (writes, removals, failures, residency refusals); default a private registry. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Starts the propagator: its worker, its resync timer and its subscription to the fleet's health changes. */
        public SecretPropagator build() {
            return new SecretPropagator(this);
        }

        private static Duration positive(Duration d, String field) {
            Objects.requireNonNull(d, field);
            if (d.isNegative() || d.isZero() || d.toMillis() < 1) {
                throw new IllegalArgumentException(field + " must be at least 1 ms, but was " + d);
            }
            return d;
        }
    }
}
