package dev.scaleplane.events.kafka.tasks.internal;

import dev.scaleplane.api.orchestration.TaskFailedException;
import dev.scaleplane.core.orchestration.support.RetentionQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * This process's view of every process's tasks, built from the compacted state topic and from its own writes: the
 * latest {@link StateView} of each task, the result futures handed out, the idempotency keys, the submits in flight
 * and how many tasks are unfinished. Handles, {@code state}, {@code size}, the capacity and the idempotency keys are
 * answered from here, so a process learns what another process's owner decided.
 *
 * <p>Not thread-safe: every method runs under the queue's monitor ({@link QueueContext#lock}).
 */
final class StateViews {
    private final QueueContext ctx;
    private final Map<String, StateView> states = new HashMap<>();
    private final Map<String, CompletableFuture<@Nullable Object>> futures = new HashMap<>();
    private final Map<String, String> idempotencyKeys = new HashMap<>();
    /** Ids of submits written but not yet acknowledged. */
    private final Set<String> submitting = new HashSet<>();
    /**
     * How many of {@link #submitting} have no state applied yet: kept up to date so that the capacity check of every
     * submit is constant time, not a walk over every submit in flight (thousands with pipelined submits).
     */
    private int submittingWithoutState;
    /**
     * Terminal states in the order this process learnt them, forgotten after the retention or beyond the retention
     * capacity (as the other backends do): pruning pops expired ones from the head instead of scanning every state.
     */
    private final RetentionQueue<StateView> finished;

    private int unfinished;

    StateViews(QueueContext ctx) {
        this.ctx = ctx;
        this.finished = new RetentionQueue<>(ctx.options.retention(), ctx.options.retentionCapacity(), this::forget);
    }

    @Nullable
    StateView get(String id) {
        return states.get(id);
    }

    /** Whether {@code version} of a task's state, or a newer one, is applied already. */
    boolean knows(String id, long version) {
        StateView sv = states.get(id);
        return sv != null && sv.version() >= version;
    }

    boolean contains(String id) {
        return states.containsKey(id);
    }

    /** Tasks not yet in a terminal state, as this process knows them. */
    int unfinished() {
        return unfinished;
    }

    // ---- submits

    /**
     * The task an idempotency key already stands for, if a submit with it is still being written or its task was
     * submitted within the idempotency window; else null.
     */
    @Nullable
    String repeatOf(String idempotencyKey, Instant now) {
        String first = idempotencyKeys.get(idempotencyKey);
        if (first != null) {
            StateView known = states.get(first);
            if (known == null
                    ? submitting.contains(first) // still being written by another submit
                    : known.submittedAt().plus(ctx.options.idempotencyWindow()).isAfter(now)) {
                return first;
            }
        }
        return null;
    }

    /** The places taken under the capacity: unfinished tasks and submits in flight whose state is not applied yet. */
    int taken() {
        return unfinished + submittingWithoutState;
    }

    /** Reserves a submit's place, future and idempotency key while its records are written. */
    void reserve(String id, @Nullable String idempotencyKey) {
        if (submitting.add(id) && !states.containsKey(id)) {
            submittingWithoutState++;
        }
        futures.putIfAbsent(id, new CompletableFuture<>());
        if (idempotencyKey != null) {
            idempotencyKeys.put(idempotencyKey, id);
        }
    }

    /** Releases a submit's reservation after the broker refused its records. */
    void abandon(String id, @Nullable String idempotencyKey) {
        endSubmit(id);
        if (!states.containsKey(id)) {
            futures.remove(id);
            if (idempotencyKey != null) {
                idempotencyKeys.remove(idempotencyKey, id);
            }
        }
    }

    /** Ends a submit's reservation once its records are acknowledged; its state is applied next. */
    void written(String id) {
        endSubmit(id);
    }

    private void endSubmit(String id) {
        if (submitting.remove(id) && !states.containsKey(id)) {
            submittingWithoutState--;
        }
    }

    // ---- states and results

    /** Takes a state unless an equal or newer version is known; a terminal state completes the task's future. */
    void apply(StateView sv) {
        StateView old = states.get(sv.id());
        if (old != null && old.version() >= sv.version()) {
            return;
        }
        states.put(sv.id(), sv);
        if (old == null && submitting.contains(sv.id())) {
            submittingWithoutState--;
        }
        boolean wasOpen = old != null && !old.state().isTerminal();
        boolean isOpen = !sv.state().isTerminal();
        unfinished += (isOpen ? 1 : 0) - (wasOpen ? 1 : 0);
        String idem = sv.idempotencyKey();
        if (idem != null && !idempotencyKeys.containsKey(idem)) {
            idempotencyKeys.put(idem, sv.id());
        }
        if (old != null && old.state().isTerminal() && isOpen) {
            futures.remove(sv.id()); // redriven: a new handle gets a new future
        }
        if (!isOpen) {
            finished.add(sv, sv.updatedAt());
            CompletableFuture<@Nullable Object> f = futures.get(sv.id());
            if (f != null && !f.isDone()) {
                ctx.defer(() -> complete(f, sv));
            }
        }
    }

    /** The result future of a task's current generation, created on first ask (completed at once if it ended). */
    CompletableFuture<@Nullable Object> future(String id) {
        CompletableFuture<@Nullable Object> f = futures.get(id);
        if (f == null) {
            CompletableFuture<@Nullable Object> created = new CompletableFuture<>();
            futures.put(id, created);
            StateView sv = states.get(id);
            if (sv != null && sv.state().isTerminal()) {
                ctx.defer(() -> complete(created, sv));
            }
            f = created;
        }
        return f;
    }

    /** A redriven task's new generation: a new future. */
    void renew(String id) {
        futures.put(id, new CompletableFuture<>());
    }

    /** Forgets a finished state that left the retention, unless a newer state of its task replaced it meanwhile. */
    private void forget(StateView sv) {
        if (states.get(sv.id()) == sv) {
            states.remove(sv.id());
            futures.remove(sv.id());
            if (submitting.contains(sv.id())) {
                submittingWithoutState++;
            }
        }
    }

    private static void complete(CompletableFuture<@Nullable Object> f, StateView sv) {
        switch (sv.state()) {
            case SUCCEEDED -> f.complete(sv.result());
            case CANCELLED -> f.cancel(false);
            default -> f.completeExceptionally(
                    new TaskFailedException(sv.id(), sv.type(), sv.state(), sv.attempts(), sv.message(), null));
        }
    }

    // ---- pruning

    /**
     * Forgets what the retention and the idempotency window no longer cover: finished tasks' states and futures, the
     * owner's marks of ended task versions, and expired idempotency keys.
     *
     * @return the ids whose state records to delete (a tombstone each), for the caller to send after releasing the
     *     monitor: the member that saw the end deletes the state record once retention passed, so the compacted state
     *     topic (read whole by every process at start) holds unfinished and recent tasks only
     */
    List<String> prune(OwnedTasks owned) {
        Instant now = ctx.clock.now();
        finished.expire(now);
        List<String> tombstones = new ArrayList<>();
        owned.forgetEndsBefore(now, id -> {
            StateView sv = states.get(id);
            if (sv == null || sv.state().isTerminal()) { // not redriven meanwhile
                tombstones.add(id);
            }
        });
        Instant idemHorizon = ctx.clock.now().minus(ctx.options.idempotencyWindow());
        idempotencyKeys.values().removeIf(id -> {
            StateView sv = states.get(id);
            return sv == null ? !submitting.contains(id) : sv.submittedAt().isBefore(idemHorizon);
        });
        return tombstones;
    }
}
