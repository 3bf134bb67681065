package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.internal.Redactor;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.AdapterNotFoundException;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsAndRedactionTest {
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = Fixtures.server();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void oneTimerPerCallTaggedWithTheTemplateErrorsByStatusAndTheRemainingGauge() {
        server.stubFor(get(urlPathMatching("/repos/acme/.*"))
                .willReturn(okJson("{}")
                        .withHeader("x-ratelimit-limit", "5000")
                        .withHeader("x-ratelimit-remaining", "4321")
                        .withHeader("x-ratelimit-reset", String.valueOf(Fixtures.T0.getEpochSecond() + 3600))));
        server.stubFor(get("/repos/acme/missing").willReturn(aResponse().withStatus(404)));
        VirtualClock clock = new VirtualClock(Fixtures.T0);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AdapterHttpClient client = Fixtures.client(server, clock, new RecordingSleeper(clock), meters)
                .authenticator(Authenticator.bearer(Secret.of("t")))
                .build();

        client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "a"));
        client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "b"));
        assertThatThrownBy(() -> client.send(AdapterRequest.get("/repos/{o}/{r}", "acme", "missing")))
                .isInstanceOf(AdapterNotFoundException.class);

        Timer ok = meters.get("scaleplane.adapter.calls")
                .tags("system", "github", "instance", "test", "method", "GET", "path", "/repos/{o}/{r}")
                .tag("status", "200")
                .timer();
        assertThat(ok.count()).isEqualTo(2);
        assertThat(Arrays.stream(ok.takeSnapshot().percentileValues()).map(ValueAtPercentile::percentile))
                .containsExactly(0.5, 0.95, 0.99);
        assertThat(meters.get("scaleplane.adapter.errors")
                        .tag("status", "404")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.find("scaleplane.adapter.errors").tag("status", "200").counter())
                .isNull();
        // No ids in any tag: every call shares the template.
        assertThat(meters.find("scaleplane.adapter.calls").timers())
                .allSatisfy(t -> assertThat(t.getId().getTag("path")).isEqualTo("/repos/{o}/{r}"));
        assertThat(meters.get("scaleplane.adapter.ratelimit.remaining").gauge().value())
                .isEqualTo(4320); // 4321 as reported, less the 404 call reserved since (it reported nothing)
    }

    @Test
    void redactsCredentialHeadersAndQueryParameters() {
        assertThat(Redactor.uri(URI.create("https://h/x?private_token=abc&page=2&api_key=k&client_secret=s")))
                .isEqualTo("https://h/x?private_token=****&page=2&api_key=****&client_secret=****");
        String headers = Redactor.headers(Map.of(
                "Authorization", List.of("Bearer abc"),
                "PRIVATE-TOKEN", List.of("glpat"),
                "Cookie", List.of("JSESSIONID=1"),
                "Accept", List.of("application/json")));
        assertThat(headers)
                .contains("Accept: application/json", "Authorization: ****", "PRIVATE-TOKEN: ****", "Cookie: ****")
                .doesNotContain("abc", "glpat", "JSESSIONID");
    }

    @Test
    void failuresAreLoggedRateLimitedAndWithoutSecrets() {
        server.stubFor(get(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(500)));
        VirtualClock clock = new VirtualClock(Fixtures.T0);
        AdapterHttpClient client = Fixtures.client(
                        server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .authenticator(Authenticator.gitlabToken(Secret.of("glpat-secret")))
                .retryPolicy(dev.scaleplane.api.RetryPolicy.none())
                .build();
        String logs = Fixtures.captureLogs(() -> {
            for (int i = 0; i < 5; i++) {
                try {
                    client.send(AdapterRequest.builder("GET", "/down")
                            .query("token", "qsecret")
                            .build());
                } catch (RuntimeException expected) {
                    // counted below
                }
            }
            return null;
        });
        assertThat(logs.lines().filter(l -> l.contains("WARN") && l.contains("answered 500")))
                .hasSize(1);
        assertThat(logs).contains("PRIVATE-TOKEN: ****", "token=****").doesNotContain("glpat-secret", "qsecret");
    }
}
