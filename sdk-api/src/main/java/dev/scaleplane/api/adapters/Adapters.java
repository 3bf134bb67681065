package dev.scaleplane.api.adapters;

import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.observability.ObservabilityAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The platform's adapter instances by name, as configured under {@code scaleplane.adapters.<name>.*} with
 * {@code scaleplane.adapters.<name>.type} naming the system (e.g. {@code github}, {@code jenkins}, {@code
 * prometheus}, {@code vault}). One instance of a system that does several kinds (GitHub: Actions and Issues) is
 * reachable as each. Instances are created on first use and closed with the platform.
 *
 * <p>The observability and secrets methods have defaults (no instance of that kind) so that implementations written
 * before those kinds existed still compile; the platform's own implementation overrides all of them.
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

    /**
     * The observability adapter {@code name}. Default: there is none.
     *
     * @throws NoSuchElementException naming the observability instances configured and how to add one
     */
    default ObservabilityAdapter observability(String name) {
        throw new NoSuchElementException("no observability adapter instance named '" + name
                + "'; this Adapters implementation has no observability instances");
    }

    /**
     * The secrets adapter {@code name}. Default: there is none.
     *
     * @throws NoSuchElementException naming the secrets instances configured and how to add one
     */
    default SecretsAdapter secrets(String name) {
        throw new NoSuchElementException("no secrets adapter instance named '" + name
                + "'; this Adapters implementation has no secrets instances");
    }

    /** Names of the configured observability instances. Default: none. */
    default Set<String> observabilityNames() {
        return Set.of();
    }

    /** Names of the configured secrets instances. Default: none. */
    default Set<String> secretsNames() {
        return Set.of();
    }
}
