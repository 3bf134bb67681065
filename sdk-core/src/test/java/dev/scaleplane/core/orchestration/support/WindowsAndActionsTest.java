package dev.scaleplane.core.orchestration.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.orchestration.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WindowsAndActionsTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void anIdempotencyKeyCountsUntilItsWindowEndsExclusive() {
        IdempotencyWindow<String> w = new IdempotencyWindow<>(Duration.ofMinutes(1));
        w.remember("k", "task-1", T0);
        assertThat(w.find("k", T0.plusSeconds(59))).isEqualTo("task-1");
        assertThat(w.find("k", T0.plusSeconds(60))).isNull();
        assertThat(w.size()).isZero();
    }

    @Test
    void expiryPurgesInInsertionOrderAndForgetOnlyRemovesTheSameValue() {
        IdempotencyWindow<String> w = new IdempotencyWindow<>(Duration.ofMinutes(1));
        w.remember("a", "1", T0);
        w.remember("b", "2", T0.plusSeconds(30));
        w.expire(T0.plusSeconds(60));
        assertThat(w.size()).isEqualTo(1);
        assertThat(w.find("b", T0.plusSeconds(60))).isEqualTo("2");
        w.forget("b", "other");
        assertThat(w.find("b", T0.plusSeconds(60))).isEqualTo("2");
        w.forget("b", "2");
        assertThat(w.find("b", T0.plusSeconds(60))).isNull();
    }

    @Test
    void aKeyClaimedElsewhereKeepsItsOwnExpiry() {
        IdempotencyWindow<String> w = new IdempotencyWindow<>(Duration.ofMinutes(1));
        w.rememberUntil("k", "remote", T0.plusSeconds(5));
        assertThat(w.find("k", T0.plusSeconds(4))).isEqualTo("remote");
        assertThat(w.find("k", T0.plusSeconds(5))).isNull();
    }

    @Test
    void retentionForgetsByAgeAndBeyondCapacityOldestFirst() {
        List<String> forgotten = new ArrayList<>();
        RetentionQueue<String> q = new RetentionQueue<>(Duration.ofMinutes(1), 2, forgotten::add);
        q.add("a", T0);
        q.add("b", T0.plusSeconds(10));
        q.add("c", T0.plusSeconds(20));
        assertThat(forgotten).containsExactly("a");
        q.expire(T0.plusSeconds(69));
        assertThat(forgotten).containsExactly("a");
        q.expire(T0.plusSeconds(70));
        assertThat(forgotten).containsExactly("a", "b");
        assertThat(q.size()).isEqualTo(1);
        assertThatThrownBy(() -> new RetentionQueue<String>(Duration.ZERO, 0, x -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deferredActionsRunOnlyOnceTheOutermostLockIsReleasedInOrder() {
        Object lock = new Object();
        DeferredActions deferred = new DeferredActions();
        List<String> ran = new ArrayList<>();
        synchronized (lock) {
            deferred.add(() -> ran.add("first"));
            synchronized (lock) {
                deferred.add(() -> ran.add("second"));
            }
            deferred.runUnlessHolding(lock); // nested: still held
            assertThat(ran).isEmpty();
        }
        deferred.runUnlessHolding(lock);
        assertThat(ran).containsExactly("first", "second");
        deferred.runUnlessHolding(lock);
        assertThat(ran).hasSize(2);
    }

    @Test
    void aThrowingActionDoesNotStopTheOthers() {
        Object lock = new Object();
        DeferredActions deferred = new DeferredActions();
        List<String> ran = new ArrayList<>();
        deferred.add(() -> {
            throw new IllegalStateException("boom");
        });
        deferred.add(() -> ran.add("after"));
        assertThatThrownBy(() -> deferred.runUnlessHolding(lock)).hasMessage("boom");
        assertThat(ran).containsExactly("after");
    }

    @Test
    void theBasicHandleAsksItsQueue() {
        AtomicReference<String> cancelled = new AtomicReference<>();
        CompletableFuture<Object> result = new CompletableFuture<>();
        BasicTaskHandle h = new BasicTaskHandle(
                "t-1",
                result,
                id -> {
                    cancelled.set(id);
                    return true;
                },
                () -> TaskState.LEASED);
        assertThat(h.id()).isEqualTo("t-1");
        assertThat(h.result()).isSameAs(result);
        assertThat(h.state()).isEqualTo(TaskState.LEASED);
        assertThat(h.cancel()).isTrue();
        assertThat(cancelled).hasValue("t-1");
        assertThat(h).hasToString("TaskHandle{t-1, LEASED}");
    }
}
