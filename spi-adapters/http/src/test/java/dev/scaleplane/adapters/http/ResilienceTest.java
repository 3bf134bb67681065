package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.AdapterCallFacts;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResilienceTest {
    private WireMockServer server;
    private VirtualClock clock;
    private RecordingSleeper sleeper;

    @BeforeEach
    void start() {
        server = Fixtures.server();
        clock = new VirtualClock(Fixtures.T0);
        sleeper = new RecordingSleeper(clock);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private AdapterHttpClient.Builder client() {
        return Fixtures.client(server, clock, sleeper, new SimpleMeterRegistry())
                .authenticator(Authenticator.bearer(Secret.of("t")));
    }

    @Test
    void a5xxIsRetriedOnGetWithBackoff() {
        server.stubFor(get("/runs")
                .inScenario("r")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502))
                .willSetStateTo("2"));
        server.stubFor(get("/runs")
                .inScenario("r")
                .whenScenarioStateIs("2")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("3"));
        server.stubFor(get("/runs").inScenario("r").whenScenarioStateIs("3").willReturn(okJson("{\"ok\":true}")));

        assertThat(client().build()
                        .sendForJson(AdapterRequest.get("/runs"))
                        .path("ok")
                        .asBoolean())
                .isTrue();
        server.verify(3, getRequestedFor(urlEqualTo("/runs")));
        // Default policy, jitter fixed at 0.5: 200 ms then 400 ms, halved.
        assertThat(sleeper.waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void a5xxIsNotRetriedOnPost() {
        server.stubFor(
                post("/dispatches").willReturn(aResponse().withStatus(500).withBody("{\"message\":\"boom\"}")));
        assertThatThrownBy(() -> client().build().send(AdapterRequest.postJson(Map.of("ref", "main"), "/dispatches")))
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.method()).isEqualTo("POST");
                    assertThat(e.serverMessage()).isEqualTo("boom");
                    assertThat(e.circuitOpen()).isFalse();
                });
        server.verify(1, postRequestedFor(urlEqualTo("/dispatches")));
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aPostMarkedIdempotentIsRetriedOn5xxAndItsNextPagesKeepTheMark() {
        server.stubFor(post("/graphql")
                .inScenario("q")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502))
                .willSetStateTo("ok"));
        server.stubFor(
                post("/graphql").inScenario("q").whenScenarioStateIs("ok").willReturn(okJson("{\"data\":{}}")));
        AdapterRequest query = AdapterRequest.builder("POST", "/graphql")
                .json(Map.of("query", "query Q { viewer { id } }"))
                .idempotent(true)
                .build();
        assertThat(query.idempotent()).isTrue();
        assertThat(query.newBuilder().json(Map.of("query", "x")).build().idempotent())
                .isTrue();
        assertThat(AdapterRequest.builder("GET", "/x").idempotent(false).build().idempotent())
                .isFalse();

        assertThat(client().build().send(query).status()).isEqualTo(200);
        server.verify(2, postRequestedFor(urlEqualTo("/graphql")));
        assertThat(sleeper.waits).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void aConnectFailureBeforeSendingIsRetriedEvenOnPost() {
        server.stubFor(post("/dispatches").willReturn(aResponse().withStatus(204)));
        AtomicInteger attempts = new AtomicInteger();
        // A network interceptor stands in for a refused connection on the first attempt.
        AdapterHttpClient client = client().addNetworkInterceptor(chain -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new AdapterUnavailableException(
                                new AdapterCallFacts("github", "test", "POST", "/dispatches", 0, null, null),
                                false,
                                new ConnectException("Connection refused"));
                    }
                    return chain.proceed(chain.request());
                })
                .build();

        assertThat(client.send(AdapterRequest.postJson(Map.of("ref", "main"), "/dispatches"))
                        .status())
                .isEqualTo(204);
        assertThat(attempts).hasValue(2);
        server.verify(
                1,
                postRequestedFor(urlEqualTo("/dispatches"))
                        .withHeader("Authorization", equalTo("Bearer t"))
                        .withRequestBody(equalToJson("{\"ref\":\"main\"}")));
    }

    @Test
    void aRealConnectionRefusedIsRetriedAndThenUnavailable() {
        AdapterHttpClient client = client().build();
        server.stop();
        assertThatThrownBy(() -> client.send(AdapterRequest.postJson(Map.of(), "/dispatches")))
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.path()).isEqualTo("/dispatches");
                });
        // Three attempts: the request never left, so repeating a POST is safe.
        assertThat(sleeper.waits).hasSize(2);
    }

    @Test
    void notFoundAndUnprocessableFailAtOnceWithTheirTypes() {
        server.stubFor(get("/repos/acme/gone")
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Not Found\"}")));
        server.stubFor(post("/repos/acme/app/issues")
                .willReturn(aResponse()
                        .withStatus(422)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Validation Failed\",\"errors\":[{\"field\":\"title\"}]}")));
        AdapterHttpClient client = client().build();

        assertThatThrownBy(() -> client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "gone")))
                .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.method()).isEqualTo("GET");
                    assertThat(e.path()).isEqualTo("/repos/acme/gone");
                    assertThat(e.serverMessage()).isEqualTo("Not Found");
                });
        assertThatThrownBy(() -> client.send(
                        AdapterRequest.postJson(Map.of("title", ""), "/repos/{o}/{r}/issues", "acme", "app")))
                .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.method()).isEqualTo("POST");
                    assertThat(e.serverMessage()).isEqualTo("Validation Failed");
                });
        server.verify(1, getRequestedFor(urlEqualTo("/repos/acme/gone")));
        server.verify(1, postRequestedFor(urlEqualTo("/repos/acme/app/issues")));
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void circuitBreakerOpensAfterRepeated5xxAndFailsFastWithoutSending() {
        server.stubFor(get("/health").willReturn(aResponse().withStatus(503)));
        AdapterHttpClient client = client().retryPolicy(dev.scaleplane.api.RetryPolicy.none())
                .circuitBreakerConfig(CircuitBreakerConfig.custom()
                        .slidingWindowSize(4)
                        .minimumNumberOfCalls(4)
                        .failureRateThreshold(50)
                        .waitDurationInOpenState(Duration.ofMinutes(1))
                        .build())
                .build();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> client.send(AdapterRequest.get("/health")))
                    .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> assertThat(e.circuitOpen())
                            .isFalse());
        }
        assertThatThrownBy(() -> client.send(AdapterRequest.get("/health")))
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> {
                    assertThat(e.circuitOpen()).isTrue();
                    assertThat(e.status()).isZero();
                    assertThat(e.getMessage()).contains("circuit breaker open");
                });
        server.verify(4, getRequestedFor(urlEqualTo("/health")));
    }
}
