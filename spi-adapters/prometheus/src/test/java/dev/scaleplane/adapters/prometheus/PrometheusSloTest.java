package dev.scaleplane.adapters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.scaleplane.api.events.catalog.SLOViolation;
import dev.scaleplane.api.slo.BurnRateRule;
import dev.scaleplane.api.slo.Sli;
import dev.scaleplane.api.slo.SloDefinition;
import dev.scaleplane.api.slo.SloEvents;
import dev.scaleplane.api.slo.SloStatus;
import dev.scaleplane.api.slo.Slos;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An SLO whose SLI is a PromQL pair, evaluated through the Prometheus adapter against the real Prometheus of {@link
 * PrometheusServers}, on virtual platform time. Three days of per-minute request counts are remote-written at past
 * timestamps ({@link RemoteWrite}): 100 requests a minute, 20 of them failing in the last hour.
 */
class PrometheusSloTest {
    private static final double ALLOWED = 1 - 0.99; // the error ratio objective 0.99 allows, as the engine computes it
    private static PrometheusServers servers;

    @BeforeAll
    static void start() {
        servers = PrometheusServers.start();
    }

    @Test
    void burnRatesFromPromQlOverRemoteWrittenHistoryAreExact() {
        // Virtual now: a whole minute just past, so every window ends between samples (placed at hh:mm:30).
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        String run = UUID.randomUUID().toString();
        List<Map.Entry<Instant, Double>> good = new ArrayList<>();
        List<Map.Entry<Instant, Double>> total = new ArrayList<>();
        for (int k = 3 * 24 * 60; k >= 1; k--) {
            Instant at = now.minus(Duration.ofMinutes(k)).plusSeconds(30);
            good.add(Map.entry(at, k <= 60 ? 80.0 : 100.0));
            total.add(Map.entry(at, 100.0));
        }
        RemoteWrite.write(
                servers.prometheusUrl(),
                List.of(
                        new RemoteWrite.TimeSeries(Map.of("__name__", "checkout_requests_good", "run", run), good),
                        new RemoteWrite.TimeSeries(Map.of("__name__", "checkout_requests", "run", run), total)));

        VirtualTaskClock time = new VirtualTaskClock(now);
        Map<String, String> config = Map.of(
                "scaleplane.adapters.prometheus.type",
                "prometheus",
                "scaleplane.adapters.prometheus.base-url",
                servers.prometheusUrl(),
                "scaleplane.adapters.prometheus.pushgateway-url",
                servers.pushgatewayUrl(),
                "scaleplane.store.provider",
                "memory");
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .clock(time.asClock())
                .taskClock(time)
                .build()) {
            Slos slos = platform.slos();
            // Per-minute counts summed over the window: no extrapolation, so the figures are exact.
            slos.define(SloDefinition.builder("availability")
                    .service("checkout")
                    .objective(0.99)
                    .window(Duration.ofDays(30))
                    .sli(Sli.queryRatio(
                            "prometheus",
                            "sum(sum_over_time(checkout_requests_good{run=\"" + run + "\"}[$window]))",
                            "sum(sum_over_time(checkout_requests{run=\"" + run + "\"}[$window]))"))
                    .build());

            SloStatus s = slos.evaluate().get(0);

            // 5m to 1h: 20 of 100 failing (burn 20); 2h: 1,200 of 12,000; 6h: of 36,000; 1d: of 144,000; 3d and
            // the 30-day window (three days of data): of 432,000.
            assertThat(s.burnRate(Duration.ofMinutes(5))).isCloseTo(0.2 / ALLOWED, within(1e-9));
            assertThat(s.burnRate(Duration.ofMinutes(30))).isCloseTo(20, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(1))).isCloseTo(20, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(2))).isCloseTo(10, within(1e-9));
            assertThat(s.burnRate(Duration.ofHours(6))).isCloseTo(10.0 / 3, within(1e-9));
            assertThat(s.burnRate(Duration.ofDays(1))).isCloseTo(5.0 / 6, within(1e-9));
            assertThat(s.burnRate(Duration.ofDays(3))).isCloseTo(5.0 / 18, within(1e-9));
            assertThat(s.budget().good()).isEqualTo(430_800);
            assertThat(s.budget().total()).isEqualTo(432_000);
            assertThat(s.budget().remaining()).isCloseTo(13.0 / 18, within(1e-9));
            assertThat(s.firing()).extracting(BurnRateRule::name).containsExactly("page-fast");
            assertThat(recorded(platform)).singleElement().isInstanceOfSatisfying(SLOViolation.class, v -> {
                assertThat(v.rule()).isEqualTo("page-fast");
                assertThat(v.window()).isEqualTo(Duration.ofHours(1));
                assertThat(v.shortWindow()).isEqualTo(Duration.ofMinutes(5));
                assertThat(v.burnRate()).isCloseTo(20, within(1e-9));
                assertThat(v.actual()).isCloseTo(0.8, within(1e-12));
            });

            // Six minutes on (the scheduled evaluations run as virtual time passes) the 5m window holds no sample:
            // the page clears and is re-armed, nothing more is reported.
            time.advance(Duration.ofMinutes(6));
            SloStatus later = slos.status("checkout").get(0);
            assertThat(later.at()).isEqualTo(now.plus(Duration.ofMinutes(6)));
            assertThat(later.burnRate(Duration.ofMinutes(5))).isZero();
            assertThat(later.firing()).isEmpty();
            assertThat(recorded(platform)).hasSize(1);
            assertThat(slos.frozen("checkout")).isFalse();
        }
    }

    private static List<Object> recorded(ScaleplanePlatform platform) {
        return platform.store().readStream(SloEvents.stream("checkout"), ReadDirection.FORWARD, 0, 100).stream()
                .map(r -> (Object) r.event().data())
                .toList();
    }
}
