package dev.scaleplane.events.kubernetes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishReceipt;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.DeploymentFailed;
import dev.scaleplane.api.events.catalog.DeploymentStarted;
import dev.scaleplane.api.orchestration.TaskRateLimit;
import dev.scaleplane.core.internal.memory.InMemoryEventBusProvider;
import dev.scaleplane.events.kubernetes.internal.Limits;
import dev.scaleplane.events.kubernetes.internal.MirrorEngine;
import dev.scaleplane.federation.kubernetes.testing.SimulatedFleet;
import dev.scaleplane.testing.TestProviderContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mirror against two simulated clusters (fabric8 mock API servers in CRUD mode). */
class EventMirrorTest {
    private static SimulatedFleet fleet;
    private static TestClusters clusters;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

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

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        fleet.clusters().forEach(c -> c.clearFaults());
    }

    private EventMirror.Builder mirror() {
        return EventMirror.builder(clusters.fleetClients)
                .types("dev.scaleplane.deployment.*")
                .reportingController("example.com/deployer")
                .reportingInstance("deployer-0")
                .meterRegistry(registry);
    }

    private EventMirror start(EventMirror.Builder builder) {
        EventMirror m = builder.build();
        closeAfter.add(0, m);
        return m;
    }

    /** A fresh namespace per test, so tests never see each other's Events. */
    private static String namespace() {
        return "team-" + NAMESPACES.incrementAndGet();
    }

    private static Event<DeploymentStarted> started(String cluster, String subject) {
        return Event.builder(
                        DeploymentStarted.TYPE, new DeploymentStarted("d-1", "checkout", "1.4.2", cluster, "canary"))
                .source("/deployer")
                .cluster(cluster)
                .subject(subject)
                .build();
    }

    private static List<io.fabric8.kubernetes.api.model.events.v1.Event> events(String cluster, String namespace) {
        return fleet.cluster(cluster)
                .client()
                .events()
                .v1()
                .events()
                .inNamespace(namespace)
                .list()
                .getItems();
    }

    private double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void writesTheEventOnTheObjectItConcernsInTheClusterItConcerns() {
        String ns = namespace();
        EventMirror mirror = start(mirror());
        Event<DeploymentStarted> event = started("ams-1", "Deployment/" + ns + "/checkout");

        assertThat(mirror.offer(event)).isTrue();

        await().until(() -> events("ams-1", ns).size() == 1);
        var written = events("ams-1", ns).get(0);
        assertThat(written.getRegarding().getKind()).isEqualTo("Deployment");
        assertThat(written.getRegarding().getNamespace()).isEqualTo(ns);
        assertThat(written.getRegarding().getName()).isEqualTo("checkout");
        assertThat(written.getReportingController()).isEqualTo("example.com/deployer");
        assertThat(written.getReportingInstance()).isEqualTo("deployer-0");
        assertThat(written.getReason()).isEqualTo("DeploymentStarted");
        assertThat(written.getAction()).isEqualTo("Deployment");
        assertThat(written.getType()).isEqualTo("Normal");
        assertThat(written.getNote()).contains(event.id()).contains("checkout").contains("1.4.2");
        assertThat(written.getEventTime()).isNotNull();
        assertThat(written.getSeries()).isNull();
        assertThat(written.getMetadata().getName()).startsWith("checkout.");
        assertThat(written.getMetadata().getAnnotations())
                .containsEntry(MirrorEngine.ID_ANNOTATION, event.id())
                .containsEntry(MirrorEngine.TYPE_ANNOTATION, DeploymentStarted.TYPE_NAME)
                .containsEntry(MirrorEngine.SOURCE_ANNOTATION, "/deployer");
        assertThat(events("par-1", ns))
                .as("nothing in the cluster the event does not concern")
                .isEmpty();
        assertThat(count("scaleplane.kubernetes.mirror.writes", "cluster", "ams-1", "result", "created"))
                .isEqualTo(1);
    }

    @Test
    void onlySelectedTypesAreMirrored() {
        EventMirror mirror = start(mirror());
        Event<String> other = Event.builder("dev.scaleplane.cluster.created.v1", "x")
                .source("/x")
                .cluster("ams-1")
                .subject("Namespace/x")
                .build();
        assertThat(mirror.offer(other)).isFalse();
        assertThat(mirror.queued()).isZero();
    }

    @Test
    void failuresAreWarningsAndExtensionsNameTheObject() {
        String ns = namespace();
        EventMirror mirror = start(mirror());
        Event<DeploymentFailed> failed = Event.builder(
                        DeploymentFailed.TYPE,
                        new DeploymentFailed("d-2", "checkout", "1.4.3", "par-1", "ImagePullBackOff", true))
                .source("/deployer")
                .cluster("par-1")
                .subject("deployment d-2") // not an object reference: the extensions name it
                .extensions(Map.of(
                        "regardingkind", "Deployment",
                        "regardingapiversion", "apps/v1",
                        "regardingnamespace", ns,
                        "regardingname", "checkout"))
                .build();

        mirror.offer(failed);

        await().until(() -> events("par-1", ns).size() == 1);
        var written = events("par-1", ns).get(0);
        assertThat(written.getType()).isEqualTo("Warning");
        assertThat(written.getReason()).isEqualTo("DeploymentFailed");
        assertThat(written.getRegarding().getApiVersion()).isEqualTo("apps/v1");
        assertThat(written.getRegarding().getName()).isEqualTo("checkout");
    }

    @Test
    void noteAndShortFieldsStayWithinTheLimitsCutAtCharacterBoundaries() {
        String ns = namespace();
        EventMirror mirror = start(EventMirror.builder(clusters.fleetClients).meterRegistry(registry));
        String longType = "dev.scaleplane." + "verylongword.".repeat(20) + "done.v1";
        // two-, three- and four-byte characters, so a cut by bytes would land inside one
        String payload = "é€😀".repeat(400);
        Event<String> event = Event.builder(longType, payload)
                .source("/x")
                .cluster("ams-1")
                .subject("ConfigMap/" + ns + "/settings")
                .build();

        mirror.offer(event);

        await().until(() -> events("ams-1", ns).size() == 1);
        var written = events("ams-1", ns).get(0);
        byte[] note = written.getNote().getBytes(UTF_8);
        assertThat(note.length).isLessThanOrEqualTo(Limits.MAX_NOTE);
        assertThat(written.getNote()).endsWith(Limits.ELLIPSIS).doesNotContain("\uFFFD");
        assertThat(new String(note, UTF_8)).isEqualTo(written.getNote());
        assertThat(written.getReason().getBytes(UTF_8).length).isLessThanOrEqualTo(Limits.MAX_SHORT_FIELD);
        assertThat(written.getReason()).startsWith("Verylongword").endsWith(Limits.ELLIPSIS);
        assertThat(written.getAction()).isEqualTo("Verylongword");
    }

    @Test
    void repeatsAggregateIntoASeriesUntilTheWindowPasses() {
        String ns = namespace();
        TestClusters.ManualClock clock = new TestClusters.ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
        EventMirror mirror = start(mirror().clock(clock).seriesWindow(Duration.ofMinutes(6)));
        String subject = "Deployment/" + ns + "/checkout";

        Event<DeploymentStarted> first = started("ams-1", subject);
        mirror.offer(first);
        await().until(() -> count("scaleplane.kubernetes.mirror.writes", "result", "created") == 1);
        clock.advance(Duration.ofMinutes(5));
        mirror.offer(started("ams-1", subject));
        await().until(() -> count("scaleplane.kubernetes.mirror.writes", "result", "series") == 1);
        clock.advance(Duration.ofMinutes(5)); // within 6 minutes of the last one, not of the first
        Event<DeploymentStarted> third = started("ams-1", subject);
        mirror.offer(third);
        await().until(() -> count("scaleplane.kubernetes.mirror.writes", "result", "series") == 2);

        List<io.fabric8.kubernetes.api.model.events.v1.Event> written = events("ams-1", ns);
        assertThat(written).hasSize(1);
        var series = written.get(0);
        assertThat(series.getSeries().getCount()).isEqualTo(3);
        assertThat(Limits.instant(series.getSeries().getLastObservedTime()))
                .isEqualTo(Instant.parse("2026-12-06T10:10:00Z"));
        assertThat(Limits.instant(series.getEventTime())).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(series.getMetadata().getAnnotations()).containsEntry(MirrorEngine.ID_ANNOTATION, third.id());

        // another reason on the same object is another series
        Event<DeploymentFailed> failed = Event.builder(
                        DeploymentFailed.TYPE, new DeploymentFailed("d-1", "checkout", "1.4.2", "ams-1", "x", false))
                .source("/deployer")
                .cluster("ams-1")
                .subject(subject)
                .build();
        mirror.offer(failed);
        await().until(() -> events("ams-1", ns).size() == 2);

        clock.advance(Duration.ofMinutes(7)); // the window passed: a new Event
        mirror.offer(started("ams-1", subject));
        await().until(() -> events("ams-1", ns).size() == 3);
        assertThat(events("ams-1", ns))
                .filteredOn(e -> "DeploymentStarted".equals(e.getReason()))
                .extracting(e -> e.getSeries() == null ? 1 : e.getSeries().getCount())
                .containsExactlyInAnyOrder(3, 1);
    }

    @Test
    void aTokenBucketPerClusterKeepsABurstFromFloodingTheApiserver() {
        String ns = namespace();
        TestClusters.ManualClock clock = new TestClusters.ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
        EventMirror mirror = start(mirror().clock(clock).rateLimit(TaskRateLimit.of(3, Duration.ofHours(1))));

        for (int i = 0; i < 6; i++) {
            mirror.offer(started("ams-1", "Deployment/" + ns + "/app-" + i));
        }
        for (int i = 0; i < 2; i++) {
            mirror.offer(started("par-1", "Deployment/" + ns + "/app-" + i));
        }

        await().until(() -> mirror.queued() == 0
                && count("scaleplane.kubernetes.mirror.writes", "cluster", "par-1", "result", "created") == 2);
        await().until(() -> count("scaleplane.kubernetes.mirror.dropped", "reason", "rate-limited") == 3);
        assertThat(events("ams-1", ns)).hasSize(3);
        assertThat(events("par-1", ns)).as("another cluster has its own bucket").hasSize(2);

        clock.advance(Duration.ofMinutes(20)); // one token back (3 per hour)
        mirror.offer(started("ams-1", "Deployment/" + ns + "/app-9"));
        await().until(() -> events("ams-1", ns).size() == 4);
    }

    @Test
    void aFailedWriteIsRetriedAndCounted() {
        String ns = namespace();
        EventMirror mirror = start(mirror().retryPolicy(RetryPolicy.builder()
                .maxAttempts(100)
                .fixed(Duration.ofMillis(50))
                .jitter(0)
                .build()));
        fleet.cluster("par-1").errorRatio(1.0, 503);

        mirror.offer(started("par-1", "Deployment/" + ns + "/checkout"));

        await().until(() -> count("scaleplane.kubernetes.mirror.retries", "cluster", "par-1") >= 2);
        fleet.cluster("par-1").errorRatio(0, 503);
        await().until(() -> events("par-1", ns).size() == 1);
        assertThat(count("scaleplane.kubernetes.mirror.failures", "cluster", "par-1"))
                .isZero();
    }

    @Test
    void aWriteThatARepeatCannotCureFailsAtOnceAndIsCounted() {
        String ns = namespace();
        EventMirror mirror = start(mirror());
        fleet.cluster("par-1").errorRatio(1.0, 403);

        mirror.offer(started("par-1", "Deployment/" + ns + "/checkout"));

        await().until(() -> count("scaleplane.kubernetes.mirror.failures", "cluster", "par-1") == 1);
        assertThat(count("scaleplane.kubernetes.mirror.retries", "cluster", "par-1"))
                .isZero();
    }

    @Test
    void eventsWithoutATargetOrWithAnUnknownClusterAreDroppedAndCounted() {
        EventMirror mirror = start(mirror());
        mirror.offer(started("ams-1", "not an object"));
        mirror.offer(started("waw-1", "Deployment/x/checkout"));
        Event<DeploymentStarted> noCluster = Event.builder(
                        DeploymentStarted.TYPE, new DeploymentStarted("d", "a", "1", "c", "s"))
                .source("/x")
                .subject("Deployment/x/checkout")
                .build();
        mirror.offer(noCluster);

        await().until(() -> count("scaleplane.kubernetes.mirror.dropped", "reason", "unroutable") == 2
                && count("scaleplane.kubernetes.mirror.dropped", "reason", "unknown-cluster") == 1);
    }

    @Test
    void neverBlocksTheBusWhileTheApiserverIsDown() throws Exception {
        String ns = namespace();
        EventBus bus = new InMemoryEventBusProvider()
                .create(TestProviderContext.builder()
                        .eventTypes(EventTypeRegistry.platformDefaults())
                        .component(MeterRegistry.class, registry)
                        .build());
        closeAfter.add(bus);
        EventMirror mirror = start(mirror().queueCapacity(4).retryPolicy(RetryPolicy.none()));
        mirror.attach(bus, "deployments");
        AtomicInteger otherGroup = new AtomicInteger();
        bus.subscribe(SubscriptionOptions.of("deployments", "audit"), e -> otherGroup.incrementAndGet());
        fleet.cluster("ams-1").partition();

        List<CompletableFuture<PublishReceipt>> publishes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            publishes.add(bus.publish("deployments", started("ams-1", "Deployment/" + ns + "/app-" + i)));
        }

        for (CompletableFuture<PublishReceipt> p : publishes) {
            assertThat(p.get(30, TimeUnit.SECONDS)).isNotNull();
        }
        await().until(() -> otherGroup.get() == 200);
        await().until(() -> delivered("deployments", EventMirror.DEFAULT_GROUP) == 200);
        assertThat(count("scaleplane.kubernetes.mirror.dropped", "reason", "queue-full"))
                .as("a full queue drops, counted")
                .isPositive();
        assertThat(bus.deadLetters().list("deployments", EventMirror.DEFAULT_GROUP, 10))
                .as("the mirror's handler never failed")
                .isEmpty();

        fleet.cluster("ams-1").heal();
        await().until(() -> mirror.queued() == 0);
        mirror.offer(started("ams-1", "Deployment/" + ns + "/after"));
        await().until(() -> events("ams-1", ns).stream()
                .anyMatch(e -> e.getRegarding().getName().equals("after")));
    }

    private double delivered(String topic, String group) {
        return registry
                .find("scaleplane.events.delivered")
                .tags("topic", topic, "group", group)
                .functionCounters()
                .stream()
                .mapToDouble(c -> c.count())
                .sum();
    }
}
