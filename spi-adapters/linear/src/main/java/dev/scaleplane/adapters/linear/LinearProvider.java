package dev.scaleplane.adapters.linear;

import dev.scaleplane.adapters.linear.internal.LinearInstance;
import dev.scaleplane.adapters.linear.internal.LinearSettings;
import dev.scaleplane.api.adapters.issues.IssueTrackerAdapter;
import dev.scaleplane.api.adapters.issues.IssueTrackerCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.IssueTrackerAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Linear issues, system {@code linear}, over Linear's GraphQL API ({@code POST https://api.linear.app/graphql},
 * linear.app/developers/graphql). Settings and identifiers: see {@link dev.scaleplane.adapters.linear}.
 *
 * <table>
 *   <caption>Calls and the GraphQL operations they send</caption>
 *   <tr><th>call</th><th>operations, in order</th></tr>
 *   <tr><td>{@code create}</td><td>{@code teams(filter: {key: {eq}})} with the team's workflow states (cached);
 *       {@code issueLabels(filter:)} for label names not cached, then {@code issueLabelCreate} for names the team
 *       and the workspace lack (or a refusal naming them, with {@code create-missing-labels=false}); {@code
 *       issueCreate(input: {teamId, title, description, labelIds, assigneeId})}</td></tr>
 *   <tr><td>{@code update}</td><td>{@code issue(id: "ENG-123")} for the issue's id (cached), then {@code
 *       issueUpdate(id, input: {title, description})}</td></tr>
 *   <tr><td>{@code comment}</td><td>{@code commentCreate(input: {issueId: "ENG-123", body})}; returns the comment's
 *       id</td></tr>
 *   <tr><td>{@code close}</td><td>{@code issueUpdate(id, input: {stateId})} to the team's first workflow state of
 *       type {@code completed} (by position)</td></tr>
 *   <tr><td>{@code transition}</td><td>{@code issueUpdate(id, input: {stateId})} to the team's workflow state of
 *       that name (exact, else ignoring case); an unknown name is refused listing the team's states, after one fresh
 *       look at them</td></tr>
 *   <tr><td>{@code find}</td><td>{@code issue(id: "ENG-123")}; empty on Linear's {@code Entity not found}</td></tr>
 *   <tr><td>{@code search}</td><td>{@code issues(filter:, first: <page-size>, after:)}, paged lazily by {@code
 *       pageInfo { hasNextPage endCursor }}: team key, state type, every label, every word of the text in title or
 *       description</td></tr>
 *   <tr><td>{@code upsert}</td><td>{@code issues(filter:)} for an open issue of the team labelled {@code
 *       scaleplane-key:<key>}; {@code comment} on it, else {@code create} with that label (always created when
 *       missing: it is the adapter's own)</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Workflow state types and {@code IssueState}</caption>
 *   <tr><th>{@code WorkflowState.type}</th><th>state</th></tr>
 *   <tr><td>{@code triage}, {@code backlog}, {@code unstarted}, {@code started}</td><td>OPEN</td></tr>
 *   <tr><td>{@code completed}, {@code canceled}, {@code duplicate}</td><td>CLOSED</td></tr>
 * </table>
 *
 * {@code Issue.status()} is the workflow state's name ({@code Todo}, {@code In Progress}, {@code Done}, ...); {@code
 * Issue.assignee()} and {@code NewIssue.assignee()} are Linear user ids.
 *
 * <p>Queries are repeated after a 5xx or a broken connection, mutations never (Linear may have applied one). Errors in
 * Linear's answers ({@code errors[].extensions.type}) become the typed exceptions of {@code dev.scaleplane.api.adapters}
 * with Linear's message: authentication error and forbidden {@code AdapterAuthenticationException}; ratelimited
 * {@code AdapterRateLimitedException} (waiting until the exhausted budget's reset); {@code Entity not found} {@code
 * AdapterNotFoundException}; other invalid input and GraphQL validation errors {@code AdapterRequestRefusedException};
 * internal errors {@code AdapterUnavailableException}. The request and complexity budgets of the {@code
 * X-RateLimit-Requests-*} and {@code X-RateLimit-Complexity-*} headers pace every call through the credential's
 * rate-limit governor.
 */
public final class LinearProvider implements IssueTrackerAdapterProvider {

    /** Creates the provider; stateless. */
    public LinearProvider() {}

    @Override
    public String name() {
        return "linear";
    }

    /** Labels, assignees, and transitions to any workflow state by name. */
    @Override
    public Set<IssueTrackerCapability> capabilities() {
        return EnumSet.of(
                IssueTrackerCapability.LABELS,
                IssueTrackerCapability.ASSIGNEE,
                IssueTrackerCapability.WORKFLOW_TRANSITIONS);
    }

    /**
     * Checks {@code scaleplane.adapters.<instance>.*} without connecting.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting, secrets redacted
     */
    @Override
    public void validate(String instance, ConfigProperties config) {
        LinearSettings.read(instance, config);
    }

    /**
     * The adapter of {@code instance}: one HTTP client and one lookup cache, shared by every thread.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid setting
     */
    @Override
    public IssueTrackerAdapter create(String instance, ProviderContext context) {
        return LinearInstance.issues(instance, context);
    }
}
