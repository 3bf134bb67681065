package dev.scaleplane.core.bus;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Helpers for building {@link dev.scaleplane.api.events.DeadLetter} records the same way in every backend. */
public final class DeadLetterRecords {
    /** Stack traces kept in dead letters are cut to this many characters. */
    public static final int MAX_STACK_TRACE = 16 * 1024;

    private DeadLetterRecords() {}

    /** The stack trace of {@code failure} as text, cut to {@value #MAX_STACK_TRACE} characters. */
    public static String stackTrace(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_STACK_TRACE ? text : text.substring(0, MAX_STACK_TRACE) + "\n\t... (truncated)";
    }

    /** The message of {@code failure}, or its class name when it has none. */
    public static String message(Throwable failure) {
        String message = failure.getMessage();
        return message != null ? message : failure.getClass().getName();
    }
}
