/**
 * Linear adapter: {@link dev.scaleplane.adapters.linear.LinearProvider}, Linear issues as an {@code
 * IssueTrackerAdapter}, system {@code linear}, over Linear's GraphQL API.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Linear instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code linear}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the API root; requests go to {@code <base-url>/graphql}</td>
 *       <td>{@code https://api.linear.app}</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code linear-api-key} (a personal API key, sent as the whole {@code
 *       Authorization} value, without {@code Bearer}) or {@code bearer} (an OAuth 2.0 access token, sent as {@code
 *       Authorization: Bearer <token>})</td><td>{@code linear-api-key}</td></tr>
 *   <tr><td>{@code auth.token}</td><td>the API key or access token (secret); required</td><td>-</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code first} of listings, 1-250</td><td>50</td></tr>
 *   <tr><td>{@code create-missing-labels}</td><td>create labels a new issue names that neither its team nor the
 *       workspace has, as labels of the team; {@code false} refuses the issue naming them</td><td>true</td></tr>
 *   <tr><td>{@code cache-ttl}</td><td>how long team, workflow-state, label and issue-id lookups are reused (at most
 *       64 teams, 1024 labels, 4096 issues per instance); {@code 0s} looks up every time</td><td>10m</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * <h2>Identifiers</h2>
 *
 * Project = a team key, e.g. {@code ENG}; issue id = the identifier, e.g. {@code ENG-123} (Linear's UUIDs stay
 * inside the adapter). One instance serves every team its credential can see.
 */
@NullMarked
package dev.scaleplane.adapters.linear;

import org.jspecify.annotations.NullMarked;
