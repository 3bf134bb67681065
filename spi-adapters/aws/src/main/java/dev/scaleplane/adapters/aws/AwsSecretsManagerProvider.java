package dev.scaleplane.adapters.aws;

import dev.scaleplane.adapters.aws.internal.AwsInstance;
import dev.scaleplane.adapters.aws.internal.AwsSecretsManagerAdapter;
import dev.scaleplane.adapters.aws.internal.AwsSettings;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.api.spi.SecretsAdapterProvider;
import java.util.Set;

/**
 * AWS Secrets Manager, system {@code aws-secrets-manager}, through the AWS SDK for Java v2 ({@code secretsmanager}),
 * which signs every request (SigV4) and resolves the credentials; the API reference is
 * docs.aws.amazon.com/secretsmanager/latest/apireference. Every call is {@code POST /} with {@code X-Amz-Target:
 * secretsmanager.<Operation>} and a JSON 1.1 body ({@code Content-Type: application/x-amz-json-1.1}). Settings: see
 * {@link dev.scaleplane.adapters.aws}.
 *
 * <table>
 *   <caption>Calls, and the operations behind them</caption>
 *   <tr><th>call</th><th>operation, request</th><th>notes</th></tr>
 *   <tr><td>{@code get(name)}</td><td>{@code GetSecretValue {"SecretId"}}</td><td>the {@code AWSCURRENT}
 *       version</td></tr>
 *   <tr><td>{@code get(name, version(id))}</td><td>{@code GetSecretValue {"SecretId", "VersionId"}}</td><td>any
 *       version AWS still keeps (those with a stage, and up to 100 without)</td></tr>
 *   <tr><td>{@code get(name, stage(s))}</td><td>{@code GetSecretValue {"SecretId", "VersionStage"}}</td><td>e.g.
 *       {@code AWSPREVIOUS}, {@code AWSPENDING}, or a label of one's own</td></tr>
 *   <tr><td>{@code list(prefix)}</td><td>{@code ListSecrets {"MaxResults": page-size, "Filters": [{"Key": "name",
 *       "Values": [prefix]}], "NextToken"}}</td><td>lazily, page by page, through the SDK's paginator; full names
 *       (AWS names are flat: no folders); secrets scheduled for deletion are left out, as {@code ListSecrets} does by
 *       default; an empty prefix lists every secret</td></tr>
 *   <tr><td>{@code put(name, data)}</td><td>{@code PutSecretValue {"SecretId", "SecretString",
 *       "ClientRequestToken"}}; if the secret does not exist ({@code ResourceNotFoundException}), {@code CreateSecret
 *       {"Name", "SecretString", "ClientRequestToken"}}</td><td>a new version: AWS moves {@code AWSCURRENT} to it and
 *       {@code AWSPREVIOUS} to the version that was current. {@code SecretString} is a JSON object of the fields. A
 *       secret created by someone else between the two calls ({@code ResourceExistsException}) gets our value as its
 *       next version</td></tr>
 *   <tr><td>{@code getAll(names)}</td><td>{@code BatchGetSecretValue {"SecretIdList"}}, 20 ids per call, following
 *       {@code NextToken}</td><td>{@link AwsSecretsManager#getAll}</td></tr>
 *   <tr><td>{@code watch(names, interval, listener)}</td><td>{@code DescribeSecret {"SecretId"}} per name every
 *       interval</td><td>reports when the version carrying {@code AWSCURRENT} in {@code VersionIdsToStages} changes;
 *       the first version seen is the baseline, read before {@code watch} returns; no value is read</td></tr>
 * </table>
 *
 * <h2>Values</h2>
 *
 * A {@code SecretString} that is a JSON object becomes one field per member (strings as they are, numbers and booleans
 * as their JSON text, nested objects and arrays as their JSON text, null or empty members left out); any other
 * {@code SecretString} the single field {@code value}; a {@code SecretBinary} the field {@code value}, base64 encoded.
 * {@code put} always writes a JSON object of string members, so what it writes reads back field by field.
 *
 * <h2>Errors, retries, limits</h2>
 *
 * {@code ResourceNotFoundException} is {@code AdapterNotFoundException}; {@code AccessDeniedException}, {@code
 * UnrecognizedClientException}, the signature and token errors, {@code DecryptionFailure} and credentials that cannot
 * be resolved are {@code AdapterAuthenticationException}; throttling left after the SDK's retries is {@code
 * AdapterRateLimitedException}; other 4xx ({@code InvalidParameterException}, {@code InvalidRequestException}, ...)
 * {@code AdapterRequestRefusedException}; 5xx and calls without a response {@code AdapterUnavailableException}. Each
 * carries the operation, the secret, the status, AWS's request id and {@code <error code>: <message>}, never a value
 * or a credential. The SDK retries (standard mode) throttling, 5xx and I/O failures up to {@code max-attempts}, with
 * its backoff; writes too, as the SDK's {@code ClientRequestToken} makes them idempotent. AWS sends no rate-limit
 * headers, so the plumbing's governor has nothing to read; the SDK's retry quota stops retries when many fail.
 */
public final class AwsSecretsManagerProvider implements SecretsAdapterProvider {

    /** Creates the provider; stateless. */
    public AwsSecretsManagerProvider() {}

    /** {@code aws-secrets-manager}. */
    @Override
    public String name() {
        return AwsSettings.SYSTEM;
    }

    /** Every capability: versions, stages, write, list, watch. */
    @Override
    public Set<SecretsCapability> capabilities() {
        return AwsSecretsManagerAdapter.CAPABILITIES;
    }

    /** Reads the settings without connecting; a missing region is only found at {@link #create}. */
    @Override
    public void validate(String instance, ConfigProperties config) {
        AwsSettings.read(instance, config);
    }

    /**
     * Creates the adapter: the SDK client, its credentials provider, and a watch thread started on first use.
     *
     * @throws dev.scaleplane.api.ConfigurationException for invalid settings, or if no region is set or found
     */
    @Override
    public AwsSecretsManager create(String instance, ProviderContext context) {
        return AwsInstance.adapter(instance, context);
    }
}
