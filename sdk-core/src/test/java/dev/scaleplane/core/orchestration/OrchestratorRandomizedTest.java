package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.Task;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded random runs of two orchestrators sharing one queue, on virtual time: workers with random slots and weights,
 * handlers that succeed, throw or hang, and remote workers that crash (their running handlers never return and they
 * stop heartbeating) and come back under a new id. Checked: every task ends exactly once in a terminal state, none is
 * lost, and no worker ever runs more tasks than its slots.
 */
class OrchestratorRandomizedTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    @TestFactory
    Stream<DynamicTest> randomizedRunsKeepEveryTaskAndEverySlotLimit() {
        return LongStream.rangeClosed(1, 12).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
    }

    /** A handler run the test holds until it decides to run it, or drops to simulate a crashed process. */
    private record Pending(String worker, Runnable run) {}

    /** One simulated worker process. */
    private static final class Node {
        final WorkerSpec spec;
        final boolean remote;
        Orchestrator.Registration registration;
        boolean crashed;
        int running;
        int maxRunning;

        Node(WorkerSpec spec, boolean remote) {
            this.spec = spec;
            this.remote = remote;
        }
    }

    /** Runs the delegate's decisions and tags each dispatched run with its worker, in dispatch order. */
    private static final class Tagging implements DispatchStrategy {
        final DispatchStrategy delegate;
        final ArrayDeque<String> dispatchedTo = new ArrayDeque<>();
        final Map<String, Node> nodes;

        Tagging(DispatchStrategy delegate, Map<String, Node> nodes) {
            this.delegate = delegate;
            this.nodes = nodes;
        }

        @Override
        public Optional<WorkerView> choose(Task task, List<? extends WorkerView> candidates) {
            return delegate.choose(task, candidates);
        }

        @Override
        public void onDispatched(Task task, WorkerView worker) {
            Node n = nodes.get(worker.id());
            n.running++;
            n.maxRunning = Math.max(n.maxRunning, n.running);
            assertThat(n.running)
                    .as("tasks running on %s (slots %d)", worker.id(), n.spec.slots())
                    .isLessThanOrEqualTo(n.spec.slots());
            dispatchedTo.addLast(worker.id());
            delegate.onDispatched(task, worker);
        }

        @Override
        public void onSuccess(WorkerView worker, Duration elapsed) {
            delegate.onSuccess(worker, elapsed);
        }

        @Override
        public void onFailure(WorkerView worker, Throwable failure) {
            delegate.onFailure(worker, failure);
        }
    }

    private void run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        VirtualTaskClock clock = new VirtualTaskClock();
        InMemoryTaskQueue queue = new InMemoryTaskQueue(
                TaskQueueOptions.builder()
                        .retryPolicy(RetryPolicy.builder()
                                .fixed(Duration.ofSeconds(1))
                                .jitter(0)
                                .maxAttempts(4)
                                .build())
                        .keyConcurrency(1 + random.nextInt(2))
                        .build(),
                clock,
                () -> 0.5);
        Map<String, Node> nodes = new HashMap<>();
        List<Pending> pending = new ArrayList<>();
        List<Orchestrator> orchestrators = new ArrayList<>();
        List<Tagging> strategies = new ArrayList<>();
        for (int o = 0; o < 2; o++) {
            Tagging strategy = new Tagging(
                    random.nextBoolean() ? DispatchStrategies.capacityAware() : DispatchStrategies.smoothWeighted(),
                    nodes);
            Executor executor = r -> {
                String worker = strategy.dispatchedTo.removeFirst();
                if (!nodes.get(worker).crashed) {
                    pending.add(new Pending(worker, r));
                } // else the run is lost with the crashed process, like the ones it had already
            };
            strategies.add(strategy);
            orchestrators.add(Orchestrator.builder(queue)
                    .name("o" + o)
                    .clock(clock)
                    .executor(executor)
                    .strategy(strategy)
                    .visibilityTimeout(VISIBILITY)
                    .heartbeatInterval(HEARTBEAT)
                    .closeTimeout(Duration.ZERO) // handlers lost with crashed workers never return
                    .build());
        }
        int workerCount = 2 + random.nextInt(6);
        int[] restarts = {0};
        for (int i = 0; i < workerCount; i++) {
            start(orchestrators.get(i % 2), nodes, "w" + i, random, random.nextBoolean());
        }

        int taskCount = 100 + random.nextInt(200);
        Map<String, TaskHandle> handles = new HashMap<>();
        Map<String, AtomicInteger> completions = new HashMap<>();
        int submitted = 0;
        for (int step = 0; step < 20_000; step++) {
            for (int burst = random.nextInt(6); burst > 0 && submitted < taskCount; burst--) {
                TaskHandle h = queue.submit(TaskRequest.builder("deploy", submitted++)
                        .priority(TaskPriority.values()[random.nextInt(TaskPriority.values().length)])
                        .key(random.nextInt(3) == 0 ? "cluster-" + random.nextInt(4) : null)
                        .build());
                handles.put(h.id(), h);
                AtomicInteger c = new AtomicInteger();
                completions.put(h.id(), c);
                h.result().whenComplete((r, t) -> c.incrementAndGet());
            }
            orchestrators.forEach(Orchestrator::dispatchOnce);
            // run about half of what is pending, in random order; the rest stays "slow" for now
            for (int runs = pending.size() / 2 + random.nextInt(2); runs > 0 && !pending.isEmpty(); runs--) {
                Pending p = pending.remove(random.nextInt(pending.size()));
                Node n = nodes.get(p.worker());
                n.running--;
                p.run().run();
            }
            if (random.nextInt(40) == 0) {
                crashOne(nodes, pending, random);
            }
            for (Node n : List.copyOf(nodes.values())) {
                if (n.crashed && n.registration != null && random.nextInt(10) == 0) {
                    n.registration.close(); // the operator notices and removes it; a replacement starts
                    n.registration = null;
                    start(
                            orchestrators.get(random.nextInt(2)),
                            nodes,
                            n.spec.id() + "-r" + restarts[0]++,
                            random,
                            true);
                } else if (n.remote && !n.crashed && n.registration != null) {
                    n.registration.heartbeat();
                }
            }
            clock.advance(Duration.ofMillis(random.nextInt(2_000)));
            if (submitted == taskCount
                    && handles.values().stream().allMatch(h -> h.result().isDone())) {
                break;
            }
        }

        String context = "seed " + seed + ": " + taskCount + " tasks, " + nodes.size() + " workers (" + restarts[0]
                + " replacements)";
        assertThat(handles).as(context).hasSize(taskCount);
        for (TaskHandle h : handles.values()) {
            assertThat(h.result()).as(context + ": " + h).isDone();
            assertThat(h.state()).as(context).isIn(TaskState.SUCCEEDED, TaskState.DEAD_LETTERED);
            assertThat(completions.get(h.id()))
                    .as(context + ": completions of " + h)
                    .hasValue(1);
        }
        assertThat(queue.size()).as(context).isZero();
        for (Node n : nodes.values()) {
            assertThat(n.maxRunning)
                    .as(context + ": most tasks at once on " + n.spec.id())
                    .isLessThanOrEqualTo(n.spec.slots());
        }
        for (Orchestrator o : orchestrators) {
            for (WorkerView v : o.workers()) {
                assertThat(v.inFlight())
                        .as(context + ": " + v)
                        .isLessThanOrEqualTo(v.spec().slots());
            }
            o.close();
        }
        queue.close();
    }

    private static void start(
            Orchestrator o, Map<String, Node> nodes, String id, SplittableRandom random, boolean remote) {
        WorkerSpec spec = WorkerSpec.of(id, 1 + random.nextInt(4)).withWeight(1 + random.nextInt(5));
        Node node = new Node(spec, remote);
        nodes.put(id, node);
        int failurePercent = random.nextInt(30);
        long handlerSeed = random.nextLong();
        SplittableRandom handlerRandom = new SplittableRandom(handlerSeed);
        TaskHandler handler = task -> {
            if (handlerRandom.nextInt(100) < failurePercent) {
                throw new IllegalStateException("deploy to " + task.payload(Integer.class) + " failed on " + id);
            }
            return id;
        };
        node.registration = remote ? o.registerRemote(spec, handler) : o.register(spec, handler);
    }

    /** A remote worker's process dies: its running handlers never return and its heartbeats stop. */
    private static void crashOne(Map<String, Node> nodes, List<Pending> pending, SplittableRandom random) {
        List<Node> candidates = nodes.values().stream()
                .filter(n -> n.remote && !n.crashed && n.registration != null)
                .toList();
        if (candidates.isEmpty()) {
            return;
        }
        Node victim = candidates.get(random.nextInt(candidates.size()));
        victim.crashed = true;
        pending.removeIf(p -> p.worker().equals(victim.spec.id()));
    }
}
