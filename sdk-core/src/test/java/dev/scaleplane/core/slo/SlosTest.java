package dev.scaleplane.core.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.ScaleplaneException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentCompleted;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.events.catalog.ErrorBudgetDepleted;
import dev.scaleplane.api.events.catalog.SLOViolation;
import dev.scaleplane.api.slo.AdmissionDecision;
import dev.scaleplane.api.slo.AdmissionRequest;
import dev.scaleplane.api.slo.BurnRateRule;
import dev.scaleplane.api.slo.DeploymentAdmissionRefused;
import dev.scaleplane.api.slo.DeploymentFreezeLifted;
import dev.scaleplane.api.slo.DeploymentFreezeStarted;
import dev.scaleplane.api.slo.FreezeExceptionGranted;
import dev.scaleplane.api.slo.FreezeFlag;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloEvents;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.VirtualTaskClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SLOs over the platform's own events (deployment success), on virtual time, with the in-memory bus and store: exact
 * burn rates, once-per-crossing alerts, the freeze, its emergency exception and its hysteresis.
 */
class SlosTest {
    private static final Instant START = VirtualTaskClock.DEFAULT_START;
    private static final double ALLOWED = 1 - 0.9; // the error ratio objective 0.9 allows, as the engine computes it

    private final VirtualTaskClock time = new VirtualTaskClock(START);
    private final AtomicInteger ids = new AtomicInteger();
    private ScaleplanePlatform platform;

    @AfterEach
    void close() {
        if (platform != null) {
            platform.close();
        }
    }

    private ScaleplanePlatform platform(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("scaleplane.store.provider", "memory"));
        config.putAll(extra);
        platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(time.asClock())
                .taskClock(time)
                .build();
        return platform;
    }

    private static SloDefinition deploySuccess() {
        return SloDefinition.builder("deploy-success")
                .service("checkout")
                .sli(Sli.deploymentSuccess())
                .objective(0.9)
                .window(Duration.ofDays(30))
                .build();
    }

    /** Records deployment outcomes of {@code service} at {@code at}, as the deployment controller does. */
    private void deployments(String service, int good, int bad, Instant at) {
        for (int i = 0; i < good + bad; i++) {
            String id = "d" + ids.incrementAndGet();
            Object data = i < good
                    ? new DeploymentCompleted(id, service, "1." + i, "ams-1", Duration.ofMinutes(3))
                    : new DeploymentFailed(id, service, "1." + i, "ams-1", "analysis failed", false);
            Event<Object> e = Event.builder(i < good ? DeploymentCompleted.TYPE_NAME : DeploymentFailed.TYPE_NAME, data)
                    .source(URI.create("/test/deployer"))
                    .subject(id)
                    .time(at)
                    .build();
            platform.store()
                    .append("deployment-" + id, ExpectedVersion.NO_STREAM, List.of(e))
                    .join();
        }
    }

    private List<Object> recorded(String service) {
        return platform.store().readStream(SloEvents.stream(service), ReadDirection.FORWARD, 0, 1000).stream()
                .map(r -> (Object) r.event().data())
                .toList();
    }

    @Test
    void burnRatesOverPlatformEventsAreExactAndRulesFireOncePerCrossing() {
        platform(Map.of());
        List<Event<Object>> published = new CopyOnWriteArrayList<>();
        platform.events().subscribe(SubscriptionOptions.of(Slos.TOPIC, "test"), published::add);
        deployments("checkout", 90, 0, START.minus(Duration.ofDays(10)));
        deployments("checkout", 6, 2, START.minus(Duration.ofDays(2)));
        deployments("checkout", 0, 1, START.minus(Duration.ofHours(3)));
        deployments("checkout", 1, 1, START.minus(Duration.ofMinutes(3)));
        deployments("payments", 0, 50, START.minus(Duration.ofMinutes(3))); // another service: not counted
        Slos slos = platform.slos();
        slos.define(deploySuccess());

        SloStatus s = slos.evaluate().get(0);

        // 5m..2h: 1 good, 1 bad; 6h and 1d: 1 good, 2 bad; 3d: 7 good, 4 bad; 30d: 97 good, 4 bad.
        assertThat(s.burnRate(Duration.ofMinutes(5))).isCloseTo(5.0, within(1e-9));
        assertThat(s.burnRate(Duration.ofMinutes(30))).isCloseTo(5.0, within(1e-9));
        assertThat(s.burnRate(Duration.ofHours(1))).isCloseTo(5.0, within(1e-9));
        assertThat(s.burnRate(Duration.ofHours(2))).isCloseTo(5.0, within(1e-9));
        assertThat(s.burnRate(Duration.ofHours(6))).isCloseTo(20.0 / 3, within(1e-9));
        assertThat(s.burnRate(Duration.ofDays(1))).isCloseTo(20.0 / 3, within(1e-9));
        assertThat(s.burnRate(Duration.ofDays(3))).isCloseTo(40.0 / 11, within(1e-9));
        assertThat(s.budget().good()).isEqualTo(97);
        assertThat(s.budget().total()).isEqualTo(101);
        assertThat(s.budget().budget()).isCloseTo(10.1, within(1e-9));
        assertThat(s.budget().consumed()).isEqualTo(4);
        assertThat(s.budget().remaining()).isCloseTo(1 - (4.0 / 101) / ALLOWED, within(1e-12));
        assertThat(s.budget().remaining()).isCloseTo(0.603960396, within(1e-9));
        // page-fast: 5 < 14.4; page-slow: 6h 6.67 > 6 but 30m 5 < 6; both ticket rules fire.
        assertThat(s.firing()).extracting(BurnRateRule::name).containsExactly("ticket-fast", "ticket-slow");
        assertThat(recorded("checkout"))
                .containsExactly(
                        new SLOViolation(
                                "checkout",
                                "deploy-success",
                                0.9,
                                1 - 2.0 / 3,
                                Duration.ofDays(1),
                                "ticket-fast",
                                (2.0 / 3) / ALLOWED,
                                Duration.ofHours(2)),
                        new SLOViolation(
                                "checkout",
                                "deploy-success",
                                0.9,
                                1 - 4.0 / 11,
                                Duration.ofDays(3),
                                "ticket-slow",
                                (4.0 / 11) / ALLOWED,
                                Duration.ofHours(6)));

        // Still firing: neither an explicit evaluation nor the scheduled ones (every minute) report it again.
        slos.evaluate();
        time.advance(Duration.ofMinutes(5));
        assertThat(slos.status("checkout").get(0).at()).isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(recorded("checkout")).hasSize(2);

        // Two hours on, the 2h window is empty: ticket-fast clears (re-armed), ticket-slow keeps firing.
        time.advance(Duration.ofHours(2));
        assertThat(slos.status("checkout").get(0).firing())
                .extracting(BurnRateRule::name)
                .containsExactly("ticket-slow");
        // A new failure makes ticket-fast cross again: reported a second time; ticket-slow, still firing, is not.
        deployments("checkout", 0, 1, time.now());
        SloStatus again = slos.evaluate().get(0);
        assertThat(again.burnRate(Duration.ofHours(2))).isCloseTo(1 / ALLOWED, within(1e-9)); // 0 good, 1 bad
        assertThat(again.burnRate(Duration.ofDays(1))).isCloseTo(0.75 / ALLOWED, within(1e-9)); // 1 good, 3 bad
        // 30m: 0 good, 1 bad (burn 10) and 6h: 1 good, 3 bad (burn 7.5): page-slow crosses too.
        assertThat(again.burnRate(Duration.ofHours(6))).isCloseTo(0.75 / ALLOWED, within(1e-9));
        assertThat(recorded("checkout"))
                .hasSize(4)
                .endsWith(
                        new SLOViolation(
                                "checkout",
                                "deploy-success",
                                0.9,
                                0.25,
                                Duration.ofHours(6),
                                "page-slow",
                                0.75 / ALLOWED,
                                Duration.ofMinutes(30)),
                        new SLOViolation(
                                "checkout",
                                "deploy-success",
                                0.9,
                                0.25,
                                Duration.ofDays(1),
                                "ticket-fast",
                                0.75 / ALLOWED,
                                Duration.ofHours(2)));
        assertThat(slos.frozen("checkout")).isFalse();
        // Every recorded event was published on the bus too.
        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 4);
        assertThat(published).extracting(Event::data).containsExactlyElementsOf(recorded("checkout"));
    }

    @Test
    void aSpentBudgetFreezesDeploymentsExceptFlaggedFixesUntilItRecoversAboveTheLiftLevel() {
        platform(Map.of("scaleplane.slo-policy.lift-above", "0.1"));
        Slos slos = platform.slos();
        slos.define(deploySuccess());
        Instant tenDaysAgo = START.minus(Duration.ofDays(10));
        deployments("checkout", 97, 10, tenDaysAgo); // 10 of 107: 0.0935, remaining 0.0654
        assertThat(slos.admit(AdmissionRequest.of("checkout", "dep-1")).admitted())
                .isTrue();
        assertThat(slos.frozen("checkout")).isFalse();

        deployments("checkout", 0, 1, tenDaysAgo); // 11 of 108: remaining 1 - (11/108)/0.1 < 0
        slos.evaluate();
        double spent = 1 - (11.0 / 108) / ALLOWED;
        assertThat(slos.status("checkout").get(0).budget().remaining()).isCloseTo(-0.018518519, within(1e-9));
        assertThat(slos.frozen("checkout")).isTrue();
        assertThat(recorded("checkout"))
                .containsExactly(
                        new ErrorBudgetDepleted("checkout", "deploy-success", spent, Duration.ofDays(30)),
                        new DeploymentFreezeStarted("checkout", "deploy-success", spent, 0.1, Duration.ofDays(30)));

        AdmissionDecision refused = slos.admit(AdmissionRequest.of("checkout", "dep-2"));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.frozen()).isTrue();
        assertThat(refused.reason())
                .contains(
                        "deployments of checkout are frozen",
                        "deploy-success",
                        "-1.9% of budget left",
                        "11 of 10.8 bad events allowed used",
                        "more than 10.0%");
        AdmissionDecision emergency = slos.admit(
                AdmissionRequest.flagged("checkout", "dep-3", FreezeFlag.EMERGENCY, "alice", "INC-42 hotfix"));
        assertThat(emergency.admitted()).isTrue();
        assertThat(emergency.frozen()).isTrue();
        assertThat(emergency.reason()).contains("admitted as emergency flagged by alice: INC-42 hotfix");
        assertThat(recorded("checkout"))
                .hasSize(4)
                .endsWith(
                        new DeploymentAdmissionRefused("checkout", "dep-2", refused.reason(), "deploy-success", spent),
                        new FreezeExceptionGranted(
                                "checkout",
                                "dep-3",
                                FreezeFlag.EMERGENCY,
                                "alice",
                                "INC-42 hotfix",
                                "deploy-success",
                                spent));
        // A still-spent budget is not reported again.
        time.advance(Duration.ofMinutes(3));
        assertThat(recorded("checkout")).hasSize(4);

        // Recovered above zero but not above the lift level: the freeze holds (hysteresis).
        deployments("checkout", 8, 0, tenDaysAgo); // 11 of 116: remaining 0.0517
        time.advance(Duration.ofMinutes(1));
        assertThat(slos.status("checkout").get(0).budget().remaining())
                .isCloseTo(1 - (11.0 / 116) / ALLOWED, within(1e-12));
        assertThat(slos.frozen("checkout")).isTrue();
        assertThat(slos.admit(AdmissionRequest.of("checkout", "dep-4")).admitted())
                .isFalse();

        deployments("checkout", 7, 0, tenDaysAgo); // 11 of 123: remaining 0.1057 > 0.1
        time.advance(Duration.ofMinutes(1));
        double lifted = 1 - (11.0 / 123) / ALLOWED;
        assertThat(slos.frozen("checkout")).isFalse();
        assertThat(recorded("checkout"))
                .hasSize(6)
                .last()
                .isEqualTo(new DeploymentFreezeLifted("checkout", lifted, 0.1));
        AdmissionDecision admitted = slos.admit(AdmissionRequest.of("checkout", "dep-5"));
        assertThat(admitted.admitted()).isTrue();
        assertThat(admitted.frozen()).isFalse();

        // Spent again: a second crossing, reported again, and frozen again.
        deployments("checkout", 0, 3, time.now()); // 14 of 126
        slos.evaluate();
        // (the three failures at once also make the burn-rate rules cross: three SLOViolations first)
        List<Object> events = recorded("checkout");
        assertThat(events).hasSize(11);
        assertThat(events.subList(6, 9)).allSatisfy(e -> assertThat(e).isInstanceOf(SLOViolation.class));
        assertThat(events.get(9)).isInstanceOf(ErrorBudgetDepleted.class);
        assertThat(events.get(10)).isInstanceOf(DeploymentFreezeStarted.class);
        assertThat(slos.frozen("checkout")).isTrue();
    }

    @Test
    void aRestartedPlatformKeepsAnUnliftedFreezeFromTheStream() {
        platform(Map.of());
        deployments("checkout", 0, 1, START.minus(Duration.ofDays(1)));
        platform.slos().define(deploySuccess());
        platform.slos().evaluate();
        assertThat(platform.slos().frozen("checkout")).isTrue();
        dev.scaleplane.api.store.EventStore store = platform.store();
        // A second engine over the same store, as a restarted process has: nothing evaluated yet, still frozen.
        try (dev.scaleplane.core.internal.slo.DefaultSlos restarted =
                new dev.scaleplane.core.internal.slo.DefaultSlos(platform, time, ScaleplaneProperties.of(Map.of()))) {
            assertThat(restarted.frozen("checkout")).isTrue();
            assertThat(restarted.frozen("payments")).isFalse();
            assertThat(store.streamVersion(SloEvents.stream("checkout"))).isPresent();
        }
    }

    @Test
    void anUnreadableSliIsReportedNamingTheSloAndSettingWhileTheOthersAreApplied() {
        platform(Map.of());
        deployments("checkout", 0, 1, START.minus(Duration.ofHours(1)));
        Slos slos = platform.slos();
        slos.define(deploySuccess());
        slos.define(SloDefinition.builder("latency")
                .service("payments")
                .objective(0.99)
                .sli(Sli.queryRatio("prometheus", "sum(increase(ok[$window]))", "sum(increase(all[$window]))"))
                .build());

        assertThatThrownBy(slos::evaluate)
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("1 SLO could not be evaluated")
                .hasMessageContaining("SLO payments/latency reads observability adapter 'prometheus'"
                        + " (scaleplane.slos.latency.sli.adapter), which is not available");
        assertThat(slos.frozen("checkout")).isTrue(); // the readable SLO was applied
        assertThat(slos.status("payments")).isEmpty();
        assertThatThrownBy(() -> slos.admit(AdmissionRequest.of("payments", "p-1")))
                .isInstanceOf(ScaleplaneException.class)
                .hasMessageContaining("payments/latency");
        // The schedule goes on past the failure (logged, rate-limited) and keeps evaluating the readable SLO.
        time.advance(Duration.ofMinutes(2));
        assertThat(slos.status("checkout").get(0).at()).isEqualTo(START.plus(Duration.ofMinutes(2)));
    }

    @Test
    void definitionsAreCheckedWithEveryProblemNamingKeyValueAndFix() {
        assertThatThrownBy(() -> SloDefinition.builder("checkout-latency")
                        .service("Checkout")
                        .objective(99.5)
                        .window(Duration.ofDays(7))
                        .sli(Sli.queryRatio(" ", "sum(rate(ok[5m]))", "sum(increase(all[$window]))"))
                        .build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems())
                            .extracting(ConfigurationException.Problem::key)
                            .containsExactly(
                                    "scaleplane.slos.checkout-latency.service",
                                    "scaleplane.slos.checkout-latency.objective",
                                    "scaleplane.slos.checkout-latency.window",
                                    "scaleplane.slos.checkout-latency.sli.adapter",
                                    "scaleplane.slos.checkout-latency.sli.good-query");
                    assertThat(e.getMessage())
                            .contains("objective = '99.5': expected a ratio in (0, 1), e.g. 0.995 for 99.5%")
                            .contains("window = 'PT168H': expected 28d or 30d")
                            .contains("good-query = 'sum(rate(ok[5m]))': expected a query counting events over the"
                                    + " range $window");
                });
    }

    @Test
    void configuredSlosAreLoadedAndBadOnesFailThePlatformBuild() {
        platform(Map.of(
                "scaleplane.slos.deploys.service", "checkout",
                "scaleplane.slos.deploys.objective", "0.995",
                "scaleplane.slos.deploys.window", "28d",
                "scaleplane.slos.deploys.sli.type", "events"));
        SloDefinition loaded = platform.slos().definitions().get(0);
        assertThat(loaded.objective()).isEqualTo(0.995);
        assertThat(loaded.sli()).isEqualTo(Sli.deploymentSuccess());
        assertThat(loaded.rules()).extracting(BurnRateRule::factor).containsExactly(13.44, 5.6, 2.8, 0.933333333);
        platform.close();
        platform = null;

        assertThatThrownBy(() -> platform(Map.of(
                        "scaleplane.slos.latency.service", "checkout",
                        "scaleplane.slos.latency.objective", "high",
                        "scaleplane.slos.latency.sli.type", "logs",
                        "scaleplane.slos.latency.windw", "30d",
                        "scaleplane.slo-policy.lift-above", "1.5")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .containsExactlyInAnyOrder(
                                "scaleplane.slo-policy.lift-above",
                                "scaleplane.slos.latency.windw",
                                "scaleplane.slos.latency.sli.type",
                                "scaleplane.slos.latency.objective"));
    }

    @Test
    void theDefaultRulesAreTheWorkbooksFor30DaysAndSpendTheSameSharesOver28() {
        assertThat(BurnRateRule.defaults(Duration.ofDays(30)))
                .containsExactly(
                        new BurnRateRule(
                                "page-fast",
                                BurnRateRule.Severity.PAGE,
                                14.4,
                                Duration.ofHours(1),
                                Duration.ofMinutes(5)),
                        new BurnRateRule(
                                "page-slow",
                                BurnRateRule.Severity.PAGE,
                                6,
                                Duration.ofHours(6),
                                Duration.ofMinutes(30)),
                        new BurnRateRule(
                                "ticket-fast",
                                BurnRateRule.Severity.TICKET,
                                3,
                                Duration.ofDays(1),
                                Duration.ofHours(2)),
                        new BurnRateRule(
                                "ticket-slow",
                                BurnRateRule.Severity.TICKET,
                                1,
                                Duration.ofDays(3),
                                Duration.ofHours(6)));
        assertThat(BurnRateRule.defaults(Duration.ofDays(28)))
                .extracting(BurnRateRule::factor)
                .containsExactly(13.44, 5.6, 2.8, 0.933333333);
    }
}
