package dev.scaleplane.events.kubernetes;

import dev.scaleplane.events.kubernetes.internal.Limits;
import dev.scaleplane.federation.kubernetes.testing.SimulatedCluster;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulated fleet and clients for it, as an application would build them for the mirror and the source. Closing it
 * closes both.
 */
final class TestClusters implements AutoCloseable {
    private final Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    final SimulatedFleet fleet;
    final FleetClients fleetClients;

    /** Starts a fleet of {@code names} and connects to it. */
    static TestClusters start(String... names) {
        SimulatedFleet.Builder builder = SimulatedFleet.builder();
        for (String name : names) {
            builder.cluster(name);
        }
        return new TestClusters(builder.start());
    }

    /**
     * One client per simulated cluster: no request retries (the mirror retries), short requests, and watches that
     * fabric8 does not reconnect itself, so the source's own resume path runs.
     */
    private TestClusters(SimulatedFleet fleet) {
        this.fleet = fleet;
        for (SimulatedCluster c : fleet.clusters()) {
            Config config = new ConfigBuilder(c.config())
                    .withRequestRetryBackoffLimit(0)
                    .withRequestTimeout(3_000)
                    .withConnectionTimeout(1_000)
                    .withWatchReconnectLimit(0)
                    .withWatchReconnectInterval(100)
                    .build();
            clients.put(
                    c.name(), new KubernetesClientBuilder().withConfig(config).build());
        }
        fleetClients = FleetClients.of(clients);
    }

    /**
     * Creates an Event in {@code namespace} of {@code cluster} as a scheduler reports one: {@code type} and
     * {@code reason} about the object {@code kind}/{@code object} of that namespace, at 2026-12-06T10:00:00Z.
     */
    Event createEvent(
            String cluster, String namespace, String name, String type, String reason, String kind, String object) {
        return fleet.cluster(cluster)
                .client()
                .events()
                .v1()
                .events()
                .inNamespace(namespace)
                .resource(new EventBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(namespace)
                        .endMetadata()
                        .withType(type)
                        .withReason(reason)
                        .withAction("Scheduling")
                        .withNote(reason + " of " + object)
                        .withReportingController("default-scheduler")
                        .withReportingInstance("scheduler-0")
                        .withEventTime(Limits.microTime(Instant.parse("2026-12-06T10:00:00Z")))
                        .withRegarding(new ObjectReferenceBuilder()
                                .withKind(kind)
                                .withNamespace(namespace)
                                .withName(object)
                                .build())
                        .build())
                .create();
    }

    @Override
    public void close() {
        clients.values().forEach(KubernetesClient::close);
        fleet.close();
    }

    /** A clock that stands still until moved. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
