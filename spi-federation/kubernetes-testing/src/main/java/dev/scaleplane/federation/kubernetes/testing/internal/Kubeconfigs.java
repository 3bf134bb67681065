package dev.scaleplane.federation.kubernetes.testing.internal;

import java.util.Map;
import java.util.Objects;

/**
 * Renders kubeconfig files for simulated clusters: one cluster, one user and one context per entry, all named after
 * the cluster, with namespace {@code default}. The user entry is empty because the simulated API server does not
 * authenticate.
 *
 * <p>Thread-safety: stateless.
 */
public final class Kubeconfigs {

    private Kubeconfigs() {}

    /**
     * Renders a kubeconfig.
     *
     * @param servers cluster name to server URL, in the order the entries are written; names must be plain YAML
     *     scalars (the fleet allows only lower-case letters, digits and '-')
     * @param currentContext the context that is current, one of the names
     * @return the kubeconfig as YAML
     */
    public static String render(Map<String, String> servers, String currentContext) {
        Objects.requireNonNull(servers, "servers");
        Objects.requireNonNull(currentContext, "currentContext");
        if (!servers.containsKey(currentContext)) {
            throw new IllegalArgumentException(
                    "currentContext must be one of " + servers.keySet() + ", but was " + currentContext);
        }
        StringBuilder yaml = new StringBuilder(256 + 256 * servers.size());
        yaml.append("apiVersion: v1\nkind: Config\npreferences: {}\nclusters:\n");
        servers.forEach((name, server) -> yaml.append("- name: ")
                .append(name)
                .append("\n  cluster:\n    server: ")
                .append(server)
                .append('\n'));
        yaml.append("users:\n");
        servers.keySet().forEach(name -> yaml.append("- name: ").append(name).append("\n  user: {}\n"));
        yaml.append("contexts:\n");
        servers.keySet().forEach(name -> yaml.append("- name: ")
                .append(name)
                .append("\n  context:\n    cluster: ")
                .append(name)
                .append("\n    user: ")
                .append(name)
                .append("\n    namespace: default\n"));
        yaml.append("current-context: ").append(currentContext).append('\n');
        return yaml.toString();
    }
}
