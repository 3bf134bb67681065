package dev.scaleplane.api.events;

/** Where a new subscription group starts reading a topic. */
public enum StartPosition {
    /** Only events published after the group was created. Every backend supports it. */
    LATEST,
    /**
     * Every event the backend still retains. Needs {@link dev.scaleplane.api.spi.Capabilities.Capability#REPLAY}.
     */
    EARLIEST
}
