package dev.scaleplane.events.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.scaleplane.api.events.BusClosedException;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.kafka.KafkaBusConfig;
import dev.scaleplane.events.kafka.KafkaEventBusProvider;
import dev.scaleplane.events.kafka.TestKafka;
import dev.scaleplane.tck.TckBusSettings;
import dev.scaleplane.tck.TckPayload;
import dev.scaleplane.testing.TestProviderContext;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A publish that passed the bus's closed check just before {@code close()} closed the producer: it must fail with
 * {@link BusClosedException}, not with the producer's {@code IllegalStateException}. The race is made certain by
 * calling {@code doPublish}, the step after the check, on a closed bus.
 */
class PublishRacingCloseTest {

    @Test
    void aPublishAfterTheProducerClosedFailsWithBusClosedException() throws Exception {
        KafkaEventBus bus = (KafkaEventBus) new KafkaEventBusProvider()
                .create(TestProviderContext.builder()
                        .config(ScaleplaneProperties.of(Map.of(
                                KafkaBusConfig.BOOTSTRAP_SERVERS,
                                TestKafka.broker().bootstrapServers())))
                        .eventTypes(TckBusSettings.tckEventTypes())
                        .source(TckBusSettings.DEFAULT_SOURCE)
                        .build());
        String topic = "race-" + UUID.randomUUID();
        bus.publish(topic, event(1)).get(60, TimeUnit.SECONDS); // the topic exists and the producer knows it
        bus.close();

        Event<TckPayload> late = event(2);
        Throwable t = catchThrowable(() -> bus.doPublish(topic, late).get(30, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(BusClosedException.class).hasMessageContaining(late.id());
    }

    private static Event<TckPayload> event(int n) {
        return Event.builder(TckPayload.TYPE, new TckPayload("k", n))
                .source(TckBusSettings.DEFAULT_SOURCE)
                .build();
    }
}
