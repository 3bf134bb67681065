package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.AdapterException;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.AdapterRateLimitedException;
import dev.scaleplane.api.adapters.AdapterRequestRefusedException;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hook for failures reported in a body (GraphQL {@code errors}): typed exceptions whatever the status. */
class BodyErrorsTest {
    private WireMockServer server;
    private VirtualClock clock;
    private RecordingSleeper sleeper;

    /** A reader in the manner of a GraphQL adapter: the kind from {@code errors[0].extensions.code}. */
    private static final BodyErrors GRAPHQL = response -> {
        JsonNode error;
        try {
            error = response.json().path("errors").path(0);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (error.isMissingNode()) {
            return Optional.empty();
        }
        BodyErrors.Kind kind =
                switch (error.path("extensions").path("code").asText()) {
                    case "AUTHENTICATION_ERROR" -> BodyErrors.Kind.AUTHENTICATION;
                    case "NOT_FOUND" -> BodyErrors.Kind.NOT_FOUND;
                    case "INPUT_ERROR" -> BodyErrors.Kind.REFUSED;
                    case "RATELIMITED" -> BodyErrors.Kind.RATE_LIMITED;
                    case "INTERNAL_SERVER_ERROR" -> BodyErrors.Kind.UNAVAILABLE;
                    default -> BodyErrors.Kind.OTHER;
                };
        return Optional.of(new BodyErrors.Failure(kind, error.path("message").asText(null)));
    };

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

    private AdapterHttpClient client() {
        return Fixtures.client(server, clock, sleeper, new SimpleMeterRegistry())
                .authenticator(Authenticator.linearApiKey(Secret.of("lin_api_k")))
                .bodyErrors(GRAPHQL)
                .build();
    }

    private static AdapterRequest query(String document) {
        return AdapterRequest.builder("POST", "/graphql")
                .json(Map.of("query", document))
                .idempotent(true)
                .build();
    }

    private void answer(String document, int status, String code, String message) {
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.query", equalTo(document)))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-Request-Id", "req-" + code)
                        .withBody("{\"data\":null,\"errors\":[{\"message\":\"" + message
                                + "\",\"extensions\":{\"code\":\"" + code + "\"}}]}")));
    }

    @Test
    void eachKindFoundInA200BodyBecomesItsTypedExceptionWithTheStatusAndMessage() {
        answer("q1", 200, "AUTHENTICATION_ERROR", "Authentication required, not authenticated");
        answer("q2", 200, "NOT_FOUND", "Entity not found: Issue");
        answer("q3", 200, "INPUT_ERROR", "title must not be empty");
        answer("q4", 200, "INTERNAL_SERVER_ERROR", "boom");
        answer("q5", 200, "SOMETHING_NEW", "new kind");
        AdapterHttpClient client = client();

        assertThatThrownBy(() -> client.send(query("q1")))
                .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.method()).isEqualTo("POST");
                    assertThat(e.path()).isEqualTo("/graphql");
                    assertThat(e.requestId()).isEqualTo("req-AUTHENTICATION_ERROR");
                    assertThat(e.serverMessage()).isEqualTo("Authentication required, not authenticated");
                });
        assertThatThrownBy(() -> client.send(query("q2"))).isInstanceOf(AdapterNotFoundException.class);
        assertThatThrownBy(() -> client.send(query("q3")))
                .isInstanceOfSatisfying(AdapterRequestRefusedException.class, e -> assertThat(e.serverMessage())
                        .isEqualTo("title must not be empty"));
        assertThatThrownBy(() -> client.send(query("q4")))
                .isInstanceOfSatisfying(AdapterUnavailableException.class, e -> assertThat(e.circuitOpen())
                        .isFalse());
        assertThatThrownBy(() -> client.send(query("q5")))
                .isExactlyInstanceOf(AdapterException.class)
                .hasMessageContaining("new kind");
        // Errors in a 200 body are answers, not transport failures: nothing was repeated.
        server.verify(5, postRequestedFor(urlEqualTo("/graphql")));
        assertThat(sleeper.waits).isEmpty();
    }

    @Test
    void aRateLimitInA400BodyCarriesTheWaitUntilTheResetTheHeadersName() {
        server.stubFor(post("/graphql")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("X-RateLimit-Requests-Limit", "5000")
                        .withHeader("X-RateLimit-Requests-Remaining", "0")
                        .withHeader(
                                "X-RateLimit-Requests-Reset",
                                String.valueOf(Fixtures.T0.plusSeconds(90).toEpochMilli()))
                        .withBody("{\"errors\":[{\"message\":\"Rate limit exceeded\","
                                + "\"extensions\":{\"code\":\"RATELIMITED\"}}]}")));
        assertThatThrownBy(() -> client().send(query("q")))
                .isInstanceOfSatisfying(AdapterRateLimitedException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(e.serverMessage()).isEqualTo("Rate limit exceeded");
                });
    }

    @Test
    void withoutAFailureTheStatusDecidesAndExchangeNeverAsks() {
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.query", equalTo("ok")))
                .willReturn(okJson("{\"data\":{\"viewer\":{\"id\":\"u1\"}}}")));
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.query", equalTo("gone")))
                .willReturn(aResponse().withStatus(404).withBody("Not Found")));
        answer("errors", 200, "INPUT_ERROR", "bad");
        AdapterHttpClient client = client();

        assertThat(client.sendForJson(query("ok")).at("/data/viewer/id").asText())
                .isEqualTo("u1");
        assertThatThrownBy(() -> client.send(query("gone")))
                .isInstanceOfSatisfying(AdapterNotFoundException.class, e -> assertThat(e.serverMessage())
                        .isEqualTo("Not Found"));
        assertThat(client.exchange(query("errors")).status()).isEqualTo(200);
    }

    @Test
    void everyPageOfAListingIsRead() {
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.variables.after", absent()))
                .willReturn(okJson("{\"data\":{\"issues\":{\"nodes\":[{\"id\":\"a\"}],"
                        + "\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":\"c1\"}}}}")));
        server.stubFor(post("/graphql")
                .withRequestBody(matchingJsonPath("$.variables.after", equalTo("c1")))
                .willReturn(okJson("{\"data\":null,\"errors\":[{\"message\":\"Authentication required\","
                        + "\"extensions\":{\"code\":\"AUTHENTICATION_ERROR\"}}]}")));
        AdapterRequest first = AdapterRequest.builder("POST", "/graphql")
                .json(Map.of("query", "q", "variables", Map.of("first", 1)))
                .idempotent(true)
                .build();
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> client().paginate(
                                first,
                                PageStyle.relayCursor("/data/issues/pageInfo", "after"),
                                "/data/issues/nodes",
                                JsonNode.class)
                        .forEach(n -> seen.add(n.path("id").asText())))
                .isInstanceOf(AdapterAuthenticationException.class);
        assertThat(seen).containsExactly("a");
    }

    @Test
    void errorsValuesReadAsOneLine() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(BodyErrors.text(json.readTree("[\"Forbidden\", \"Invalid key\"]")))
                .isEqualTo("Forbidden; Invalid key");
        assertThat(BodyErrors.text(json.readTree("[{\"message\": \"bad\"}, {\"code\": 3}]")))
                .isEqualTo("bad; {\"code\":3}");
        assertThat(BodyErrors.text(json.readTree("{\"summary\": \"required\", \"n\": 2}")))
                .isEqualTo("summary: required; n: 2");
        assertThat(BodyErrors.text(json.readTree("\"plain\""))).isEqualTo("plain");
        assertThat(BodyErrors.text(json.readTree("[]"))).isNull();
        assertThat(BodyErrors.text(json.missingNode())).isNull();
    }
}
