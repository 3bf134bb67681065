package dev.scaleplane.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentRequested;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.testing.CapturedOutput;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Handler failures, retries and dead letters of the bus and the task queue are logged at INFO level and above (a
 * WARN per failed attempt, an ERROR per dead letter), with ids, types and the failure, and never the payload.
 */
class FailureLoggingTest {
    private static final String PAYLOAD_SECRET = "payload-value-never-logged";

    private CapturedOutput output;

    @BeforeEach
    void captureStandardStreams() {
        output = new CapturedOutput();
    }

    @AfterEach
    void restoreStandardStreams() {
        output.close();
    }

    private List<String> lines(String containing) {
        return output.text().lines().filter(l -> l.contains(containing)).toList();
    }

    @Test
    void aFailingHandlerLogsAWarnPerAttemptAndAnErrorForItsDeadLetter() {
        AtomicInteger attempts = new AtomicInteger();
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.empty()).build()) {
            platform.events()
                    .subscribe(
                            SubscriptionOptions.builder("deployments", "deployer")
                                    .retryPolicy(RetryPolicy.builder()
                                            .maxAttempts(2)
                                            .fixed(Duration.ofMillis(1))
                                            .build())
                                    .build(),
                            DeploymentRequested.TYPE,
                            e -> {
                                attempts.incrementAndGet();
                                throw new IllegalStateException("registry unreachable");
                            });
            platform.events()
                    .publish(
                            "deployments",
                            new DeploymentRequested("d-7", "shop", PAYLOAD_SECRET, "prod", List.of(), "alice"))
                    .join();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !lines("dead-lettered").isEmpty());
        }
        assertThat(attempts).hasValue(2);
        assertThat(lines("the handler of group 'deployer'")).singleElement().satisfies(l -> assertThat(l)
                .contains("WARN", "topic 'deployments'", "attempt 1, retrying")
                .contains(DeploymentRequested.TYPE_NAME, "IllegalStateException: registry unreachable"));
        assertThat(lines("dead-lettered")).singleElement().satisfies(l -> assertThat(l)
                .contains("ERROR", "(HANDLER_FAILED) after 2 attempt(s)", "'deployer'"));
        assertThat(output.text()).doesNotContain(PAYLOAD_SECRET);
    }

    @Test
    void aFailedTaskAttemptLogsAWarnAndItsDeadLetterAnError() {
        VirtualTaskClock clock = new VirtualTaskClock();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.empty())
                .taskClock(clock)
                .build()) {
            platform.tasks()
                    .submit(TaskRequest.builder("deploy", PAYLOAD_SECRET)
                            .maxAttempts(2)
                            .build());
            Lease first =
                    platform.tasks().lease("worker-1", 1, Duration.ofMinutes(1)).get(0);
            first.fail(new IllegalStateException("apply refused"));
            clock.advance(Duration.ofHours(1));
            Lease second =
                    platform.tasks().lease("worker-2", 1, Duration.ofMinutes(1)).get(0);
            second.fail(new IllegalStateException("apply refused again"));
        }
        assertThat(lines("task queue: task"))
                .hasSize(2)
                .satisfies(l -> assertThat(l.get(0))
                        .contains("WARN", "(deploy) failed attempt 1 on worker worker-1")
                        .contains("IllegalStateException: apply refused; retrying at"))
                .satisfies(l -> assertThat(l.get(1))
                        .contains("ERROR", "(deploy) was dead-lettered (", "after attempt 2 on worker worker-2"));
        assertThat(output.text()).doesNotContain(PAYLOAD_SECRET);
    }
}
