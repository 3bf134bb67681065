package dev.scaleplane.adapters.vault;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.tck.SecretsAdapterCompatibilityKit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Vault KV v2 against the kit, on the Vault simulation, with a static token. */
class VaultCompatibilityTest extends SecretsAdapterCompatibilityKit {
    private static FakeVault vault;

    @BeforeAll
    static void start() {
        vault = FakeVault.launch();
    }

    @AfterAll
    static void stop() {
        vault.shutdown();
    }

    @Override
    protected SecretsAdapter createAdapter() {
        String p = "scaleplane.adapters.vault-tck.";
        Map<String, String> config =
                Map.of(p + "type", "vault", p + "base-url", vault.address(), p + "auth.token", FakeVault.ROOT_TOKEN);
        return new VaultProvider().create("vault-tck", new TestContext(config).context());
    }

    @Override
    protected Set<SecretsCapability> capabilities() {
        return new VaultProvider().capabilities();
    }

    @Override
    protected String folder() {
        return "tck/" + run;
    }
}
