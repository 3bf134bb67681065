package dev.scaleplane.samples.quickstart;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The Scaleplane quickstart: a deploy API publishes deployment requests on the embedded in-memory bus, and two
 * subscription groups handle them.
 *
 * <ul>
 *   <li>{@code deployer} (concurrency 4) starts each rollout and emits one {@code DeploymentStarted} per target
 *       cluster to {@code rollouts}, where the {@code status-board} group collects them;
 *   <li>{@code auditor} writes an audit record per request; a few requests fail once and succeed on retry, one fails
 *       on every attempt and is dead-lettered, then redriven after the cause is fixed.
 * </ul>
 *
 * It prints what happened and a metrics summary, and exits with status 1 if any expectation was not met, so it also
 * serves as a smoke test of the SDK.
 */
public final class Quickstart {

    /** The topic deployment requests are published to. */
    static final String DEPLOYMENTS_TOPIC = "deployments";

    /** How many requests the run publishes. */
    static final int DEPLOYMENTS = 50;

    /** The longest the run waits for the groups to finish; far above what it needs. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private static final URI DEPLOY_API = URI.create("/platform/deploy-api");
    private static final RetryPolicy AUDITOR_RETRIES = RetryPolicy.builder()
            .maxAttempts(3)
            .exponential(Duration.ofMillis(20), 2.0)
            .build();

    private Quickstart() {}

    /**
     * Port of the Prometheus endpoint, from system property {@value #METRICS_PORT_PROPERTY}; 0 (the default) takes any
     * free port, and the run prints which.
     */
    static final String METRICS_PORT_PROPERTY = "scaleplane.sample.metrics-port";

    /**
     * Seconds the run keeps the Prometheus endpoint up after the scenario, so that it can be scraped by hand, from system
     * property {@value #METRICS_HOLD_PROPERTY}; default 0.
     */
    static final String METRICS_HOLD_PROPERTY = "scaleplane.sample.metrics-hold-seconds";

    /**
     * Runs the quickstart; exits with status 1 if an expectation was not met. With
     * {@code -Dscaleplane.sample.metrics-hold-seconds=60} the Prometheus endpoint it prints stays up for a minute after
     * the scenario: {@code curl http://127.0.0.1:<port>/metrics}.
     */
    public static void main(String[] args) throws Exception {
        Outcome outcome = run(System.out, port -> {
            try {
                Thread.sleep(Integer.getInteger(METRICS_HOLD_PROPERTY, 0) * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        if (!outcome.ok()) {
            System.err.println("quickstart FAILED: " + outcome.failures().size() + " expectation(s) not met:");
            outcome.failures().forEach(f -> System.err.println("  - " + f));
            System.exit(1);
        }
    }

    /**
     * What a run observed.
     *
     * @param backend the event bus backend the platform chose
     * @param published requests accepted by the bus
     * @param deployerHandled requests the deployer handled
     * @param startedExpected {@code DeploymentStarted} events the deployer should emit (one per target cluster)
     * @param startedReceived {@code DeploymentStarted} events the status board received
     * @param brokenChains {@code DeploymentStarted} events whose causation, correlation, tenant or trace did not
     *     point back to their request
     * @param auditedBeforeRedrive requests the auditor audited before the redrive
     * @param recoveredOnRetry requests whose first audit attempt failed and a retry succeeded
     * @param deadLetters the auditor's dead letters before the redrive
     * @param auditedAfterRedrive requests audited after the redrive
     * @param deadLettersAfterRedrive the auditor's dead letters left after the redrive
     * @param metrics one row per group, read after the redrive
     * @param auditRecorded requests recorded in the event store's audit trail
     * @param failures the expectations that were not met; empty when the run went as expected
     */
    record Outcome(
            String backend,
            int published,
            int deployerHandled,
            int startedExpected,
            int startedReceived,
            int brokenChains,
            int auditedBeforeRedrive,
            int recoveredOnRetry,
            List<DeadLetter> deadLetters,
            int auditedAfterRedrive,
            int deadLettersAfterRedrive,
            List<MetricsTable.Row> metrics,
            int auditRecorded,
            List<String> failures) {

        boolean ok() {
            return failures.isEmpty();
        }

        MetricsTable.Row metrics(String group) {
            return metrics.stream()
                    .filter(r -> r.group().equals(group))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /**
     * Runs the whole scenario, printing to {@code out}, with the platform's meters served for Prometheus on 127.0.0.1.
     *
     * @param whileServing called with the endpoint's port after the scenario, before the platform and the endpoint
     *     close: {@code http://127.0.0.1:<port>/metrics} serves every meter of the run
     */
    static Outcome run(PrintStream out, IntConsumer whileServing) throws Exception {
        List<DeploymentRequested> requests = DeploymentStream.requests(DEPLOYMENTS);
        int startedExpected =
                requests.stream().mapToInt(r -> r.clusters().size()).sum();
        List<String> failures = new ArrayList<>();
        // Micrometer's Prometheus registry, served by the Prometheus client's HTTP server: the README's "A Prometheus
        // endpoint".
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

        // The embedded file-log event store keeps the audit trail; a temporary folder keeps runs independent.
        Path storeDirectory = Files.createTempDirectory("scaleplane-quickstart-store-");
        try (ScaleplanePlatform platform = Scaleplane.builder()
                        .config(ScaleplaneProperties.fromEnvironment().toBuilder()
                                .put("scaleplane.store.file.directory", storeDirectory.toString())
                                .build())
                        .recordTopics(DEPLOYMENTS_TOPIC) // every deployment request lands in the audit trail
                        .meterRegistry(meters)
                        .build();
                HTTPServer metricsEndpoint = HTTPServer.builder()
                        .hostname("127.0.0.1")
                        .port(Integer.getInteger(METRICS_PORT_PROPERTY, 0))
                        .registry(meters.getPrometheusRegistry())
                        .buildAndStart()) {
            EventBus events = platform.events();
            out.printf(
                    "Scaleplane quickstart: %d deployment requests on the '%s' event bus%n%n",
                    DEPLOYMENTS, platform.eventBusBackend());
            out.printf("Prometheus endpoint: http://127.0.0.1:%d/metrics%n%n", metricsEndpoint.getPort());

            // 1. Subscribe before publishing: a new group starts at the latest event.
            Deployer deployer = new Deployer(events);
            Auditor auditor = new Auditor();
            StatusBoard statusBoard = new StatusBoard();
            events.subscribe(
                    SubscriptionOptions.builder(DEPLOYMENTS_TOPIC, "deployer")
                            .concurrency(4)
                            .build(),
                    DeploymentRequested.TYPE,
                    deployer);
            events.subscribe(
                    SubscriptionOptions.builder(DEPLOYMENTS_TOPIC, "auditor")
                            .retryPolicy(AUDITOR_RETRIES)
                            .build(),
                    DeploymentRequested.TYPE,
                    auditor);
            events.subscribe(
                    SubscriptionOptions.of(Deployer.ROLLOUTS_TOPIC, "status-board"),
                    DeploymentStarted.TYPE,
                    statusBoard);

            // 2. Publish the requests. Each is keyed by its deployment id (the subject), so events of one deployment
            // stay in order, and starts a trace of its own.
            long publishStart = System.nanoTime();
            List<CompletableFuture<PublishReceipt>> receipts = new ArrayList<>();
            for (DeploymentRequested request : requests) {
                Event<DeploymentRequested> event = Event.builder(DeploymentRequested.TYPE, request)
                        .source(DEPLOY_API)
                        .subject(request.deploymentId())
                        .tenant(DeploymentStream.teamOf(request.application()))
                        .traceparent(TraceParent.newRoot())
                        .build();
                receipts.add(events.publish(DEPLOYMENTS_TOPIC, event));
            }
            CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new))
                    .get(SETTLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int published = receipts.size();
            out.printf(
                    "Published %d DeploymentRequested events to '%s' in %d ms; waiting for the groups (at most %d s)%n",
                    published, DEPLOYMENTS_TOPIC, millisSince(publishStart), SETTLE_TIMEOUT.toSeconds());

            // 3. Wait until every group is done: handled + dead-lettered == published, nothing in flight.
            long waitStart = System.nanoTime();
            boolean settled = awaitUntil(
                    SETTLE_TIMEOUT,
                    () -> deployer.handledCount() == published
                            && auditor.auditedCount()
                                            + auditorDeadLetters(events).size()
                                    == published
                            && statusBoard.receivedCount() == startedExpected
                            && nothingInFlight(meters));
            if (!settled) {
                failures.add("groups did not settle within " + SETTLE_TIMEOUT + ": deployer handled "
                        + deployer.handledCount() + ", auditor audited " + auditor.auditedCount() + " + dead letters "
                        + auditorDeadLetters(events).size() + ", status board received " + statusBoard.receivedCount()
                        + " of " + startedExpected + " DeploymentStarted");
            }
            out.printf(
                    settled ? "All groups done after %d ms.%n%n" : "Gave up waiting after %d ms.%n%n",
                    millisSince(waitStart));

            int deployerHandled = deployer.handledCount();
            int startedReceived = statusBoard.receivedCount();
            int auditedBefore = auditor.auditedCount();
            int recovered = auditor.transientFailures();
            List<DeadLetter> deadLetters = auditorDeadLetters(events);

            out.println("Groups");
            out.printf(
                    "  deployer     (concurrency 4)            handled %d/%d, emitted %d DeploymentStarted to '%s'%n",
                    deployerHandled, published, startedReceived, Deployer.ROLLOUTS_TOPIC);
            out.printf(
                    "  auditor      (3 attempts, 20 ms exp.)   audited %d/%d, %d recovered on retry, %d dead-lettered%n",
                    auditedBefore, published, recovered, deadLetters.size());
            out.printf(
                    "  status-board (on '%s')            received %d/%d DeploymentStarted%n%n",
                    Deployer.ROLLOUTS_TOPIC, startedReceived, startedExpected);

            // 4. Causality: every DeploymentStarted points back to its request.
            int brokenChains = printChainAndCountBroken(out, requests.get(0), deployer, statusBoard);

            // 5. Dead letters: what failed, why, how often.
            printDeadLetters(out, deadLetters);

            // 6. Fix the cause and redrive.
            int auditedAfter = auditedBefore;
            int leftAfter = deadLetters.size();
            if (!deadLetters.isEmpty()) {
                out.println("Redrive");
                auditor.registerRequester(DeploymentStream.NEW_HIRE, "team-money");
                out.printf("  fix: added '%s' to the auditor's team directory%n", DeploymentStream.NEW_HIRE);
                DeadLetter letter = deadLetters.get(0);
                String deploymentId = deploymentIdOf(letter);
                events.deadLetters().redrive(letter.id()).get(SETTLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                boolean redriven = awaitUntil(
                        SETTLE_TIMEOUT,
                        () -> auditor.audited(deploymentId)
                                && auditorDeadLetters(events).isEmpty()
                                && nothingInFlight(meters));
                if (!redriven) {
                    failures.add(
                            "redriven dead letter of " + deploymentId + " was not handled within " + SETTLE_TIMEOUT);
                }
                auditedAfter = auditor.auditedCount();
                leftAfter = auditorDeadLetters(events).size();
                out.printf("  redrove dead letter %s: %s%n", letter.id(), redriven ? "handled" : "NOT handled");
                out.printf("  audit record: %s%n", auditor.auditRecord(deploymentId));
                out.printf("  auditor: audited %d/%d, dead letters left %d%n%n", auditedAfter, published, leftAfter);
            }

            // 7. Metrics, as any Micrometer backend would export them.
            List<MetricsTable.Row> metrics = List.of(
                    MetricsTable.read(meters, DEPLOYMENTS_TOPIC, "deployer"),
                    MetricsTable.read(meters, DEPLOYMENTS_TOPIC, "auditor"),
                    MetricsTable.read(meters, Deployer.ROLLOUTS_TOPIC, "status-board"));
            out.println("Metrics (scaleplane.events.*; latency from publish to handled; published counts the topic)");
            out.println(MetricsTable.render(metrics));

            // 8. The audit trail: the platform recorded every request into the event store, no code of ours needed.
            String auditStream = "audit-" + DEPLOYMENTS_TOPIC;
            awaitUntil(SETTLE_TIMEOUT, () -> recordedCount(platform.store(), auditStream) == published);
            int recorded = recordedCount(platform.store(), auditStream);
            AuditPage teamMoney = platform.store()
                    .query(AuditQuery.builder().stream(auditStream)
                            .tenant("team-money")
                            .limit(AuditQuery.DEFAULT_LIMIT)
                            .build());
            out.println("Audit trail (embedded file-log event store in " + storeDirectory + ")");
            out.printf("  stream %s holds %d of %d requests%n", auditStream, recorded, published);
            out.printf(
                    "  audit query tenant=team-money: %d requests, e.g.%n",
                    teamMoney.events().size());
            teamMoney.events().stream().limit(3).forEach(r -> {
                DeploymentRequested request = (DeploymentRequested) r.event().data();
                out.printf(
                        "    #%d %s %s %s to %s by %s%n",
                        r.position(),
                        r.event().time().truncatedTo(ChronoUnit.MILLIS),
                        request.application(),
                        request.version(),
                        request.environment(),
                        request.requestedBy());
            });
            out.println();

            Outcome outcome = new Outcome(
                    platform.eventBusBackend(),
                    published,
                    deployerHandled,
                    startedExpected,
                    startedReceived,
                    brokenChains,
                    auditedBefore,
                    recovered,
                    deadLetters,
                    auditedAfter,
                    leftAfter,
                    metrics,
                    recorded,
                    failures);
            check(outcome, requests);
            out.println(
                    outcome.ok()
                            ? "OK: every expectation met."
                            : "FAILED: " + failures.size() + " expectation(s) not met (listed on standard error).");
            whileServing.accept(metricsEndpoint.getPort());
            return outcome;
        }
    }

    /** Compares what happened with what the scenario guarantees; adds a message per difference. */
    private static void check(Outcome o, List<DeploymentRequested> requests) {
        List<String> f = o.failures();
        int n = requests.size();
        long everySeventh = requests.stream()
                .filter(r -> DeploymentStream.sequenceOf(r.deploymentId()) % 7 == 0)
                .count();
        expect(f, "published", n, o.published());
        expect(f, "deployer handled", n, o.deployerHandled());
        expect(f, "DeploymentStarted received by the status board", o.startedExpected(), o.startedReceived());
        expect(f, "DeploymentStarted events with a broken causal chain", 0, o.brokenChains());
        expect(f, "auditor audited before the redrive", n - 1, o.auditedBeforeRedrive());
        expect(f, "auditor requests recovered on retry", everySeventh, o.recoveredOnRetry());
        expect(f, "auditor dead letters before the redrive", 1, o.deadLetters().size());
        if (o.deadLetters().size() == 1) {
            DeadLetter letter = o.deadLetters().get(0);
            expect(f, "dead-lettered deployment", DeploymentStream.NEW_HIRE_DEPLOYMENT, deploymentIdOf(letter));
            expect(f, "dead letter reason", DeadLetter.Reason.HANDLER_FAILED, letter.reason());
            expect(f, "dead letter attempts", AUDITOR_RETRIES.maxAttempts(), letter.attempts());
            expect(
                    f,
                    "dead letter exception",
                    Auditor.UnknownRequesterException.class.getName(),
                    letter.exceptionType());
        }
        expect(f, "auditor audited after the redrive", n, o.auditedAfterRedrive());
        expect(f, "auditor dead letters after the redrive", 0, o.deadLettersAfterRedrive());
        expect(f, "requests recorded in the audit trail", n, o.auditRecorded());

        MetricsTable.Row deployer = o.metrics("deployer");
        MetricsTable.Row auditor = o.metrics("auditor");
        MetricsTable.Row board = o.metrics("status-board");
        expect(f, "metric published{topic=deployments}", n, deployer.published());
        expect(f, "metric published{topic=rollouts}", o.startedExpected(), board.published());
        expect(f, "metric delivered{group=deployer}", n, deployer.delivered());
        expect(f, "metric delivered{group=status-board}", o.startedExpected(), board.delivered());
        // 49 on the first pass plus the redriven one.
        expect(f, "metric delivered{group=auditor}", n, auditor.delivered());
        // Each transient failure is retried once; the dead letter was retried maxAttempts - 1 times.
        long retries = everySeventh + AUDITOR_RETRIES.maxAttempts() - 1;
        expect(f, "metric retried{group=auditor}", retries, auditor.retried());
        expect(f, "metric failed{group=auditor}", retries + 1, auditor.failed());
        expect(f, "metric dead_lettered{group=auditor}", 1, auditor.deadLettered());
        expect(f, "metric failed{group=deployer}", 0, deployer.failed());
        for (MetricsTable.Row row : o.metrics()) {
            expect(f, "metric in_flight{group=" + row.group() + "}", 0, row.inFlight());
            if (Double.isNaN(row.p99Millis())) {
                f.add("metric latency{group=" + row.group() + "} has no p99");
            }
        }
    }

    /** Events in a stream: its version + 1, or 0 when it does not exist yet. */
    private static int recordedCount(EventStore store, String stream) {
        OptionalLong version = store.streamVersion(stream);
        return version.isPresent() ? (int) version.getAsLong() + 1 : 0;
    }

    private static void expect(List<String> failures, String what, Object expected, Object actual) {
        boolean equal = expected instanceof Number e && actual instanceof Number a
                ? e.longValue() == a.longValue()
                : Objects.equals(expected, actual);
        if (!equal) {
            failures.add(what + ": expected " + expected + ", but was " + actual);
        }
    }

    /**
     * Prints the request of {@code first} and the {@code DeploymentStarted} events it caused, then checks every
     * {@code DeploymentStarted} received against its request.
     *
     * @return how many {@code DeploymentStarted} events do not point back to their request
     */
    private static int printChainAndCountBroken(
            PrintStream out, DeploymentRequested first, Deployer deployer, StatusBoard statusBoard) {
        Event<DeploymentRequested> request = deployer.handledRequest(first.deploymentId());
        if (request != null) {
            out.printf(
                    "One event chain: %s (%s %s to %s), tenant %s%n",
                    first.deploymentId(), first.application(), first.version(), first.environment(), request.tenant());
            out.printf("  DeploymentRequested            id %s%n", request.id());
            out.printf("                                 traceparent %s%n", request.traceparent());
            for (Event<DeploymentStarted> started : statusBoard.startedFor(first.deploymentId())) {
                out.printf(
                        "    -> DeploymentStarted %-10s id %s%n", started.data().cluster(), started.id());
                out.printf(
                        "                                 causation %s, correlation %s%n",
                        started.causationId(), started.correlationId());
                out.printf(
                        "                                 traceparent %s, tenant %s%n",
                        started.traceparent(), started.tenant());
            }
        }
        int broken = 0;
        for (Event<DeploymentStarted> started : statusBoard.all()) {
            Event<DeploymentRequested> cause =
                    deployer.handledRequest(started.data().deploymentId());
            if (cause == null || !causedBy(started, cause)) {
                broken++;
            }
        }
        out.printf(
                "  every DeploymentStarted names its request as cause and shares its correlation id, tenant and"
                        + " trace: %s%n%n",
                broken == 0 ? "yes" : "NO, " + broken + " do not");
        return broken;
    }

    private static boolean causedBy(Event<?> effect, Event<?> cause) {
        String correlation = cause.correlationId() != null ? cause.correlationId() : cause.id();
        return cause.id().equals(effect.causationId())
                && correlation.equals(effect.correlationId())
                && Objects.equals(cause.tenant(), effect.tenant())
                && effect.traceparent() != null
                && cause.traceparent() != null
                && effect.traceparent().traceId().equals(cause.traceparent().traceId())
                && !effect.traceparent().parentId().equals(cause.traceparent().parentId());
    }

    private static void printDeadLetters(PrintStream out, List<DeadLetter> deadLetters) {
        out.printf("Dead letters of group 'auditor': %d%n", deadLetters.size());
        for (DeadLetter letter : deadLetters) {
            String about = letter.event() != null && letter.event().data() instanceof DeploymentRequested r
                    ? r.deploymentId() + " (" + r.application() + " " + r.version() + " to " + r.environment()
                            + ", requested by " + r.requestedBy() + ")"
                    : "undecodable message";
            out.printf("  %s%n", about);
            out.printf("    id          %s%n", letter.id());
            out.printf("    destination %s%n", letter.destination());
            out.printf("    reason      %s after %d attempts%n", letter.reason(), letter.attempts());
            out.printf(
                    "    failures    first %s, last %s (%d ms apart)%n",
                    letter.firstFailure().truncatedTo(ChronoUnit.MILLIS),
                    letter.lastFailure().truncatedTo(ChronoUnit.MILLIS),
                    Duration.between(letter.firstFailure(), letter.lastFailure())
                            .toMillis());
            out.printf("    exception   %s%n", letter.exceptionType());
            out.printf("    message     %s%n", letter.message());
        }
        out.println();
    }

    private static List<DeadLetter> auditorDeadLetters(EventBus events) {
        return events.deadLetters().list(DEPLOYMENTS_TOPIC, "auditor", 100);
    }

    private static String deploymentIdOf(DeadLetter letter) {
        return letter.event() != null && letter.event().data() instanceof DeploymentRequested r
                ? r.deploymentId()
                : "(undecodable)";
    }

    private static boolean nothingInFlight(MeterRegistry meters) {
        return MetricsTable.inFlight(meters, DEPLOYMENTS_TOPIC, "deployer") == 0
                && MetricsTable.inFlight(meters, DEPLOYMENTS_TOPIC, "auditor") == 0
                && MetricsTable.inFlight(meters, Deployer.ROLLOUTS_TOPIC, "status-board") == 0;
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    private static boolean awaitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
