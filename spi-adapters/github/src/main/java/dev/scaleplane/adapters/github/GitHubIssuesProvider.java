package dev.scaleplane.adapters.github;

import dev.scaleplane.adapters.github.internal.GitHubInstance;
import dev.scaleplane.adapters.github.internal.GitHubSettings;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * GitHub Issues, system {@code github}. Settings and identifiers: see {@link dev.scaleplane.adapters.github}.
 *
 * <ul>
 *   <li>{@code create}: {@code POST /repos/{owner}/{repo}/issues} with {@code title}, {@code body}, {@code labels},
 *       {@code assignees}; {@code update}: {@code PATCH .../issues/{number}}; {@code comment}: {@code POST
 *       .../issues/{number}/comments}.
 *   <li>{@code close}: {@code PATCH} with {@code state: closed, state_reason: completed}. {@code transition} knows
 *       {@code close}, {@code close-not-planned} and {@code reopen}; another name fails naming these.
 *   <li>{@code find}: {@code GET .../issues/{number}}, empty on 404 or 410.
 *   <li>{@code search}: without text, the repository's issue list ({@code state}, {@code labels}; strongly consistent,
 *       core rate limit), pull requests left out; with text, {@code GET /search/issues?q=repo:o/r is:issue ...},
 *       whose own rate limit is 30 requests a minute and whose index lags writes. Newest first, {@code Link} pages.
 *   <li>{@code upsert}: the external key is a label {@code scaleplane-key:<key>} (hashed when longer than GitHub's 50
 *       characters), looked up in the open issues list (exact and immediate, unlike the search index), plus a hidden
 *       marker in the body for people. Upserts of one key are serialized within the process.
 * </ul>
 */
public final class GitHubIssuesProvider implements IssueTrackerAdapterProvider {

    /** Creates the provider; stateless. */
    public GitHubIssuesProvider() {}

    @Override
    public String name() {
        return "github";
    }

    /** Labels and assignees; no workflow transitions beyond close and reopen. */
    @Override
    public Set<IssueTrackerCapability> capabilities() {
        return EnumSet.of(IssueTrackerCapability.LABELS, IssueTrackerCapability.ASSIGNEE);
    }

    @Override
    public void validate(String instance, ConfigProperties config) {
        GitHubSettings.read(instance, config);
    }

    @Override
    public IssueTrackerAdapter create(String instance, ProviderContext context) {
        return GitHubInstance.issues(instance, context);
    }
}
