package dev.scaleplane.adapters.http;

import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.scaleplane.adapters.http.Fixtures.RecordingSleeper;
import dev.scaleplane.adapters.http.testing.VirtualClock;
import dev.scaleplane.api.adapters.secrets.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JenkinsCrumbTest {
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
    void crumbIsFetchedOnlyAfterAForbiddenNamingItAndThenReused() {
        server.stubFor(get(urlPathEqualTo("/job/app/api/json")).willReturn(okJson("{\"name\":\"app\"}")));
        // Without the crumb Jenkins answers 403 and says so; with it, 201.
        server.stubFor(post("/job/app/build")
                .atPriority(2)
                .willReturn(aResponse().withStatus(403).withBody("No valid crumb was included in the request")));
        server.stubFor(post("/job/app/build")
                .atPriority(1)
                .withHeader("Jenkins-Crumb", equalTo("c0ffee"))
                .willReturn(aResponse().withStatus(201).withHeader("Location", "/queue/item/7/")));
        server.stubFor(get("/crumbIssuer/api/json")
                .willReturn(okJson("{\"crumbRequestField\":\"Jenkins-Crumb\",\"crumb\":\"c0ffee\"}")));
        VirtualClock clock = new VirtualClock(Fixtures.T0);
        AdapterHttpClient client = Fixtures.client(
                        server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .authenticator(Authenticator.jenkins("ci", Secret.of("11aa22bb")))
                .build();

        client.send(AdapterRequest.get("/job/{job}/api/json", "app"));
        server.verify(0, getRequestedFor(urlEqualTo("/crumbIssuer/api/json")));

        AdapterResponse first = client.send(
                AdapterRequest.builder("POST", "/job/{job}/build", "app").build());
        AdapterResponse second = client.send(
                AdapterRequest.builder("POST", "/job/{job}/build", "app").build());

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.header("Location")).contains("/queue/item/7/");
        server.verify(
                1,
                getRequestedFor(urlEqualTo("/crumbIssuer/api/json")).withHeader("Authorization", matching("Basic .+")));
        // One refused POST without crumb, then two with it.
        server.verify(1, postRequestedFor(urlEqualTo("/job/app/build")).withoutHeader("Jenkins-Crumb"));
        server.verify(2, postRequestedFor(urlEqualTo("/job/app/build")).withHeader("Jenkins-Crumb", equalTo("c0ffee")));
    }

    @Test
    void theCrumbGoesWithTheSessionCookieItWasIssuedUnder() {
        server.stubFor(post("/job/app/build")
                .atPriority(2)
                .willReturn(aResponse().withStatus(403).withBody("No valid crumb was included in the request")));
        server.stubFor(post("/job/app/build")
                .atPriority(1)
                .withHeader("Jenkins-Crumb", equalTo("c0ffee"))
                .withHeader("Cookie", equalTo("JSESSIONID.1a2b=node0abc; remember=1"))
                .willReturn(aResponse().withStatus(201).withHeader("Location", "/queue/item/8/")));
        server.stubFor(get("/crumbIssuer/api/json")
                .willReturn(okJson("{\"crumbRequestField\":\"Jenkins-Crumb\",\"crumb\":\"c0ffee\"}")
                        .withHeader("Set-Cookie", "JSESSIONID.1a2b=node0abc; Path=/; HttpOnly")
                        .withHeader("Set-Cookie", "remember=1; Path=/")));
        VirtualClock clock = new VirtualClock(Fixtures.T0);
        AdapterHttpClient client = Fixtures.client(
                        server, clock, new RecordingSleeper(clock), new SimpleMeterRegistry())
                .authenticator(Authenticator.jenkins("ci", Secret.of("11aa22bb")))
                .build();

        assertThat(client.send(AdapterRequest.builder("POST", "/job/{job}/build", "app")
                                .build())
                        .status())
                .isEqualTo(201);
        assertThat(client.send(AdapterRequest.builder("POST", "/job/{job}/build", "app")
                                .build())
                        .header("Location"))
                .contains("/queue/item/8/");
        server.verify(1, getRequestedFor(urlEqualTo("/crumbIssuer/api/json")));
    }
}
