/**
 * The Grafana adapter: {@link dev.scaleplane.adapters.grafana.GrafanaProvider}, Grafana annotations and deployment
 * markers as an {@code ObservabilityAdapter}, system {@code grafana}.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Grafana instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code grafana}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>Grafana's root URL, e.g. {@code https://grafana.example.com}, {@code
 *       https://acme.grafana.net} or {@code https://example.com/grafana} (a URL ending in {@code /api} is accepted
 *       too)</td><td>required</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code bearer} (a service-account token), {@code basic} (a Grafana user and
 *       password) or {@code none}</td><td>{@code bearer} if {@code auth.token} is set, else {@code none}</td></tr>
 *   <tr><td>{@code auth.token}</td><td>the service-account token, or the password of {@code basic} (secret)</td>
 *       <td>-</td></tr>
 *   <tr><td>{@code auth.username}</td><td>the user of {@code basic}</td><td>-</td></tr>
 *   <tr><td>{@code org-id}</td><td>the organisation, sent as {@code X-Grafana-Org-Id}</td><td>none sent: the
 *       credential's own organisation</td></tr>
 *   <tr><td>{@code deployment-markers.dashboard-uid}</td><td>the dashboard deployment markers go on</td><td>none:
 *       organisation-wide markers</td></tr>
 *   <tr><td>{@code deployment-markers.panel-id}</td><td>a panel of that dashboard</td><td>none: the whole
 *       dashboard</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 */
@NullMarked
package dev.scaleplane.adapters.grafana;

import org.jspecify.annotations.NullMarked;
