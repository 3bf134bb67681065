package dev.scaleplane.api.orchestration.scaling;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.orchestration.TaskBacklog;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One input that recommends a worker count from a {@link TaskBacklog}, as a KEDA scaler's trigger does. With several
 * metrics the largest recommendation wins (as with several HPA metrics or KEDA triggers); a metric whose input the
 * backend does not observe recommends nothing and is listed as such in the decision.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public sealed interface ScalingMetric permits ScalingMetric.Depth, ScalingMetric.OldestReadyAge {

    /** A short name for decisions and logs, such as {@code depth} or {@code oldest-ready-age}. */
    String name();

    /** The target, as shown in decisions: tasks per worker, or seconds of age. */
    double target();

    /**
     * The number of workers this metric recommends, unbounded by the policy's minimum and maximum.
     *
     * @param backlog what the queue holds now
     * @param currentWorkers the pool's workers now, {@code >= 0}
     * @return the recommendation, or empty if the backlog lacks this metric's input
     */
    OptionalInt recommend(TaskBacklog backlog, int currentWorkers);

    /** The value this metric reads from {@code backlog}, as shown in decisions, or empty if unknown. */
    OptionalDouble read(TaskBacklog backlog);

    /**
     * Backlog per worker, KEDA's queue-length and lag rule: {@code ceil(depth ÷ targetPerWorker)} workers. The depth is
     * the queue's unfinished tasks, so on Kafka it is the consumer lag of the task topic and on RabbitMQ the ledger's
     * message count (ready and unacknowledged).
     *
     * @throws ConfigurationException naming {@code targetPerWorker} if it is below 1
     */
    static ScalingMetric depth(int targetPerWorker) {
        return new Depth(targetPerWorker);
    }

    /**
     * Age of the oldest ready task against a target age, as an HPA value metric: {@code ceil(currentWorkers × age ÷
     * target)}. It grows the pool when tasks wait too long even if few are queued (slow tasks), and recommends nothing
     * on a backend that does not observe the age.
     *
     * @throws ConfigurationException naming {@code target} if it is below 1 ms
     */
    static ScalingMetric oldestReadyAge(Duration target) {
        return new OldestReadyAge(target);
    }

    /**
     * See {@link ScalingMetric#depth(int)}.
     *
     * @param targetPerWorker tasks one worker should have in its backlog, {@code >= 1}
     */
    record Depth(int targetPerWorker) implements ScalingMetric {
        /** Validates the target. */
        public Depth {
            if (targetPerWorker < 1) {
                throw ConfigurationException.of(
                        "targetPerWorker", Integer.toString(targetPerWorker), "an integer >= 1 (tasks per worker)");
            }
        }

        @Override
        public String name() {
            return "depth";
        }

        @Override
        public double target() {
            return targetPerWorker;
        }

        @Override
        public OptionalInt recommend(TaskBacklog backlog, int currentWorkers) {
            long workers = ((long) backlog.depth() + targetPerWorker - 1) / targetPerWorker;
            return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, workers));
        }

        @Override
        public OptionalDouble read(TaskBacklog backlog) {
            return OptionalDouble.of(backlog.depth());
        }
    }

    /**
     * See {@link ScalingMetric#oldestReadyAge(Duration)}.
     *
     * @param targetAge how long the oldest ready task may wait, at least 1 ms
     */
    record OldestReadyAge(Duration targetAge) implements ScalingMetric {
        /** Validates the target. */
        public OldestReadyAge {
            Objects.requireNonNull(targetAge, "targetAge");
            if (targetAge.toMillis() < 1) {
                throw ConfigurationException.of("targetAge", targetAge.toString(), "a duration of at least 1 ms");
            }
        }

        @Override
        public String name() {
            return "oldest-ready-age";
        }

        @Override
        public double target() {
            return targetAge.toMillis() / 1000.0;
        }

        @Override
        public OptionalInt recommend(TaskBacklog backlog, int currentWorkers) {
            Duration age = backlog.oldestReadyAge();
            if (age == null) {
                return OptionalInt.empty();
            }
            // Integer arithmetic, so 3 workers × 20 s ÷ 10 s is exactly 6, never 6.000001 rounded up to 7.
            long target = targetAge.toMillis();
            long workers = Math.multiplyExact((long) currentWorkers, Math.min(age.toMillis(), Integer.MAX_VALUE));
            return OptionalInt.of((int) Math.min(Integer.MAX_VALUE, (workers + target - 1) / target));
        }

        @Override
        public OptionalDouble read(TaskBacklog backlog) {
            Duration age = backlog.oldestReadyAge();
            return age == null ? OptionalDouble.empty() : OptionalDouble.of(age.toMillis() / 1000.0);
        }
    }
}
