/**
 * GitHub adapters: {@link dev.scaleplane.adapters.github.GitHubActionsProvider} (GitHub Actions as a {@code
 * CiAdapter}) and {@link dev.scaleplane.adapters.github.GitHubIssuesProvider} (GitHub Issues as an {@code
 * IssueTrackerAdapter}), both system {@code github}, for github.com and GitHub Enterprise Server. One configured
 * instance ({@code scaleplane.adapters.<name>.type=github}) is reachable as both.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a GitHub instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code github}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the REST API: {@code https://api.github.com}, or
 *       {@code https://<host>/api/v3} for GitHub Enterprise Server</td><td>{@code https://api.github.com}</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code bearer} (a fine-grained or classic token), {@code github-app} or
 *       {@code none}</td><td>{@code github-app} if {@code auth.app-id} is set, else {@code bearer} if
 *       {@code auth.token} is set, else {@code none}</td></tr>
 *   <tr><td>{@code auth.token}</td><td>the token (secret)</td><td>-</td></tr>
 *   <tr><td>{@code auth.app-id}, {@code auth.installation-id}</td><td>the GitHub App and its installation</td>
 *       <td>-</td></tr>
 *   <tr><td>{@code auth.private-key-file} or {@code auth.private-key}</td><td>the App's PEM key, as a file path or
 *       as the value itself ({@code \n} escapes allowed); exactly one</td><td>-</td></tr>
 *   <tr><td>{@code api-version}</td><td>{@code X-GitHub-Api-Version}</td><td>{@code 2022-11-28}</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code per_page} of listings, 1-100</td><td>100</td></tr>
 *   <tr><td>{@code actions.poll-interval}, {@code actions.max-poll-interval}</td><td>first and longest delay
 *       between polls of {@code awaitCompletion}</td><td>5s, 60s</td></tr>
 *   <tr><td>{@code actions.return-run-details}</td><td>ask the dispatch for its run (GitHub since February 2026);
 *       {@code false} skips the first, refused attempt on GHES 3.20 and older</td><td>true</td></tr>
 *   <tr><td>{@code actions.run-lookup-timeout}</td><td>how long a dispatch answered without a run id looks for its
 *       run</td><td>60s</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * <h2>Identifiers</h2>
 *
 * Every id carries its repository, so one instance serves every repository its credential can see and {@code status}
 * needs no settings: pipeline {@code owner/repo/<workflow file or id>} (e.g. {@code acme/app/ci.yml}), run id {@code
 * owner/repo/<run id>}, project {@code owner/repo}, issue id {@code owner/repo#<number>}.
 */
@NullMarked
package dev.scaleplane.adapters.github;

import org.jspecify.annotations.NullMarked;
