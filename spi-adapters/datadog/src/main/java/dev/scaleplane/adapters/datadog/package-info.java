/**
 * The Datadog adapter: {@link dev.scaleplane.adapters.datadog.DatadogProvider}, metrics, queries, events and deployment
 * markers of a Datadog organisation as an {@code ObservabilityAdapter}, system {@code datadog}.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Datadog instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code datadog}</td><td>required</td></tr>
 *   <tr><td>{@code site}</td><td>the organisation's site: {@code datadoghq.com} (US1), {@code us3.datadoghq.com},
 *       {@code us5.datadoghq.com}, {@code datadoghq.eu} (EU1), {@code ap1.datadoghq.com}, {@code ap2.datadoghq.com},
 *       {@code uk1.datadoghq.com}, {@code ddog-gov.com} (US1-FED), {@code us2.ddog-gov.com}; also as the web app's
 *       domain ({@code app.datadoghq.eu}) or the short name ({@code EU1}). The API is {@code https://api.<site>}</td>
 *       <td>{@code datadoghq.com}</td></tr>
 *   <tr><td>{@code base-url}</td><td>the API's URL, overriding the site's (a proxy, a test server)</td>
 *       <td>{@code https://api.<site>}</td></tr>
 *   <tr><td>{@code auth.api-key}</td><td>the organisation's API key, {@code DD-API-KEY} (secret)</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code auth.application-key}</td><td>an application key with {@code timeseries_query} and {@code
 *       events_read}, {@code DD-APPLICATION-KEY} (secret)</td><td>required</td></tr>
 *   <tr><td>{@code query.instant-lookback}</td><td>the window an instant query reads the last point from</td>
 *       <td>5m</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 */
@NullMarked
package dev.scaleplane.adapters.datadog;

import org.jspecify.annotations.NullMarked;
