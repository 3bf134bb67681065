package dev.scaleplane.tck;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The issue tracker behind an adapter under {@link IssueTrackerCompatibilityKit}, as the kit reads and acts on it: a
 * local simulation that answers with the vendor's documented requests and responses, never the real SaaS.
 *
 * <p>Issue ids are the adapter's ({@link dev.scaleplane.api.adapters.issues.Issue#id()}). Thread-safe.
 */
public interface IssueTrackerSimulation {

    /** Forgets every issue and fault; called before each test. */
    void reset();

    /** The issue's body as the tracker stores it (Markdown for GitHub and Linear, the ADF document for Jira). */
    String body(String issueId);

    /** The bodies of the issue's comments, oldest first, as the tracker stores them. */
    List<String> comments(String issueId);

    /** How many issues exist in {@code project}, open or closed. */
    int issueCount(String project);

    /**
     * Adds {@code count} open issues to {@code project}, each titled {@code "<word> <n>"}, carrying {@code label}, for
     * search tests.
     */
    void seedIssues(String project, int count, String label, String word);

    /**
     * Makes the tracker answer the next request with {@code status} and the vendor's error body for it (and {@code
     * Retry-After} when {@code retryAfter} is not null).
     */
    void failNext(int status, @Nullable Duration retryAfter);

    /** How many HTTP requests the adapter has made since the last {@link #reset()}. */
    int requestCount();

    /** The credential the adapter under test uses, so the kit can check that no message shows it. */
    String credential();
}
