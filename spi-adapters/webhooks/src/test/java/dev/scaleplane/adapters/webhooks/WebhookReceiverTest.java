package dev.scaleplane.adapters.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.CapturedOutput;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embeddable handler called directly, as a web framework would call it: the de-duplication window's expiry on a
 * moved clock, and the rejection log (rate-limited, and never showing a secret or a signature).
 */
class WebhookReceiverTest {
    private ScaleplanePlatform platform;
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T12:00:00Z"));
    private WebhookReceiver receiver;

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() {
        Map<String, String> config = WebhookServerTest.receiverConfig();
        config.put("scaleplane.webhooks.dedup.window", "10m");
        platform = Scaleplane.builder().config(ScaleplaneProperties.of(config)).build();
        receiver = WebhookReceiver.builder(platform.events(), WebhookSettings.read(platform.config()))
                .clock(clock)
                .nanoTime(nanos::get)
                .build();
    }

    @AfterEach
    void stop() {
        platform.close();
    }

    private WebhookRequest jira(String delivery, byte[] body, String signature) {
        return WebhookRequest.of(
                "POST",
                "/webhooks/jira",
                Map.of(
                        "x-atlassian-webhook-identifier", List.of(delivery),
                        "X-HUB-SIGNATURE", List.of(signature)),
                body);
    }

    @Test
    void aDeliveryIdIsForgottenWhenTheWindowHasPassed() {
        byte[] body = WebhookServerTest.payload("jira-issue_updated.json");
        WebhookRequest request =
                jira("w-1", body, WebhookServerTest.githubSignature(WebhookServerTest.JIRA_SECRET, body));
        assertThat(receiver.handle(request).status()).isEqualTo(202);
        nanos.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        assertThat(receiver.handle(request).status()).as("inside the window").isEqualTo(200);
        nanos.addAndGet(1);
        assertThat(receiver.handle(request).status()).as("the window is over").isEqualTo(202);
    }

    @Test
    void rejectionsAreLoggedRateLimitedWithoutSecretOrSignature() {
        byte[] body = WebhookServerTest.payload("jira-issue_updated.json");
        String forged = WebhookServerTest.githubSignature("guessed-secret", body);
        String logs = captureLogs(() -> {
            for (int i = 0; i < 3; i++) {
                assertThat(receiver.handle(jira("forged-" + i, body, forged)).status())
                        .isEqualTo(401);
            }
            clock.advance(Duration.ofSeconds(31));
            return receiver.handle(jira("forged-3", body, forged));
        });
        assertThat(count(logs, "webhook endpoint jira answered 401"))
                .as("one line per 30 s, then one more")
                .isEqualTo(2);
        assertThat(logs)
                .contains("X-Hub-Signature does not match the body")
                .contains("2 similar messages not logged")
                .doesNotContain(WebhookServerTest.JIRA_SECRET)
                .doesNotContain("guessed-secret")
                .doesNotContain(forged.substring("sha256=".length()));

        String tokenLogs = captureLogs(() -> receiver.handle(WebhookRequest.of(
                "POST",
                "/hooks/jenkins?token=wrong-" + WebhookServerTest.JENKINS_TOKEN,
                Map.of(),
                WebhookServerTest.payload("jenkins-completed.json"))));
        assertThat(tokenLogs)
                .contains("webhook endpoint jenkins answered 401")
                .doesNotContain(WebhookServerTest.JENKINS_TOKEN);
    }

    @Test
    void theRequestAndTheSettingsNeverShowCredentials() {
        WebhookRequest request = WebhookRequest.of(
                "POST",
                "/hooks/jenkins?token=" + WebhookServerTest.JENKINS_TOKEN,
                Map.of("X-Gitlab-Token", List.of(WebhookServerTest.GITLAB_TOKEN)),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(request.toString())
                .isEqualTo("WebhookRequest[POST /hooks/jenkins, 2 bytes]")
                .doesNotContain(WebhookServerTest.JENKINS_TOKEN);
        assertThat(request.header("x-gitlab-token")).isEqualTo(WebhookServerTest.GITLAB_TOKEN);
        assertThat(receiver.toString() + receiver.settings())
                .doesNotContain(WebhookServerTest.GITHUB_SECRET)
                .doesNotContain(WebhookServerTest.GITLAB_TOKEN)
                .doesNotContain(WebhookServerTest.JENKINS_TOKEN)
                .doesNotContain(WebhookServerTest.JIRA_SECRET);
    }

    @Test
    void anOversizedBodyHandedOverByAFrameworkIs400() {
        byte[] body = new byte[3000];
        WebhookResponse response = receiver.handle(jira("big", body, "sha256=00"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("3000 bytes");
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Runs {@code action} and returns what it printed to System.err, where slf4j-simple logs. */
    private static <T> String captureLogs(Supplier<T> action) {
        return CapturedOutput.of(action::get);
    }
}
