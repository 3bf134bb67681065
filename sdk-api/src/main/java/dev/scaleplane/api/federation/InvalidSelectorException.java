package dev.scaleplane.api.federation;

import dev.scaleplane.api.ScaleplaneException;

/** A label selector does not parse; the message quotes the selector, the position and what was expected there. */
public final class InvalidSelectorException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String selector;
    private final int position;

    /** Creates the exception. */
    public InvalidSelectorException(String selector, int position, String expected) {
        super("label selector '" + selector + "' does not parse at position " + position + ": expected " + expected
                + " (syntax: key=value, key!=value, key in (a,b), key notin (a,b), key, !key; comma-separated)");
        this.selector = selector;
        this.position = position;
    }

    /** The selector as given. */
    public String selector() {
        return selector;
    }

    /** Zero-based position of the problem. */
    public int position() {
        return position;
    }
}
