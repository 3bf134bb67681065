package dev.scaleplane.tck;

import static dev.scaleplane.api.adapters.ci.CiCapability.CANCEL;
import static dev.scaleplane.api.adapters.ci.CiCapability.INPUTS;
import static dev.scaleplane.api.adapters.ci.CiCapability.RUN_ID_ON_TRIGGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link CiAdapter}, for every CI system. An adapter module adds one subclass in its tests that
 * creates the adapter (through its provider, as a platform does) pointed at a local simulation of the system, and
 * hands the kit that simulation as a {@link CiSimulation}:
 *
 * <pre>{@code
 * class GitHubActionsCompatibilityTest extends CiAdapterCompatibilityKit {
 *     private final FakeGitHub github = FakeGitHub.launch();
 *
 *     protected CiAdapter createAdapter() { return new GitHubActionsProvider().create("gh", context(github)); }
 *     protected Set<CiCapability> capabilities() { return new GitHubActionsProvider().capabilities(); }
 *     protected CiSimulation simulation() { return github.actions(); }
 *     protected String pipeline() { return "acme/app/ci.yml"; }
 *     protected String missingPipeline() { return "acme/app/missing.yml"; }
 *     protected int runsPageSize() { return 5; }
 *     protected Map<String, CiStatus> vendorStates() { return Map.of("queued", CiStatus.QUEUED, ...); }
 * }
 * }</pre>
 *
 * <h2>What is tested</h2>
 *
 * Trigger returns a run the adapter can read back; each of the system's own states maps to the documented {@link
 * CiStatus}; {@code awaitCompletion} completes on the end state and times out otherwise; {@code runs} is lazy and
 * crosses at least three pages, newest first; typed errors (401 at once and without the credential in the message,
 * 404, 422), a 429 and a 503 handled as the plumbing's retry rules say. Optional behaviour ({@link CiCapability}:
 * cancel, inputs, run id on trigger) is a {@link TestFactory} yielding its test only when declared, so nothing is
 * reported as skipped.
 *
 * <h2>How the kit behaves</h2>
 *
 * Nothing sleeps in the kit: runs end when the simulation is told ({@link CiSimulation#finishAfterReads}), so the
 * adapter should be configured with poll intervals of a few milliseconds (or a sleeper that does not sleep). The
 * credential must be a static one (a token, not one refreshed on 401), because the kit counts requests. A new adapter
 * is created for every test and closed after it.
 */
public abstract class CiAdapterCompatibilityKit {

    /** The adapter of the current test. */
    protected CiAdapter adapter;

    /**
     * Creates the adapter under test, pointed at {@link #simulation()}, with poll intervals of a few milliseconds.
     * Called before each test; the kit closes it after.
     */
    protected abstract CiAdapter createAdapter();

    /** What the adapter declares; must equal its provider's {@code capabilities()}. */
    protected abstract Set<CiCapability> capabilities();

    /** The simulation behind the adapter. */
    protected abstract CiSimulation simulation();

    /** A pipeline that exists in the simulation, in the system's naming (see {@link CiTrigger#pipeline()}). */
    protected abstract String pipeline();

    /** A pipeline the system does not know: triggering it is a 404. */
    protected abstract String missingPipeline();

    /** The page size the adapter lists runs with, as configured by {@link #createAdapter()}. */
    protected abstract int runsPageSize();

    /**
     * Every state of the system (spelled as {@link CiSimulation#setState} takes it) mapped to the {@link CiStatus} the
     * adapter documents for it. Must cover every {@link CiStatus}.
     */
    protected abstract Map<String, CiStatus> vendorStates();

    /** The ref runs are triggered on. Default {@code main}. */
    protected String ref() {
        return "main";
    }

    /** How long the kit waits for a future. Default 10 s. */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    void createTheAdapter() {
        simulation().reset();
        adapter = createAdapter();
    }

    @AfterEach
    void closeTheAdapter() {
        if (adapter != null) {
            adapter.close();
        }
    }

    private Stream<DynamicTest> onlyIf(CiCapability capability, Executable body) {
        return capabilities().contains(capability)
                ? Stream.of(DynamicTest.dynamicTest(capability + " declared", body))
                : Stream.empty();
    }

    private CiRun trigger() {
        return adapter.trigger(CiTrigger.of(pipeline(), ref()));
    }

    private CiRun await(CompletableFuture<CiRun> future) throws Exception {
        return future.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- trigger and status ----

    @Test
    @DisplayName("trigger returns an unfinished run of the pipeline on the ref, which status reads back")
    void triggerReturnsARun() {
        CiRun run = trigger();
        assertThat(run.pipeline()).isEqualTo(pipeline());
        assertThat(run.ref()).isEqualTo(ref());
        assertThat(run.status().terminal()).as("status %s", run.status()).isFalse();
        CiRun read = adapter.status(run.id());
        assertThat(read.pipeline()).isEqualTo(pipeline());
        assertThat(read.status()).isIn(CiStatus.QUEUED, CiStatus.RUNNING);
        assertThat(read.conclusion()).isNotBlank();
    }

    @TestFactory
    @DisplayName("trigger returns the run itself, whose id status answers to")
    Stream<DynamicTest> runIdOnTrigger() {
        return onlyIf(RUN_ID_ON_TRIGGER, () -> {
            CiRun run = trigger();
            assertThat(adapter.status(run.id()).id()).isEqualTo(run.id());
        });
    }

    @Test
    @DisplayName("each of the system's own states maps to its documented status, and the raw one is kept")
    void vendorStatesMap() {
        Map<String, CiStatus> states = vendorStates();
        assertThat(EnumSet.copyOf(states.values()))
                .as("vendorStates() covers every CiStatus")
                .containsExactlyInAnyOrder(CiStatus.values());
        for (Map.Entry<String, CiStatus> e : states.entrySet()) {
            CiRun run = trigger();
            simulation().setState(run.id(), e.getKey());
            CiRun read = adapter.status(run.id());
            assertThat(read.status())
                    .as("status of vendor state %s", e.getKey())
                    .isEqualTo(e.getValue());
            assertThat(read.conclusion()).as("raw state of %s", e.getKey()).isNotBlank();
        }
    }

    // ---- awaiting the end ----

    @Test
    @DisplayName("awaitCompletion completes with the run once it has ended, polling until then")
    void awaitCompletionCompletes() throws Exception {
        CiRun run = trigger();
        simulation().startRun(run.id());
        simulation().finishAfterReads(run.id(), 3, CiStatus.SUCCEEDED);
        CiRun done = await(adapter.awaitCompletion(run.id(), timeout()));
        assertThat(done.status()).isEqualTo(CiStatus.SUCCEEDED);
        assertThat(done.status().terminal()).isTrue();

        CiRun failing = trigger();
        simulation().failRun(failing.id());
        assertThat(await(adapter.awaitCompletion(failing.id(), timeout())).status())
                .isEqualTo(CiStatus.FAILED);
    }

    @Test
    @DisplayName("awaitCompletion completes exceptionally with a TimeoutException when the run does not end in time")
    void awaitCompletionTimesOut() {
        CiRun run = trigger();
        simulation().startRun(run.id());
        CompletableFuture<CiRun> future = adapter.awaitCompletion(run.id(), Duration.ofMillis(150));
        assertThatThrownBy(() -> await(future))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    @DisplayName("awaitCompletion completes exceptionally with the adapter's exception when the run cannot be read")
    void awaitCompletionFailsOnErrors() {
        CiRun run = trigger();
        simulation().failNext(404, null);
        assertThatThrownBy(() -> await(adapter.awaitCompletion(run.id(), timeout())))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(AdapterNotFoundException.class);
    }

    // ---- cancel ----

    @TestFactory
    @DisplayName("cancel asks the system to stop a running run, which then ends cancelled")
    Stream<DynamicTest> cancel() {
        return onlyIf(CANCEL, () -> {
            CiRun run = trigger();
            simulation().startRun(run.id());
            CiRun after = adapter.cancel(run.id());
            assertThat(after.status()).isNotIn(CiStatus.SUCCEEDED, CiStatus.FAILED);
            assertThat(simulation().cancelRequested(run.id())).isTrue();
            assertThat(await(adapter.awaitCompletion(run.id(), timeout())).status())
                    .isEqualTo(CiStatus.CANCELLED);
        });
    }

    // ---- listing ----

    @Test
    @DisplayName("runs are listed newest first, lazily, page by page across at least three pages")
    void runsArePagedLazily() {
        int pageSize = runsPageSize();
        int total = 3 * pageSize + 1;
        simulation().seedRuns(pipeline(), total);
        int before = simulation().requestCount();

        Stream<CiRun> runs = adapter.runs(pipeline());
        assertThat(simulation().requestCount())
                .as("requests before the stream is used")
                .isEqualTo(before);
        Iterator<CiRun> it = runs.iterator();
        assertThat(it.hasNext()).isTrue();
        it.next();
        assertThat(simulation().requestCount() - before)
                .as("requests for the first run")
                .isEqualTo(1);

        List<CiRun> all = adapter.runs(pipeline()).collect(Collectors.toList());
        assertThat(all).hasSize(total);
        assertThat(all).extracting(CiRun::id).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(r -> assertThat(r.pipeline()).isEqualTo(pipeline()));
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).createdAt()).isBeforeOrEqualTo(all.get(i - 1).createdAt());
        }
        assertThat(simulation().requestCount() - before - 1)
                .as("pages fetched for %s runs of %s per page", total, pageSize)
                .isEqualTo(4);
    }

    // ---- typed errors ----

    @Test
    @DisplayName("a 401 fails at once with AdapterAuthenticationException and no credential in the message")
    void unauthorized() {
        int before = simulation().requestCount();
        simulation().failNext(401, null);
        assertThatThrownBy(this::trigger).isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.system()).isEqualTo(adapter.system());
            assertThat(e.instance()).isEqualTo(adapter.name());
            assertThat(e.getMessage()).doesNotContain(simulation().credential());
            assertThat(String.valueOf(e.serverMessage()))
                    .doesNotContain(simulation().credential());
        });
        assertThat(simulation().requestCount() - before)
                .as("requests: not retried")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("an unknown pipeline is AdapterNotFoundException")
    void notFound() {
        assertThatThrownBy(() -> adapter.trigger(CiTrigger.of(missingPipeline(), ref())))
                .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> assertThat(e.status())
                        .isEqualTo(404));
    }

    @Test
    @DisplayName("a refused trigger (422) is AdapterRequestRefusedException with the server's message, not retried")
    void refused() {
        int before = simulation().requestCount();
        simulation().failNext(422, null);
        assertThatThrownBy(this::trigger).isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.serverMessage()).isNotBlank();
        });
        assertThat(simulation().requestCount() - before).isEqualTo(1);
    }

    @Test
    @DisplayName("a 429 with Retry-After is waited out and the call succeeds")
    void rateLimitedThenServed() {
        CiRun run = trigger();
        simulation().failNext(429, Duration.ZERO);
        assertThat(adapter.status(run.id()).pipeline()).isEqualTo(pipeline());
    }

    @Test
    @DisplayName("a 503 is retried on a read but not on a trigger, which fails with AdapterUnavailableException")
    void unavailable() {
        CiRun run = trigger();
        simulation().failNext(503, null);
        assertThat(adapter.status(run.id()).pipeline()).isEqualTo(pipeline());

        int before = simulation().requestCount();
        simulation().failNext(503, null);
        assertThatThrownBy(this::trigger).isInstanceOf(AdapterUnavailableException.class);
        assertThat(simulation().requestCount() - before)
                .as("a trigger is not repeated")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("failures are AdapterExceptions naming the system and instance")
    void failuresNameTheSystem() {
        simulation().failNext(404, null);
        assertThatThrownBy(this::trigger).isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.getMessage())
                .contains(adapter.system())
                .contains(adapter.name()));
    }

    // ---- inputs ----

    @TestFactory
    @DisplayName("inputs reach the run")
    Stream<DynamicTest> inputs() {
        return onlyIf(INPUTS, () -> {
            // Keys every system accepts: GitLab variable keys are letters, digits and _ only.
            Map<String, String> inputs = Map.of("version", "1.2.3", "DRY_RUN", "true");
            CiRun run = adapter.trigger(new CiTrigger(pipeline(), ref(), inputs));
            assertThat(simulation().inputsOf(run.id())).isEqualTo(inputs);
        });
    }
}
