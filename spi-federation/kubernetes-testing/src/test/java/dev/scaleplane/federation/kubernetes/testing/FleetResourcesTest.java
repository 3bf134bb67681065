package dev.scaleplane.federation.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetResourcesTest {

    private static final int CLUSTERS = 50;

    @Test
    void fifty_clusters_start_serve_and_close_without_leaving_threads_behind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        SimulatedFleet.Builder builder = SimulatedFleet.builder();
        for (int i = 0; i < CLUSTERS; i++) {
            builder.cluster(String.format("c-%02d", i), c -> c.nodes(1));
        }
        SimulatedFleet fleet = builder.build();

        try {
            fleet.start();

            assertThat(fleet.clusters()).hasSize(CLUSTERS);
            assertThat(fleet.clusters()).extracting(SimulatedCluster::port).doesNotHaveDuplicates();
            for (SimulatedCluster cluster : fleet.clusters()) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", cluster.port()), 5_000);
                }
            }
            // A few clients and a rollout, so that client threads and controller threads exist before the close.
            for (SimulatedCluster cluster : fleet.clusters().subList(0, 5)) {
                cluster.client()
                        .resource(Workloads.deployment("web", "nginx:1.27", 1))
                        .create();
            }
            for (SimulatedCluster cluster : fleet.clusters().subList(0, 5)) {
                await().atMost(Duration.ofSeconds(10))
                        .until(
                                () -> cluster.client()
                                        .apps()
                                        .deployments()
                                        .inNamespace("default")
                                        .withName("web")
                                        .get(),
                                Workloads::observed);
            }
            fleet.cluster("c-07").partition();
            fleet.cluster("c-07").heal();
        } finally {
            fleet.close();
        }

        // Polled on this thread: Awaitility's own poller thread would be a "new thread" itself.
        await().pollInSameThread()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(newThreads(before)).isEmpty());
    }

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !before.contains(t))
                // The JVM's shared pool is not the fleet's; it may have been started by anything that ran meanwhile.
                .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
                .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
                .sorted()
                .collect(Collectors.toList());
    }
}
