package dev.scaleplane.adapters.jira;

import dev.scaleplane.adapters.jira.internal.JiraInstance;
import dev.scaleplane.adapters.jira.internal.JiraSettings;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Jira Cloud issues over REST API v3, system {@code jira}. Settings and identifiers: see {@link
 * dev.scaleplane.adapters.jira}. Every path is relative to {@code base-url}; bodies are Markdown converted to Atlassian
 * Document Format (ADF). References: developer.atlassian.com, "The Jira Cloud platform REST API" (groups Issues, Issue
 * comments, Issue search) and "Atlassian Document Format".
 *
 * <table>
 *   <caption>Calls and the requests they send</caption>
 *   <tr><th>call</th><th>requests</th></tr>
 *   <tr><td>{@code create}</td><td>{@code POST /rest/api/3/issue} with {@code fields}: {@code project.key},
 *       {@code summary}, {@code description} (ADF, left out when the body is blank), {@code issuetype.name}
 *       ({@code issue-type}), {@code labels}, {@code assignee.accountId}; then {@code GET /rest/api/3/issue/{key}}
 *       for the issue as created (Jira answers the create with its id and key only)</td></tr>
 *   <tr><td>{@code update}</td><td>{@code PUT /rest/api/3/issue/{key}} with {@code summary} and/or {@code
 *       description} (a blank body clears it), then {@code GET}</td></tr>
 *   <tr><td>{@code comment}</td><td>{@code POST /rest/api/3/issue/{key}/comment} with an ADF {@code body};
 *       returns the comment's id</td></tr>
 *   <tr><td>{@code transition}</td><td>{@code GET /rest/api/3/issue/{key}/transitions}, then {@code POST} there
 *       {@code {"transition": {"id": ...}}} for the available one of that name (exact, else ignoring case), then
 *       {@code GET}; another name fails with {@code AdapterRequestRefusedException} naming the transitions there
 *       are, and changes nothing</td></tr>
 *   <tr><td>{@code close}</td><td>{@code GET /rest/api/3/issue/{key}?expand=transitions}: an issue already in the
 *       done category is returned as it is; else the first available transition whose target status is in the
 *       {@code done} category is taken as above (none: refused, naming the transitions)</td></tr>
 *   <tr><td>{@code find}</td><td>{@code GET /rest/api/3/issue/{key}?fields=summary,status,labels,assignee,project};
 *       empty on 404</td></tr>
 *   <tr><td>{@code search}</td><td>{@code GET /rest/api/3/search/jql} (the enhanced search) with {@code jql}
 *       ({@code project = "OPS" AND statusCategory != "Done" AND labels = "x" AND text ~ "words" ORDER BY created
 *       DESC}, every value quoted and escaped), {@code fields} and {@code maxResults} ({@code page-size}), following
 *       {@code nextPageToken} lazily until {@code isLast}</td></tr>
 *   <tr><td>{@code upsert}</td><td>{@code POST /rest/api/3/search/jql} for the oldest open issue with the label
 *       {@code scaleplane-key:<key>}, naming the issue this process last opened for the key in {@code
 *       reconcileIssues} (Jira's search index lags writes; reconciling makes that issue visible at once); then
 *       {@code comment} on it, or {@code create} with the label added. Upserts of one key are serialized within the
 *       process</td></tr>
 * </table>
 *
 * <p><b>States.</b> An issue whose status is in the {@code done} status category is {@code CLOSED}, any other
 * {@code OPEN}; {@link dev.scaleplane.api.adapters.issues.Issue#status()} is the status's own name ({@code To Do},
 * {@code In Review}, ...), the assignee an Atlassian account id, the URL {@code <browse-url>/browse/<key>}.
 *
 * <p><b>Rate limits and failures</b> go through the plumbing: a 429 with {@code Retry-After} blocks the credential's
 * budget for that long and the call is sent again; a 5xx is retried on GET only (a POST or PUT that reached Jira may
 * have acted); 401, 403, 404 and 400 (Jira's {@code {"errorMessages": [...], "errors": {...}}} in the message) fail at
 * once with their typed exceptions.
 */
public final class JiraProvider implements IssueTrackerAdapterProvider {

    /** Creates the provider; stateless. */
    public JiraProvider() {}

    /** {@code jira}. */
    @Override
    public String name() {
        return "jira";
    }

    /** Labels, assignees (by account id) and workflow transitions by name. */
    @Override
    public Set<IssueTrackerCapability> capabilities() {
        return EnumSet.of(
                IssueTrackerCapability.LABELS,
                IssueTrackerCapability.ASSIGNEE,
                IssueTrackerCapability.WORKFLOW_TRANSITIONS);
    }

    /**
     * Checks instance {@code instance}'s settings without connecting.
     *
     * @throws dev.scaleplane.api.ConfigurationException naming every bad or missing key, secrets redacted
     */
    @Override
    public void validate(String instance, ConfigProperties config) {
        JiraSettings.read(instance, config);
    }

    /**
     * The adapter of instance {@code instance}; thread-safe, one per instance.
     *
     * @throws dev.scaleplane.api.ConfigurationException if its settings are invalid
     */
    @Override
    public IssueTrackerAdapter create(String instance, ProviderContext context) {
        return JiraInstance.issues(instance, context);
    }
}
