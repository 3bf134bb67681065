package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubAppAuthenticatorTest {
    private static KeyPair keys;

    private WireMockServer server;
    private VirtualClock clock;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @BeforeEach
    void start() {
        server = Fixtures.server();
        clock = new VirtualClock(Fixtures.T0);
        server.stubFor(get(urlPathMatching("/repos/.*")).willReturn(okJson("{\"id\":1}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** PKCS#8 PEM, as the JDK encodes it. */
    private static String pkcs8Pem() {
        return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** PKCS#1 PEM as GitHub issues it: the RSAPrivateKey inside the PKCS#8 envelope (26 header bytes for 2048 bits). */
    private static String pkcs1Pem() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        return pem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private void stubExchange(String token, String expiresAt) {
        server.stubFor(post("/app/installations/42/access_tokens")
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"token\":\"" + token + "\",\"expires_at\":\"" + expiresAt + "\"}")));
    }

    private AdapterHttpClient client(Authenticator auth) {
        return Fixtures.client(server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .authenticator(auth)
                .build();
    }

    @Test
    void jwtIsRs256WithIatBackdatedExpWithinTenMinutesAndIssTheAppIdAndVerifiesWithThePublicKey() throws Exception {
        stubExchange("ghs_one", "2026-03-01T11:00:00Z");
        client(Authenticator.githubApp("1234", "42", Secret.of(pkcs1Pem()), clock))
                .send(AdapterRequest.get("/repos/{o}/{r}", "acme", "app"));

        List<LoggedRequest> exchanges =
                server.findAll(postRequestedFor(urlEqualTo("/app/installations/42/access_tokens")));
        assertThat(exchanges).hasSize(1);
        assertThat(exchanges.get(0).getHeader("Accept")).isEqualTo("application/vnd.github+json");
        String jwt = exchanges.get(0).getHeader("Authorization").substring("Bearer ".length());
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);

        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(keys.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        ObjectMapper json = new ObjectMapper();
        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        long now = Fixtures.T0.getEpochSecond();
        assertThat(claims.path("iat").asLong()).isEqualTo(now - 60);
        assertThat(claims.path("exp").asLong()).isGreaterThan(now).isLessThanOrEqualTo(now + 600);
        assertThat(claims.path("iss").asText()).isEqualTo("1234");

        server.verify(
                getRequestedFor(urlEqualTo("/repos/acme/app")).withHeader("Authorization", equalTo("Bearer ghs_one")));
    }

    @Test
    void pkcs8KeysWorkToo() {
        stubExchange("ghs_p8", "2026-03-01T11:00:00Z");
        client(Authenticator.githubApp("1234", "42", Secret.of(pkcs8Pem()), clock))
                .send(AdapterRequest.get("/repos/{o}/{r}", "acme", "app"));
        server.verify(
                getRequestedFor(urlEqualTo("/repos/acme/app")).withHeader("Authorization", equalTo("Bearer ghs_p8")));
    }

    @Test
    void oneExchangeServesManyConcurrentCallsAndTheTokenIsRefreshedBeforeItExpires() throws Exception {
        stubExchange("ghs_first", "2026-03-01T11:00:00Z");
        AdapterHttpClient client = client(Authenticator.githubApp("1234", "42", Secret.of(pkcs1Pem()), clock));

        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<AdapterResponse>> calls = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            calls.add(pool.submit(() -> {
                go.await();
                return client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "app" + n));
            }));
        }
        go.countDown();
        for (Future<AdapterResponse> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        pool.shutdown();
        server.verify(1, postRequestedFor(urlEqualTo("/app/installations/42/access_tokens")));
        server.verify(
                threads,
                getRequestedFor(urlPathMatching("/repos/acme/app.*"))
                        .withHeader("Authorization", equalTo("Bearer ghs_first")));

        // 54 minutes later the token has 6 minutes left: still used.
        clock.advance(Duration.ofMinutes(54));
        client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "x"));
        server.verify(1, postRequestedFor(urlEqualTo("/app/installations/42/access_tokens")));

        // With 4 minutes left it is refreshed before use.
        stubExchange("ghs_second", "2026-03-01T12:00:00Z");
        clock.advance(Duration.ofMinutes(2));
        client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "y"));
        server.verify(2, postRequestedFor(urlEqualTo("/app/installations/42/access_tokens")));
        server.verify(
                getRequestedFor(urlEqualTo("/repos/acme/y")).withHeader("Authorization", equalTo("Bearer ghs_second")));
    }
}
