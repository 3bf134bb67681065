package dev.scaleplane.samples.orchestration;

import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.core.orchestration.TaskHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The deploy agents: worker pools of different sizes and weights in two regions, and one agent that is broken for a
 * while.
 *
 * <table>
 *   <caption>Workers</caption>
 *   <tr><th>id</th><th>region</th><th>slots</th><th>weight</th></tr>
 *   <tr><td>eu-large</td><td>eu</td><td>4</td><td>3</td></tr>
 *   <tr><td>eu-small</td><td>eu</td><td>2</td><td>1</td></tr>
 *   <tr><td>eu-flaky</td><td>eu</td><td>2</td><td>2</td></tr>
 *   <tr><td>us-large</td><td>us</td><td>3</td><td>2</td></tr>
 *   <tr><td>us-small</td><td>us</td><td>1</td><td>1</td></tr>
 * </table>
 *
 * <p>{@code eu-flaky} lost its route to the clusters until {@link #FLAKY_BROKEN_FOR} after the start: in that time
 * four of every five rollouts it runs fail. After that it behaves like the others.
 */
final class Fleet {

    /** The agent that fails most of its tasks for a while. */
    static final String FLAKY = "eu-flaky";

    /** How long after the start {@link #FLAKY} is broken. */
    static final Duration FLAKY_BROKEN_FOR = Duration.ofSeconds(40);

    /** The workers, in registration order. */
    static final List<WorkerSpec> WORKERS = List.of(
            worker("eu-large", "eu", 4, 3),
            worker("eu-small", "eu", 2, 1),
            worker(FLAKY, "eu", 2, 2),
            worker("us-large", "us", 3, 2),
            worker("us-small", "us", 1, 1));

    private Fleet() {}

    private static WorkerSpec worker(String id, String region, int slots, int weight) {
        return new WorkerSpec(id, slots, weight, Map.of("region", region));
    }

    /** The region label of a worker. */
    static String regionOf(WorkerSpec worker) {
        return worker.labels().getOrDefault("region", "?");
    }

    /** A failed rollout, as an agent reports it. */
    static final class RolloutFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        RolloutFailedException(String message) {
            super(message);
        }
    }

    /**
     * One worker's deploy agent. The rollout itself is simulated: the orchestrator's executor holds each attempt for
     * the rollout time on the virtual clock, then calls {@link #handle}, which reports the outcome.
     *
     * <p>Runs on the thread that advances the clock; the counters are read by the same thread, but guarded anyway.
     */
    static final class Agent implements TaskHandler {
        private final WorkerSpec spec;
        private final TaskClock clock;
        private final Instant brokenUntil;
        private final List<String> wrongRegion = new ArrayList<>();
        private int calls;
        private int succeeded;
        private int failed;

        /**
         * @param brokenUntil until when four of every five rollouts fail; the start of time for a healthy agent
         */
        Agent(WorkerSpec spec, TaskClock clock, Instant brokenUntil) {
            this.spec = spec;
            this.clock = clock;
            this.brokenUntil = brokenUntil;
        }

        @Override
        public @Nullable Object handle(Task task) throws RolloutFailedException {
            ClusterDeployment d = task.payload(ClusterDeployment.class);
            synchronized (this) {
                calls++;
                if (!d.region().equals(regionOf(spec))) {
                    // The label constraint should make this impossible; the sample checks that it never happens.
                    wrongRegion.add(d.key());
                }
                if (clock.now().isBefore(brokenUntil) && calls % 5 != 0) {
                    failed++;
                    throw new RolloutFailedException(spec.id() + ": kube-apiserver of " + d.cluster()
                            + " timed out (attempt " + task.attempt() + ")");
                }
                succeeded++;
            }
            return spec.id() + " rolled " + d.application() + " " + d.version() + " out to " + d.cluster();
        }

        synchronized int succeeded() {
            return succeeded;
        }

        synchronized int failed() {
            return failed;
        }

        /** Tasks this agent was given for a cluster outside its region. */
        synchronized List<String> wrongRegion() {
            return List.copyOf(wrongRegion);
        }
    }
}
