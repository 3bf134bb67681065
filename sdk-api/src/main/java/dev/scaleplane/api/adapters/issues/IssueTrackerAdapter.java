package dev.scaleplane.api.adapters.issues;

import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One issue tracker instance (a GitHub organisation, a Jira site, a Linear workspace).
 *
 * <p>Thread-safe. Calls go through the adapter plumbing (authentication, the credential's rate-limit governor, safe
 * retries, a circuit breaker); failures are {@link dev.scaleplane.api.adapters.AdapterException}s carrying the
 * system, the request and the server's message, never a credential.
 */
public interface IssueTrackerAdapter extends AutoCloseable {

    /** The instance name, as configured ({@code scaleplane.adapters.<name>.*}). */
    String name();

    /** The system, e.g. {@code github}, {@code jira}, {@code linear}. */
    String system();

    /** Opens an issue. */
    Issue create(NewIssue issue);

    /**
     * Changes an issue's title and body (null leaves a field as it is).
     *
     * @throws dev.scaleplane.api.adapters.AdapterException if it does not exist or the tracker refuses
     */
    Issue update(String id, @Nullable String title, @Nullable String markdownBody);

    /** Adds a Markdown comment; returns the comment's id. */
    String comment(String id, String markdown);

    /** Closes the issue (GitHub close, Linear's completed state, Jira's first transition into the done category). */
    Issue close(String id);

    /**
     * Moves the issue through the workflow transition named {@code transition} (Jira transitions by name; GitHub
     * knows {@code close} and {@code reopen}; Linear moves to the workflow state of that name).
     *
     * @throws dev.scaleplane.api.adapters.AdapterException naming the transitions that exist when none is called so
     */
    Issue transition(String id, String transition);

    /** The issue {@code id}, or empty if it does not exist. */
    Optional<Issue> find(String id);

    /** Issues matching {@code query}, fetched lazily page by page as the stream is consumed. */
    Stream<Issue> search(IssueQuery query);

    /**
     * Opens {@code issue} unless an open issue already carries {@code externalKey}; then comments on that one
     * instead with {@code comment}. The key is stored where the tracker can search it (a label or a hidden marker in
     * the body), so a repeating failure keeps one issue.
     *
     * @return the issue opened or commented on
     */
    Issue upsert(String externalKey, NewIssue issue, String comment);

    /** Releases the instance's connections. The platform calls it when it closes. Default: nothing to release. */
    @Override
    default void close() {}
}
