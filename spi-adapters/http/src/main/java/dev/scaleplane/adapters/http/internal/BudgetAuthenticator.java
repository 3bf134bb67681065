package dev.scaleplane.adapters.http.internal;

import dev.scaleplane.adapters.http.AdapterRequest;
import dev.scaleplane.adapters.http.AdapterResponse;
import dev.scaleplane.adapters.http.Authenticator;
import dev.scaleplane.adapters.http.Interceptor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Another authenticator under a named rate-limit budget of its credential: only the credential key differs. */
public final class BudgetAuthenticator implements Authenticator {
    private final Authenticator delegate;
    private final String budget;

    public BudgetAuthenticator(Authenticator delegate, String budget) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.budget = Objects.requireNonNull(budget, "budget");
        if (budget.isBlank()) {
            throw new IllegalArgumentException("a rate-limit budget needs a name, but it was blank");
        }
    }

    @Override
    public String credentialKey() {
        return delegate.credentialKey() + "#" + budget;
    }

    @Override
    public AdapterRequest authenticate(AdapterRequest request, Interceptor.Chain chain) {
        return delegate.authenticate(request, chain);
    }

    @Override
    public @Nullable AdapterRequest onRefused(AdapterRequest sent, AdapterResponse response, Interceptor.Chain chain) {
        return delegate.onRefused(sent, response, chain);
    }

    @Override
    public String toString() {
        return delegate + "#" + budget;
    }
}
