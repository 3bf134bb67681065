package dev.scaleplane.api.adapters.secrets;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One secrets system instance (a Vault namespace and KV mount, an AWS account and region, a Kubernetes cluster).
 *
 * <p>Thread-safe. Failures are {@link dev.scaleplane.api.adapters.AdapterException}s carrying the system, the request
 * and the server's message, never a secret value or credential; a secret that does not exist is an {@link
 * dev.scaleplane.api.adapters.AdapterNotFoundException}. A call outside the instance's {@link #capabilities()} throws
 * {@link UnsupportedOperationException} naming the capability.
 */
public interface SecretsAdapter extends AutoCloseable {

    /** The instance name, as configured ({@code scaleplane.adapters.<name>.*}). */
    String name();

    /** The system, e.g. {@code vault}, {@code aws-secrets-manager}, {@code kubernetes}. */
    String system();

    /** What this instance offers. */
    Set<SecretsCapability> capabilities();

    /** The latest version of secret {@code name}. */
    default SecretVersion get(String name) {
        return get(name, SecretSelector.latest());
    }

    /** The version of secret {@code name} that {@code selector} picks. */
    SecretVersion get(String name, SecretSelector selector);

    /**
     * Names of the secrets under {@code path} (a Vault folder, an AWS name prefix, a Kubernetes namespace), as {@link
     * #get} takes them (the path included), fetched lazily page by page as the stream is consumed. Sub-folders, where
     * the system has them, are listed with a trailing {@code /}.
     */
    Stream<String> list(String path);

    /** Writes a new version of secret {@code name} with {@code data} and returns it (without re-reading the values). */
    SecretVersion put(String name, Map<String, Secret> data);

    /**
     * Watches {@code names} for new versions, polling every {@code interval} where the system has no push (Vault,
     * AWS) and by watch where it has (Kubernetes). {@code listener} hears each new version once, in order per name,
     * on the adapter's thread; the first version seen of each name is the baseline and is not reported. Closing the
     * returned handle stops the watch.
     */
    AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener);

    /** Releases the instance's connections and stops its watches. Default: nothing to release. */
    @Override
    default void close() {}
}
