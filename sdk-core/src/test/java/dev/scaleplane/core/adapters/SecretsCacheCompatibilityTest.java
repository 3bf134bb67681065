package dev.scaleplane.core.adapters;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.tck.SecretsAdapterCompatibilityKit;
import java.time.Duration;
import java.util.Set;

/**
 * The cache is a secrets adapter like any other: the kit, unchanged, against a {@link SecretsCache} in front of the
 * in-memory simulation, with a TTL long enough that every read after the first is a hit unless a write or a rotation
 * dropped the name. Shows that writes and rotations reach readers through the cache, and that the cache prints no
 * value.
 */
class SecretsCacheCompatibilityTest extends SecretsAdapterCompatibilityKit {

    @Override
    protected SecretsAdapter createAdapter() {
        return SecretsCache.builder(new FakeSecrets("vault-cached"))
                .ttl(Duration.ofHours(1))
                .staleIfError(Duration.ofMinutes(5))
                .build();
    }

    @Override
    protected Set<SecretsCapability> capabilities() {
        return FakeSecrets.CAPABILITIES;
    }

    @Override
    protected String folder() {
        return "tck/" + run;
    }
}
