package dev.scaleplane.adapters.vault;

import dev.scaleplane.api.adapters.secrets.SecretsAdapter;
import dev.scaleplane.api.adapters.secrets.SecretsCapability;
import dev.scaleplane.tck.SecretsAdapterCompatibilityKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Vault KV v2 against the kit once more, the way a pod runs it: Kubernetes auth (login with the service-account JWT
 * from a file), a namespace the simulation insists on, and a KV mount with a slash in its path.
 */
class VaultKubernetesCompatibilityTest extends SecretsAdapterCompatibilityKit {
    private static FakeVault vault;
    private static Path jwt;

    @BeforeAll
    static void start() throws IOException {
        vault = FakeVault.launch();
        jwt = Files.createTempFile("sa-token", "");
        Files.writeString(jwt, FakeVault.JWT + "\n");
    }

    @AfterAll
    static void stop() throws IOException {
        vault.shutdown();
        Files.deleteIfExists(jwt);
    }

    @Override
    protected SecretsAdapter createAdapter() {
        // The kit's @BeforeEach creates the adapter: set the simulation up for it here.
        vault.reset();
        vault.namespace("team-a/");
        vault.mount("team/kv");
        vault.kubernetesRole("clusters/eu-1", "app", FakeVault.JWT, Duration.ofHours(1), Duration.ofHours(24), true);
        String p = "scaleplane.adapters.vault-k8s.";
        Map<String, String> config;
        try {
            config = Map.of(
                    p + "type", "vault",
                    p + "base-url", vault.address() + "/v1/",
                    p + "namespace", "team-a",
                    p + "kv.mount", "team/kv",
                    p + "auth.type", "kubernetes",
                    p + "auth.kubernetes.role", "app",
                    p + "auth.kubernetes.mount", "clusters/eu-1",
                    p + "auth.kubernetes.jwt-file", jwt.toRealPath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new VaultProvider().create("vault-k8s", new TestContext(config).context());
    }

    @Override
    protected Set<SecretsCapability> capabilities() {
        return new VaultProvider().capabilities();
    }

    @Override
    protected String folder() {
        return "apps/" + run;
    }
}
