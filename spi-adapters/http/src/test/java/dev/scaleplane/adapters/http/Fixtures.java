package dev.scaleplane.adapters.http;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.testing.CapturedOutput;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Shared test doubles: a virtual clock, a sleeper that records and advances it, a WireMock server, log capture. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {}

    /** Records every wait asked for and advances the virtual clock by it: no real sleeping. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = new CopyOnWriteArrayList<>();
        private final VirtualClock clock;

        RecordingSleeper(VirtualClock clock) {
            this.clock = clock;
        }

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
            clock.advance(duration);
        }
    }

    static WireMockServer server() {
        WireMockServer server =
                new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        return server;
    }

    /** A client on the virtual clock with its own governor, breaker registry and meter registry. */
    static AdapterHttpClient.Builder client(
            WireMockServer server, VirtualClock clock, RecordingSleeper sleeper, SimpleMeterRegistry meters) {
        return AdapterHttpClient.builder("github", "test")
                .baseUri(URI.create(server.baseUrl()))
                .clock(clock)
                .sleeper(sleeper)
                .random(() -> 0.5)
                .meterRegistry(meters)
                .governor(RateLimitGovernor.builder().clock(clock).build())
                .circuitBreakers(CircuitBreakerRegistry.ofDefaults());
    }

    /** Runs {@code action} and returns what it printed to the standard streams, where slf4j-simple logs. */
    static <T> String captureLogs(Supplier<T> action) {
        return CapturedOutput.of(() -> {
            try {
                action.get();
            } catch (RuntimeException e) {
                // the caller asserts on the exception separately when it matters
                System.err.println("THROWN " + e.getClass().getSimpleName());
            }
        });
    }
}
