package dev.scaleplane.api.adapters;

import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import java.util.Set;

/**
 * The platform's adapter instances by name, as configured under {@code scaleplane.adapters.<name>.*} with
 * {@code scaleplane.adapters.<name>.type} naming the system (e.g. {@code github}, {@code jenkins}). One instance of a
 * system that does several kinds (GitHub: Actions and Issues) is reachable as each. Instances are created on first
 * use and closed with the platform.
 *
 * <p>Thread-safe.
 */
public interface Adapters {

    /**
     * The CI adapter {@code name}.
     *
     * @throws java.util.NoSuchElementException naming the CI instances configured and how to add one
     */
    CiAdapter ci(String name);

    /**
     * The issue-tracker adapter {@code name}.
     *
     * @throws java.util.NoSuchElementException naming the issue-tracker instances configured and how to add one
     */
    IssueTrackerAdapter issues(String name);

    /** Names of the configured CI instances. */
    Set<String> ciNames();

    /** Names of the configured issue-tracker instances. */
    Set<String> issueTrackerNames();
}
