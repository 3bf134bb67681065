package dev.scaleplane.core.internal.store;

/**
 * When the file log forces written records to the disk, which is when an append is acknowledged
 * ({@code scaleplane.store.file.fsync}).
 */
public enum FsyncPolicy {
    /** One write and one {@code force} per append, acknowledged after its own force. Survives power loss. */
    ALWAYS,
    /**
     * The default: a single writer thread takes every append waiting at that moment, writes them with one write and
     * one {@code force}, then acknowledges all of them. As durable as {@link #ALWAYS}; concurrent appenders share the
     * cost of a force, so throughput grows with the number of writers.
     */
    GROUP_COMMIT,
    /**
     * Batched like {@link #GROUP_COMMIT}, acknowledged after the write reached the operating system, never forced.
     * Survives a crash of the process (the kernel still holds the data), not of the machine.
     */
    NONE
}
