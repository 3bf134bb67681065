package dev.scaleplane.api.adapters;

import dev.scaleplane.api.ScaleplaneException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A call to an external system failed. The subtypes name the kind of failure; this type itself is thrown for
 * statuses that fit none of them (e.g. 405, 412).
 *
 * <p>The message and the accessors carry the server's facts ({@link #facts()}): system, instance, method, path,
 * status, request id and the server's message. They never carry a credential.
 */
public class AdapterException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final AdapterCallFacts facts;

    /**
     * Creates the exception.
     *
     * @param facts what is known about the failed call
     * @param hint what the user can do about it, appended to the message; may be empty
     * @param cause the underlying failure, if any
     */
    public AdapterException(AdapterCallFacts facts, String hint, @Nullable Throwable cause) {
        super(
                Objects.requireNonNull(facts, "facts").describe()
                        + (Objects.requireNonNull(hint, "hint").isEmpty() ? "" : " (" + hint + ")"),
                cause);
        this.facts = facts;
    }

    /** Everything known about the failed call. */
    public AdapterCallFacts facts() {
        return facts;
    }

    /** The kind of system, e.g. {@code github}. */
    public String system() {
        return facts.system();
    }

    /** The configured instance name. */
    public String instance() {
        return facts.instance();
    }

    /** The HTTP method. */
    public String method() {
        return facts.method();
    }

    /** The request path, without its query string. */
    public String path() {
        return facts.path();
    }

    /** The HTTP status, or 0 when no response was received. */
    public int status() {
        return facts.status();
    }

    /** The server's request id, or {@code null} if it sent none. */
    public @Nullable String requestId() {
        return facts.requestId();
    }

    /** The server's error message, or {@code null} if it sent none. */
    public @Nullable String serverMessage() {
        return facts.serverMessage();
    }
}
