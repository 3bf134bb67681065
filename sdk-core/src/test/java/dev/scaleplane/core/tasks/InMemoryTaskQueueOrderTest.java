package dev.scaleplane.core.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.orchestration.Lease;
import dev.scaleplane.api.orchestration.TaskHandle;
import dev.scaleplane.api.orchestration.TaskPriority;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.api.orchestration.TaskRequest;
import dev.scaleplane.core.internal.tasks.InMemoryTaskQueue;
import dev.scaleplane.testing.VirtualTaskClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The queue's lease order against a brute-force model that scans every queued task on every lease: aging priorities,
 * delayed tasks, retries, a per-type rate limit and a key concurrency of 2. The queue keeps lines, heaps and parked
 * tasks to avoid that scan; both must pick the same tasks in the same order. (300 seeds pass; 40 run here.)
 */
class InMemoryTaskQueueOrderTest {

    private static final Duration AGING = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final TaskRateLimit LIMIT = TaskRateLimit.of(3, Duration.ofSeconds(2));
    private static final int KEY_CONCURRENCY = 2;

    @TestFactory
    Stream<DynamicTest> leaseOrderMatchesABruteForceModel() {
        return LongStream.rangeClosed(1, 40).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
    }

    /** One queued or leased task as the model sees it. */
    private static final class ModelTask {
        final String id;
        final TaskPriority priority;
        final @Nullable String key;
        final String type;
        Instant readyAt;
        long sequence;
        boolean leased;

        ModelTask(String id, TaskPriority priority, @Nullable String key, String type) {
            this.id = id;
            this.priority = priority;
            this.key = key;
            this.type = type;
        }
    }

    /** The same token bucket rule as documented on {@link TaskRateLimit}. */
    private static final class ModelBucket {
        int tokens = LIMIT.permits();
        Instant refilledAt;

        ModelBucket(Instant now) {
            refilledAt = now;
        }

        boolean hasPermit(Instant now) {
            long interval = LIMIT.interval().toNanos();
            if (tokens < LIMIT.permits()) {
                long earned = Duration.between(refilledAt, now).toNanos() / interval;
                tokens = (int) Math.min(LIMIT.permits(), tokens + earned);
                refilledAt = refilledAt.plusNanos(earned * interval);
            }
            return tokens > 0;
        }

        void take(Instant now) {
            if (tokens == LIMIT.permits()) {
                refilledAt = now;
            }
            tokens--;
        }
    }

    private void run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        VirtualTaskClock clock = new VirtualTaskClock();
        InMemoryTaskQueue queue = new InMemoryTaskQueue(
                TaskQueueOptions.builder()
                        .agingInterval(AGING)
                        .retryPolicy(RetryPolicy.builder()
                                .fixed(RETRY)
                                .jitter(0)
                                .maxAttempts(1_000)
                                .build())
                        .keyConcurrency(KEY_CONCURRENCY)
                        .rateLimit("limited", LIMIT)
                        .build(),
                clock,
                () -> 0.5);
        Map<String, ModelTask> model = new HashMap<>();
        Map<String, Integer> heldKeys = new HashMap<>();
        ModelBucket bucket = new ModelBucket(clock.now());
        long[] sequence = {0};
        List<Lease> held = new ArrayList<>();
        try {
            for (int step = 0; step < 400; step++) {
                Instant now = clock.now();
                for (int n = random.nextInt(4); n > 0; n--) {
                    boolean keyed = random.nextInt(3) == 0;
                    TaskPriority priority = TaskPriority.values()[random.nextInt(TaskPriority.values().length)];
                    String key = keyed ? "k" + random.nextInt(2) : null;
                    String type = random.nextInt(4) == 0 ? "limited" : "plain";
                    Duration delay = random.nextInt(4) == 0 ? Duration.ofMillis(random.nextInt(5_000)) : Duration.ZERO;
                    TaskHandle h = queue.submit(TaskRequest.builder(type, step)
                            .priority(priority)
                            .key(key)
                            .notBefore(delay.isZero() ? null : now.plus(delay))
                            .build());
                    ModelTask t = new ModelTask(h.id(), priority, key, type);
                    t.readyAt = now.plus(delay);
                    t.sequence = sequence[0]++;
                    model.put(t.id, t);
                }

                int want = 1 + random.nextInt(3);
                List<Lease> got = queue.lease("w", want, Duration.ofHours(1));
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < want; i++) {
                    ModelTask next = pick(model, heldKeys, bucket, now);
                    if (next == null) {
                        break;
                    }
                    next.leased = true;
                    if (next.key != null) {
                        heldKeys.merge(next.key, 1, Integer::sum);
                    }
                    if (next.type.equals("limited")) {
                        bucket.take(now);
                    }
                    expected.add(next.id);
                }
                List<String> gotIds = got.stream().map(l -> l.task().id()).toList();
                String context = "seed " + seed + " step " + step + " at " + now + ", keys held " + heldKeys;
                assertThat(gotIds)
                        .as(() -> context + ":\n" + describe(model, gotIds, expected, now))
                        .containsExactlyElementsOf(expected);
                held.addAll(got);

                // end some leases: success removes the task, failure queues it again after the retry delay
                for (int n = random.nextInt(held.size() + 1); n > 0; n--) {
                    Lease lease = held.remove(random.nextInt(held.size()));
                    ModelTask t = model.get(lease.task().id());
                    if (t.key != null) {
                        heldKeys.merge(t.key, -1, Integer::sum);
                    }
                    if (random.nextInt(3) == 0) {
                        lease.fail(new IllegalStateException("again"));
                        t.leased = false;
                        t.readyAt = now.plus(RETRY);
                        t.sequence = sequence[0]++;
                    } else {
                        lease.complete(null);
                        model.remove(t.id);
                    }
                }
                clock.advance(Duration.ofMillis(random.nextInt(1_500)));
            }
        } finally {
            queue.close();
        }
    }

    /** The task the contract says comes next: best effective rank, then ready time, then submission sequence. */
    private static @Nullable ModelTask pick(
            Map<String, ModelTask> model, Map<String, Integer> heldKeys, ModelBucket bucket, Instant now) {
        boolean permit = bucket.hasPermit(now);
        return model.values().stream()
                .filter(t -> !t.leased && !t.readyAt.isAfter(now))
                .filter(t -> t.key == null || heldKeys.getOrDefault(t.key, 0) < KEY_CONCURRENCY)
                .filter(t -> !t.type.equals("limited") || permit)
                .min(Comparator.comparingLong((ModelTask t) -> rank(t, now))
                        .thenComparing(t -> t.readyAt)
                        .thenComparingLong(t -> t.sequence))
                .orElse(null);
    }

    private static String describe(Map<String, ModelTask> model, List<String> got, List<String> expected, Instant now) {
        StringBuilder b = new StringBuilder();
        java.util.Set<String> ids = new java.util.LinkedHashSet<>(got);
        ids.addAll(expected);
        for (String id : ids) {
            ModelTask t = model.get(id);
            b.append("  ")
                    .append(id)
                    .append(": leased #")
                    .append(got.indexOf(id))
                    .append(", expected #")
                    .append(expected.indexOf(id))
                    .append(", ")
                    .append(t.priority)
                    .append(" key=")
                    .append(t.key)
                    .append(" type=")
                    .append(t.type)
                    .append(" ready=")
                    .append(t.readyAt)
                    .append(" seq=")
                    .append(t.sequence)
                    .append(" rank=")
                    .append(rank(t, now))
                    .append('\n');
        }
        return b.toString();
    }

    private static long rank(ModelTask t, Instant now) {
        long waited = Duration.between(t.readyAt, now).toNanos();
        return Math.max(0, t.priority.rank() - waited / AGING.toNanos());
    }
}
