package dev.scaleplane.federation.kubernetes.internal;

import dev.scaleplane.api.federation.Capacity;
import dev.scaleplane.api.federation.ClusterCredentials;
import dev.scaleplane.api.federation.ClusterSpec;
import dev.scaleplane.api.federation.Taint;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterSpec} as a JSON-like map for the registry stream, and back. Bearer tokens are never written (the
 * event store is an audit trail others read): a restored token cluster keeps its server and CA and must be updated
 * with its token; kubeconfig contexts and in-cluster credentials are restored whole.
 */
final class ClusterSpecCodec {
    private ClusterSpecCodec() {}

    static Map<String, Object> encode(ClusterSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("region", s.region());
        m.put("zone", s.zone());
        m.put("residency", s.residency());
        m.put("labels", new LinkedHashMap<>(s.labels()));
        List<Map<String, Object>> taints = new ArrayList<>();
        for (Taint t : s.taints()) {
            taints.add(Map.of(
                    "key", t.key(), "value", t.value(), "effect", t.effect().name()));
        }
        m.put("taints", taints);
        s.capacity()
                .ifPresent(c -> m.put(
                        "capacity",
                        Map.of("cpuMillis", c.cpuMillis(), "memoryBytes", c.memoryBytes(), "pods", c.pods())));
        Map<String, Object> cred = new LinkedHashMap<>();
        ClusterCredentials c = s.credentials();
        if (c instanceof ClusterCredentials.KubeconfigContext k) {
            cred.put("kind", "kubeconfig");
            cred.put("context", k.context());
            if (k.kubeconfig() != null) {
                cred.put("file", k.kubeconfig().toString());
            }
        } else if (c instanceof ClusterCredentials.Token t) {
            cred.put("kind", "token");
            cred.put("server", t.server().toString());
            if (t.caCertificatePem() != null) {
                cred.put("ca", t.caCertificatePem());
            }
        } else {
            cred.put("kind", "in-cluster");
        }
        m.put("credentials", cred);
        return m;
    }

    @SuppressWarnings("unchecked")
    static ClusterSpec decode(Map<String, Object> m) {
        ClusterSpec.Builder b = ClusterSpec.builder((String) m.get("name"))
                .region((String) m.get("region"))
                .zone((String) m.getOrDefault("zone", ""))
                .residency((String) m.getOrDefault("residency", ""))
                .labels((Map<String, String>) m.getOrDefault("labels", Map.of()));
        for (Map<String, Object> t : (List<Map<String, Object>>) m.getOrDefault("taints", List.of())) {
            b.taint(new Taint(
                    (String) t.get("key"), (String) t.get("value"), Taint.Effect.valueOf((String) t.get("effect"))));
        }
        if (m.get("capacity") instanceof Map<?, ?> c) {
            b.capacity(new Capacity(
                    ((Number) c.get("cpuMillis")).longValue(),
                    ((Number) c.get("memoryBytes")).longValue(),
                    ((Number) c.get("pods")).longValue()));
        }
        Map<String, Object> cred = (Map<String, Object>) m.get("credentials");
        switch ((String) cred.get("kind")) {
            case "kubeconfig" -> b.credentials(new ClusterCredentials.KubeconfigContext(
                    cred.get("file") == null ? null : Path.of((String) cred.get("file")),
                    (String) cred.get("context")));
            case "token" -> b.credentials(
                    new ClusterCredentials.Token(URI.create((String) cred.get("server")), "", (String) cred.get("ca")));
            default -> b.credentials(ClusterCredentials.inCluster());
        }
        return b.build();
    }
}
