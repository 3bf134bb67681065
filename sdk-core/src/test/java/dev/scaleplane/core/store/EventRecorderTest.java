package dev.scaleplane.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.core.logging.RateLimitedLog;
import dev.scaleplane.testing.CapturedOutput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EventRecorderTest {
    record Decision(String pool, int workers) {}

    private static final EventType<Decision> TYPE = EventType.of("dev.scaleplane.test.decision.v1", Decision.class);

    private final EventRecorder recorder = new EventRecorder(
            new RateLimitedLog(LoggerFactory.getLogger("event-recorder-test"), Duration.ofSeconds(30)), "Decision");

    private static Event<Decision> event(String pool) {
        return Event.builder(TYPE, new Decision(pool, 4))
                .source("/test")
                .subject(pool)
                .build();
    }

    private static ScaleplanePlatform platform() {
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build();
    }

    @Test
    void appendsToTheStreamThenPublishes() {
        try (ScaleplanePlatform platform = platform()) {
            List<String> received = new CopyOnWriteArrayList<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.builder("decisions", "g").build(),
                            TYPE,
                            e -> received.add(e.data().pool()));
            Event<Decision> e = event("pool-a");

            recorder.append(platform, "decisions-pool-a", e);
            recorder.publish(platform, "decisions", e);

            assertThat(platform.store().readStream("decisions-pool-a", ReadDirection.FORWARD, 0, 10))
                    .extracting(r -> r.event().id())
                    .containsExactly(e.id());
            await().atMost(Duration.ofSeconds(10)).until(() -> received.equals(List.of("pool-a")));
        }
    }

    @Test
    void aStoreFailureIsThrownUnwrapped() {
        try (ScaleplanePlatform platform = platform()) {
            assertThatThrownBy(() -> recorder.append(platform, "not a stream name!", event("pool-a")))
                    .isNotInstanceOf(CompletionException.class)
                    .hasMessageContaining("not a stream name!");
        }
    }

    @Test
    void aPublishFailureIsLoggedNeverThrown() {
        try (ScaleplanePlatform platform = platform()) {
            String printed = CapturedOutput.of(() -> recorder.publish(platform, "not a topic!", event("pool-b")));
            assertThat(printed).contains("Decision of pool-b not published on not a topic!");
        }
    }
}
