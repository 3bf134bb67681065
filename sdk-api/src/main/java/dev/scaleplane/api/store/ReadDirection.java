package dev.scaleplane.api.store;

/** Which way a read goes. */
public enum ReadDirection {
    /** Ascending versions or positions, from the given one included. */
    FORWARD,
    /** Descending versions or positions, from the given one included. */
    BACKWARD
}
