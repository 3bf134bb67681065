/**
 * The GitLab CI adapter: {@link dev.scaleplane.adapters.gitlab.GitLabCiProvider}, GitLab CI/CD pipelines as a {@code
 * CiAdapter}, system {@code gitlab}, for gitlab.com and self-managed GitLab (REST API v4).
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a GitLab instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code gitlab}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the instance's root, e.g. {@code https://gitlab.example.com} (a URL ending in
 *       {@code /api/v4} is accepted too); the API is {@code <base-url>/api/v4}</td>
 *       <td>{@code https://gitlab.com}</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code private-token} (a personal, project or group access token, sent as
 *       {@code PRIVATE-TOKEN}), {@code bearer} (an OAuth 2.0 access token, sent as {@code Authorization: Bearer}) or
 *       {@code none}</td><td>{@code private-token} if {@code auth.token} is set, else {@code none}</td></tr>
 *   <tr><td>{@code auth.token}</td><td>the token (secret); needs scope {@code api} to create and cancel
 *       pipelines</td><td>-</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code per_page} of listings, 1-100</td><td>100</td></tr>
 *   <tr><td>{@code pipelines.poll-interval}, {@code pipelines.max-poll-interval}</td><td>first and longest delay
 *       between polls of {@code awaitCompletion}</td><td>5s, 60s</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * <h2>Identifiers</h2>
 *
 * Every id carries its project, so one instance serves every project its token can see: pipeline (what to trigger or
 * list) = the project's full path {@code group/sub/project} or its numeric id, kept as given; run id = {@code
 * <project>/<pipeline id>}, e.g. {@code acme/platform/app/1207} (the last segment is GitLab's numeric pipeline id).
 */
@NullMarked
package dev.scaleplane.adapters.gitlab;

import org.jspecify.annotations.NullMarked;
