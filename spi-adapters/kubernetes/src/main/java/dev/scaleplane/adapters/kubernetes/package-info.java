/**
 * Kubernetes Secrets as a secrets adapter ({@link dev.scaleplane.adapters.kubernetes.KubernetesSecretsProvider},
 * system {@code kubernetes}), and residency-aware propagation of secrets from any secrets adapter into the clusters
 * of a fleet ({@link dev.scaleplane.adapters.kubernetes.SecretPropagator}).
 *
 * <h2>Settings of a Kubernetes Secrets instance</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}; the cluster is reached as a federation {@code ClusterCredentials} reaches
 * one, by a kubeconfig context or by the pod's service account:
 *
 * <table>
 *   <caption>Keys of a Kubernetes Secrets instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code kubernetes}</td><td>required</td></tr>
 *   <tr><td>{@code kubeconfig}</td><td>path of the kubeconfig file</td><td>{@code KUBECONFIG}'s first entry, else
 *       {@code ~/.kube/config}</td></tr>
 *   <tr><td>{@code context}</td><td>the kubeconfig context (cluster and user)</td><td>the file's
 *       {@code current-context}</td></tr>
 *   <tr><td>{@code in-cluster}</td><td>{@code true} to use the service account mounted into the pod this process
 *       runs in (fabric8 auto-configuration); excludes {@code kubeconfig} and {@code context}</td>
 *       <td>{@code false}</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}</td><td>per request</td><td>10s, 30s</td></tr>
 *   <tr><td>{@code max-attempts}</td><td>attempts per request, 1-10 (fabric8's retries, exponential backoff from
 *       100 ms)</td><td>3</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code limit} of each page of {@code list}, 1-10000</td><td>500</td></tr>
 * </table>
 *
 * Names are {@code namespace/name}; {@code list} takes a namespace.
 */
@NullMarked
package dev.scaleplane.adapters.kubernetes;

import org.jspecify.annotations.NullMarked;
