package dev.scaleplane.api.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.spi.Capabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The default {@link EventBus#publishAll} (publish each, combine) and {@link PublishBatchException}, on a bus whose
 * publish futures the test completes by hand.
 */
class PublishAllDefaultTest {

    private static Event<String> event(String id) {
        return Event.builder("test.batch.v1", id).id(id).source("/test").build();
    }

    @Test
    void publishesEachInOrderAndCompletesWithTheReceiptsOnceAllAreAccepted() throws Exception {
        ManualBus bus = new ManualBus();
        List<Event<String>> events = new ArrayList<>(List.of(event("a"), event("b"), event("c")));

        CompletableFuture<List<PublishReceipt>> result = bus.publishAll("t", events);
        events.clear();

        assertThat(bus.published).extracting(Event::id).containsExactly("a", "b", "c");
        bus.accept(2);
        bus.accept(0);
        assertThat(result).isNotDone();
        bus.accept(1);
        assertThat(result.get()).extracting(PublishReceipt::eventId).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> result.get().remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(bus.publishAll("t", List.of()).get()).isEmpty();
    }

    @Test
    void failsWithABatchExceptionThatNamesWhatWasAcceptedAndWhyTheRestWasNot() {
        ManualBus bus = new ManualBus();
        List<Event<String>> events = List.of(event("a"), event("b"), event("c"), event("d"));

        CompletableFuture<List<PublishReceipt>> result = bus.publishAll("t", events);
        bus.accept(0);
        PublishTimeoutException timeout = new PublishTimeoutException("t", "b", Duration.ofSeconds(1), "the buffer");
        bus.futures.get(1).completeExceptionally(timeout);
        IllegalStateException bug = new IllegalStateException("backend bug");
        bus.futures.get(2).completeExceptionally(bug);
        bus.accept(3);

        assertThatThrownBy(result::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(PublishBatchException.class, e -> {
                    assertThat(e.topic()).isEqualTo("t");
                    assertThat(e.eventId()).isEmpty();
                    assertThat(e.size()).isEqualTo(4);
                    assertThat(e.accepted()).containsOnlyKeys(0, 3);
                    assertThat(e.accepted().get(3).eventId()).isEqualTo("d");
                    assertThat(e.failures()).containsOnlyKeys(1, 2);
                    assertThat(e.failures().get(1)).isSameAs(timeout);
                    assertThat(e.failures().get(2).eventId()).isEqualTo("c");
                    assertThat(e.failures().get(2)).hasCause(bug);
                    assertThat(e.getCause()).isSameAs(timeout);
                    assertThat(e.getMessage())
                            .contains("4 event(s)", "topic 't'", "2 accepted", "2 not", timeout.getMessage());
                });
    }

    @Test
    void checksTheArgumentsBeforePublishingAnything() {
        ManualBus bus = new ManualBus();
        List<Event<String>> events = List.of(event("a"));

        assertThatNullPointerException().isThrownBy(() -> bus.publishAll(null, events));
        assertThatNullPointerException().isThrownBy(() -> bus.publishAll("t", null));
        assertThatNullPointerException()
                .isThrownBy(() -> bus.publishAll("t", Arrays.asList(event("a"), null)))
                .withMessage("events[1]");
        assertThatIllegalArgumentException().isThrownBy(() -> bus.publishAll("bad topic", events));
        assertThat(bus.published).isEmpty();
    }

    @Test
    void batchExceptionSurvivesJavaSerializationWithItsReceiptsAndFailures() throws Exception {
        PublishBatchException sent = new PublishBatchException(
                "t",
                2,
                Map.of(0, new PublishReceipt("t", "a", "memory")),
                Map.of(1, new PublishException("t", "b", "buffer full", null)));

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(sent);
        }
        Object read;
        try (java.io.ObjectInputStream in =
                new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            read = in.readObject();
        }

        assertThat(read).isInstanceOf(PublishBatchException.class);
        PublishBatchException back = (PublishBatchException) read;
        assertThat(back.accepted()).containsExactly(Map.entry(0, new PublishReceipt("t", "a", "memory")));
        assertThat(back.failures()).containsOnlyKeys(1);
        assertThat(back.getMessage()).isEqualTo(sent.getMessage());
    }

    @Test
    void batchExceptionRefusesMapsThatDoNotCoverTheBatchExactlyOnce() {
        PublishReceipt receipt = new PublishReceipt("t", "a", "p");
        PublishException failure = new PublishException("t", "b", "no", null);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PublishBatchException("t", 2, Map.of(0, receipt), Map.of()))
                .withMessageContaining("failures must not be empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PublishBatchException("t", 3, Map.of(0, receipt), Map.of(1, failure)))
                .withMessageContaining("cover the batch of 3");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PublishBatchException("t", 2, Map.of(1, receipt), Map.of(1, failure)))
                .withMessageContaining("index 0");
        assertThat(new PublishBatchException("t", 2, Map.of(0, receipt), Map.of(1, failure)).failures())
                .containsOnlyKeys(1);
    }

    /** A bus whose publish futures stay pending until the test completes them. */
    private static final class ManualBus implements EventBus {
        final List<Event<?>> published = new ArrayList<>();
        final List<CompletableFuture<PublishReceipt>> futures = new ArrayList<>();

        void accept(int index) {
            futures.get(index)
                    .complete(new PublishReceipt("t", published.get(index).id(), "manual"));
        }

        @Override
        public CompletableFuture<PublishReceipt> publish(String topic, Event<?> event) {
            SubscriptionOptions.checkName(topic, "topic");
            published.add(event);
            CompletableFuture<PublishReceipt> future = new CompletableFuture<>();
            futures.add(future);
            return future;
        }

        @Override
        public CompletableFuture<PublishReceipt> publish(String topic, Object data) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public <T> Subscription subscribe(SubscriptionOptions options, EventType<T> type, EventHandler<T> handler) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public Subscription subscribe(SubscriptionOptions options, EventHandler<Object> handler) {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public DeadLetters deadLetters() {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public Capabilities capabilities() {
            throw new UnsupportedOperationException("not used by these tests");
        }

        @Override
        public void close() {}
    }
}
