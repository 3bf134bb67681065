package dev.scaleplane.adapters.aws;

import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import java.util.Collection;
import java.util.Map;

/**
 * An AWS Secrets Manager instance: a {@link SecretsAdapter} (see {@link AwsSecretsManagerProvider} for the calls
 * behind each method) that also reads many secrets in few calls. What {@link AwsSecretsManagerProvider#create}
 * returns. A platform's {@code adapters().secrets(name)} hands the instance out wrapped (rotations published on the
 * bus, the optional cache) as a plain {@code SecretsAdapter}: for {@link #getAll}, create one through the provider.
 *
 * <p>Thread-safe.
 */
public interface AwsSecretsManager extends SecretsAdapter {

    /**
     * The current version ({@code AWSCURRENT}) of each of {@code names}, read with {@code BatchGetSecretValue}: up to
     * 20 secrets per call (the API's limit), following {@code NextToken}. Keyed by the names as given (a name or an
     * ARN); each version's {@link SecretVersion#name()} is that key too. Duplicates are read once.
     *
     * @throws dev.scaleplane.api.adapters.AdapterNotFoundException if any secret does not exist, naming every one
     *     that failed with its AWS error code (the other failures in the answer's {@code Errors} map as {@link
     *     AwsSecretsManagerProvider} describes, the first failing secret's error deciding the type)
     * @throws dev.scaleplane.api.adapters.AdapterException for a failed call
     * @throws IllegalArgumentException if a name is blank
     */
    Map<String, SecretVersion> getAll(Collection<String> names);
}
