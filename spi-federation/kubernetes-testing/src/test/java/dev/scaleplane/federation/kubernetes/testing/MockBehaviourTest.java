package dev.scaleplane.federation.kubernetes.testing;

import static dev.scaleplane.federation.kubernetes.testing.Workloads.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins down what the fabric8 CRUD mock (8.0.0) does where it differs from a real API server, so that the module's
 * README stays true: if one of these starts failing after a fabric8 upgrade, update the README.
 */
class MockBehaviourTest {

    private static SimulatedFleet fleet;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        fleet = SimulatedFleet.builder().cluster("ams-1").start();
        client = fleet.cluster("ams-1").client();
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void server_side_apply_is_not_supported() {
        assertThatThrownBy(() ->
                        client.resource(deployment("ssa-new", "nginx:1.27", 1)).serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(404));

        client.resource(deployment("ssa-existing", "nginx:1.27", 1)).create();
        assertThatThrownBy(() -> client.resource(deployment("ssa-existing", "nginx:1.27", 2))
                        .serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(415));
    }

    @Test
    void strategic_merge_patch_is_not_supported_but_json_merge_patch_is() {
        client.resource(configMap("patched", Map.of("a", "1"))).create();

        assertThatThrownBy(() -> client.configMaps()
                        .inNamespace("default")
                        .withName("patched")
                        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"b\":\"2\"}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(415));

        ConfigMap merged = client.configMaps()
                .inNamespace("default")
                .withName("patched")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"b\":\"2\"}}");
        assertThat(merged.getData()).containsEntry("a", "1").containsEntry("b", "2");
    }

    @Test
    void a_json_merge_patch_replaces_lists_and_removes_null_keys_as_rfc_7386_says() {
        client.resource(deployment("merged", "nginx:1", 1)).create();
        Deployment patched = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("merged")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":null},\"spec\":{\"template\":{\"spec\":{\"containers\":"
                                + "[{\"name\":\"main\",\"image\":\"nginx:2\"}]}}}}");
        assertThat(patched.getSpec().getTemplate().getSpec().getContainers())
                .as("the list is replaced, not appended to (the stock CRUD mock appends)")
                .singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo("nginx:2"));
        assertThat(patched.getMetadata().getLabels()).isNullOrEmpty();
    }

    @Test
    void an_update_with_a_stale_resource_version_conflicts() {
        ConfigMap created =
                client.resource(configMap("versioned", Map.of("a", "1"))).create();
        client.configMaps().inNamespace("default").withName("versioned").edit(c -> {
            c.getData().put("a", "2");
            return c;
        });

        created.getData().put("a", "3");
        assertThatThrownBy(() -> client.resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(409));
    }

    @Test
    void a_status_write_ignores_the_resource_version() {
        fleet.cluster("ams-1").controller().delay(java.time.Duration.ofMinutes(5));
        try {
            Deployment created =
                    client.resource(deployment("status-rv", "nginx:1.27", 1)).create();
            client.apps()
                    .deployments()
                    .inNamespace("default")
                    .withName("status-rv")
                    .edit(d -> {
                        d.getSpec().setReplicas(2);
                        return d;
                    });

            created.setStatus(
                    new DeploymentStatusBuilder().withObservedGeneration(1L).build());
            Deployment written = client.resource(created).updateStatus();

            // A real API server answers 409 here; the mock copies the stored object and only swaps the status.
            assertThat(written.getStatus().getObservedGeneration()).isEqualTo(1L);
        } finally {
            fleet.cluster("ams-1").controller().delay(SimulatedFleet.DEFAULT_CONTROLLER_DELAY);
        }
    }

    @Test
    void equality_inequality_and_existence_label_selectors_work_set_based_ones_are_ignored() {
        client.resource(configMap("sel-none", Map.of())).create();
        client.resource(configMap("sel-a", Map.of())).create();
        ConfigMap b = configMap("sel-b", Map.of());
        b.getMetadata().setLabels(Map.of("sel", "b", "tier", "web"));
        client.resource(b).create();
        ConfigMap a = client.configMaps()
                .inNamespace("default")
                .withName("sel-a")
                .edit(c -> {
                    c.getMetadata().setLabels(Map.of("sel", "a"));
                    return c;
                });
        assertThat(a.getMetadata().getLabels()).containsEntry("sel", "a");

        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withLabel("sel", "a")
                        .list()
                        .getItems()))
                .containsExactly("sel-a");
        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withLabel("sel")
                        .withLabelNotIn("x", "y")
                        .list()
                        .getItems()))
                .as("'x notin (y)' is ignored, so this is just 'sel exists'")
                .containsExactlyInAnyOrder("sel-a", "sel-b");
        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withoutLabel("sel", "a")
                        .list()
                        .getItems()))
                .as("'!=' also matches objects without the label, as on a real API server")
                .contains("sel-b", "sel-none")
                .doesNotContain("sel-a");
        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withLabel("sel")
                        .withoutLabel("sel", "a")
                        .list()
                        .getItems()))
                .as("two requirements on one key collapse into the last one; a real API server answers [sel-b]")
                .contains("sel-b", "sel-none");
        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withLabel("tier")
                        .list()
                        .getItems()))
                .containsExactly("sel-b");
        assertThat(names(client.configMaps()
                        .inNamespace("default")
                        .withLabelIn("sel", "nothing-matches")
                        .list()
                        .getItems()))
                .as("a set-based requirement is ignored, so every ConfigMap matches")
                .contains("sel-a", "sel-b");
    }

    @Test
    void namespaces_are_not_enforced() {
        ConfigMap orphan = configMap("orphan", Map.of());
        orphan.getMetadata().setNamespace("does-not-exist");

        assertThat(client.resource(orphan).create().getMetadata().getNamespace())
                .isEqualTo("does-not-exist");
    }

    private static java.util.List<String> names(java.util.List<ConfigMap> items) {
        return items.stream().map(c -> c.getMetadata().getName()).toList();
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withData(new java.util.HashMap<>(data))
                .build();
    }
}
