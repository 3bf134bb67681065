package dev.scaleplane.federation.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterRegistrationException;
import io.fabric8.kubernetes.client.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials to fabric8 configurations: each kind, the current context, and each failure naming its field. */
class ClusterClientsTest {
    private static final String KUBECONFIG =
            """
            apiVersion: v1
            kind: Config
            current-context: paris
            clusters:
            - name: ams
              cluster: {server: "https://ams.example.com:6443"}
            - name: par
              cluster: {server: "https://par.example.com:6443"}
            users:
            - name: ams-admin
              user: {token: ams-token}
            - name: par-admin
              user: {token: par-token}
            contexts:
            - name: amsterdam
              context: {cluster: ams, user: ams-admin}
            - name: paris
              context: {cluster: par, user: par-admin}
            """;

    @TempDir
    Path dir;

    private Path kubeconfig(String text) throws Exception {
        return Files.writeString(dir.resolve("config"), text);
    }

    @Test
    void aContextBecomesAConfigOfThatContextAloneAndNoContextMeansTheCurrentOne() throws Exception {
        Path file = kubeconfig(KUBECONFIG);
        Config ams = ClusterClients.config("ams-1", ClusterCredentials.kubeconfig(file, "amsterdam"));
        assertThat(ams.getMasterUrl()).startsWith("https://ams.example.com:6443");
        assertThat(token(ams)).isEqualTo("ams-token");
        assertThat(ams.getContexts()).extracting(c -> c.getName()).containsExactly("amsterdam");
        Config current = ClusterClients.kubeconfig("par-1", file, null);
        assertThat(current.getMasterUrl()).startsWith("https://par.example.com:6443");
        assertThat(token(current)).isEqualTo("par-token");
    }

    /** fabric8 keeps a kubeconfig's token as the automatic one, an explicit token as the OAuth token. */
    private static String token(Config config) {
        return config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken();
    }

    @Test
    void aTokenBecomesAConfigWithItsServerAndToken() {
        Config config = ClusterClients.config(
                "waw-1", ClusterCredentials.token(URI.create("https://waw.example.com:6443"), "waw-token"));
        assertThat(config.getMasterUrl()).startsWith("https://waw.example.com:6443");
        assertThat(config.getOauthToken()).isEqualTo("waw-token");
    }

    @Test
    void eachFailureNamesTheClusterTheFieldAndTheFix() throws Exception {
        Path file = kubeconfig(KUBECONFIG);
        assertThatThrownBy(() -> ClusterClients.config("ams-1", ClusterCredentials.kubeconfig(file, "berlin")))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
                    assertThat(e.cluster()).isEqualTo("ams-1");
                    assertThat(e.field()).isEqualTo("credentials.context");
                    assertThat(e.problem()).contains("'berlin'", "[amsterdam, paris]");
                });
        Path missing = dir.resolve("absent");
        assertThatThrownBy(() -> ClusterClients.kubeconfig("ams-1", missing, "amsterdam"))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentials.kubeconfig");
                    assertThat(e.problem()).contains(missing.toString(), "KUBECONFIG");
                });
        Path noCurrent = kubeconfig(KUBECONFIG.replace("current-context: paris\n", ""));
        assertThatThrownBy(() -> ClusterClients.kubeconfig("ams-1", noCurrent, null))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> assertThat(e.problem())
                        .contains("no current-context"));
        assertThatThrownBy(() -> ClusterClients.inCluster("ams-1"))
                .isInstanceOfSatisfying(ClusterRegistrationException.class, e -> assertThat(e.problem())
                        .contains("does not run in a pod"));
    }
}
