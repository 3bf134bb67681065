/**
 * Inbound webhooks to the event bus: {@link dev.scaleplane.adapters.webhooks.WebhookReceiver} verifies each delivery
 * as its {@link dev.scaleplane.adapters.webhooks.Sender} signs it, de-duplicates it by delivery id, and publishes it
 * as a CloudEvent (and a CI run that ended as {@code CiRunCompleted}); {@link
 * dev.scaleplane.adapters.webhooks.WebhookServer} serves the receiver on the JDK's HTTP server.
 *
 * <h2>Settings</h2>
 *
 * Read by {@link dev.scaleplane.adapters.webhooks.WebhookSettings#read}; every problem is reported at once in one
 * {@code ConfigurationException}, unknown keys under {@code scaleplane.webhooks.} included, secret values redacted.
 *
 * <table>
 *   <caption>Keys under {@code scaleplane.webhooks.}</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code endpoints.<name>.sender}</td><td>{@code github}, {@code gitlab}, {@code jenkins} or {@code
 *       jira}</td><td>required</td></tr>
 *   <tr><td>{@code endpoints.<name>.secret}</td><td>the webhook secret (GitHub, Jira), secret token (GitLab) or
 *       shared token (Jenkins); never logged or shown</td><td>required</td></tr>
 *   <tr><td>{@code endpoints.<name>.path}</td><td>the request path</td><td>{@code /webhooks/<name>}</td></tr>
 *   <tr><td>{@code endpoints.<name>.topic}</td><td>the topic of the endpoint's webhook events</td><td>{@value
 *       dev.scaleplane.adapters.webhooks.WebhookSettings#DEFAULT_TOPIC}</td></tr>
 *   <tr><td>{@code endpoints.<name>.ci-instance}</td><td>github, gitlab and jenkins endpoints: the CI adapter
 *       instance whose {@code CiRunCompleted} events ended runs become, published on that instance's {@code
 *       scaleplane.adapters.<instance>.completions.topic} (default {@code scaleplane.ci.runs}), the topic polling
 *       uses</td><td>none: no {@code CiRunCompleted}</td></tr>
 *   <tr><td>{@code endpoints.<name>.max-body-bytes}</td><td>the largest body accepted, 1 KiB to 100 MiB</td>
 *       <td>{@code max-body-bytes}</td></tr>
 *   <tr><td>{@code max-body-bytes}</td><td>the default of every endpoint</td><td>1048576 (1 MiB)</td></tr>
 *   <tr><td>{@code publish-timeout}</td><td>how long a delivery waits for the bus before it is answered 503</td>
 *       <td>5s</td></tr>
 *   <tr><td>{@code dedup.window}</td><td>how long an accepted delivery id is remembered</td><td>24h</td></tr>
 *   <tr><td>{@code dedup.max-entries}</td><td>the most delivery ids remembered</td><td>100000</td></tr>
 *   <tr><td>{@code server.bind-address}</td><td>{@link dev.scaleplane.adapters.webhooks.WebhookServer}'s
 *       address</td><td>{@code 127.0.0.1}</td></tr>
 *   <tr><td>{@code server.port}</td><td>its port, 0 for any free one</td><td>8090</td></tr>
 *   <tr><td>{@code server.threads}</td><td>its handler threads</td><td>4</td></tr>
 *   <tr><td>{@code server.drain-timeout}</td><td>how long closing it lets deliveries finish</td><td>5s</td></tr>
 * </table>
 *
 * <h2>Answers</h2>
 *
 * 202 accepted (published); 200 a delivery id accepted before (nothing published); 400 a body too large or not a
 * JSON object; 401 a missing or wrong signature or token (nothing published); 404 no endpoint at the path; 405 not
 * {@code POST}; 503 with {@code Retry-After} when the bus refused or did not answer in time (the delivery id is not
 * remembered, so a retry goes through); 500 an unexpected failure.
 */
@NullMarked
package dev.scaleplane.adapters.webhooks;

import org.jspecify.annotations.NullMarked;
