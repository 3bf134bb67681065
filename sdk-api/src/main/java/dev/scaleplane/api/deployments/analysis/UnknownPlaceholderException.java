package dev.scaleplane.api.deployments.analysis;

import dev.scaleplane.api.ScaleplaneException;
import java.util.Set;
import java.util.TreeSet;

/**
 * A metric source names a placeholder, such as {@code {{service}}}, that the analysis run's args do not hold. Thrown
 * when a run starts ({@link MetricSource#resolve}), before anything is measured.
 */
public final class UnknownPlaceholderException extends ScaleplaneException {
    private static final long serialVersionUID = 1L;

    private final String placeholder;
    private final String text;

    /**
     * Creates the exception.
     *
     * @param placeholder the name between the braces, e.g. {@code service}
     * @param text the query or value that holds it
     * @param known the names of the run's args
     */
    public UnknownPlaceholderException(String placeholder, String text, Set<String> known) {
        super("unknown placeholder {{" + placeholder + "}} in \"" + text + "\": the analysis run's args are "
                + new TreeSet<>(known) + "; pass an arg named '" + placeholder
                + "' when starting the run, or correct the placeholder");
        this.placeholder = placeholder;
        this.text = text;
    }

    /** The placeholder's name, without braces. */
    public String placeholder() {
        return placeholder;
    }

    /** The query or value that holds it. */
    public String text() {
        return text;
    }
}
