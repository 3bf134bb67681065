/**
 * Jira Cloud as an {@code IssueTrackerAdapter}: {@link dev.scaleplane.adapters.jira.JiraProvider}, system {@code
 * jira}, over REST API v3 and the shared adapter plumbing. Several sites are several instances.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Jira instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code jira}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the site, {@code https://<site>.atlassian.net}; for an OAuth 2.0 (3LO) token
 *       Atlassian's gateway {@code https://api.atlassian.com/ex/jira/<cloudId>}</td><td>required</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code jira-cloud} (Basic with the account's email and an API token) or
 *       {@code bearer} (an OAuth 2.0 access token)</td><td>{@code bearer} if only {@code auth.token} is set, else
 *       {@code jira-cloud}</td></tr>
 *   <tr><td>{@code auth.username}</td><td>the account's email ({@code jira-cloud})</td><td>-</td></tr>
 *   <tr><td>{@code auth.token}</td><td>the API token or access token (secret)</td><td>-</td></tr>
 *   <tr><td>{@code issue-type}</td><td>the issue type {@code create} opens, by name</td><td>{@code Task}</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code maxResults} of search pages, 1-100</td><td>50</td></tr>
 *   <tr><td>{@code browse-url}</td><td>the site people open issues on; required with the OAuth gateway</td>
 *       <td>{@code base-url}</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * <h2>Identifiers</h2>
 *
 * A project is its key ({@code OPS}); an issue id is the issue key ({@code OPS-123}); an assignee is an Atlassian
 * account id ({@code 5b10a2844c20165700ede21g}), which Jira Cloud requires instead of user names.
 */
@NullMarked
package dev.scaleplane.adapters.jira;

import org.jspecify.annotations.NullMarked;
