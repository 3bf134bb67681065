package dev.scaleplane.core.orchestration.scaling;

import dev.scaleplane.api.Platform;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.orchestration.TaskBacklog;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueue;
import dev.scaleplane.api.orchestration.scaling.ScalingActuator;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import dev.scaleplane.api.orchestration.scaling.ScalingEvents;
import dev.scaleplane.api.orchestration.scaling.ScalingMetric;
import dev.scaleplane.api.orchestration.scaling.ScalingPolicy;
import dev.scaleplane.core.internal.scaling.ScalingBehavior;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.core.store.EventRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes one worker pool from the backlog of a task queue, in the manner of a KEDA scaler driving a Kubernetes HPA:
 * every {@linkplain ScalingPolicy#evaluationInterval() evaluation interval} it reads the {@link TaskBacklog}, lets each
 * {@linkplain ScalingPolicy#metrics() metric} recommend a count, stabilizes and rate-limits the largest as the
 * {@link ScalingPolicy} describes, and asks the {@link ScalingActuator} for the result.
 *
 * <h2>Decisions are events</h2>
 *
 * Each {@link #evaluate()} returns a {@link ScalingDecision} with the inputs read (depth, oldest-ready age, every
 * metric's value and recommendation), the counts of each step and the reason. With a {@linkplain
 * Builder#platform(Platform) platform}, a decision is recorded when it changes the count, or when its count or reason
 * differs from the last recorded one, so a pool held by a window or at its maximum is one event, not one per
 * evaluation: appended to stream {@link ScalingEvents#stream(String) scaling-<pool>} of the platform's store
 * <em>before</em> the actuator is called (the audit trail holds a decision before it is acted on), then published on
 * topic {@value ScalingEvents#TOPIC}. A store or bus failure is logged, rate-limited, and does not stop scaling: a
 * pool that cannot grow because the audit trail is down would turn one outage into two.
 *
 * <h2>Failures</h2>
 *
 * A backlog that cannot be read, or an actuator that throws, leaves the count as it is: the decision says {@code
 * METRICS_UNAVAILABLE} or {@code ACTUATOR_FAILED}, the change does not count against the limits, and the next
 * evaluation tries again.
 *
 * <p>Time is read from the {@link TaskClock}, so a test drives the autoscaler on virtual time. Thread-safe; decisions
 * are made one at a time.
 */
public final class Autoscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
    private static final String SOURCE = "/scaleplane/autoscaler";

    private final String pool;
    private final ScalingActuator actuator;
    private final Supplier<TaskBacklog> backlog;
    private final ScalingPolicy policy;
    private final TaskClock clock;
    private final @Nullable Platform platform;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final EventRecorder recorder = new EventRecorder(failures, "Scaling decision");

    private final Object lock = new Object();
    private final ScalingBehavior behavior;
    private @Nullable ScalingDecision lastRecorded;
    private @Nullable ScalingDecision last;
    private TaskClock.@Nullable Cancellable loop;
    private boolean closed;

    private Autoscaler(Builder b, Supplier<TaskBacklog> backlog) {
        this.pool = b.pool;
        this.actuator = b.actuator;
        this.backlog = backlog;
        this.policy = b.policy;
        this.clock = b.clock;
        this.platform = b.platform;
        this.behavior = new ScalingBehavior(b.policy);
    }

    /**
     * A builder for pool {@code pool}, scaled through {@code actuator}.
     *
     * @param pool the pool's name, in decisions and the stream name; 1-200 characters from letters, digits, {@code . _
     *     -}
     * @throws IllegalArgumentException if {@code pool} is not a valid name
     */
    public static Builder builder(String pool, ScalingActuator actuator) {
        return new Builder(pool, actuator);
    }

    /** The pool's name. */
    public String pool() {
        return pool;
    }

    /** The policy. */
    public ScalingPolicy policy() {
        return policy;
    }

    /** The last decision made, if any. */
    public @Nullable ScalingDecision lastDecision() {
        synchronized (lock) {
            return last;
        }
    }

    /**
     * Makes one decision now, on the caller's thread, and applies it: reads the backlog and the actuator's count,
     * decides, records the decision (see the class comment) and calls the actuator if the count changes.
     *
     * @return the decision
     * @throws IllegalStateException if the autoscaler is closed
     */
    public ScalingDecision evaluate() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("autoscaler of pool '" + pool + "' is closed");
            }
            Instant now = clock.now();
            int current = actuator.currentWorkers();
            TaskBacklog read;
            try {
                read = backlog.get();
            } catch (RuntimeException e) {
                failures.warn("backlog", "Autoscaler of pool '{}' cannot read the backlog: {}", pool, e.toString());
                ScalingDecision d = new ScalingDecision(
                        pool,
                        now,
                        current,
                        current,
                        current,
                        ScalingDecision.Reason.METRICS_UNAVAILABLE,
                        0,
                        null,
                        List.of(),
                        "cannot read the backlog (" + e + "); keeping " + current + " workers");
                return settle(d);
            }
            List<ScalingDecision.MetricReading> readings = new ArrayList<>();
            OptionalInt raw = OptionalInt.empty();
            for (ScalingMetric metric : policy.metrics()) {
                OptionalDouble value = metric.read(read);
                OptionalInt workers = metric.recommend(read, current);
                readings.add(new ScalingDecision.MetricReading(
                        metric.name(),
                        value.isPresent() ? value.getAsDouble() : null,
                        metric.target(),
                        workers.isPresent() ? workers.getAsInt() : null));
                if (workers.isPresent() && (raw.isEmpty() || workers.getAsInt() > raw.getAsInt())) {
                    raw = workers;
                }
            }
            ScalingBehavior.Outcome o = behavior.decide(now, current, raw);
            ScalingDecision d = new ScalingDecision(
                    pool,
                    now,
                    current,
                    o.recommended(),
                    o.desired(),
                    o.reason(),
                    read.depth(),
                    read.oldestReadyAge(),
                    readings,
                    o.message());
            return settle(d);
        }
    }

    /** Records the decision and applies it. Lock held. */
    private ScalingDecision settle(ScalingDecision d) {
        ScalingDecision outcome = d;
        if (d.changes()) {
            record(d);
            try {
                actuator.scale(d.desiredWorkers(), d);
                behavior.changed(d.at(), d.currentWorkers(), d.desiredWorkers());
                LOG.info(
                        "Pool '{}' scaled {} -> {} workers ({}): {}",
                        pool,
                        d.currentWorkers(),
                        d.desiredWorkers(),
                        d.reason(),
                        d.message());
            } catch (RuntimeException e) {
                failures.warn(
                        "actuator",
                        "Actuator of pool '{}' failed to scale to {}: {}",
                        pool,
                        d.desiredWorkers(),
                        e.toString());
                outcome = new ScalingDecision(
                        pool,
                        d.at(),
                        d.currentWorkers(),
                        d.recommendedWorkers(),
                        d.currentWorkers(),
                        ScalingDecision.Reason.ACTUATOR_FAILED,
                        d.depth(),
                        d.oldestReadyAge(),
                        d.readings(),
                        "the actuator failed to scale to " + d.desiredWorkers() + " (" + e + "); " + d.message());
                record(outcome);
            }
        } else if (lastRecorded == null
                || lastRecorded.desiredWorkers() != d.desiredWorkers()
                || lastRecorded.reason() != d.reason()) {
            record(d);
        }
        last = outcome;
        return outcome;
    }

    /** Appends to the store (waiting), then publishes; failures are logged. Lock held. */
    private void record(ScalingDecision d) {
        lastRecorded = d;
        Platform p = platform;
        if (p == null) {
            return;
        }
        Event<ScalingDecision> event = Event.builder(ScalingDecision.TYPE, d)
                .source(SOURCE)
                .subject(pool)
                .time(d.at())
                .build();
        try {
            recorder.append(p, ScalingEvents.stream(pool), event);
        } catch (RuntimeException e) {
            failures.warn(
                    "store",
                    "Scaling decision of pool '{}' not recorded in stream {}: {}",
                    pool,
                    ScalingEvents.stream(pool),
                    e.toString());
        }
        recorder.publish(p, ScalingEvents.TOPIC, event);
    }

    /**
     * Evaluates now and then every evaluation interval on the clock, until {@link #close()}. A failing evaluation is
     * logged and the loop goes on. Idempotent.
     *
     * @throws IllegalStateException if the autoscaler is closed
     */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("autoscaler of pool '" + pool + "' is closed");
            }
            if (loop == null) {
                loop = clock.schedule(Duration.ZERO, this::tick);
            }
        }
    }

    private void tick() {
        try {
            evaluate();
        } catch (IllegalStateException closedNow) {
            return;
        } catch (RuntimeException e) {
            LOG.error("Autoscaler of pool '{}' failed to evaluate", pool, e);
        }
        synchronized (lock) {
            if (!closed) {
                loop = clock.schedule(policy.evaluationInterval(), this::tick);
            }
        }
    }

    /** Stops the loop; the pool keeps its workers (close the actuator to remove them). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            TaskClock.Cancellable l = loop;
            loop = null;
            if (l != null) {
                l.cancel();
            }
        }
    }

    @Override
    public String toString() {
        return "Autoscaler{" + pool + ", " + policy + '}';
    }

    /** Builds an {@link Autoscaler}; setters validate their argument. Not thread-safe. */
    public static final class Builder {
        private final String pool;
        private final ScalingActuator actuator;
        private @Nullable Supplier<TaskBacklog> backlog;
        private ScalingPolicy policy = ScalingPolicy.ofDefaults();
        private TaskClock clock = TaskClock.system();
        private @Nullable Platform platform;

        private Builder(String pool, ScalingActuator actuator) {
            this.pool = SubscriptionOptions.checkName(pool, "pool");
            this.actuator = Objects.requireNonNull(actuator, "actuator");
        }

        /** Scale on {@code queue}'s {@link TaskQueue#backlog()}. This or {@link #backlog(Supplier)} is required. */
        public Builder queue(TaskQueue queue) {
            Objects.requireNonNull(queue, "queue");
            this.backlog = queue::backlog;
            return this;
        }

        /**
         * Scale on a backlog read elsewhere, such as a broker's management API or another process's queue metrics, as
         * a KEDA external scaler does. Called once per evaluation, under the autoscaler's lock.
         */
        public Builder backlog(Supplier<TaskBacklog> backlog) {
            this.backlog = Objects.requireNonNull(backlog, "backlog");
            return this;
        }

        /** The policy. Default {@link ScalingPolicy#ofDefaults()}. */
        public Builder policy(ScalingPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Time of decisions and the loop. Default {@link TaskClock#system()}; tests pass a virtual clock. */
        public Builder clock(TaskClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where decisions are recorded (store) and published (bus). Default: nowhere, decisions are only returned. */
        public Builder platform(Platform platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            return this;
        }

        /**
         * Builds the autoscaler, not started.
         *
         * @throws IllegalStateException if neither a queue nor a backlog source was given
         */
        public Autoscaler build() {
            Supplier<TaskBacklog> source = backlog;
            if (source == null) {
                throw new IllegalStateException(
                        "autoscaler of pool '" + pool + "' has nothing to scale on: call queue(...) or backlog(...)");
            }
            return new Autoscaler(this, source);
        }
    }
}
