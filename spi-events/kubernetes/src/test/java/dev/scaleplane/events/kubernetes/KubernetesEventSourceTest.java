package dev.scaleplane.events.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.internal.memory.InMemoryEventBusProvider;
import dev.scaleplane.events.kubernetes.internal.Limits;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.TestProviderContext;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeriesBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source against two simulated clusters, with their faults (partition, injected 410 Gone). */
class KubernetesEventSourceTest {
    private static final String TOPIC = "kubernetes-events";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static SimulatedFleet fleet;
    private static TestClusters clusters;

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<Event<?>> inbox = new CopyOnWriteArrayList<>();
    private EventBus bus;
    private String ns;

    @BeforeAll
    static void startFleet() {
        clusters = TestClusters.start("ams-1", "par-1");
        fleet = clusters.fleet;
    }

    @AfterAll
    static void stopFleet() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @BeforeEach
    void subscribe() {
        ns = "team-" + NAMESPACES.incrementAndGet();
        bus = new InMemoryEventBusProvider()
                .create(TestProviderContext.builder()
                        .eventTypes(EventTypeRegistry.platformDefaults().toBuilder()
                                .register(KubernetesEventObserved.TYPE)
                                .build())
                        .build());
        closeAfter.add(bus);
        bus.subscribe(SubscriptionOptions.of(TOPIC, "test"), inbox::add);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        fleet.clusters().forEach(c -> c.clearFaults());
    }

    private KubernetesEventSource.Builder source() {
        return KubernetesEventSource.builder(clusters.fleetClients, bus, TOPIC)
                .namespace(ns)
                .meterRegistry(registry)
                .reconnect(RetryPolicy.builder()
                        .maxAttempts(Integer.MAX_VALUE)
                        .fixed(Duration.ofMillis(100))
                        .jitter(0)
                        .build());
    }

    private KubernetesEventSource start(KubernetesEventSource.Builder builder) {
        KubernetesEventSource s = builder.build();
        closeAfter.add(0, s);
        return s;
    }

    private io.fabric8.kubernetes.api.model.events.v1.Event create(
            String cluster, String name, String type, String reason, String kind, String object) {
        return clusters.createEvent(cluster, ns, name, type, reason, kind, object);
    }

    private List<KubernetesEventObserved> observed() {
        return inbox.stream().map(e -> (KubernetesEventObserved) e.data()).toList();
    }

    private List<String> names() {
        return observed().stream().map(KubernetesEventObserved::name).toList();
    }

    private double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void publishesTheChosenEventsOfEveryCluster() {
        KubernetesEventSource source = start(source().types("Warning").reasons("FailedScheduling", "FailedCreate"));
        await().until(() -> source.isWatching("ams-1") && source.isWatching("par-1"));

        var scheduling = create("ams-1", "web-1.a", "Warning", "FailedScheduling", "Pod", "web-1");
        create("ams-1", "web-1.b", "Normal", "Scheduled", "Pod", "web-1");
        create("ams-1", "web-2.a", "Warning", "BackOff", "Pod", "web-2");
        create("par-1", "web-abc.a", "Warning", "FailedCreate", "ReplicaSet", "web-abc");
        // created after the others in its cluster: once it is published, the others' fate is known
        create("ams-1", "marker", "Warning", "FailedScheduling", "Pod", "marker");

        await().until(() -> names().containsAll(List.of("web-1.a", "web-abc.a", "marker")));
        assertThat(names()).containsExactlyInAnyOrder("web-1.a", "web-abc.a", "marker");

        Event<?> envelope = inbox.stream()
                .filter(e -> ((KubernetesEventObserved) e.data()).name().equals("web-1.a"))
                .findFirst()
                .orElseThrow();
        assertThat(envelope.type()).isEqualTo(KubernetesEventObserved.TYPE_NAME);
        assertThat(envelope.id()).isEqualTo("ams-1/" + scheduling.getMetadata().getUid() + "/1");
        assertThat(envelope.source()).isEqualTo(URI.create("/scaleplane/kubernetes/ams-1"));
        assertThat(envelope.cluster()).isEqualTo("ams-1");
        assertThat(envelope.subject()).isEqualTo("Pod/" + ns + "/web-1");
        assertThat(envelope.time()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        KubernetesEventObserved o = (KubernetesEventObserved) envelope.data();
        assertThat(o.isWarning()).isTrue();
        assertThat(o.reason()).isEqualTo("FailedScheduling");
        assertThat(o.regardingKind()).isEqualTo("Pod");
        assertThat(o.regardingName()).isEqualTo("web-1");
        assertThat(o.reportingController()).isEqualTo("default-scheduler");
        assertThat(o.seriesCount()).isEqualTo(1);
    }

    @Test
    void aFilterSelectsEventsRegardingPlacedObjects() {
        Set<String> placed = Set.of("checkout");
        KubernetesEventSource source =
                start(source().clusters("par-1").filter(o -> placed.contains(o.regardingName())));
        await().until(() -> source.isWatching("par-1"));

        create("par-1", "other.a", "Warning", "BackOff", "Deployment", "other");
        create("par-1", "checkout.a", "Warning", "BackOff", "Deployment", "checkout");
        create("par-1", "checkout.b", "Normal", "ScalingReplicaSet", "Deployment", "checkout");
        create("par-1", "checkout.c", "Warning", "FailedCreate", "Deployment", "checkout");

        await().until(() -> names().contains("checkout.c"));
        assertThat(names()).containsExactly("checkout.a", "checkout.c");
    }

    @Test
    void aSeriesUpdateIsANewObservationAnUnrelatedChangeIsNot() {
        KubernetesEventSource source = start(source().clusters("ams-1"));
        await().until(() -> source.isWatching("ams-1"));
        var first = create("ams-1", "web-1.a", "Warning", "FailedScheduling", "Pod", "web-1");
        await().until(() -> names().size() == 1);

        var events = fleet.cluster("ams-1").client().events().v1().events().inNamespace(ns);
        events.withName("web-1.a").edit(e -> new EventBuilder(e)
                .withSeries(new EventSeriesBuilder()
                        .withCount(2)
                        .withLastObservedTime(Limits.microTime(Instant.parse("2026-12-06T10:05:00Z")))
                        .build())
                .build());
        await().until(() -> names().size() == 2);
        events.withName("web-1.a").edit(e -> new EventBuilder(e)
                .editMetadata()
                .addToLabels("seen", "yes")
                .endMetadata()
                .build());
        create("ams-1", "marker", "Warning", "FailedScheduling", "Pod", "marker");
        await().until(() -> names().contains("marker"));

        String uid = first.getMetadata().getUid();
        assertThat(inbox)
                .extracting(Event::id)
                .containsExactly(
                        "ams-1/" + uid + "/1",
                        "ams-1/" + uid + "/2",
                        inbox.get(2).id());
        assertThat(observed().get(1).seriesCount()).isEqualTo(2);
        assertThat(observed().get(1).observedAt()).isEqualTo(Instant.parse("2026-12-06T10:05:00Z"));
        assertThat(count("scaleplane.kubernetes.source.duplicates", "cluster", "ams-1"))
                .isEqualTo(1);
    }

    @Test
    void existingEventsArePublishedOnlyWhenAskedFor() {
        create("par-1", "old.a", "Warning", "FailedScheduling", "Pod", "old");
        KubernetesEventSource plain = start(source().clusters("par-1"));
        await().until(() -> plain.isWatching("par-1"));
        KubernetesEventSource withExisting = start(source().clusters("par-1").includeExisting(true));
        await().until(() -> withExisting.isWatching("par-1"));
        create("par-1", "new.a", "Warning", "FailedScheduling", "Pod", "new");

        await().until(() -> names().stream().filter("new.a"::equals).count() == 2);
        assertThat(names())
                .as(() -> "inbox " + inbox)
                .filteredOn("old.a"::equals)
                .hasSize(1);
    }

    @Test
    void resumesAfterADisconnectWithoutRepeatingWhatItPublished() {
        KubernetesEventSource source = start(source().clusters("ams-1"));
        await().until(() -> source.isWatching("ams-1"));
        create("ams-1", "before.a", "Warning", "FailedScheduling", "Pod", "before");
        await().until(() -> names().contains("before.a"));

        fleet.cluster("ams-1").partition();
        await().until(() -> !source.isWatching("ams-1"));
        fleet.cluster("ams-1").heal();
        await().until(() -> source.isWatching("ams-1"));
        assertThat(source.restarts("ams-1")).isPositive();

        create("ams-1", "after.a", "Warning", "FailedScheduling", "Pod", "after");
        await().until(() -> names().contains("after.a"));
        assertThat(names()).containsExactly("before.a", "after.a");
    }

    @Test
    void listsAgainAfter410GoneAndPublishesOnlyWhatItHadNotSeen() {
        KubernetesEventSource source = start(source().clusters("par-1")
                .reconnect(RetryPolicy.builder()
                        .maxAttempts(Integer.MAX_VALUE)
                        .fixed(Duration.ofMillis(500))
                        .jitter(0)
                        .build()));
        await().until(() -> source.isWatching("par-1"));
        create("par-1", "before.a", "Warning", "FailedScheduling", "Pod", "before");
        await().until(() -> names().contains("before.a"));

        // the apiserver answers 410 Gone: its history no longer reaches back to our resourceVersion
        fleet.cluster("par-1").partition();
        fleet.cluster("par-1").errorRatio(1.0, 410);
        await().until(() -> !source.isWatching("par-1"));
        fleet.cluster("par-1").heal();
        await().until(() -> source.relists("par-1") > 0);
        fleet.cluster("par-1").errorRatio(0, 410);
        // most likely created while the source waits to list again, so only the re-list can find it
        create("par-1", "during.a", "Warning", "FailedScheduling", "Pod", "during");

        await().until(() -> source.isWatching("par-1") && names().contains("during.a"));
        create("par-1", "after.a", "Warning", "FailedScheduling", "Pod", "after");
        await().until(() -> names().contains("after.a"));
        assertThat(names()).containsExactly("before.a", "during.a", "after.a");
        assertThat(count("scaleplane.kubernetes.source.duplicates", "cluster", "par-1"))
                .as("the re-list found before.a again and did not publish it")
                .isPositive();
    }
}
