/**
 * The Jenkins adapter: {@link dev.scaleplane.adapters.jenkins.JenkinsProvider}, Jenkins jobs in any folder as a
 * {@code CiAdapter}, system {@code jenkins}. Several controllers are several instances ({@code
 * scaleplane.adapters.<name>.type=jenkins}).
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}; any other key under that prefix is refused as a likely typo:
 *
 * <table>
 *   <caption>Keys of a Jenkins instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code jenkins}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the controller's root URL, with its context path if any, e.g.
 *       {@code https://ci.example.com/} or {@code https://example.com/jenkins}</td><td>required</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code jenkins} (a user and an API token, HTTP Basic, CSRF crumb only when
 *       Jenkins asks) or {@code none} (anonymous)</td><td>{@code jenkins} if {@code auth.username} or
 *       {@code auth.token} is set, else {@code none}</td></tr>
 *   <tr><td>{@code auth.username}</td><td>the Jenkins user</td><td>-</td></tr>
 *   <tr><td>{@code auth.token}</td><td>one of the user's API tokens (secret)</td><td>-</td></tr>
 *   <tr><td>{@code ref-parameter}</td><td>the job parameter that takes {@code CiTrigger.ref()} (e.g. {@code BRANCH},
 *       used in the job's SCM branch spec as {@code ${BRANCH}}) and from which runs report their ref; unset, a
 *       trigger with a non-empty ref is refused and runs report an empty ref</td><td>unset</td></tr>
 *   <tr><td>{@code page-size}</td><td>builds per {@code tree} range when listing runs, 1-1000</td><td>100</td></tr>
 *   <tr><td>{@code poll-interval}, {@code max-poll-interval}</td><td>first and longest delay between polls of
 *       {@code awaitCompletion}</td><td>5s, 60s</td></tr>
 *   <tr><td>{@code build-lookup-timeout}</td><td>how long {@code trigger} waits for its queue item to become a
 *       build, 0 to 30m; 0 returns the queue item at once</td><td>0s</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * <h2>Identifiers</h2>
 *
 * Pipeline: the job's full name, {@code folder/sub/job} (URL {@code /job/folder/job/sub/job/job}), at any depth. Run
 * id: {@code <full name>#<build number>}, or {@code <full name>#queue-<queue item id>} while a trigger waits in the
 * queue; every call accepts both and resolves the second to the first once Jenkins has started the build.
 */
@NullMarked
package dev.scaleplane.adapters.jenkins;

import org.jspecify.annotations.NullMarked;
