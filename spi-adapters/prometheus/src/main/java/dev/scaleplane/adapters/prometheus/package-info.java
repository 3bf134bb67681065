/**
 * The Prometheus adapter: {@link dev.scaleplane.adapters.prometheus.PrometheusProvider}, a Prometheus server and its
 * Pushgateway as an {@code ObservabilityAdapter}, system {@code prometheus}.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Prometheus instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code prometheus}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>the Prometheus server's root, e.g. {@code http://prometheus:9090}, or its path
 *       behind a proxy, e.g. {@code https://proxy.example.com/prometheus}; the API is {@code <base-url>/api/v1}</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code pushgateway-url}</td><td>the Pushgateway's root, e.g. {@code http://pushgateway:9091}; without it
 *       the instance only queries</td><td>none</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code none}, {@code bearer} ({@code auth.token} as {@code Authorization:
 *       Bearer}) or {@code basic} ({@code auth.username} and {@code auth.token}, the password), for the Prometheus
 *       server (Prometheus' own web config, or a proxy in front of it)</td>
 *       <td>{@code basic} with a user and a token, {@code bearer} with a token, else {@code none}</td></tr>
 *   <tr><td>{@code auth.username}, {@code auth.token}</td><td>the user, and the token or password (secret)</td>
 *       <td>-</td></tr>
 *   <tr><td>{@code pushgateway.auth.type}, {@code pushgateway.auth.username}, {@code pushgateway.auth.token}</td>
 *       <td>the same for the Pushgateway, when it takes another credential</td>
 *       <td>the Prometheus server's {@code auth.*} (both behind one proxy)</td></tr>
 *   <tr><td>{@code job}</td><td>the {@code job} label of the grouping key of every push and marker</td>
 *       <td>{@code scaleplane}</td></tr>
 *   <tr><td>{@code grouping.<label>}</td><td>further grouping labels of pushes, e.g. {@code grouping.region=eu};
 *       {@code grouping.instance} empty groups pushes by job (and the other labels) alone</td>
 *       <td>{@code grouping.instance} = the host name ({@code HOSTNAME}, else the local host's name)</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings}), for both servers</td><td>10s, 30s, 3</td></tr>
 * </table>
 */
@NullMarked
package dev.scaleplane.adapters.prometheus;

import org.jspecify.annotations.NullMarked;
