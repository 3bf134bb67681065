package dev.scaleplane.samples.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.orchestration.TaskState;
import dev.scaleplane.api.orchestration.scaling.ScalingDecision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Runs the orchestration scenario end to end on the embedded bus and queue, on virtual time, and checks its report. */
class OrchestrationSampleTest {

    @Test
    void runsTheScenarioAndMeetsEveryExpectation() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        OrchestrationSample.Outcome outcome;
        AtomicReference<String> scraped = new AtomicReference<>();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            outcome = OrchestrationSample.run(
                    out,
                    port -> scraped.set(HttpClient.newHttpClient()
                            .sendAsync(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .join()
                            .body()));
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertThat(outcome.failures()).as(printed).isEmpty();

        // Every request became one task per cluster, and every task ended succeeded or with an explained dead letter.
        assertThat(outcome.requests()).isEqualTo(OrchestrationSample.WAVES * OrchestrationSample.PER_WAVE);
        int planned =
                outcome.states().values().stream().mapToInt(Integer::intValue).sum();
        assertThat(planned).isEqualTo(outcome.expectedTasks()).isGreaterThan(outcome.requests());
        assertThat(outcome.count(TaskState.SUCCEEDED) + outcome.count(TaskState.DEAD_LETTERED))
                .isEqualTo(planned);
        assertThat(outcome.deadLetters()).hasSize(outcome.count(TaskState.DEAD_LETTERED));
        assertThat(outcome.unexplained()).isEmpty();

        // The flaky agent failed, was ejected, was probed back and took work again; nobody else failed.
        DecisionLog.WorkerTally flaky = outcome.tally(Fleet.FLAKY);
        assertThat(flaky.failed()).isPositive();
        assertThat(flaky.ejections()).isPositive();
        assertThat(flaky.returns()).isPositive();
        assertThat(outcome.flakySuccessesAfterReturn()).isPositive();
        assertThat(outcome.healthEvents())
                .extracting(DecisionLog.HealthEvent::status)
                .containsSubsequence(
                        DecisionLog.Status.EJECTED,
                        DecisionLog.Status.HALF_OPEN,
                        DecisionLog.Status.PROBING,
                        DecisionLog.Status.IN_ROTATION);
        assertThat(outcome.decisions())
                .filteredOn(d -> d.why().contains(Fleet.FLAKY + " ejected"))
                .isNotEmpty()
                .noneMatch(d -> d.worker().equals(Fleet.FLAKY));
        assertThat(outcome.decisions())
                .filteredOn(d -> d.worker().equals(Fleet.FLAKY) && d.why().startsWith("probe"))
                .hasSize(flaky.returns()
                        + (int) outcome.healthEvents().stream()
                                .filter(e -> e.what().startsWith("probe failed"))
                                .count());
        assertThat(outcome.tallies())
                .filteredOn(t -> !t.worker().equals(Fleet.FLAKY))
                .allSatisfy(t -> {
                    assertThat(t.failed()).isZero();
                    assertThat(t.ejections()).isZero();
                    assertThat(t.dispatched()).isPositive();
                });

        // Slots and the region constraint held; every dispatched task is in the table with its reason.
        assertThat(outcome.tallies()).allSatisfy(t -> assertThat(t.maxRunning())
                .isLessThanOrEqualTo(Fleet.WORKERS.stream()
                        .filter(w -> w.id().equals(t.worker()))
                        .findFirst()
                        .orElseThrow()
                        .slots()));
        assertThat(outcome.slotViolations()).isEmpty();
        assertThat(outcome.wrongRegion()).isEmpty();
        assertThat(outcome.decisions())
                .filteredOn(d -> !d.worker().equals("-"))
                .hasSize(outcome.tallies().stream()
                        .mapToInt(DecisionLog.WorkerTally::dispatched)
                        .sum())
                .allSatisfy(d -> assertThat(d.worker()).startsWith(d.region() + "-"));

        // The metrics agree with what the run saw.
        TaskMetrics m = outcome.metrics();
        assertThat(m.submitted()).isEqualTo(planned);
        assertThat(m.succeeded()).isEqualTo(outcome.count(TaskState.SUCCEEDED));
        assertThat(m.dispatched()).isEqualTo(m.succeeded() + m.handlerFailures());
        assertThat(m.handlerFailures()).isEqualTo(flaky.failed());
        assertThat(m.leaseExpired()).isZero();
        assertThat(m.workers()).hasSize(Fleet.WORKERS.size()).allSatisfy(w -> assertThat(w.busySlotSeconds())
                .isPositive());

        // Elastic scaling: up from the minimum to the maximum, at most doubling per evaluation, then back to the
        // minimum after the 300 s window without going up again; every task ran exactly once.
        BurstScaling.Result scaling = outcome.scaling();
        assertThat(scaling.failures()).isEmpty();
        List<Integer> series = scaling.series();
        int min = BurstScaling.POLICY.minWorkers();
        int max = BurstScaling.POLICY.maxWorkers();
        int peak = series.indexOf(max);
        assertThat(peak).as("reaches the maximum: %s", series).isPositive();
        assertThat(distinctRuns(series.subList(0, peak + 1))).containsExactly(1, 2, 4, 8);
        List<Integer> down = distinctRuns(series.subList(peak, series.size()));
        assertThat(down).first().isEqualTo(max);
        assertThat(down).last().isEqualTo(min);
        assertThat(down).isSortedAccordingTo(Comparator.reverseOrder()).doesNotHaveDuplicates();
        Duration window = BurstScaling.POLICY.scaleDown().stabilizationWindow();
        assertThat(scaling.evaluations()).hasSameSizeAs(series);
        ScalingDecision firstDown = scaling.evaluations().stream()
                .filter(d -> d.desiredWorkers() < d.currentWorkers())
                .findFirst()
                .orElseThrow();
        ScalingDecision lastHigh = scaling.evaluations().stream()
                .filter(d -> d.at().isBefore(firstDown.at()) && d.recommendedWorkers() > firstDown.desiredWorkers())
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(Duration.between(lastHigh.at(), firstDown.at())).isGreaterThanOrEqualTo(window);
        assertThat(scaling.decisions())
                .extracting(ScalingDecision::reason)
                .contains(ScalingDecision.Reason.SCALE_UP_LIMITED, ScalingDecision.Reason.STABILIZING);
        assertThat(scaling.states()).containsOnlyKeys(TaskState.SUCCEEDED);
        assertThat(scaling.states().get(TaskState.SUCCEEDED)).isEqualTo(scaling.submitted());
        assertThat(scaling.runsPerTask())
                .hasSize(scaling.submitted())
                .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(scaling.drainedBusy())
                .as("workers were removed while running a task")
                .isPositive();

        assertThat(printed)
                .contains("== Elastic scaling")
                .contains("Decisions recorded in stream scaling-render")
                .contains("Dispatch decisions")
                .contains("probe dispatched")
                .contains("probe succeeded: back in rotation")
                .contains("Metrics (Micrometer registry")
                .contains("OK: every expectation met.");

        // The Prometheus endpoint, scraped over HTTP before the orchestrator closed, serves the same counts.
        assertThat(scraped.get())
                .containsPattern("scaleplane_tasks_submitted_total\\{[^}]*} " + planned + "\\.0\n")
                .containsPattern("scaleplane_orchestrator_dispatched_total\\{[^}]*orchestrator=\"rollouts\"[^}]*} "
                        + m.dispatched() + "\\.0\n");
    }

    @Test
    void decidesTheSameWayEveryRun() throws Exception {
        OrchestrationSample.Outcome first = runQuietly();
        OrchestrationSample.Outcome second = runQuietly();

        // Virtual time, one ordering key for the requests and a retry policy without jitter: nothing is left to chance.
        assertThat(second.decisions()).isEqualTo(first.decisions());
        assertThat(second.healthEvents()).isEqualTo(first.healthEvents());
        assertThat(second.tallies()).isEqualTo(first.tallies());
        assertThat(second.scaling().series()).isEqualTo(first.scaling().series());
    }

    /** The series without repeats: {@code [1, 1, 2, 4, 4]} is {@code [1, 2, 4]}. */
    private static List<Integer> distinctRuns(List<Integer> series) {
        List<Integer> runs = new ArrayList<>();
        for (Integer n : series) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(n)) {
                runs.add(n);
            }
        }
        return runs;
    }

    private static OrchestrationSample.Outcome runQuietly() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            OrchestrationSample.Outcome outcome = OrchestrationSample.run(out, port -> {});
            assertThat(outcome.failures())
                    .as(buffer.toString(StandardCharsets.UTF_8))
                    .isEmpty();
            return outcome;
        }
    }
}
