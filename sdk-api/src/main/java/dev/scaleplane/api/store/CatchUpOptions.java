package dev.scaleplane.api.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options of a catch-up subscription.
 *
 * <p>With a {@linkplain Builder#subscriberId subscriber id} the store keeps the subscription's checkpoint, so a
 * subscription restarted with the same id resumes after the last position it stored; the start position then only
 * applies the first time. Checkpoints are stored every {@linkplain Builder#checkpointEvery(int) n events}, at most
 * every {@linkplain Builder#checkpointInterval(Duration) interval}, and on close; after a crash, events after the
 * last stored checkpoint are delivered again (at-least-once).
 *
 * <p>Immutable and thread-safe.
 */
public final class CatchUpOptions {
    private final @Nullable String subscriberId;
    private final long fromPosition;
    private final int checkpointEvery;
    private final Duration checkpointInterval;
    private final int batchSize;

    private CatchUpOptions(Builder b) {
        subscriberId = b.subscriberId;
        fromPosition = b.fromPosition;
        checkpointEvery = b.checkpointEvery;
        checkpointInterval = b.checkpointInterval;
        batchSize = b.batchSize;
    }

    /** Options for an anonymous subscription from the beginning. */
    public static CatchUpOptions fromStart() {
        return builder().build();
    }

    /** A builder: from position 0, no subscriber id, checkpoints every 100 events or 1 s, batches of 500. */
    public static Builder builder() {
        return new Builder();
    }

    /** The subscriber id whose checkpoint the store keeps, if any. */
    public Optional<String> subscriberId() {
        return Optional.ofNullable(subscriberId);
    }

    /** Where a subscription without a stored checkpoint starts (inclusive). */
    public long fromPosition() {
        return fromPosition;
    }

    /** Store a checkpoint after this many events. */
    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** Store a checkpoint at least this often while events flow. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Events read per page while catching up. */
    public int batchSize() {
        return batchSize;
    }

    /** Builds {@link CatchUpOptions}. Not thread-safe. */
    public static final class Builder {
        private @Nullable String subscriberId;
        private long fromPosition;
        private int checkpointEvery = 100;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private int batchSize = 500;

        private Builder() {}

        /** Names the subscriber so the store keeps its checkpoint (1-200 characters). */
        public Builder subscriberId(String subscriberId) {
            Objects.requireNonNull(subscriberId, "subscriberId");
            if (subscriberId.isEmpty() || subscriberId.length() > 200) {
                throw new IllegalArgumentException(
                        "subscriberId must be 1-200 characters, but was '" + subscriberId + "'");
            }
            this.subscriberId = subscriberId;
            return this;
        }

        /** Where to start when no checkpoint is stored (inclusive), {@code >= 0}. */
        public Builder fromPosition(long fromPosition) {
            if (fromPosition < 0) {
                throw new IllegalArgumentException("fromPosition must be >= 0, but was " + fromPosition);
            }
            this.fromPosition = fromPosition;
            return this;
        }

        /** Checkpoint after this many events, {@code >= 1}. */
        public Builder checkpointEvery(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("checkpointEvery must be >= 1, but was " + events);
            }
            this.checkpointEvery = events;
            return this;
        }

        /** Checkpoint at least this often while events flow, {@code > 0}. */
        public Builder checkpointInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be > 0, but was " + interval);
            }
            this.checkpointInterval = interval;
            return this;
        }

        /** Events read per page while catching up, 1 to 10,000. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new IllegalArgumentException("batchSize must be in [1, 10000], but was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Builds the options. */
        public CatchUpOptions build() {
            return new CatchUpOptions(this);
        }
    }
}
