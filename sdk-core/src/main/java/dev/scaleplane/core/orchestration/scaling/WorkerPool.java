package dev.scaleplane.core.orchestration.scaling;

import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.scaling.ScalingActuator;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.core.orchestration.Orchestrator;
import dev.scaleplane.core.orchestration.TaskHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link ScalingActuator}: a pool of identical workers registered on an {@link Orchestrator} in this
 * process, each running the same {@link TaskHandler} with the same slots and labels.
 *
 * <p>Scaling up registers workers named {@code <name>-<n>}, with {@code n} counting up from 1 and never reused, so a
 * draining worker and a new one never share an id. Scaling down removes the newest workers first (the oldest have
 * the warmest caches) and {@linkplain Orchestrator.Registration#drain drains} them: they take no new task at once,
 * and what they run may finish within the {@linkplain Builder#drainTimeout(Duration) drain timeout} (default 300 s,
 * on the orchestrator's clock) before it is handed back to the queue. Draining workers do not count in {@link
 * #currentWorkers()}.
 *
 * <p>Thread-safe.
 */
public final class WorkerPool implements ScalingActuator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /** Default {@linkplain Builder#drainTimeout(Duration) drain timeout}: 300 s, the seeds' connection draining. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(300);

    private final Orchestrator orchestrator;
    private final TaskHandler handler;
    private final String name;
    private final int slots;
    private final Map<String, String> labels;
    private final Duration drainTimeout;

    private final Object lock = new Object();
    /** Active registrations, oldest first. */
    private final ArrayDeque<Orchestrator.Registration> active = new ArrayDeque<>();

    private final Set<Orchestrator.Registration> draining = new LinkedHashSet<>();
    private long next = 1;
    private boolean closed;

    private WorkerPool(Builder b) {
        this.orchestrator = b.orchestrator;
        this.handler = b.handler;
        this.name = b.name;
        this.slots = b.slots;
        this.labels = b.labels;
        this.drainTimeout = b.drainTimeout;
        scale(b.initialWorkers);
    }

    /** A builder of a pool on {@code orchestrator} whose workers run {@code handler}. */
    public static Builder builder(Orchestrator orchestrator, TaskHandler handler) {
        return new Builder(orchestrator, handler);
    }

    @Override
    public int currentWorkers() {
        synchronized (lock) {
            return active.size();
        }
    }

    /** Workers removed and still finishing their tasks. */
    public int drainingWorkers() {
        synchronized (lock) {
            return draining.size();
        }
    }

    /** The ids of the active workers, oldest first. */
    public List<String> workerIds() {
        synchronized (lock) {
            List<String> ids = new ArrayList<>(active.size());
            for (Orchestrator.Registration r : active) {
                ids.add(r.spec().id());
            }
            return ids;
        }
    }

    /**
     * Registers or drains workers until {@code workers} are active.
     *
     * @throws IllegalArgumentException if {@code workers} is negative
     * @throws IllegalStateException if the pool is closed, or the orchestrator is shut down
     */
    @Override
    public void scale(int workers, ScalingDecision decision) {
        Objects.requireNonNull(decision, "decision");
        scale(workers);
    }

    private void scale(int workers) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0, but was " + workers);
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("worker pool '" + name + "' is closed");
            }
            while (active.size() < workers) {
                WorkerSpec spec = new WorkerSpec(name + "-" + next++, slots, 1, labels);
                active.addLast(orchestrator.register(spec, handler));
            }
            while (active.size() > workers) {
                Orchestrator.Registration r = active.removeLast();
                draining.add(r);
                r.drain(drainTimeout).whenComplete((handedBack, e) -> drained(r, handedBack));
            }
        }
    }

    private void drained(Orchestrator.Registration r, Integer handedBack) {
        synchronized (lock) {
            draining.remove(r);
        }
        if (handedBack != null && handedBack > 0) {
            LOG.warn(
                    "Worker '{}' of pool '{}' handed {} tasks back to the queue after its drain timeout {}",
                    r.spec().id(),
                    name,
                    handedBack,
                    drainTimeout);
        }
    }

    /**
     * Deregisters every worker without waiting: running handlers finish, as after {@link Orchestrator.Registration#close()}.
     * Idempotent.
     */
    @Override
    public void close() {
        List<Orchestrator.Registration> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(active);
            all.addAll(draining);
            active.clear();
        }
        for (Iterator<Orchestrator.Registration> it = all.iterator(); it.hasNext(); ) {
            it.next().close();
        }
    }

    @Override
    public String toString() {
        return "WorkerPool{" + name + ", workers=" + currentWorkers() + ", draining=" + drainingWorkers() + '}';
    }

    /** Builds a {@link WorkerPool}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final Orchestrator orchestrator;
        private final TaskHandler handler;
        private String name = "pool";
        private int slots = 1;
        private Map<String, String> labels = Map.of();
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int initialWorkers = 1;

        private Builder(Orchestrator orchestrator, TaskHandler handler) {
            this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /**
         * The prefix of worker ids. Default {@code pool}.
         *
         * @throws IllegalArgumentException if it is not a valid name (letters, digits, {@code . _ -})
         */
        public Builder name(String name) {
            this.name = SubscriptionOptions.checkName(name, "name");
            return this;
        }

        /**
         * Slots of each worker. Default 1.
         *
         * @throws IllegalArgumentException if below 1
         */
        public Builder slots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("slots must be >= 1, but was " + slots);
            }
            this.slots = slots;
            return this;
        }

        /** Labels of each worker, for label constraints. Default none. */
        public Builder labels(Map<String, String> labels) {
            this.labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
            return this;
        }

        /**
         * How long a removed worker may finish its tasks before they are handed back. Default 300 s.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder drainTimeout(Duration drainTimeout) {
            Objects.requireNonNull(drainTimeout, "drainTimeout");
            if (drainTimeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must be >= 0, but was " + drainTimeout);
            }
            this.drainTimeout = drainTimeout;
            return this;
        }

        /**
         * Workers registered when the pool is built. Default 1.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder initialWorkers(int initialWorkers) {
            if (initialWorkers < 0) {
                throw new IllegalArgumentException("initialWorkers must be >= 0, but was " + initialWorkers);
            }
            this.initialWorkers = initialWorkers;
            return this;
        }

        /**
         * Builds the pool and registers its initial workers.
         *
         * @throws IllegalStateException if the orchestrator is shut down
         * @throws IllegalArgumentException if a worker id of this pool's name is registered already
         */
        public WorkerPool build() {
            return new WorkerPool(this);
        }
    }
}
