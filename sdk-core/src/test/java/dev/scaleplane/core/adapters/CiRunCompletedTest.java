package dev.scaleplane.core.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scaleplane.api.ConfigurationException;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.adapters.ci.CiEvents;
import dev.scaleplane.api.adapters.ci.CiRun;
import dev.scaleplane.api.adapters.ci.CiRunCompleted;
import dev.scaleplane.api.adapters.ci.CiStatus;
import dev.scaleplane.api.adapters.ci.CiTrigger;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.catalog.PlatformEvents;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.Scaleplane;
import dev.scaleplane.core.ScaleplanePlatform;
import dev.scaleplane.core.bus.BusMetrics;
import dev.scaleplane.core.codec.EventCodec;
import dev.scaleplane.core.config.ScaleplaneProperties;
import io.micrometer.core.instrument.FunctionCounter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The one event type for "a CI run ended": its registration next to (not inside) the platform catalog, typed
 * subscriptions and the JSON wire form on the in-memory bus, its derived identity, and the polling side, where an
 * adapter from {@code platform.adapters().ci(name)} publishes it when {@code awaitCompletion} sees a run end.
 */
class CiRunCompletedTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Instant CREATED = Instant.parse("2026-03-02T10:00:00Z");
    private static final Instant ENDED = Instant.parse("2026-03-02T10:04:30Z");

    private static CiRun run(String id, CiStatus status) {
        return new CiRun(
                id,
                "acme/app/ci.yml",
                "main",
                URI.create("https://forge.example.com/acme/app/runs/" + id.substring(id.lastIndexOf('/') + 1)),
                status,
                status.name().toLowerCase(java.util.Locale.ROOT),
                CREATED,
                ENDED);
    }

    /** A CI system "forge" whose awaitCompletion returns futures the test completes. */
    static final class ForgeCi implements CiAdapterProvider {
        final Map<String, CompletableFuture<CiRun>> awaited = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "forge";
        }

        @Override
        public Set<CiCapability> capabilities() {
            return Set.of();
        }

        /** Ends the wait in progress for {@code runId} with {@code run}. */
        void complete(String runId, CiRun run) {
            awaited.remove(runId).complete(run);
        }

        /** Fails the wait in progress for {@code runId}. */
        void fail(String runId, Throwable failure) {
            awaited.remove(runId).completeExceptionally(failure);
        }

        @Override
        public CiAdapter create(String instance, ProviderContext context) {
            return new CiAdapter() {
                @Override
                public String name() {
                    return instance;
                }

                @Override
                public String system() {
                    return "forge";
                }

                @Override
                public CiRun trigger(CiTrigger trigger) {
                    return run(trigger.pipeline() + "/1", CiStatus.QUEUED);
                }

                @Override
                public CiRun status(String runId) {
                    return run(runId, CiStatus.RUNNING);
                }

                @Override
                public CompletableFuture<CiRun> awaitCompletion(String runId, Duration timeout) {
                    CompletableFuture<CiRun> wait = new CompletableFuture<>();
                    awaited.put(runId, wait);
                    return wait;
                }

                @Override
                public CiRun cancel(String runId) {
                    return run(runId, CiStatus.CANCELLED);
                }

                @Override
                public Stream<CiRun> runs(String pipeline) {
                    return Stream.empty();
                }
            };
        }
    }

    private static ScaleplanePlatform platform(ForgeCi forge, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of("scaleplane.adapters.forge-eu.type", "forge"));
        config.putAll(extra);
        return Scaleplane.builder()
                .config(ScaleplaneProperties.of(config))
                .ciAdapterProviders(List.of(forge))
                .build();
    }

    private static <T> BlockingQueue<Event<T>> collect(
            ScaleplanePlatform platform, String topic, dev.scaleplane.api.events.EventType<T> type) {
        BlockingQueue<Event<T>> received = new LinkedBlockingQueue<>();
        platform.events().subscribe(SubscriptionOptions.of(topic, "test"), type, received::add);
        return received;
    }

    private static double published(ScaleplanePlatform platform, String topic) {
        FunctionCounter counter = platform.meterRegistry()
                .find(BusMetrics.PUBLISHED)
                .tag("topic", topic)
                .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theTypeIsRegisteredOnEveryPlatformButStaysOutOfThePlatformCatalog() {
        assertThat(PlatformEvents.all()).hasSize(12).doesNotContain(CiEvents.RUN_COMPLETED);
        assertThat(EventTypeRegistry.platformDefaults().types()).hasSize(12);
        assertThat(EventTypeRegistry.platformDefaults().byName(CiEvents.RUN_COMPLETED_TYPE_NAME))
                .isEmpty();
        try (ScaleplanePlatform defaults = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .build();
                ScaleplanePlatform custom = Scaleplane.builder()
                        .config(ScaleplaneProperties.of(Map.of()))
                        .eventTypes(EventTypeRegistry.empty())
                        .build()) {
            assertThat(defaults.eventTypes().typeOf(CiRunCompleted.class)).isEqualTo(CiEvents.RUN_COMPLETED);
            assertThat(defaults.eventTypes().types())
                    .as(
                            "the catalog, CiRunCompleted, SecretRotated, SLO audit, scaling, deployment and capacity events")
                    .hasSize(14
                            + dev.scaleplane.api.slo.SloEvents.all().size()
                            + dev.scaleplane.api.orchestration.scaling.ScalingEvents.all()
                                    .size()
                            + dev.scaleplane.api.deployments.DeploymentEvents.all()
                                    .size()
                            + dev.scaleplane.api.capacity.CapacityEvents.all().size());
            assertThat(custom.eventTypes().byName(CiEvents.RUN_COMPLETED_TYPE_NAME))
                    .contains(CiEvents.RUN_COMPLETED);
        }
    }

    @Test
    void aTypedSubscriptionReceivesTheCompletionAndTheJsonFormRoundTrips() throws Exception {
        try (ScaleplanePlatform platform =
                Scaleplane.builder().config(ScaleplaneProperties.of(Map.of())).build()) {
            BlockingQueue<Event<CiRunCompleted>> received =
                    collect(platform, CiEvents.DEFAULT_TOPIC, CiEvents.RUN_COMPLETED);
            CiRunCompleted completion = new CiRunCompleted(
                    "forge", "forge-eu", run("acme/app/77", CiStatus.FAILED), CiRunCompleted.Via.WEBHOOK);
            Event<CiRunCompleted> event = CiEvents.runCompleted(completion, Instant.parse("2026-03-02T10:05:00Z"));
            platform.events().publish(CiEvents.DEFAULT_TOPIC, event).get(10, TimeUnit.SECONDS);

            Event<CiRunCompleted> got = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isNotNull();
            assertThat(got.data()).isEqualTo(completion);
            assertThat(got.id()).isEqualTo("forge:forge-eu:acme/app/77:failed");
            assertThat(got.source()).isEqualTo(URI.create("/scaleplane/ci/forge-eu"));
            assertThat(got.subject()).isEqualTo("acme/app/77");
            assertThat(got.time()).as("the run's own end").isEqualTo(ENDED);

            // What Kafka or RabbitMQ would carry: the JSON event format, decoded back to the record.
            EventCodec codec = EventCodec.of(platform.eventTypes());
            Event<?> decoded = codec.decodeStructured(codec.encodeStructured(event));
            assertThat(decoded.data()).isEqualTo(completion);
            assertThat(decoded.id()).isEqualTo(event.id());
        }
    }

    @Test
    void theIdentityIsDerivedFromSystemInstanceRunAndStatus() {
        CiRun failed = run("acme/app/5", CiStatus.FAILED);
        Event<CiRunCompleted> viaWebhook = CiEvents.runCompleted(
                new CiRunCompleted("forge", "forge-eu", failed, CiRunCompleted.Via.WEBHOOK), Instant.EPOCH);
        Event<CiRunCompleted> viaPolling = CiEvents.runCompleted(
                new CiRunCompleted("forge", "forge-eu", failed, CiRunCompleted.Via.POLLING), Instant.EPOCH);
        Event<CiRunCompleted> rerunSucceeded = CiEvents.runCompleted(
                new CiRunCompleted(
                        "forge", "forge-eu", run("acme/app/5", CiStatus.SUCCEEDED), CiRunCompleted.Via.POLLING),
                Instant.EPOCH);
        assertThat(viaWebhook.id()).isEqualTo(viaPolling.id());
        assertThat(viaWebhook.source()).isEqualTo(viaPolling.source());
        assertThat(rerunSucceeded.id())
                .as("a re-run that ends otherwise is another ending")
                .isNotEqualTo(viaWebhook.id());
        assertThat(CiEvents.completionsTopicKey("forge-eu"))
                .isEqualTo("scaleplane.adapters.forge-eu.completions.topic");
        assertThatThrownBy(() -> new CiRunCompleted(
                        "forge", "forge-eu", run("acme/app/5", CiStatus.RUNNING), CiRunCompleted.Via.POLLING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acme/app/5")
                .hasMessageContaining("RUNNING");
    }

    @Test
    void awaitCompletionPublishesTheEndingOnTheDefaultTopicBeforeItsFutureCompletes() throws Exception {
        ForgeCi forge = new ForgeCi();
        try (ScaleplanePlatform platform = platform(forge, Map.of())) {
            BlockingQueue<Event<CiRunCompleted>> received =
                    collect(platform, CiEvents.DEFAULT_TOPIC, CiEvents.RUN_COMPLETED);
            CiAdapter adapter = platform.adapters().ci("forge-eu");
            CompletableFuture<CiRun> awaited = adapter.awaitCompletion("acme/app/9", Duration.ofMinutes(5));
            assertThat(awaited).isNotDone();

            CiRun ended = run("acme/app/9", CiStatus.SUCCEEDED);
            forge.complete("acme/app/9", ended);

            assertThat(awaited.get(10, TimeUnit.SECONDS)).isEqualTo(ended);
            assertThat(published(platform, CiEvents.DEFAULT_TOPIC))
                    .as("accepted by the bus before the caller saw the run")
                    .isEqualTo(1);
            Event<CiRunCompleted> got = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isNotNull();
            assertThat(got.data())
                    .isEqualTo(new CiRunCompleted("forge", "forge-eu", ended, CiRunCompleted.Via.POLLING));
            assertThat(got.id()).isEqualTo("forge:forge-eu:acme/app/9:succeeded");
            assertThat(got.source()).isEqualTo(CiEvents.source("forge-eu"));
        }
    }

    @Test
    void theTopicIsConfigurablePerInstanceAndPublishingCanBeTurnedOff() throws Exception {
        ForgeCi forge = new ForgeCi();
        try (ScaleplanePlatform platform = platform(
                forge,
                Map.of(
                        "scaleplane.adapters.forge-eu.completions.topic", "ci-eu",
                        "scaleplane.adapters.forge-us.type", "forge",
                        "scaleplane.adapters.forge-us.completions.publish", "false"))) {
            BlockingQueue<Event<CiRunCompleted>> eu = collect(platform, "ci-eu", CiEvents.RUN_COMPLETED);
            CompletableFuture<CiRun> euRun = platform.adapters().ci("forge-eu").awaitCompletion("a/b/1", WAIT);
            forge.complete("a/b/1", run("a/b/1", CiStatus.CANCELLED));
            euRun.get(10, TimeUnit.SECONDS);
            Event<CiRunCompleted> got = eu.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got).isNotNull();
            assertThat(got.data().run().status()).isEqualTo(CiStatus.CANCELLED);

            CompletableFuture<CiRun> usRun = platform.adapters().ci("forge-us").awaitCompletion("a/b/2", WAIT);
            forge.complete("a/b/2", run("a/b/2", CiStatus.SUCCEEDED));
            assertThat(usRun.get(10, TimeUnit.SECONDS).id()).isEqualTo("a/b/2");
            assertThat(published(platform, CiEvents.DEFAULT_TOPIC)).isZero();
            assertThat(published(platform, "ci-eu")).isEqualTo(1);
        }
    }

    @Test
    void aFailedOrCancelledWaitPublishesNothingAndCancellingStopsTheAdaptersPolling() throws Exception {
        ForgeCi forge = new ForgeCi();
        try (ScaleplanePlatform platform = platform(forge, Map.of())) {
            CiAdapter adapter = platform.adapters().ci("forge-eu");

            CompletableFuture<CiRun> timedOut = adapter.awaitCompletion("a/b/3", WAIT);
            forge.fail("a/b/3", new TimeoutException("run a/b/3 still running after 10s"));
            assertThatThrownBy(timedOut::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);

            CompletableFuture<CiRun> cancelled = adapter.awaitCompletion("a/b/4", WAIT);
            cancelled.cancel(true);
            assertThat(forge.awaited.get("a/b/4").isCancelled())
                    .as("the adapter's own future, which stops its poller")
                    .isTrue();
            assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);

            assertThat(published(platform, CiEvents.DEFAULT_TOPIC)).isZero();
        }
    }

    @Test
    void aBusThatRefusesTheEventDoesNotFailTheWait() throws Exception {
        ForgeCi forge = new ForgeCi();
        ScaleplanePlatform busOwner =
                Scaleplane.builder().config(ScaleplaneProperties.of(Map.of())).build();
        try (ScaleplanePlatform platform = Scaleplane.builder()
                .config(ScaleplaneProperties.of(Map.of("scaleplane.adapters.forge-eu.type", "forge")))
                .ciAdapterProviders(List.of(forge))
                .eventBus(busOwner.events())
                .build()) {
            busOwner.close(); // the bus is closed: every publish fails
            CompletableFuture<CiRun> awaited =
                    platform.adapters().ci("forge-eu").awaitCompletion("a/b/5", WAIT);
            CiRun ended = run("a/b/5", CiStatus.FAILED);
            forge.complete("a/b/5", ended);
            assertThat(awaited.get(10, TimeUnit.SECONDS)).isEqualTo(ended);
        }
    }

    @Test
    void aCompletionSeenByPollingAndByTheWebhookReachesADeduplicatingSubscriptionOnce() throws Exception {
        ForgeCi forge = new ForgeCi();
        try (ScaleplanePlatform platform = platform(forge, Map.of())) {
            BlockingQueue<Event<CiRunCompleted>> received = new LinkedBlockingQueue<>();
            platform.events()
                    .subscribe(
                            SubscriptionOptions.builder(CiEvents.DEFAULT_TOPIC, "dedup")
                                    .concurrency(1)
                                    .deduplicate(Duration.ofHours(1), 1000)
                                    .build(),
                            CiEvents.RUN_COMPLETED,
                            received::add);
            CiRun ended = run("acme/app/42", CiStatus.SUCCEEDED);
            // The webhook receiver got there first ...
            platform.events()
                    .publish(
                            CiEvents.DEFAULT_TOPIC,
                            CiEvents.runCompleted(
                                    new CiRunCompleted("forge", "forge-eu", ended, CiRunCompleted.Via.WEBHOOK),
                                    Instant.now()))
                    .get(10, TimeUnit.SECONDS);
            // ... then polling saw the same ending; then the run was re-run and failed: another ending of the same
            // run, so on the same ordering key, after the duplicate.
            CiAdapter adapter = platform.adapters().ci("forge-eu");
            CompletableFuture<CiRun> awaited = adapter.awaitCompletion("acme/app/42", WAIT);
            forge.complete("acme/app/42", ended);
            awaited.get(10, TimeUnit.SECONDS);
            CompletableFuture<CiRun> rerun = adapter.awaitCompletion("acme/app/42", WAIT);
            forge.complete("acme/app/42", run("acme/app/42", CiStatus.FAILED));
            rerun.get(10, TimeUnit.SECONDS);
            assertThat(published(platform, CiEvents.DEFAULT_TOPIC)).isEqualTo(3);

            Event<CiRunCompleted> first = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Event<CiRunCompleted> second = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).isNotNull();
            assertThat(second).isNotNull();
            assertThat(first.data().via()).isEqualTo(CiRunCompleted.Via.WEBHOOK);
            assertThat(second.data().run().status())
                    .as("the polled copy of the first ending was filtered; the re-run's ending came next")
                    .isEqualTo(CiStatus.FAILED);
            assertThat(second.data().via()).isEqualTo(CiRunCompleted.Via.POLLING);
        }
    }

    @Test
    void anInvalidCompletionsTopicIsAConfigurationProblemAtBuildTime() {
        assertThatThrownBy(() -> platform(
                        new ForgeCi(),
                        Map.of(
                                "scaleplane.adapters.forge-eu.completions.topic", "ci runs",
                                "scaleplane.adapters.forge-eu.completions.publish", "sometimes")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigurationException.Problem::key)
                        .contains(
                                "scaleplane.adapters.forge-eu.completions.topic",
                                "scaleplane.adapters.forge-eu.completions.publish"));
    }
}
