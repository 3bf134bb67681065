package dev.scaleplane.events.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.events.SubscriptionOptions;
import dev.scaleplane.core.internal.tracing.SpanChains;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenTelemetry spans across RabbitMQ: the traceparent the broker carries links each handler's span to the span that
 * published its event, and a publish made inside a handler to that handler's span. Two bus instances stand for two
 * services, in a virtual host of the shared broker that the test makes and deletes.
 */
class RabbitTracingTest {
    record Order(String item) {}

    record Shipment(String item) {}

    static final EventType<Order> ORDER = EventType.of("dev.scaleplane.test.rabbit.tracing.order.v1", Order.class);
    static final EventType<Shipment> SHIPMENT =
            EventType.of("dev.scaleplane.test.rabbit.tracing.shipment.v1", Shipment.class);
    static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(ORDER).register(SHIPMENT).build();
    static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final OpenTelemetryExtension OTEL = OpenTelemetryExtension.create();

    private static EventBus bus(SharedRabbit.VirtualHost vhost, String service) {
        Map<String, String> s = new HashMap<>();
        s.put(RabbitBusConfig.HOST, SharedRabbit.HOST);
        s.put(RabbitBusConfig.PORT, Integer.toString(SharedRabbit.PORT));
        s.put(RabbitBusConfig.VIRTUAL_HOST, vhost.name());
        s.put(RabbitBusConfig.NAME_PREFIX, "tracing");
        return new RabbitEventBusProvider()
                .create(TestContext.of(s, TYPES, URI.create("/" + service), new SimpleMeterRegistry()));
    }

    @Test
    void publishHandlePublishHandleIsOneTraceAcrossTheBroker() {
        try (SharedRabbit.VirtualHost vhost = SharedRabbit.newVirtualHost();
                EventBus orders = bus(vhost, "orders");
                EventBus shipping = bus(vhost, "shipping")) {
            CompletableFuture<Event<Shipment>> shipped = new CompletableFuture<>();
            // shipping handles orders and publishes a shipment from inside its handler; orders handles the shipment
            shipping.subscribe(
                    SubscriptionOptions.of("orders", "shipping"),
                    ORDER,
                    event -> shipping.publish(
                            "shipments", new Shipment(event.data().item())));
            orders.subscribe(SubscriptionOptions.of("shipments", "notifier"), SHIPMENT, shipped::complete);

            orders.publish("orders", new Order("disk")).join();

            Event<Shipment> last =
                    shipped.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            assertThat(last.data()).isEqualTo(new Shipment("disk"));
            await().atMost(WAIT).until(() -> OTEL.getSpans().size() >= 4);
            List<SpanData> chain = SpanChains.assertChain(OTEL.getSpans(), "rabbitmq", "orders", "shipments");
            // The traceparent the handler received through RabbitMQ names the span that published it.
            assertThat(last.traceparent()).isEqualTo(SpanChains.traceparentOf(chain.get(2)));
            assertThat(chain.get(1).getAttributes().get(SpanChains.CONSUMER_GROUP))
                    .isEqualTo("shipping");
            assertThat(chain.get(3).getAttributes().get(SpanChains.MESSAGE_ID)).isEqualTo(last.id());
        }
    }
}
