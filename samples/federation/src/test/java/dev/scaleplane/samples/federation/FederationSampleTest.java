package dev.scaleplane.samples.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.capacity.CapacityShortfallProjected;
import dev.scaleplane.api.capacity.Recommendation;
import dev.scaleplane.api.capacity.Resource;
import dev.scaleplane.api.federation.FailoverDecision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Runs the federation scenario end to end against the simulated fleet (fabric8 mock API servers) on the embedded bus,
 * file store and task queue, and checks its report.
 */
class FederationSampleTest {

    @Test
    void failsOverWithinTheResidencyAsTheWhatIfPredictedAndCleansUpOnReturn() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        FederationSample.Outcome outcome;
        AtomicReference<String> scraped = new AtomicReference<>();
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            outcome = FederationSample.run(
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
        // The Prometheus endpoint, scraped over HTTP while the fleet ran: the propagation's apply tasks went through
        // the
        // platform's task queue, the fleet's events through its bus.
        assertThat(scraped.get())
                .containsPattern("scaleplane_tasks_submitted_total\\{[^}]*} [1-9][0-9]*\\.0\n")
                .containsPattern("scaleplane_events_published_total\\{[^}]*} [1-9][0-9]*\\.0\n");

        // Two EU clusters, six replicas between them; the Paris cluster is the one taken away.
        assertThat(outcome.placed()).hasSize(2).doesNotContainKey("nyc-1");
        assertThat(outcome.placed().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(FederationSample.REPLICAS);
        assertThat(outcome.lost()).isEqualTo("par-1");
        assertThat(outcome.placed()).containsKey(outcome.lost());

        // The failover left Paris for another EU cluster, where the what-if said it would go.
        FailoverDecision failover = outcome.failover().orElseThrow();
        assertThat(failover.leaving()).containsExactly(outcome.lost());
        assertThat(failover.joining()).hasSize(1).doesNotContain("nyc-1", outcome.lost());
        assertThat(outcome.failedOver())
                .doesNotContainKeys("nyc-1", outcome.lost())
                .containsKeys(failover.joining().get(0));
        assertThat(outcome.failedOver().keySet()).isEqualTo(outcome.predicted().keySet());
        assertThat(outcome.failedOver().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(FederationSample.REPLICAS);

        // The capacity plan: the growing region alone runs short, of the resources that grow, and says so in events.
        CapacityStep.Result capacity = outcome.capacity().orElseThrow();
        assertThat(capacity.flagged()).containsExactly(CapacityStep.GROWING);
        assertThat(capacity.plan().shortfalls())
                .extracting(CapacityShortfallProjected::resource)
                .containsExactlyInAnyOrderElementsOf(CapacityStep.GROWING_RESOURCES);
        assertThat(capacity.plan().regions())
                .hasSize(FederationSample.SITES.size())
                .allSatisfy(r -> {
                    boolean growing = r.region().equals(CapacityStep.GROWING);
                    assertThat(r.projections())
                            .hasSize(Resource.values().length)
                            .allSatisfy(p -> assertThat(p.runsOut().isPresent())
                                    .as("%s runs out of %s", r.region(), p.resource())
                                    .isEqualTo(growing && CapacityStep.GROWING_RESOURCES.contains(p.resource())));
                });
        assertThat(capacity.plan().shortfalls()).allSatisfy(s -> assertThat(s.when())
                .isBefore(s.plannedAt().plus(capacity.plan().horizon())));
        assertThat(capacity.events())
                .containsExactlyInAnyOrderElementsOf(capacity.plan().shortfalls());
        assertThat(capacity.plan().recommendations(Recommendation.AddNodes.class))
                .extracting(Recommendation::region)
                .containsExactly(CapacityStep.GROWING);

        assertThat(printed)
                .contains("Capacity plan at ")
                .contains("Shortfall: " + CapacityStep.GROWING + " runs out of cpu")
                .contains("CapacityShortfallProjected (topic capacity, subject " + CapacityStep.GROWING + ")")
                .contains("SIMULATED CLUSTERS")
                .contains("nyc-1 rejected: residency US, policy needs EU")
                .contains("What if par-1 goes down?")
                .contains("failover of 'storefront': leaving [par-1]")
                .contains("par-1 has no Deployment storefront and no ConfigMap storefront-config any more")
                .contains("dev.scaleplane.federation.failover.v1")
                .contains("NamespaceCreated events: [user-alice@ams-1, user-alice@par-1, user-alice@waw-1,"
                        + " user-bob@ams-1, user-bob@par-1, user-bob@waw-1]")
                .contains("ResourceQuotaExceeded: tenant bob, cluster ams-1, namespace user-bob, pods used 24 of 30")
                .contains("OK: every expectation met.");
    }
}
