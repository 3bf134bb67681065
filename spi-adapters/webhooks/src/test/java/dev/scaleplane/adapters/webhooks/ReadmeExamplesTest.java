package dev.scaleplane.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's snippets, as written there. */
class ReadmeExamplesTest {

    @Test
    void standaloneServer() {
        ScaleplaneProperties config = ScaleplaneProperties.of(WebhookServerTest.receiverConfig());
        // README: standalone server
        try (ScaleplanePlatform platform = Scaleplane.builder().config(config).build();
                WebhookServer server = WebhookServer.start(WebhookReceiver.create(platform))) {
            URI github = server.uri("/webhooks/github"); // deliveries there become events on platform.events()
            assertThat(github.getHost()).isEqualTo("127.0.0.1");
            assertThat(github.getPath()).isEqualTo("/webhooks/github");
        }
    }

    @Test
    void embeddedInAFramework() {
        String method = "POST";
        String pathAndQuery = "/hooks/jenkins?token=" + WebhookServerTest.JENKINS_TOKEN;
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/json;charset=UTF-8"));
        byte[] rawBody = WebhookServerTest.payload("jenkins-completed.json");
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(WebhookServerTest.receiverConfig()))
                .build()) {
            // README: embedded in a framework
            WebhookReceiver receiver = WebhookReceiver.create(platform);
            WebhookResponse answer = receiver.handle(
                    WebhookRequest.of(method, pathAndQuery, headers, rawBody)); // headers: Map<String, List<String>>
            // reply answer.status(), answer.headers(), answer.contentType(), answer.body()
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.contentType()).isEqualTo("application/json");
            assertThat(answer.body()).contains("platform/services/api#42:COMPLETED");
        }
    }
}
