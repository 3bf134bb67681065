package dev.scaleplane.adapters.datadog.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import dev.scaleplane.api.adapters.secrets.Secret;
import java.util.Objects;

/**
 * Datadog's two keys on every request, {@code DD-API-KEY} and {@code DD-APPLICATION-KEY}, each put there by the
 * plumbing's {@link Authenticator#header} (the plumbing has no authenticator for two headers; this only composes
 * two of its own). The credential key names the API key's fingerprint and a rate-limit budget, so that every client of
 * one organisation shares a budget per family of endpoints, as Datadog counts them. Thread-safe; never shows a key.
 */
final class DatadogKeys implements Authenticator {
    private final Authenticator apiKey;
    private final Authenticator applicationKey;
    private final String credentialKey;

    DatadogKeys(Secret apiKey, Secret applicationKey, String budget) {
        this.apiKey = Authenticator.header("DD-API-KEY", Objects.requireNonNull(apiKey, "apiKey"));
        this.applicationKey =
                Authenticator.header("DD-APPLICATION-KEY", Objects.requireNonNull(applicationKey, "applicationKey"));
        this.credentialKey = "datadog:" + apiKey.fingerprint() + ":" + Objects.requireNonNull(budget, "budget");
    }

    @Override
    public String credentialKey() {
        return credentialKey;
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        return applicationKey.authenticate(apiKey.authenticate(request, chain), chain);
    }

    @Override
    public String toString() {
        return "Authenticator[datadog keys, ****]";
    }
}
