package dev.scaleplane.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Runs the quickstart scenario end to end on the embedded bus and checks what it reports. */
class QuickstartTest {

    @Test
    void runsTheScenarioAndMeetsEveryExpectation() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        AtomicReference<String> scraped = new AtomicReference<>();
        Quickstart.Outcome outcome;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            outcome = Quickstart.run(
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
        assertThat(outcome.backend()).isEqualTo("memory");

        // Every request handled by the deployer, one DeploymentStarted per cluster, all pointing back to their cause.
        assertThat(outcome.published()).isEqualTo(Quickstart.DEPLOYMENTS);
        assertThat(outcome.deployerHandled()).isEqualTo(Quickstart.DEPLOYMENTS);
        assertThat(outcome.startedReceived())
                .isEqualTo(outcome.startedExpected())
                .isGreaterThan(Quickstart.DEPLOYMENTS);
        assertThat(outcome.brokenChains()).isZero();
        assertThat(outcome.auditRecorded()).isEqualTo(Quickstart.DEPLOYMENTS);

        // The auditor: every 7th request recovered on retry, exactly one dead letter with the failure recorded.
        assertThat(outcome.recoveredOnRetry()).isEqualTo(Quickstart.DEPLOYMENTS / 7);
        assertThat(outcome.auditedBeforeRedrive()).isEqualTo(Quickstart.DEPLOYMENTS - 1);
        assertThat(outcome.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(DeadLetter.Reason.HANDLER_FAILED);
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.group()).isEqualTo("auditor");
            assertThat(letter.destination()).isEqualTo("deployments.auditor.dlq");
            assertThat(letter.exceptionType()).isEqualTo(Auditor.UnknownRequesterException.class.getName());
            assertThat(letter.message()).contains("'erin'", DeploymentStream.NEW_HIRE_DEPLOYMENT);
            assertThat(letter.event()).isNotNull();
            assertThat(letter.event().data())
                    .isInstanceOfSatisfying(DeploymentRequested.class, r -> assertThat(r.deploymentId())
                            .isEqualTo(DeploymentStream.NEW_HIRE_DEPLOYMENT));
            assertThat(letter.lastFailure()).isAfterOrEqualTo(letter.firstFailure());
        });

        // The redrive, after the fix, is handled and empties the dead-letter destination.
        assertThat(outcome.auditedAfterRedrive()).isEqualTo(Quickstart.DEPLOYMENTS);
        assertThat(outcome.deadLettersAfterRedrive()).isZero();

        // The metrics table agrees.
        MetricsTable.Row auditor = outcome.metrics("auditor");
        assertThat(auditor.published()).isEqualTo(Quickstart.DEPLOYMENTS);
        assertThat(auditor.delivered()).isEqualTo(Quickstart.DEPLOYMENTS);
        assertThat(auditor.retried()).isEqualTo(Quickstart.DEPLOYMENTS / 7 + 2);
        assertThat(auditor.deadLettered()).isEqualTo(1);
        assertThat(outcome.metrics()).allSatisfy(row -> {
            assertThat(row.inFlight()).isZero();
            assertThat(row.p50Millis()).isNotNaN();
            assertThat(row.p99Millis()).isNotNaN();
        });

        assertThat(printed)
                .contains("Dead letters of group 'auditor': 1")
                .contains("Redrive")
                .contains("OK: every expectation met.");

        // The Prometheus endpoint, scraped over HTTP while the platform ran, serves the same figures.
        assertThat(scraped.get())
                .contains("# TYPE scaleplane_events_published_total counter")
                .containsPattern("scaleplane_events_delivered_total\\{[^}]*group=\"auditor\"[^}]*} "
                        + Quickstart.DEPLOYMENTS + "\\.0\n")
                .containsPattern("scaleplane_events_dead_lettered_total\\{[^}]*group=\"auditor\"[^}]*} 1\\.0\n");
    }
}
