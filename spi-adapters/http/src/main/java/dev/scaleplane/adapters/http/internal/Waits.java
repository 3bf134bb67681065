package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.adapters.http.Sleeper;
import dev.scaleplane.api.adapters.AdapterUnavailableException;
import java.time.Duration;

/** Sleeps on a {@link Sleeper}, turning an interrupt into a failed call with the interrupt flag kept. */
final class Waits {
    private Waits() {}

    static void sleep(Sleeper sleeper, Duration duration, Interceptor.Chain chain, AdapterRequest request) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdapterUnavailableException(
                    ErrorMapping.facts(chain.system(), chain.instance(), request), false, e);
        }
    }
}
