/**
 * The AWS Secrets Manager adapter: {@link dev.scaleplane.adapters.aws.AwsSecretsManagerProvider}, secrets of one
 * account and region as a {@code SecretsAdapter} ({@link dev.scaleplane.adapters.aws.AwsSecretsManager}), system
 * {@code aws-secrets-manager}, on the AWS SDK for Java v2.
 *
 * <h2>Settings</h2>
 *
 * Under {@code scaleplane.adapters.<name>.}:
 *
 * <table>
 *   <caption>Keys of an AWS Secrets Manager instance</caption>
 *   <tr><th>key</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@code type}</td><td>{@code aws-secrets-manager}</td><td>required</td></tr>
 *   <tr><td>{@code region}</td><td>e.g. {@code eu-central-1}</td><td>the SDK's: {@code AWS_REGION}, the profile,
 *       instance metadata</td></tr>
 *   <tr><td>{@code endpoint-override}</td><td>an http(s) URL replacing the regional endpoint (a VPC endpoint, a
 *       local test server); requests are still signed for {@code region}</td><td>-</td></tr>
 *   <tr><td>{@code auth.type}</td><td>{@code static}, {@code profile}, {@code web-identity} or {@code default}</td>
 *       <td>{@code static} if {@code auth.access-key-id} is set, else {@code default}</td></tr>
 *   <tr><td>{@code auth.access-key-id}, {@code auth.secret-access-key}</td><td>static keys (secrets)</td>
 *       <td>-</td></tr>
 *   <tr><td>{@code auth.session-token}</td><td>with temporary static keys (secret)</td><td>-</td></tr>
 *   <tr><td>{@code auth.profile}</td><td>profile name</td><td>{@code AWS_PROFILE}, else {@code default}</td></tr>
 *   <tr><td>{@code auth.profile-file}</td><td>credentials file of the profile</td><td>{@code ~/.aws/credentials}
 *       and {@code ~/.aws/config}</td></tr>
 *   <tr><td>{@code auth.role-arn}, {@code auth.web-identity-token-file}</td><td>web identity: the role to assume and
 *       the file holding the OIDC token (read again at every refresh)</td><td>-</td></tr>
 *   <tr><td>{@code auth.role-session-name}</td><td>web identity session name</td>
 *       <td>{@code scaleplane-<name>}</td></tr>
 *   <tr><td>{@code auth.sts-endpoint-override}</td><td>where STS is called for web identity</td><td>the regional
 *       STS endpoint</td></tr>
 *   <tr><td>{@code page-size}</td><td>{@code MaxResults} of {@code ListSecrets}, 1-100</td><td>100</td></tr>
 *   <tr><td>{@code connect-timeout}, {@code request-timeout}, {@code max-attempts}</td><td>as for every adapter;
 *       the request timeout is per attempt, the attempts are the SDK's retries</td><td>10s, 30s, 3</td></tr>
 * </table>
 *
 * Keys of a credential source other than {@code auth.type}'s are refused, so a forgotten {@code auth.type} does not
 * silently ignore them.
 */
@NullMarked
package dev.scaleplane.adapters.aws;

import org.jspecify.annotations.NullMarked;
