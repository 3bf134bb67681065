package dev.scaleplane.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.scaleplane.api.RetryPolicy;
import dev.scaleplane.api.events.DeadLetter;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.PublishException;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.api.events.TraceParent;
import dev.scaleplane.api.spi.EventBusProvider;
import dev.scaleplane.core.bridge.EventBridge;
import dev.scaleplane.core.internal.memory.InMemoryEventBusProvider;
import dev.scaleplane.events.rabbitmq.internal.Headers;
import dev.scaleplane.events.rabbitmq.internal.Names;
import dev.scaleplane.events.rabbitmq.internal.RabbitEventBus;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Behaviour specific to RabbitMQ, on the machine's shared broker in a virtual host of this class. */
class RabbitEventBusTest {
    record Note(String text, int n) {}

    static final EventType<Note> NOTE = EventType.of("dev.scaleplane.test.rabbit.note.v1", Note.class);
    static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(NOTE).build();
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perClass();

    private final List<AutoCloseable> open = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private EventBus bus(String prefix, Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put(RabbitBusConfig.HOST, SharedRabbit.HOST);
        s.put(RabbitBusConfig.PORT, Integer.toString(SharedRabbit.PORT));
        s.put(RabbitBusConfig.VIRTUAL_HOST, vhost.name());
        s.put(RabbitBusConfig.NAME_PREFIX, prefix);
        s.put(RabbitBusConfig.REBALANCE_INTERVAL, "100ms");
        s.putAll(extra);
        EventBus bus =
                new RabbitEventBusProvider().create(TestContext.of(s, TYPES, URI.create("/rabbit/test"), registry));
        open.add(bus);
        return bus;
    }

    private Channel rawChannel() throws Exception {
        Connection c = vhost.connectionFactory().newConnection();
        open.add(c);
        return c.createChannel();
    }

    static Event<Note> fullEvent(int n) {
        return Event.builder(NOTE, new Note("note " + n, n))
                .source(URI.create("/rabbit/test"))
                .subject("subject-" + n)
                .time(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .tenant("tenant-a")
                .cluster("ams-1")
                .correlationId("corr-" + n)
                .causationId("cause-" + n)
                .partitionKey("key-" + (n % 5))
                .traceparent(TraceParent.newRoot())
                .extensions(Map.of("region", "eu-west"))
                .build();
    }

    @Test
    void theProviderIsFoundByServiceLoaderUnderItsName() {
        assertThat(ServiceLoader.load(EventBusProvider.class).stream()
                        .map(p -> p.get().name()))
                .contains(RabbitEventBusProvider.NAME);
        assertThat(new RabbitEventBusProvider().capabilities()).isEqualTo(RabbitEventBusProvider.CAPABILITIES);
    }

    @Test
    void eventsTravelInTheCloudEventsAmqpBindingBinaryMode() throws Exception {
        String prefix = SharedRabbit.uniqueName("wire");
        EventBus bus = bus(prefix, Map.of());
        Channel ch = rawChannel();
        String exchange = new Names(prefix, 4).exchange("orders");
        bus.publish("orders", fullEvent(0)).get(); // declares the exchange
        String queue = ch.queueDeclare().getQueue();
        ch.queueBind(queue, exchange, "#");
        Event<Note> event = fullEvent(1);

        bus.publish("orders", event).get();

        GetResponse r = await().atMost(WAIT).until(() -> ch.basicGet(queue, true), x -> x != null);
        AMQP.BasicProperties p = r.getProps();
        Map<String, String> h = new HashMap<>();
        p.getHeaders().forEach((k, v) -> h.put(k, Headers.string(v)));
        assertThat(h)
                .containsEntry("cloudEvents:specversion", "1.0")
                .containsEntry("cloudEvents:id", event.id())
                .containsEntry("cloudEvents:source", "/rabbit/test")
                .containsEntry("cloudEvents:type", NOTE.name())
                .containsEntry("cloudEvents:subject", "subject-1")
                .containsEntry("cloudEvents:tenant", "tenant-a")
                .containsEntry("cloudEvents:cluster", "ams-1")
                .containsEntry("cloudEvents:correlationid", "corr-1")
                .containsEntry("cloudEvents:causationid", "cause-1")
                .containsEntry("cloudEvents:partitionkey", "key-1")
                .containsEntry("cloudEvents:traceparent", event.traceparent().toString())
                .containsEntry("cloudEvents:region", "eu-west")
                .containsKey("cloudEvents:time")
                .doesNotContainKey("cloudEvents:datacontenttype")
                .doesNotContainKey("cloudEvents:data");
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getMessageId()).isEqualTo(event.id());
        assertThat(p.getDeliveryMode()).as("persistent").isEqualTo(2);
        assertThat(r.getEnvelope().getRoutingKey()).isEqualTo(Names.bucket("key-1") + "." + NOTE.name());
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"note 1\",\"n\":1}");
    }

    @Test
    void aUriAloneNamesTheBrokerVirtualHostAndUserOfTheBus() throws Exception {
        String prefix = SharedRabbit.uniqueName("uri");
        Map<String, String> s = Map.of(
                RabbitBusConfig.URI_KEY,
                "amqp://" + SharedRabbit.USER + ":" + SharedRabbit.PASSWORD + "@" + SharedRabbit.HOST + ":"
                        + SharedRabbit.PORT + "/" + vhost.name(),
                RabbitBusConfig.NAME_PREFIX,
                prefix);
        EventBus bus =
                new RabbitEventBusProvider().create(TestContext.of(s, TYPES, URI.create("/rabbit/test"), registry));
        open.add(bus);
        Map<String, Event<Object>> got = new ConcurrentHashMap<>();
        bus.subscribe(SubscriptionOptions.of("orders", "g"), e -> got.put(e.id(), e));
        Event<Note> event = fullEvent(1);
        bus.publish("orders", event).get();

        await().atMost(WAIT).until(() -> got.containsKey(event.id()));
        assertThat(got.get(event.id())).isEqualTo(event);
        // the topology is in the URI's virtual host: a passive declaration there fails if the exchange is missing
        rawChannel().exchangeDeclarePassive(new Names(prefix, 4).exchange("orders"));
    }

    @Test
    void aCloudEventFromAForeignAmqpProducerIsHandled() throws Exception {
        String prefix = SharedRabbit.uniqueName("foreign");
        EventBus bus = bus(prefix, Map.of());
        Map<String, Event<Object>> got = new ConcurrentHashMap<>();
        bus.subscribe(SubscriptionOptions.of("orders", "g"), e -> got.put(e.id(), e));
        Channel ch = rawChannel();
        ch.confirmSelect();
        Map<String, Object> headers = Map.of(
                "cloudEvents:specversion", "1.0",
                "cloudEvents:id", "foreign-1",
                "cloudEvents:source", "urn:python:producer",
                "cloudEvents:type", NOTE.name(),
                "cloudEvents:time", "2026-01-02T03:04:05Z",
                "cloudEvents:subject", "s");
        ch.basicPublish(
                new Names(prefix, 4).exchange("orders"),
                Names.routingKey(NOTE.name(), "s"),
                new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .headers(headers)
                        .build(),
                "{\"text\":\"hi\",\"n\":7}".getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(10_000);

        await().atMost(WAIT).until(() -> got.containsKey("foreign-1"));
        Event<Object> e = got.get("foreign-1");
        assertThat(e.data()).isEqualTo(new Note("hi", 7));
        assertThat(e.source()).isEqualTo(URI.create("urn:python:producer"));
        assertThat(e.time()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void anUnroutableEventFailsItsPublish() throws Exception {
        String prefix = SharedRabbit.uniqueName("unroutable");
        EventBus bus = bus(prefix, Map.of());
        bus.publish("orders", fullEvent(0)).get(10, TimeUnit.SECONDS); // accepted: the alternate exchange routes it
        // Without the alternate exchange's queue, a topic without groups routes nowhere: the broker returns it.
        rawChannel().queueDelete(new Names(prefix, 4).unrouted());

        assertThatThrownBy(() -> bus.publish("orders", fullEvent(1)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("unroutable");
    }

    @Test
    void anExchangeDeletedBehindTheBusFailsOnePublishThenIsDeclaredAgain() throws Exception {
        String prefix = SharedRabbit.uniqueName("deleted");
        EventBus bus = bus(prefix, Map.of());
        Map<String, Event<Object>> got = new ConcurrentHashMap<>();
        bus.publish("orders", fullEvent(0)).get(10, TimeUnit.SECONDS);
        rawChannel().exchangeDelete(new Names(prefix, 4).exchange("orders"));

        // The broker closes the publishing channel (404): that publish fails with the reason, nothing hangs.
        assertThatThrownBy(() -> bus.publish("orders", fullEvent(1)).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("NOT_FOUND");

        // A new channel is opened and the exchange declared again: publishing and delivery work again.
        bus.subscribe(SubscriptionOptions.of("orders", "g"), e -> got.put(e.id(), e));
        Event<Note> later = fullEvent(2);
        bus.publish("orders", later).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> got.containsKey(later.id()));
    }

    @Test
    void aGroupQueueDeletedBehindTheBusIsDeclaredAgainAndConsumed() throws Exception {
        String prefix = SharedRabbit.uniqueName("requeue");
        EventBus bus = bus(prefix, Map.of());
        Map<String, Event<Object>> got = new ConcurrentHashMap<>();
        bus.subscribe(SubscriptionOptions.of("orders", "g"), e -> got.put(e.id(), e));
        Event<Note> before = fullEvent(1);
        bus.publish("orders", before).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> got.containsKey(before.id()));
        Names names = new Names(prefix, 4);

        rawChannel().queueDelete(names.shardQueue("orders", "g", names.shardOf(before.orderingKey())));

        Event<Note> after = fullEvent(6); // same key as event 1: key-1
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            bus.publish(
                            "orders",
                            Event.builder(NOTE, new Note("probe", 0))
                                    .source("/rabbit/test")
                                    .partitionKey("key-1")
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            return got.values().stream().anyMatch(e -> ((Note) e.data()).text().equals("probe"));
        });
        bus.publish("orders", after).get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> got.containsKey(after.id()));
    }

    @Test
    void aDeadLetterCarriesXDeathAndTheFailureHeaders() throws Exception {
        String prefix = SharedRabbit.uniqueName("dlx");
        EventBus bus = bus(prefix, Map.of());
        bus.subscribe(
                SubscriptionOptions.builder("orders", "g")
                        .retryPolicy(RetryPolicy.builder()
                                .maxAttempts(3)
                                .fixed(Duration.ofMillis(20))
                                .jitter(0)
                                .build())
                        .build(),
                e -> {
                    throw new IllegalStateException("always fails");
                });
        Event<Note> event = fullEvent(1);
        bus.publish("orders", event).get();

        DeadLetter dl = await().atMost(WAIT)
                .until(() -> bus.deadLetters().list("orders", "g", 10), l -> l.size() == 1)
                .get(0);
        assertThat(dl.attempts()).isEqualTo(3);
        assertThat(dl.exceptionType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(dl.event()).isEqualTo(event);
        assertThat(dl.origin()).startsWith(prefix + ".orders.g.");

        Channel ch = rawChannel();
        GetResponse r = ch.basicGet(new Names(prefix, 4).deadLetterQueue("orders.g.dlq"), false);
        Map<String, Object> h = r.getProps().getHeaders();
        assertThat(h)
                .containsKeys(
                        "x-death",
                        Headers.ATTEMPTS,
                        Headers.EXCEPTION_TYPE,
                        Headers.EXCEPTION_MESSAGE,
                        Headers.STACK_TRACE,
                        Headers.FIRST_FAILURE,
                        Headers.LAST_FAILURE,
                        Headers.REASON,
                        Headers.ORIGIN);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> deaths = (List<Map<String, Object>>) h.get("x-death");
        assertThat(deaths.get(0).get("reason").toString()).isEqualTo("expired");
        assertThat(deaths.get(0).get("count")).isEqualTo(2L);
    }

    @Test
    void queueDepthIsReportedPerGroup() throws Exception {
        String prefix = SharedRabbit.uniqueName("depth");
        EventBus bus = bus(prefix, Map.of(RabbitBusConfig.PREFETCH, "1", RabbitBusConfig.SHARDS, "1"));
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe(SubscriptionOptions.of("orders", "slow"), e -> release.await(30, TimeUnit.SECONDS));
        try {
            for (int i = 0; i < 20; i++) {
                bus.publish("orders", fullEvent(i)).get();
            }
            await().atMost(WAIT).until(() -> {
                var gauge = registry.find(RabbitEventBus.QUEUE_DEPTH)
                        .tag("group", "slow")
                        .gauge();
                return gauge != null && gauge.value() >= 15;
            });
        } finally {
            release.countDown();
        }
        await().atMost(WAIT)
                .until(() -> registry.find(RabbitEventBus.QUEUE_DEPTH)
                                .tag("group", "slow")
                                .gauge()
                                .value()
                        == 0);
    }

    @Test
    void classicQueuesAreAnOption() throws Exception {
        String prefix = SharedRabbit.uniqueName("classic");
        EventBus quorum = bus(prefix + "-q", Map.of());
        EventBus classic = bus(prefix + "-c", Map.of(RabbitBusConfig.QUEUE_TYPE, "classic"));
        quorum.subscribe(SubscriptionOptions.of("orders", "g"), e -> {});
        classic.subscribe(SubscriptionOptions.of("orders", "g"), e -> {});

        String listing = SharedRabbit.rabbitmqctl("list_queues", "-p", vhost.name(), "name", "type");
        assertThat(listing)
                .containsPattern(
                        new Names(prefix + "-q", 4).shardQueue("orders", "g", 0).replace(".", "\\.") + "\\s+quorum")
                .containsPattern(
                        new Names(prefix + "-c", 4).shardQueue("orders", "g", 0).replace(".", "\\.") + "\\s+classic");
    }

    @Test
    void theBridgeForwardsBetweenTheInMemoryBusAndRabbitMqInBothDirections() {
        EventBus rabbit = bus(SharedRabbit.uniqueName("bridge"), Map.of());
        EventBus memory = new InMemoryEventBusProvider()
                .create(TestContext.of(Map.of(), TYPES, URI.create("/memory"), new SimpleMeterRegistry()));
        open.add(memory);
        Map<String, Event<Object>> atRabbit = new ConcurrentHashMap<>();
        Map<String, Event<Object>> atMemory = new ConcurrentHashMap<>();
        rabbit.subscribe(SubscriptionOptions.of("orders", "reader"), e -> atRabbit.put(e.id(), e));
        memory.subscribe(SubscriptionOptions.of("replies", "reader"), e -> atMemory.put(e.id(), e));
        open.add(EventBridge.builder(memory, "orders", rabbit).start());
        open.add(EventBridge.builder(rabbit, "replies", memory).start());

        List<Event<Note>> orders =
                IntStream.range(0, 50).mapToObj(RabbitEventBusTest::fullEvent).toList();
        List<Event<Note>> replies =
                IntStream.range(50, 80).mapToObj(RabbitEventBusTest::fullEvent).toList();
        orders.forEach(e -> memory.publish("orders", e).join());
        replies.forEach(e -> rabbit.publish("replies", e).join());

        await().atMost(WAIT).until(() -> atRabbit.size() == orders.size() && atMemory.size() == replies.size());
        for (Event<Note> e : orders) {
            assertThat(atRabbit.get(e.id())).as("memory -> rabbitmq").isEqualTo(e);
        }
        for (Event<Note> e : replies) {
            assertThat(atMemory.get(e.id())).as("rabbitmq -> memory").isEqualTo(e);
        }
    }
}
