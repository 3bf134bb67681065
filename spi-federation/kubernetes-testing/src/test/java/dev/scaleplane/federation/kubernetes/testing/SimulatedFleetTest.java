package dev.scaleplane.federation.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedFleetTest {

    private static SimulatedFleet fleet;

    @BeforeAll
    static void start() {
        fleet = SimulatedFleet.builder()
                .cluster("ams-1", c -> c.nodes(3)
                        .nodeCapacity("8", "32Gi", 110)
                        .labels(Map.of(
                                "topology.kubernetes.io/region", "eu-west",
                                "topology.kubernetes.io/zone", "ams-1a")))
                .cluster("par-1", c -> c.nodes(1).nodeCapacity("7500m", "16Gi", 50))
                .cluster("waw-1")
                .start();
    }

    @AfterAll
    static void stop() {
        fleet.close();
    }

    @Test
    void each_cluster_has_nodes_with_its_capacity_and_labels() {
        List<Node> nodes = fleet.cluster("ams-1").client().nodes().list().getItems();

        assertThat(nodes)
                .extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrder("ams-1-node-0", "ams-1-node-1", "ams-1-node-2");
        for (Node node : nodes) {
            assertThat(node.getStatus().getAllocatable())
                    .containsEntry("cpu", new Quantity("8"))
                    .containsEntry("memory", new Quantity("32Gi"))
                    .containsEntry("pods", new Quantity("110"));
            assertThat(node.getStatus().getCapacity())
                    .isEqualTo(node.getStatus().getAllocatable());
            assertThat(node.getMetadata().getLabels())
                    .containsEntry("topology.kubernetes.io/region", "eu-west")
                    .containsEntry("topology.kubernetes.io/zone", "ams-1a")
                    .containsEntry("kubernetes.io/hostname", node.getMetadata().getName());
            assertThat(node.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("Ready");
                assertThat(c.getStatus()).isEqualTo("True");
            });
        }
        Node par =
                fleet.cluster("par-1").client().nodes().withName("par-1-node-0").get();
        assertThat(par.getStatus().getAllocatable()).containsEntry("cpu", new Quantity("7500m"));
        assertThat(fleet.cluster("waw-1").client().nodes().list().getItems())
                .hasSize(SimulatedFleet.ClusterSpec.DEFAULT_NODES);
    }

    @Test
    void capacity_can_be_summed_from_node_allocatable() {
        KubernetesClient client = fleet.cluster("ams-1").client();

        double cpu = client.nodes().list().getItems().stream()
                .mapToDouble(n -> Quantity.getAmountInBytes(
                                n.getStatus().getAllocatable().get("cpu"))
                        .doubleValue())
                .sum();

        assertThat(cpu).isEqualTo(24.0);
    }

    @Test
    void each_cluster_has_the_default_and_kube_system_namespaces() {
        List<Namespace> namespaces =
                fleet.cluster("par-1").client().namespaces().list().getItems();

        assertThat(namespaces)
                .extracting(n -> n.getMetadata().getName())
                .containsExactlyInAnyOrder("default", "kube-system");
        assertThat(namespaces)
                .allSatisfy(n -> assertThat(n.getStatus().getPhase()).isEqualTo("Active"));
    }

    @Test
    void clusters_are_separate_stores_on_separate_ports() {
        assertThat(fleet.clusters()).extracting(SimulatedCluster::name).containsExactly("ams-1", "par-1", "waw-1");
        assertThat(fleet.clusters()).extracting(SimulatedCluster::port).doesNotHaveDuplicates();
        assertThat(fleet.cluster("ams-1").url())
                .isEqualTo("http://127.0.0.1:" + fleet.cluster("ams-1").port());

        fleet.cluster("ams-1")
                .client()
                .configMaps()
                .inNamespace("default")
                .resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("only-in-ams")
                        .endMetadata()
                        .build())
                .create();

        assertThat(fleet.cluster("par-1")
                        .client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("only-in-ams")
                        .get())
                .isNull();
    }

    @Test
    void a_client_built_from_the_kubeconfig_or_the_config_reaches_the_cluster() {
        SimulatedCluster waw = fleet.cluster("waw-1");

        try (KubernetesClient fromKubeconfig = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(waw.kubeconfig()))
                        .build();
                KubernetesClient fromConfig =
                        new KubernetesClientBuilder().withConfig(waw.config()).build()) {
            assertThat(fromKubeconfig.getMasterUrl().toString()).startsWith(waw.url());
            assertThat(fromKubeconfig.getNamespace()).isEqualTo("default");
            assertThat(fromKubeconfig.nodes().list().getItems()).hasSize(3);
            assertThat(fromConfig.nodes().list().getItems()).hasSize(3);
        }
    }

    @Test
    void the_fleet_kubeconfig_has_one_context_per_cluster(@TempDir Path dir) {
        String kubeconfig = fleet.kubeconfig();
        File file = fleet.writeKubeconfig(dir.resolve("kubeconfig")).toFile();

        for (SimulatedCluster cluster : fleet.clusters()) {
            Config config = Config.fromKubeconfig(cluster.name(), file);
            assertThat(config.getMasterUrl()).startsWith(cluster.url());
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build()) {
                assertThat(client.nodes().list().getItems())
                        .allSatisfy(n -> assertThat(n.getMetadata().getName()).startsWith(cluster.name() + "-node-"));
            }
        }
        assertThat(Config.fromKubeconfig(kubeconfig).getCurrentContext().getName())
                .isEqualTo("ams-1");
    }

    @Test
    void version_and_health_endpoints_answer_like_an_api_server() throws Exception {
        SimulatedCluster ams = fleet.cluster("ams-1");

        VersionInfo version = ams.client().getKubernetesVersion();
        assertThat(version.getMajor()).isEqualTo("1");
        assertThat(version.getGitVersion()).contains("simulation");

        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/readyz", "/livez", "/healthz")) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(ams.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).isEqualTo("ok");
        }
    }

    @Test
    void an_unknown_cluster_name_lists_the_names_there_are() {
        assertThatThrownBy(() -> fleet.cluster("lis-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lis-1")
                .hasMessageContaining("[ams-1, par-1, waw-1]");
    }

    @Test
    void the_builder_rejects_bad_input_with_the_fix_in_the_message() {
        assertThatThrownBy(() -> SimulatedFleet.builder().cluster("Ams_1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DNS label");
        assertThatThrownBy(() -> SimulatedFleet.builder().cluster("a").cluster("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already added");
        assertThatThrownBy(() -> SimulatedFleet.builder().cluster("a", c -> c.nodeCapacity("lots", "1Gi", 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu must be a Kubernetes quantity");
        assertThatThrownBy(() -> SimulatedFleet.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one cluster");
        assertThatThrownBy(() -> SimulatedFleet.builder().controllerDelay(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_cluster_is_usable_only_while_the_fleet_runs() {
        SimulatedFleet unstarted = SimulatedFleet.builder().cluster("one").build();

        assertThatThrownBy(() -> unstarted.cluster("one").url()).hasMessageContaining("not started");
        assertThatThrownBy(() -> unstarted.cluster("one").partition()).hasMessageContaining("new");

        unstarted.start();
        unstarted.close();
        assertThatThrownBy(() -> unstarted.cluster("one").client()).hasMessageContaining("closed");
        assertThatThrownBy(unstarted::start).hasMessageContaining("closed");
    }
}
