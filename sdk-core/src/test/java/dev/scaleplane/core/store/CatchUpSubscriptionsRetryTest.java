package dev.scaleplane.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.store.AppendResult;
import dev.scaleplane.api.store.AuditPage;
import dev.scaleplane.api.store.AuditQuery;
import dev.scaleplane.api.store.CatchUpOptions;
import dev.scaleplane.api.store.CatchUpSubscription;
import dev.scaleplane.api.store.EventStore;
import dev.scaleplane.api.store.EventStoreException;
import dev.scaleplane.api.store.ExpectedVersion;
import dev.scaleplane.api.store.ReadDirection;
import dev.scaleplane.api.store.RecordedEvent;
import dev.scaleplane.api.store.RecordedEventHandler;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.config.ScaleplaneProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A subscription outlives a passing outage of its store: failed reads and checkpoints are retried. */
class CatchUpSubscriptionsRetryTest {

    /** Delegates to a real store; while {@code down} is set, reads and checkpoints fail as a lost database would. */
    static final class FlakyStore implements EventStore {
        final EventStore delegate;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger failedReads = new AtomicInteger();

        FlakyStore(EventStore delegate) {
            this.delegate = delegate;
        }

        private void check() {
            if (down.get()) {
                failedReads.incrementAndGet();
                throw new EventStoreException("connection refused (simulated outage)", null);
            }
        }

        @Override
        public CompletableFuture<AppendResult> append(
                String stream, ExpectedVersion expected, List<? extends Event<?>> events) {
            return delegate.append(stream, expected, events);
        }

        @Override
        public List<RecordedEvent> readStream(String stream, ReadDirection d, long fromVersion, int maxCount) {
            return delegate.readStream(stream, d, fromVersion, maxCount);
        }

        @Override
        public List<RecordedEvent> readAll(ReadDirection direction, long fromPosition, int maxCount) {
            check();
            return delegate.readAll(direction, fromPosition, maxCount);
        }

        @Override
        public OptionalLong streamVersion(String stream) {
            return delegate.streamVersion(stream);
        }

        @Override
        public CompletableFuture<Void> deleteStream(String stream, ExpectedVersion expected) {
            return delegate.deleteStream(stream, expected);
        }

        @Override
        public CatchUpSubscription subscribe(CatchUpOptions options, RecordedEventHandler handler) {
            throw new UnsupportedOperationException("the test subscribes through CatchUpSubscriptions directly");
        }

        @Override
        public OptionalLong checkpoint(String subscriberId) {
            return delegate.checkpoint(subscriberId);
        }

        @Override
        public CompletableFuture<Void> storeCheckpoint(String subscriberId, long position) {
            if (down.get()) {
                return CompletableFuture.failedFuture(new EventStoreException("connection refused", null));
            }
            return delegate.storeCheckpoint(subscriberId, position);
        }

        @Override
        public AuditPage query(AuditQuery query) {
            return delegate.query(query);
        }

        @Override
        public void close() {}
    }

    private static Event<String> event(int i) {
        return Event.builder("test.retry.v1", "payload-" + i).source("/test").build();
    }

    @Test
    void aSubscriptionResumesAfterTheStoreComesBack() {
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.store.provider", "memory")))
                .build()) {
            FlakyStore store = new FlakyStore(platform.store());
            List<String> seen = new CopyOnWriteArrayList<>();
            try (CatchUpSubscriptions subscriptions = new CatchUpSubscriptions(store, Duration.ofMillis(20), "test");
                    CatchUpSubscription subscription = subscriptions.subscribe(
                            CatchUpOptions.builder()
                                    .subscriberId("retry-test")
                                    .checkpointEvery(1)
                                    .build(),
                            e -> seen.add((String) e.event().data()))) {
                store.append("s-1", ExpectedVersion.ANY, List.of(event(1))).join();
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1);

                store.down.set(true);
                store.append("s-1", ExpectedVersion.ANY, List.of(event(2), event(3)))
                        .join();
                await().atMost(Duration.ofSeconds(30)).until(() -> store.failedReads.get() >= 3);
                assertThat(subscription.isRunning()).isTrue();
                assertThat(subscription.failure()).isEmpty();

                store.down.set(false);
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 3);
                assertThat(seen).containsExactly("payload-1", "payload-2", "payload-3");
                assertThat(subscription.failure()).isEmpty();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> store.checkpoint("retry-test").orElse(-1) == subscription.lastPosition());
            }
        }
    }
}
