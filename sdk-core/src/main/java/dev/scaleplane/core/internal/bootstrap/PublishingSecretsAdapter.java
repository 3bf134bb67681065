package dev.scaleplane.core.internal.bootstrap;

import dev.scaleplane.api.adapters.secrets.Secret;
import dev.scaleplane.api.adapters.secrets.SecretEvents;
import dev.scaleplane.api.adapters.secrets.SecretRotated;
import dev.scaleplane.api.adapters.secrets.SecretSelector;
import dev.scaleplane.api.adapters.secrets.SecretVersion;
import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.spi.ProviderContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secrets adapter whose watches publish every rotation they report as {@link SecretEvents#rotated} on the platform's
 * bus, then hand it to the caller's listener; every other call goes to the adapter unchanged. The publish is started
 * before the listener runs, so a listener that throws loses no event, and is not waited for, so a slow bus does not
 * hold the watch's thread; a failed publish is logged with the names and versions (a rotation carries no value). The
 * bus is looked up on the first rotation.
 *
 * <p>Thread-safe.
 */
final class PublishingSecretsAdapter implements SecretsAdapter {
    private static final Logger log = LoggerFactory.getLogger(PublishingSecretsAdapter.class);

    private final SecretsAdapter delegate;
    private final String topic;
    private final Supplier<ProviderContext> context;

    PublishingSecretsAdapter(SecretsAdapter delegate, String topic, Supplier<ProviderContext> context) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String system() {
        return delegate.system();
    }

    @Override
    public Set<SecretsCapability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public SecretVersion get(String name, SecretSelector selector) {
        return delegate.get(name, selector);
    }

    @Override
    public Stream<String> list(String path) {
        return delegate.list(path);
    }

    @Override
    public SecretVersion put(String name, Map<String, Secret> data) {
        return delegate.put(name, data);
    }

    @Override
    public AutoCloseable watch(Set<String> names, Duration interval, Consumer<? super SecretRotated> listener) {
        Objects.requireNonNull(listener, "listener");
        return delegate.watch(names, interval, rotation -> {
            publish(rotation);
            listener.accept(rotation);
        });
    }

    /** Starts publishing {@code rotation}; never throws. */
    private void publish(SecretRotated rotation) {
        try {
            EventBus bus = context.get()
                    .component(EventBus.class)
                    .orElseThrow(() -> new IllegalStateException("the platform has no event bus"));
            bus.publish(topic, SecretEvents.rotated(rotation)).whenComplete((receipt, failure) -> {
                if (failure != null) {
                    logFailure(rotation, failure);
                }
            });
        } catch (RuntimeException e) {
            logFailure(rotation, e);
        }
    }

    private void logFailure(SecretRotated rotation, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        log.warn(
                "secrets adapter {} ({}): secret {} rotated to version {} but its {} event could not be published on"
                        + " topic {}: {}",
                delegate.name(),
                delegate.system(),
                rotation.name(),
                rotation.version(),
                SecretEvents.ROTATED_TYPE_NAME,
                topic,
                cause.toString());
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate + " (publishing rotations to " + topic + ")";
    }
}
