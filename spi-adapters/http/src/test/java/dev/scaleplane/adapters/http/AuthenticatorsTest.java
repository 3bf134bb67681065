package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.AdapterAuthenticationException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticatorsTest {
    private static final String TOKEN = "ghp_supersecret123";

    private WireMockServer server;
    private VirtualClock clock;

    @BeforeEach
    void start() {
        server = Fixtures.server();
        clock = new VirtualClock(Fixtures.T0);
        server.stubFor(any(anyUrl()).willReturn(okJson("{}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private AdapterHttpClient client(Authenticator auth) {
        return Fixtures.client(server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .authenticator(auth)
                .build();
    }

    @Test
    void bearerTokenGoesInAuthorization() {
        client(Authenticator.bearer(Secret.of(TOKEN))).send(AdapterRequest.get("/user"));
        server.verify(getRequestedFor(urlEqualTo("/user")).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void gitlabTokenGoesInPrivateTokenAndNotInAuthorization() {
        client(Authenticator.gitlabToken(Secret.of("glpat-xyz"))).send(AdapterRequest.get("/api/v4/user"));
        server.verify(getRequestedFor(urlEqualTo("/api/v4/user"))
                .withHeader("PRIVATE-TOKEN", equalTo("glpat-xyz"))
                .withoutHeader("Authorization"));
    }

    @Test
    void jiraCloudSendsBasicWithEmailAndApiToken() {
        client(Authenticator.jiraCloud("dev@example.com", Secret.of("atl-token")))
                .send(AdapterRequest.get("/rest/api/3/myself"));
        String expected = "Basic "
                + Base64.getEncoder().encodeToString("dev@example.com:atl-token".getBytes(StandardCharsets.UTF_8));
        server.verify(getRequestedFor(urlEqualTo("/rest/api/3/myself")).withHeader("Authorization", equalTo(expected)));
    }

    @Test
    void linearApiKeyIsTheWholeAuthorizationValue() {
        client(Authenticator.linearApiKey(Secret.of("lin_api_abc")))
                .send(AdapterRequest.postJson(java.util.Map.of("query", "{ viewer { id } }"), "/graphql"));
        server.verify(postRequestedFor(urlEqualTo("/graphql"))
                .withHeader("Authorization", equalTo("lin_api_abc"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"query\":\"{ viewer { id } }\"}")));
    }

    @Test
    void unauthorizedFailsAtOnceWithTheServersFactsAndNeverTheToken() {
        server.stubFor(get("/repos/acme/app")
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("X-GitHub-Request-Id", "ABCD:1234")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Bad credentials\"}")));
        AdapterHttpClient client = client(Authenticator.bearer(Secret.of(TOKEN)));
        String logs =
                Fixtures.captureLogs(() -> client.send(AdapterRequest.builder("GET", "/repos/{o}/{r}", "acme", "app")
                        .query("access_token", TOKEN)
                        .build()));

        assertThatThrownBy(() -> client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "app")))
                .isInstanceOfSatisfying(AdapterAuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.method()).isEqualTo("GET");
                    assertThat(e.path()).isEqualTo("/repos/acme/app");
                    assertThat(e.system()).isEqualTo("github");
                    assertThat(e.requestId()).isEqualTo("ABCD:1234");
                    assertThat(e.serverMessage()).isEqualTo("Bad credentials");
                    assertThat(e.getMessage())
                            .contains("401", "Bad credentials")
                            .doesNotContain(TOKEN);
                });
        // Never retried: one request per call.
        server.verify(2, getRequestedFor(urlPathEqualTo("/repos/acme/app")));
        assertThat(logs).contains("GET", "/repos/acme/app", "Authorization: ****", "access_token=****");
        assertThat(logs).doesNotContain(TOKEN);
    }

    @Test
    void secretsAndAuthenticatorsNeverPrintTheCredential() {
        assertThat(Secret.of(TOKEN).toString()).isEqualTo("****");
        assertThat(Authenticator.bearer(Secret.of(TOKEN)).toString()).doesNotContain(TOKEN);
        assertThat(Authenticator.jenkins("ci", Secret.of(TOKEN)).toString())
                .contains("ci")
                .doesNotContain(TOKEN);
        assertThat(Authenticator.bearer(Secret.of(TOKEN)).credentialKey()).doesNotContain(TOKEN);
    }

    @Test
    void severalHeadersGoOutTogetherAndEachBudgetHasItsOwnCredentialKey() {
        java.util.Map<String, Secret> keys = new java.util.LinkedHashMap<>();
        keys.put("DD-API-KEY", Secret.of("api-key-0000000001"));
        keys.put("DD-APPLICATION-KEY", Secret.of("app-key-0000000002"));
        Authenticator both = Authenticator.headers(keys);
        client(both.withBudget("query")).send(AdapterRequest.get("/api/v1/query"));
        server.verify(getRequestedFor(urlEqualTo("/api/v1/query"))
                .withHeader("DD-API-KEY", equalTo("api-key-0000000001"))
                .withHeader("DD-APPLICATION-KEY", equalTo("app-key-0000000002")));
        assertThat(both.withBudget("query").credentialKey())
                .isEqualTo(both.credentialKey() + "#query")
                .isNotEqualTo(both.withBudget("events").credentialKey())
                .doesNotContain("api-key-0000000001", "app-key-0000000002");
        assertThat(both.withBudget("query").toString()).doesNotContain("api-key", "app-key");
        assertThatThrownBy(() -> Authenticator.headers(java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> both.withBudget(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFormBodyIsEncodedInOrderWithItsContentType() {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("query", "up{job=\"a b\"}");
        fields.put("time", 12);
        client(Authenticator.none())
                .send(AdapterRequest.builder("POST", "/form").form(fields).build());
        server.verify(postRequestedFor(urlEqualTo("/form"))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded; charset=UTF-8"))
                .withRequestBody(equalTo("query=up%7Bjob%3D%22a+b%22%7D&time=12")));
        assertThat(AdapterRequest.pathSegment("a b/c")).isEqualTo("a%20b%2Fc");
    }
}
