package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.internal.RateLimitSignals;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitTest {
    private static final long RESET = Fixtures.T0.getEpochSecond() + 600;

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

    private AdapterHttpClient client(RateLimitGovernor governor, Authenticator auth) {
        return Fixtures.client(server, clock, sleeper, new SimpleMeterRegistry())
                .governor(governor)
                .authenticator(auth)
                .build();
    }

    private static AdapterResponse response(int status, Map<String, String> headers, String body) {
        Map<String, List<String>> h = new java.util.HashMap<>();
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return new AdapterResponse(AdapterRequest.get("/x"), status, h, body.getBytes());
    }

    @Test
    void waitsOnRemainingZeroUntilTheResetAskingTheVirtualClockNotTheWall() {
        server.stubFor(get("/a")
                .willReturn(okJson("{}")
                        .withHeader("x-ratelimit-limit", "5000")
                        .withHeader("x-ratelimit-remaining", "0")
                        .withHeader("x-ratelimit-reset", String.valueOf(RESET))));
        server.stubFor(get("/b").willReturn(okJson("{}")));
        RateLimitGovernor governor = RateLimitGovernor.builder()
                .clock(clock)
                .maxWait(Duration.ofHours(1))
                .build();
        AdapterHttpClient client = client(governor, Authenticator.bearer(Secret.of("t1")));

        client.send(AdapterRequest.get("/a"));
        assertThat(sleeper.waits).isEmpty();
        client.send(AdapterRequest.get("/b"));
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(600));
    }

    @Test
    void readsJirasIso8601ResetAndWaitsForItOnRemainingZero() {
        // Jira Cloud: X-RateLimit-Reset is a date-time to the minute, not a number.
        server.stubFor(get("/a")
                .willReturn(okJson("{}")
                        .withHeader("X-RateLimit-Limit", "350")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Reset", "2026-03-01T10:02Z")
                        .withHeader("RateLimit-Reason", "jira-burst-based")));
        server.stubFor(get("/b").willReturn(okJson("{}")));
        RateLimitGovernor governor = RateLimitGovernor.builder().clock(clock).build();
        AdapterHttpClient client = client(governor, Authenticator.jiraCloud("ops@acme.example", Secret.of("t")));

        client.send(AdapterRequest.get("/a"));
        client.send(AdapterRequest.get("/b"));
        assertThat(sleeper.waits).containsExactly(Duration.ofMinutes(2));
        assertThat(RateLimitSignals.budget(
                        response(
                                200,
                                Map.of("X-RateLimit-Remaining", "7", "X-RateLimit-Reset", "2026-03-01T10:01:30+01:00"),
                                ""),
                        Fixtures.T0))
                .hasValue(new RateLimitSignals.Budget(-1, 7, Instant.parse("2026-03-01T09:01:30Z")));
        assertThat(RateLimitSignals.budget(
                        response(200, Map.of("X-RateLimit-Remaining", "7", "X-RateLimit-Reset", "soon"), ""),
                        Fixtures.T0))
                .isEmpty();
    }

    @Test
    void budgetIsPerCredentialSharedAcrossClientsAndFailsWhenTheWaitExceedsTheCap() {
        server.stubFor(get("/a")
                .willReturn(okJson("{}")
                        .withHeader("RateLimit-Limit", "2000")
                        .withHeader("RateLimit-Remaining", "0")
                        .withHeader("RateLimit-Reset", String.valueOf(RESET))));
        RateLimitGovernor governor = RateLimitGovernor.builder()
                .clock(clock)
                .maxWait(Duration.ofMinutes(1))
                .build();
        client(governor, Authenticator.gitlabToken(Secret.of("glpat-1"))).send(AdapterRequest.get("/a"));

        // Another client, same token: same budget. A client with another token is not held back.
        AdapterHttpClient sameToken = client(governor, Authenticator.gitlabToken(Secret.of("glpat-1")));
        assertThatThrownBy(() -> sameToken.send(AdapterRequest.get("/a")))
                .isInstanceOfSatisfying(AdapterRateLimitedException.class, e -> {
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(600));
                    assertThat(e.status()).isZero();
                    assertThat(e.path()).isEqualTo("/a");
                });
        client(governor, Authenticator.gitlabToken(Secret.of("glpat-2"))).send(AdapterRequest.get("/a"));
        assertThat(sleeper.waits).isEmpty();
        server.verify(2, getRequestedFor(urlEqualTo("/a")));
    }

    @Test
    void slowsDownNearTheEndOfTheBudgetBySpreadingTheRemainingCallsOverTheTimeToReset() {
        RateLimitGovernor governor = RateLimitGovernor.builder().clock(clock).build();
        // Linear reports the reset in epoch milliseconds.
        governor.observe(
                "k",
                response(
                        200,
                        Map.of(
                                "X-RateLimit-Requests-Limit", "100",
                                "X-RateLimit-Requests-Remaining", "5",
                                "X-RateLimit-Requests-Reset",
                                        String.valueOf((Fixtures.T0.getEpochSecond() + 50) * 1000)),
                        "{}"));
        // 5 calls left over 50 s: one every 10 s, each caller taking the next slot.
        assertThat(governor.reserve("k")).isEqualTo(Duration.ZERO);
        assertThat(governor.reserve("k")).isEqualTo(Duration.ofSeconds(10));
        assertThat(governor.reserve("k")).isEqualTo(Duration.ofSeconds(20));

        // With plenty left there is no wait at all.
        governor.observe(
                "plenty",
                response(
                        200,
                        Map.of(
                                "x-ratelimit-limit",
                                "5000",
                                "x-ratelimit-remaining",
                                "4000",
                                "x-ratelimit-reset",
                                String.valueOf(RESET)),
                        "{}"));
        assertThat(governor.reserve("plenty")).isZero();
        assertThat(governor.remaining("plenty")).hasValue(3999);
    }

    @Test
    void anExhaustedComplexityBudgetHoldsCallsUntilItsResetThoughRequestsRemain() {
        RateLimitGovernor governor = RateLimitGovernor.builder().clock(clock).build();
        long requestsReset = (Fixtures.T0.getEpochSecond() + 3600) * 1000;
        long complexityReset = (Fixtures.T0.getEpochSecond() + 120) * 1000;
        governor.observe(
                "linear",
                response(
                        200,
                        Map.of(
                                "X-RateLimit-Requests-Limit", "5000",
                                "X-RateLimit-Requests-Remaining", "4990",
                                "X-RateLimit-Requests-Reset", String.valueOf(requestsReset),
                                "X-RateLimit-Complexity-Limit", "250000",
                                "X-RateLimit-Complexity-Remaining", "0",
                                "X-RateLimit-Complexity-Reset", String.valueOf(complexityReset)),
                        "{}"));
        assertThat(governor.reserve("linear")).isEqualTo(Duration.ofSeconds(120));

        // With complexity left, the request count is the budget that is paced.
        governor.observe(
                "linear-ok",
                response(
                        200,
                        Map.of(
                                "X-RateLimit-Requests-Limit", "5000",
                                "X-RateLimit-Requests-Remaining", "4990",
                                "X-RateLimit-Requests-Reset", String.valueOf(requestsReset),
                                "X-RateLimit-Complexity-Limit", "250000",
                                "X-RateLimit-Complexity-Remaining", "1000",
                                "X-RateLimit-Complexity-Reset", String.valueOf(complexityReset)),
                        "{}"));
        assertThat(governor.reserve("linear-ok")).isZero();
        assertThat(governor.remaining("linear-ok")).hasValue(4989);
    }

    @Test
    void honoursRetryAfterOn429ThenSucceedsEvenForPost() {
        server.stubFor(post("/issues")
                .inScenario("rl")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30"))
                .willSetStateTo("ok"));
        server.stubFor(post("/issues")
                .inScenario("rl")
                .whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(201).withBody("{}")));
        AdapterHttpClient client =
                client(RateLimitGovernor.builder().clock(clock).build(), Authenticator.bearer(Secret.of("t")));

        assertThat(client.send(AdapterRequest.postJson(Map.of("title", "x"), "/issues"))
                        .status())
                .isEqualTo(201);
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(30));
        server.verify(2, postRequestedFor(urlEqualTo("/issues")));
    }

    @Test
    void honoursRetryAfterAsAnHttpDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Fixtures.T0.plusSeconds(90).atOffset(ZoneOffset.UTC));
        server.stubFor(get("/x")
                .inScenario("d")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", date))
                .willSetStateTo("ok"));
        server.stubFor(get("/x").inScenario("d").whenScenarioStateIs("ok").willReturn(okJson("{}")));
        client(RateLimitGovernor.builder().clock(clock).build(), Authenticator.bearer(Secret.of("t")))
                .send(AdapterRequest.get("/x"));
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(90));
    }

    @Test
    void honoursGitHubSecondaryLimitWithRetryAfterAndWithOnlyTheMessage() {
        server.stubFor(get("/search")
                .inScenario("s")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("retry-after", "45")
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit.\"}"))
                .willSetStateTo("message-only"));
        server.stubFor(get("/search")
                .inScenario("s")
                .whenScenarioStateIs("message-only")
                .willReturn(aResponse()
                        .withStatus(403)
                        .withBody("{\"message\":\"You have exceeded a secondary rate limit. Please wait.\"}"))
                .willSetStateTo("ok"));
        server.stubFor(get("/search").inScenario("s").whenScenarioStateIs("ok").willReturn(okJson("{}")));
        client(RateLimitGovernor.builder().clock(clock).build(), Authenticator.bearer(Secret.of("t")))
                .send(AdapterRequest.get("/search"));
        // 45 s as told, then GitHub's documented minimum of one minute when no time is named.
        assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(45), Duration.ofMinutes(1));
        server.verify(3, getRequestedFor(urlEqualTo("/search")));
    }
}
