package dev.scaleplane.core.orchestration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.DispatchStrategy;
import dev.scaleplane.api.orchestration.TaskDeadLetter;
import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.WorkerSpec;
import dev.scaleplane.api.orchestration.WorkerView;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OrchestratorTest {

    private static final Duration VISIBILITY = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final VirtualTaskClock clock = new VirtualTaskClock();
    private final ManualExecutor manual = new ManualExecutor();
    private InMemoryTaskQueue queue = queue(
            RetryPolicy.builder().fixed(Duration.ofSeconds(1)).maxAttempts(3).build());

    @AfterEach
    void closeQueue() {
        queue.close();
    }

    private InMemoryTaskQueue queue(RetryPolicy retry) {
        return new InMemoryTaskQueue(
                TaskQueueOptions.builder().retryPolicy(retry).build(), clock, () -> 0.5);
    }

    private Orchestrator.Builder orchestrator() {
        return Orchestrator.builder(queue)
                .clock(clock)
                .executor(Runnable::run)
                .visibilityTimeout(VISIBILITY)
                .heartbeatInterval(HEARTBEAT);
    }

    private TaskHandle submit(Object payload) {
        return queue.submit(TaskRequest.of("deploy", payload));
    }

    private static WorkerView view(Orchestrator o, String id) {
        return o.workers().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void tasksRunOnRegisteredWorkersAndCompleteTheirHandles() {
        try (Orchestrator o = orchestrator().build()) {
            List<String> ranOn = new ArrayList<>();
            o.register(WorkerSpec.of("w1", 2), task -> {
                ranOn.add("w1");
                return "done-" + task.payload(String.class);
            });
            List<TaskHandle> handles = List.of(submit("a"), submit("b"), submit("c"));

            int dispatched = 0;
            for (int n; (n = o.dispatchOnce()) > 0; ) {
                dispatched += n;
            }

            assertThat(dispatched).isEqualTo(3);
            assertThat(ranOn).containsExactly("w1", "w1", "w1");
            assertThat(handles).extracting(h -> h.result().join()).containsExactly("done-a", "done-b", "done-c");
            assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
            assertThat(view(o, "w1").inFlight()).isZero();
        }
    }

    @Test
    void fullWorkersLeaveTasksQueuedUntilASlotFrees() {
        try (Orchestrator o = orchestrator().executor(manual).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> "ok");
            TaskHandle first = submit("first");
            TaskHandle second = submit("second");

            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(first.state()).isEqualTo(TaskState.LEASED);
            assertThat(second.state()).isEqualTo(TaskState.QUEUED);
            assertThat(view(o, "w1").inFlight()).isEqualTo(1);

            assertThat(o.dispatchOnce()).isZero(); // full: nothing is leased
            assertThat(second.state()).isEqualTo(TaskState.QUEUED);

            manual.runAll();
            assertThat(first.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(view(o, "w1").inFlight()).isZero();

            assertThat(o.dispatchOnce()).isEqualTo(1);
            manual.runAll();
            assertThat(second.state()).isEqualTo(TaskState.SUCCEEDED);
        }
    }

    @Test
    void slotsAreNeverExceededUnderRandomLoad() {
        queue.close();
        queue = queue(RetryPolicy.builder()
                .fixed(Duration.ofSeconds(1))
                .maxAttempts(4)
                .build());
        Random random = new Random(42);
        try (Orchestrator o = orchestrator().executor(manual).build()) {
            int[] slots = {1, 2, 3, 5};
            for (int i = 0; i < slots.length; i++) {
                o.register(new WorkerSpec("w" + i, slots[i], 1 + i, Map.of()), task -> {
                    if (random.nextInt(10) == 0) {
                        throw new IllegalStateException("random failure");
                    }
                    return task.payload(Integer.class);
                });
            }
            List<TaskHandle> handles = new ArrayList<>();
            int maxSeen = 0;
            for (int step = 0; step < 2_000; step++) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        for (int k = random.nextInt(4); k > 0; k--) {
                            handles.add(submit(handles.size()));
                        }
                    }
                    case 1 -> o.dispatchOnce();
                    case 2 -> manual.runRandom(random);
                    default -> clock.advance(Duration.ofMillis(random.nextInt(500)));
                }
                int inFlight = 0;
                for (WorkerView w : o.workers()) {
                    assertThat(w.inFlight())
                            .as("in flight on %s at step %d", w.id(), step)
                            .isLessThanOrEqualTo(w.spec().slots());
                    inFlight += w.inFlight();
                }
                assertThat(inFlight).isEqualTo(manual.pending());
                maxSeen = Math.max(maxSeen, inFlight);
            }
            for (int round = 0;
                    round < 1_000 && !handles.stream().allMatch(h -> h.result().isDone());
                    round++) {
                clock.advance(Duration.ofSeconds(1));
                o.dispatchOnce();
                manual.runAll();
            }

            assertThat(maxSeen).as("the load filled the workers").isEqualTo(1 + 2 + 3 + 5);
            assertThat(handles)
                    .isNotEmpty()
                    .allSatisfy(h -> assertThat(h.state().isTerminal()).isTrue());
            assertThat(o.workers()).allSatisfy(w -> assertThat(w.inFlight()).isZero());
        }
    }

    @Test
    void aFlakyWorkerIsEjectedAndProbedBackAfterTheCoolDown() {
        queue.close();
        queue = queue(RetryPolicy.builder()
                .fixed(Duration.ofSeconds(1))
                .maxAttempts(10)
                .build());
        HealthPolicy policy = HealthPolicy.builder()
                .consecutiveFailures(2)
                .coolDown(Duration.ofSeconds(10))
                .build();
        AtomicBoolean flaky = new AtomicBoolean(true);
        List<String> ranOn = new ArrayList<>();
        try (Orchestrator o = orchestrator()
                .strategy(DispatchStrategies.healthBased(policy, clock).then(DispatchStrategies.roundRobin()))
                .build()) {
            o.register(WorkerSpec.of("flaky", 1), task -> {
                ranOn.add("flaky");
                if (flaky.get()) {
                    throw new IllegalStateException("flaky");
                }
                return "ok";
            });
            o.register(WorkerSpec.of("good", 1), task -> {
                ranOn.add("good");
                return "ok";
            });

            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 10 && ranOn.stream().filter("flaky"::equals).count() < 2; i++) {
                handles.add(submit(i));
                o.dispatchOnce();
            }
            assertThat(ranOn.stream().filter("flaky"::equals).count()).isEqualTo(2);

            ranOn.clear();
            for (int i = 0; i < 6; i++) {
                handles.add(submit("ejected-" + i));
                assertThat(o.dispatchOnce()).isEqualTo(1);
            }
            assertThat(ranOn).as("ejected worker gets nothing").containsOnly("good");

            flaky.set(false);
            clock.advance(Duration.ofSeconds(10));
            ranOn.clear();
            for (int i = 0; i < 20 && !handles.stream().allMatch(h -> h.result().isDone()); i++) {
                o.dispatchOnce();
            }
            for (int i = 0; i < 4; i++) {
                handles.add(submit("back-" + i));
                o.dispatchOnce();
            }

            assertThat(ranOn).as("probed back after the cool-down").contains("flaky");
            assertThat(ranOn.subList(ranOn.indexOf("flaky") + 1, ranOn.size())).contains("flaky");
            assertThat(handles).allSatisfy(h -> assertThat(h.result().join()).isEqualTo("ok"));
        }
    }

    @Test
    void aWorkerThatMissesHeartbeatsGetsNoTasksAndItsLeasesLapse() {
        RecordingStrategy strategy = new RecordingStrategy(DispatchStrategies.leastConnections());
        try (Orchestrator o = orchestrator()
                .executor(manual)
                .strategy(strategy)
                .missedHeartbeats(3)
                .build()) {
            Orchestrator.Registration remote = o.registerRemote(WorkerSpec.of("remote", 2), task -> "remote");
            TaskHandle a = submit("a");
            TaskHandle b = submit("b");
            assertThat(o.dispatchOnce()).isEqualTo(2);

            clock.advance(Duration.ofSeconds(2));
            remote.heartbeat(); // t=2: alive until t=5
            clock.advance(Duration.ofSeconds(3));
            assertThat(view(o, "remote").healthy()).isTrue();
            clock.advance(Duration.ofSeconds(1));
            assertThat(view(o, "remote").healthy()).as("no heartbeat for 4 s").isFalse();

            o.register(WorkerSpec.of("local", 4), task -> "local");
            TaskHandle c = submit("c");
            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(strategy.events()).containsExactly("dispatched:remote", "dispatched:remote", "dispatched:local");

            // The last extension (t=5) lasts until t=10; then the queue hands the tasks out again.
            clock.advance(Duration.ofSeconds(5));
            assertThat(strategy.events())
                    .contains("failure:remote:LeaseLostException")
                    .filteredOn(e -> e.startsWith("failure:remote"))
                    .hasSize(2);
            assertThat(a.state()).isEqualTo(TaskState.QUEUED);
            assertThat(o.dispatchOnce()).isEqualTo(2);
            assertThat(view(o, "remote").inFlight())
                    .as("stale handlers still hold their slots")
                    .isEqualTo(2);

            manual.runAll(); // the remote's late results are discarded: its leases are gone
            assertThat(a.result().join()).isEqualTo("local");
            assertThat(b.result().join()).isEqualTo("local");
            assertThat(c.result().join()).isEqualTo("local");
            assertThat(strategy.events())
                    .filteredOn(e -> e.startsWith("failure"))
                    .hasSize(2);
            assertThat(strategy.events())
                    .filteredOn(e -> e.equals("success:local"))
                    .hasSize(3);
            assertThat(o.workers()).allSatisfy(w -> assertThat(w.inFlight()).isZero());

            remote.heartbeat();
            assertThat(view(o, "remote").healthy()).isTrue();
        }
    }

    @Test
    void aFailingHandlerIsRetriedByThePolicyThenDeadLettered() {
        AtomicInteger calls = new AtomicInteger();
        RecordingStrategy strategy = new RecordingStrategy(DispatchStrategies.roundRobin());
        try (Orchestrator o = orchestrator().strategy(strategy).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom " + task.attempt());
            });
            TaskHandle h = submit("x");

            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(h.state()).isEqualTo(TaskState.QUEUED);
            assertThat(o.dispatchOnce()).as("backoff not over").isZero();
            clock.advance(Duration.ofSeconds(1));
            assertThat(o.dispatchOnce()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(o.dispatchOnce()).isEqualTo(1);

            assertThat(calls).hasValue(3);
            assertThat(h.state()).isEqualTo(TaskState.DEAD_LETTERED);
            assertThatThrownBy(() -> h.result().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TaskFailedException.class);
            TaskDeadLetter dead = queue.deadLetters().find(h.id()).orElseThrow();
            assertThat(dead.failures()).hasSize(3);
            assertThat(dead.failures().get(2).message()).isEqualTo("boom 3");
            assertThat(strategy.events())
                    .containsExactly(
                            "dispatched:w1",
                            "failure:w1:IllegalStateException",
                            "dispatched:w1",
                            "failure:w1:IllegalStateException",
                            "dispatched:w1",
                            "failure:w1:IllegalStateException");
        }
    }

    @Test
    void shutdownStopsDispatchingAndCloseWaitsForRunningHandlers() throws Exception {
        Orchestrator o = orchestrator().executor(manual).build();
        o.register(WorkerSpec.of("w1", 2), task -> "ok");
        TaskHandle a = submit("a");
        TaskHandle b = submit("b");
        TaskHandle c = submit("c");
        assertThat(o.dispatchOnce()).isEqualTo(2);

        o.shutdown();
        assertThat(o.dispatchOnce()).isZero();
        assertThat(o.awaitTermination(Duration.ZERO)).isFalse();

        Thread closer = new Thread(o::close, "closer");
        closer.start();
        assertThat(closer.isAlive())
                .as("close cannot return while handlers are pending")
                .isTrue();
        manual.runAll();
        closer.join(60_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(o.awaitTermination(Duration.ZERO)).isTrue();
        assertThat(a.result().join()).isEqualTo("ok");
        assertThat(b.result().join()).isEqualTo("ok");
        assertThat(c.state()).isEqualTo(TaskState.QUEUED);
        assertThat(o.dispatchOnce()).isZero();
    }

    @Test
    void theBackgroundLoopDispatchesOnTheClock() {
        try (Orchestrator o =
                orchestrator().pollInterval(Duration.ofMillis(100)).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> task.payload(String.class));
            TaskHandle a = submit("a");
            TaskHandle b = submit("b");
            o.start();
            assertThat(a.state()).isEqualTo(TaskState.QUEUED);

            clock.advance(Duration.ofMillis(100));

            assertThat(a.result().join()).isEqualTo("a");
            assertThat(b.result().join()).isEqualTo("b");
        }
    }

    @Test
    void onARunningLoopAReturningHandlerFreesItsSlotThroughTheRoundItAsksFor() {
        RecordingStrategy strategy = new RecordingStrategy(DispatchStrategies.leastConnections());
        try (Orchestrator o = orchestrator()
                .executor(manual)
                .strategy(strategy)
                .pollInterval(Duration.ofSeconds(10))
                .build()) {
            o.register(WorkerSpec.of("w1", 1), task -> task.payload(String.class));
            TaskHandle a = submit("a");
            TaskHandle b = submit("b");
            o.start();
            clock.advance(Duration.ZERO); // the loop's first round
            assertThat(a.state()).isEqualTo(TaskState.LEASED);
            assertThat(b.state()).isEqualTo(TaskState.QUEUED);

            manual.runNext(); // a's handler returns; no loop round is due for 10 s

            assertThat(a.result()).isCompletedWithValue("a");
            assertThat(strategy.events()).containsExactly("dispatched:w1", "success:w1", "dispatched:w1");
            assertThat(b.state()).as("its slot went to b at once").isEqualTo(TaskState.LEASED);
            assertThat(view(o, "w1").inFlight()).isEqualTo(1);
            manual.runAll();
            assertThat(b.result()).isCompletedWithValue("b");
            assertThat(view(o, "w1").inFlight()).isZero();
        }
    }

    @Test
    void aThrowingStrategyMeansNoWorkerNowAndTheTaskIsNotFailed() {
        AtomicBoolean broken = new AtomicBoolean(true);
        DispatchStrategy strategy = (task, candidates) -> {
            if (broken.get()) {
                throw new IllegalStateException("broken strategy");
            }
            return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
        };
        try (Orchestrator o = orchestrator().strategy(strategy).build()) {
            o.register(WorkerSpec.of("w1", 1), task -> "ok");
            TaskHandle h = submit("x");

            assertThat(o.dispatchOnce()).isZero();
            clock.advance(Duration.ofSeconds(30)); // the held lease is extended by each round, not lost
            assertThat(o.dispatchOnce()).isZero();
            assertThat(h.result()).isNotDone();

            broken.set(false);
            assertThat(o.dispatchOnce()).isEqualTo(1);
            assertThat(h.result().join()).isEqualTo("ok");
        }
    }

    @Test
    void closingARegistrationStopsNewTasksButLetsRunningOnesFinish() {
        try (Orchestrator o = orchestrator().executor(manual).build()) {
            Orchestrator.Registration w1 = o.register(WorkerSpec.of("w1", 1), task -> "w1");
            TaskHandle a = submit("a");
            assertThat(o.dispatchOnce()).isEqualTo(1);

            w1.close();
            assertThat(o.workers()).isEmpty();
            assertThat(o.heartbeat("w1")).isFalse();
            TaskHandle b = submit("b");
            assertThat(o.dispatchOnce()).isZero();
            assertThat(b.state()).isEqualTo(TaskState.QUEUED);

            manual.runAll();
            assertThat(a.result().join()).isEqualTo("w1");

            o.register(WorkerSpec.of("w2", 1), task -> "w2");
            assertThat(o.dispatchOnce()).isEqualTo(1);
            manual.runAll();
            assertThat(b.result().join()).isEqualTo("w2");
        }
    }

    @Test
    void theDefaultStrategyPrefersTheMostFreeCapacityAndSkipsUnhealthyWorkers() {
        try (Orchestrator o = orchestrator().executor(manual).build()) {
            o.register(WorkerSpec.of("small", 1), task -> "small");
            o.register(WorkerSpec.of("big", 4), task -> "big");
            Orchestrator.Registration remote = o.registerRemote(WorkerSpec.of("remote", 8), task -> "remote");
            clock.advance(Duration.ofSeconds(4));
            remote.heartbeat();
            clock.advance(Duration.ofSeconds(4)); // its last heartbeat is older than 3 intervals: unhealthy

            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                handles.add(submit(i));
            }
            assertThat(o.dispatchOnce()).isEqualTo(5);
            assertThat(view(o, "big").inFlight()).isEqualTo(4);
            assertThat(view(o, "small").inFlight()).isEqualTo(1);
            assertThat(view(o, "remote").inFlight()).isZero();

            handles.add(submit("waits"));
            assertThat(o.dispatchOnce()).isZero();
            manual.runAll();
            assertThat(o.dispatchOnce()).isEqualTo(1);
            manual.runAll();
            assertThat(handles).allSatisfy(h -> assertThat(h.result().join()).isIn("small", "big"));
        }
    }

    @Test
    void aWorkerRegisteredAgainCountsTheTasksItsPreviousRegistrationStillRuns() {
        try (Orchestrator o = orchestrator().executor(manual).build()) {
            Orchestrator.Registration first = o.register(WorkerSpec.of("w1", 1), task -> "first");
            TaskHandle a = submit("a");
            assertThat(o.dispatchOnce()).isEqualTo(1);
            first.close();

            o.register(WorkerSpec.of("w1", 1), task -> "second");
            TaskHandle b = submit("b");
            assertThat(view(o, "w1").inFlight()).isEqualTo(1);
            assertThat(o.dispatchOnce()).as("its one slot is still taken").isZero();

            manual.runAll();
            assertThat(a.result().join()).isEqualTo("first");
            assertThat(view(o, "w1").inFlight()).isZero();
            assertThat(o.dispatchOnce()).isEqualTo(1);
            manual.runAll();
            assertThat(b.result().join()).isEqualTo("second");
        }
    }

    @Test
    void orchestratorsSharingOneQueueRunEachTaskOnce() {
        List<String> ranOn = new ArrayList<>();
        try (Orchestrator first = orchestrator().executor(manual).name("first").build();
                Orchestrator second =
                        orchestrator().executor(manual).name("second").build()) {
            first.register(WorkerSpec.of("a", 1), task -> {
                ranOn.add("a:" + task.payload(Integer.class));
                return "a";
            });
            second.register(WorkerSpec.of("b", 2), task -> {
                ranOn.add("b:" + task.payload(Integer.class));
                return "b";
            });
            List<TaskHandle> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                handles.add(submit(i));
            }

            assertThat(first.dispatchOnce()).isEqualTo(1);
            assertThat(second.dispatchOnce()).isEqualTo(2);
            assertThat(first.dispatchOnce() + second.dispatchOnce())
                    .as("both full")
                    .isZero();
            manual.runAll();
            assertThat(first.dispatchOnce() + second.dispatchOnce()).isEqualTo(2);
            manual.runAll();

            assertThat(ranOn).hasSize(5);
            assertThat(ranOn.stream().map(r -> r.substring(2)).distinct()).hasSize(5);
            assertThat(handles).allSatisfy(h -> assertThat(h.state()).isEqualTo(TaskState.SUCCEEDED));
        }
    }

    @Test
    void builderRejectsBadSettingsWithTheFix() {
        assertThatThrownBy(() ->
                        orchestrator().visibilityTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeatInterval must be < visibilityTimeout");
        assertThatThrownBy(() -> orchestrator().missedHeartbeats(0))
                .hasMessage("missedHeartbeats must be >= 1, but was 0");
        try (Orchestrator o = orchestrator().build()) {
            o.register(WorkerSpec.of("w1", 1), task -> "ok");
            assertThatThrownBy(() -> o.register(WorkerSpec.of("w1", 2), task -> "ok"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already registered");
        }
    }

    @Test
    void aTaskNoFreeWorkerAcceptsDoesNotKeepAnotherWorkerIdle() {
        DispatchStrategy sameRegion = DispatchStrategies.capacityAware(
                (task, worker) -> worker.spec().labels().get("region").equals(task.payload(String.class)));
        try (Orchestrator o =
                orchestrator().executor(manual).strategy(sameRegion).build()) {
            o.register(WorkerSpec.of("eu-1", 1).withLabels(Map.of("region", "eu")), task -> "eu");
            o.register(WorkerSpec.of("us-1", 1).withLabels(Map.of("region", "us")), task -> "us");
            TaskHandle eu1 = submit("eu");
            TaskHandle eu2 = submit("eu");
            TaskHandle eu3 = submit("eu");
            TaskHandle us1 = submit("us");

            for (int round = 0; round < 3; round++) {
                o.dispatchOnce(); // eu-1 runs eu1 (held by the manual executor); eu2 and eu3 wait parked
            }

            assertThat(view(o, "us-1").inFlight())
                    .as("us-1 got the us task past the parked eu tasks")
                    .isEqualTo(1);
            assertThat(us1.state()).isEqualTo(TaskState.LEASED);
            manual.runAll();
            assertThat(us1.result()).isCompletedWithValue("us");
            assertThat(eu1.result()).isCompletedWithValue("eu");
            for (int round = 0; round < 4; round++) {
                o.dispatchOnce();
                manual.runAll();
            }
            assertThat(eu2.result()).isCompletedWithValue("eu");
            assertThat(eu3.result()).isCompletedWithValue("eu");
        }
    }

    @Test
    void atMaxParkedNothingMoreIsLeasedUntilAParkedTaskIsPlaced() {
        DispatchStrategy sameRegion = DispatchStrategies.capacityAware(
                (task, worker) -> worker.spec().labels().get("region").equals(task.payload(String.class)));
        try (Orchestrator o = orchestrator()
                .executor(manual)
                .strategy(sameRegion)
                .maxParked(1)
                .build()) {
            o.register(WorkerSpec.of("eu-1", 1).withLabels(Map.of("region", "eu")), task -> "eu");
            o.register(WorkerSpec.of("us-1", 1).withLabels(Map.of("region", "us")), task -> "us");
            submit("eu");
            submit("eu");
            TaskHandle us1 = submit("us");

            for (int round = 0; round < 3; round++) {
                o.dispatchOnce();
            }

            assertThat(us1.state()).as("one eu task parked: the limit").isEqualTo(TaskState.QUEUED);
            manual.runAll(); // eu-1 frees its slot: the parked eu task is placed, leasing resumes
            o.dispatchOnce();
            o.dispatchOnce();
            assertThat(us1.state()).isEqualTo(TaskState.LEASED);
            manual.runAll();
        }
    }

    @Test
    void anOrchestratorWithTypesLeasesOnlyThose() {
        try (Orchestrator o = orchestrator().types(Set.of("deploy")).build()) {
            o.register(WorkerSpec.of("w1", 4), task -> "ran");
            TaskHandle deploy = submit("x");
            TaskHandle other = queue.submit(TaskRequest.of("rollback", "y"));

            o.dispatchOnce();

            assertThat(deploy.result()).isCompletedWithValue("ran");
            assertThat(other.state()).isEqualTo(TaskState.QUEUED);
        }
    }
}
