package dev.scaleplane.adapters.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits for something a remote system finishes (a CI run, a Jenkins queue item) by reading it again and again with
 * exponential backoff and jitter, the one home of "await until it ends" for every adapter.
 *
 * <p>The delays start at {@code pollInterval}, double up to {@code maxPollInterval}, and are jittered (half fixed, half
 * random) so that many callers do not poll in step. The reads themselves go through the adapter's client, whose
 * rate-limit governor spaces them further when the credential's budget runs low.
 *
 * <p>Thread-safe. Owns two daemon threads; {@link #close()} stops them and fails every pending wait.
 */
public final class RunPoller implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String description;
    private final Duration pollInterval;
    private final Duration maxPollInterval;
    private final DoubleSupplier random;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /**
     * Creates a poller.
     *
     * @param description who polls, for thread names and messages, e.g. {@code "GitHub Actions instance ci"}
     * @param pollInterval the first delay between reads
     * @param maxPollInterval the longest delay between reads, at least {@code pollInterval}
     * @param random the jitter source, values in [0, 1); tests pass a constant
     * @throws IllegalArgumentException if the intervals are not positive or out of order
     */
    public RunPoller(String description, Duration pollInterval, Duration maxPollInterval, DoubleSupplier random) {
        this.description = Objects.requireNonNull(description, "description");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.maxPollInterval = Objects.requireNonNull(maxPollInterval, "maxPollInterval");
        this.random = Objects.requireNonNull(random, "random");
        if (pollInterval.isNegative() || pollInterval.isZero() || maxPollInterval.compareTo(pollInterval) < 0) {
            throw new IllegalArgumentException("poll intervals must be positive with max >= first, but were "
                    + pollInterval + " and " + maxPollInterval);
        }
        String threadPrefix = "scaleplane-poll-" + description.replaceAll("[^A-Za-z0-9_.-]+", "-") + "-";
        scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, threadPrefix + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Reads with {@code read} until {@code done} accepts a value, and completes with that value. The future completes
     * exceptionally with the first exception {@code read} throws, with a {@link TimeoutException} naming {@code what}
     * after {@code timeout}, or with an {@link IllegalStateException} if the poller is closed. Cancelling the future
     * stops the polling. The first read happens at once.
     *
     * @param what what is awaited, for the timeout message, e.g. {@code "run acme/app/42"}
     */
    public <T> CompletableFuture<T> await(String what, Supplier<T> read, Predicate<? super T> done, Duration timeout) {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(done, "done");
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<T> future = new CompletableFuture<>();
        pending.add(future);
        future.whenComplete((r, e) -> pending.remove(future));
        if (scheduler.isShutdown()) {
            future.completeExceptionally(closed(null));
            return future;
        }
        try {
            ScheduledFuture<?> timer = scheduler.schedule(
                    () -> future.completeExceptionally(
                            new TimeoutException(what + " (" + description + ") did not end within " + timeout)),
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            future.whenComplete((r, e) -> timer.cancel(false));
            scheduler.execute(() -> poll(read, done, future, 0));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(closed(e));
        }
        return future;
    }

    private <T> void poll(Supplier<T> read, Predicate<? super T> done, CompletableFuture<T> future, int attempt) {
        if (future.isDone()) {
            return;
        }
        try {
            T value = read.get();
            if (done.test(value)) {
                future.complete(value);
                return;
            }
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return;
        }
        if (future.isDone()) {
            return;
        }
        try {
            scheduler.schedule(
                    () -> poll(read, done, future, attempt + 1),
                    backoff(attempt).toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(closed(e));
        }
    }

    /**
     * The delay after read number {@code attempt} (0-based): {@code min(max, first * 2^attempt)}, half of it fixed and
     * half random.
     */
    public Duration backoff(int attempt) {
        long base = pollInterval.toNanos();
        long max = maxPollInterval.toNanos();
        long exp = attempt >= 30 ? max : Math.min(max, base << Math.min(attempt, 30));
        if (exp < 0) {
            exp = max;
        }
        return Duration.ofNanos(exp / 2 + (long) (random.getAsDouble() * (exp / 2)));
    }

    private IllegalStateException closed(@Nullable RejectedExecutionException e) {
        return new IllegalStateException(description + " is closed", e);
    }

    /** Stops polling; every pending wait fails at once with an {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        for (CompletableFuture<?> future : pending) {
            future.completeExceptionally(closed(null));
        }
    }

    @Override
    public String toString() {
        return "RunPoller[" + description + ", " + pollInterval + ".." + maxPollInterval + "]";
    }
}
