package dev.scaleplane.core.internal.bootstrap;

import com.google.inject.ProvisionException;
import jakarta.inject.Provider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform service opened on first use (so a platform that never uses its store or task queue creates no files,
 * threads or connections) and closed with the platform if the platform owns it.
 *
 * <p>Thread-safe.
 */
final class LazyService<T extends AutoCloseable> {
    private static final Logger log = LoggerFactory.getLogger(LazyService.class);

    private final String what;
    private final Provider<T> provider;
    private final boolean owned;
    private @Nullable T instance; // guarded by this
    private boolean closed; // guarded by this

    LazyService(String what, Provider<T> provider, boolean owned) {
        this.what = what;
        this.provider = provider;
        this.owned = owned;
    }

    synchronized T get() {
        if (closed) {
            throw new IllegalStateException("the platform is closed; its " + what + " is no longer available");
        }
        if (instance == null) {
            try {
                instance = provider.get();
            } catch (ProvisionException e) {
                throw unwrap(e);
            }
        }
        return instance;
    }

    /** Closes the service if it was opened and the platform owns it. Idempotent; never throws. */
    void close() {
        T opened;
        synchronized (this) {
            closed = true;
            opened = instance;
        }
        if (opened != null && owned) {
            try {
                opened.close();
            } catch (Exception e) {
                log.warn("closing the {} failed", what, e);
            }
        }
    }

    /** Guice wraps what a provider method throws; users should see the provider's own exception. */
    static RuntimeException unwrap(ProvisionException e) {
        Throwable cause = e.getCause();
        if (cause == null && !e.getErrorMessages().isEmpty()) {
            cause = e.getErrorMessages().iterator().next().getCause();
        }
        return cause instanceof RuntimeException re ? re : e;
    }
}
