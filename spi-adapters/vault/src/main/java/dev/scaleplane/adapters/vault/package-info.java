/**
 * The Vault adapter: {@link dev.scaleplane.adapters.vault.VaultProvider}, HashiCorp Vault's KV secrets engine version 2
 * as a {@code SecretsAdapter}, system {@code vault}.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of a Vault instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code vault}</td><td>required</td></tr>
 *   <tr><td>{@code base-url}</td><td>Vault's address, e.g. {@code https://vault.example.com:8200} (an address ending
 *       in {@code /v1} is accepted too); the API is {@code <base-url>/v1}</td><td>required</td></tr>
 *   <tr><td>{@code namespace}</td><td>Vault Enterprise namespace, sent as {@code X-Vault-Namespace} on every request,
 *       logins included</td><td>none</td></tr>
 *   <tr><td>{@code kv.mount}</td><td>the KV v2 mount path, e.g. {@code secret} or {@code team/kv}</td>
 *       <td>{@code secret}</td></tr>
 *   <tr><td>{@code kv.cas-required}</td><td>send {@code options.cas} (the current version, read just before) on
 *       writes, as a mount or key with {@code cas_required} demands</td><td>false</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code token} or {@code kubernetes}</td><td>{@code token}</td></tr>
 *   <tr><td>{@code auth.token}</td><td>token auth: the Vault token (secret)</td><td>-</td></tr>
 *   <tr><td>{@code auth.renew}</td><td>token auth: look the token up and renew its lease at two thirds</td>
 *       <td>true</td></tr>
 *   <tr><td>{@code auth.kubernetes.role}</td><td>Kubernetes auth: the role to log in with</td><td>required</td></tr>
 *   <tr><td>{@code auth.kubernetes.mount}</td><td>Kubernetes auth: the auth method's mount path</td>
 *       <td>{@code kubernetes}</td></tr>
 *   <tr><td>{@code auth.kubernetes.jwt-file}</td><td>Kubernetes auth: the service-account token file, read at every
 *       login</td><td>{@code /var/run/secrets/kubernetes.io/serviceaccount/token}</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter
 *       ({@code AdapterSettings})</td><td>10s, 30s, 3</td></tr>
 * </table>
 */
@NullMarked
package dev.scaleplane.adapters.vault;

import org.jspecify.annotations.NullMarked;
