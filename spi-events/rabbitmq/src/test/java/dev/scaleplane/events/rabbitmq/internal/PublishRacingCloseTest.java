package dev.scaleplane.events.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import dev.scaleplane.events.rabbitmq.RabbitEventBusProvider;
import dev.scaleplane.events.rabbitmq.testing.SharedRabbit;
import dev.scaleplane.events.rabbitmq.testing.ThrowAwayVirtualHost;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import dev.scaleplane.testing.TestProviderContext;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publish that passed the bus's closed check just before {@code close()} began (the race the compatibility kit's
 * drain clause provokes now and then): it must fail with {@link BusClosedException}, not with the publisher's own
 * error. The race is made certain by calling {@code doPublish}, the step after the check, on a closed bus.
 */
class PublishRacingCloseTest {
    @RegisterExtension
    static final ThrowAwayVirtualHost vhost = ThrowAwayVirtualHost.perClass();

    private static RabbitEventBus bus() {
        return (RabbitEventBus) new RabbitEventBusProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                RabbitBusConfig.HOST, SharedRabbit.HOST,
                                RabbitBusConfig.PORT, Integer.toString(SharedRabbit.PORT),
                                RabbitBusConfig.VIRTUAL_HOST, vhost.name())))
                        .eventTypes(TckBusSettings.tckEventTypes())
                        .source(TckBusSettings.DEFAULT_SOURCE)
                        .build());
    }

    private static Event<TckPayload> event(int n) {
        return Event.builder(TckPayload.TYPE, new TckPayload("k", n))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .build();
    }

    private static Throwable failureOf(CompletableFuture<?> publish) {
        Throwable t = catchThrowable(() -> publish.get(30, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        return t.getCause();
    }

    @Test
    void aPublishToADeclaredExchangeFailsWithBusClosedException() throws Exception {
        RabbitEventBus bus = bus();
        String topic = SharedRabbit.uniqueName("race.declared");
        bus.publish(topic, event(1)).get(30, TimeUnit.SECONDS); // the exchange is declared and cached
        bus.close();

        Event<TckPayload> late = event(2);
        assertThat(failureOf(bus.doPublish(topic, late)))
                .isInstanceOf(BusClosedException.class)
                .hasMessageContaining(late.id());
    }

    @Test
    void aPublishThatMustStillDeclareItsExchangeFailsWithBusClosedException() {
        RabbitEventBus bus = bus();
        bus.close();

        assertThat(failureOf(bus.doPublish(SharedRabbit.uniqueName("race.undeclared"), event(3))))
                .isInstanceOf(BusClosedException.class);
    }
}
