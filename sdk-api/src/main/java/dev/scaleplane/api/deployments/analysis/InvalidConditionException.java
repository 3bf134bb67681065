package dev.scaleplane.api.deployments.analysis;

import dev.scaleplane.api.ScaleplaneException;
import java.util.Objects;

/**
 * A condition expression cannot be parsed ({@link Condition#parse}). Carries the expression, the position of the
 * problem and how to fix it; the message shows all three.
 */
public final class InvalidConditionException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String expression;
    private final int position;
    private final String fix;

    /**
     * Creates the exception.
     *
     * @param expression the expression as given
     * @param position the 0-based character index of the problem in {@code expression}
     * @param problem what is wrong there, e.g. "expected a number but found 'x'"
     * @param fix what to write instead
     */
    public InvalidConditionException(String expression, int position, String problem, String fix) {
        super("cannot parse condition \"" + expression + "\" at position " + position + ": " + problem + "; "
                + Objects.requireNonNull(fix, "fix"));
        this.expression = expression;
        this.position = position;
        this.fix = fix;
    }

    /** The expression as given. */
    public String expression() {
        return expression;
    }

    /** The 0-based character index of the problem in {@link #expression()}. */
    public int position() {
        return position;
    }

    /** What to write instead. */
    public String fix() {
        return fix;
    }
}
