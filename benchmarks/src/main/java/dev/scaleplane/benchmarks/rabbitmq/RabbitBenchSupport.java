package dev.scaleplane.benchmarks.rabbitmq;

import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ConnectionFactory;
import dev.scaleplane.api.events.Event;
import dev.scaleplane.api.events.EventBus;
import dev.scaleplane.api.events.EventType;
import dev.scaleplane.api.events.EventTypeRegistry;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import dev.scaleplane.core.config.ScaleplaneProperties;
import dev.scaleplane.events.rabbitmq.RabbitBusConfig;
import dev.scaleplane.events.rabbitmq.RabbitEventBusProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/** What the RabbitMQ benchmarks share: the broker address, the payload, SDK buses and a raw confirm tracker. */
final class RabbitBenchSupport {
    /** System property with the virtual host the benchmarks use (set by {@link RabbitBench} for the forks). */
    static final String VHOST_PROPERTY = "scaleplane.bench.rabbitmq.vhost";
    /** The broker's AMQP port, 5672 unless this system property says otherwise (a node started by hand). */
    static final String PORT_PROPERTY = "scaleplane.bench.rabbitmq.port";

    static final int PORT = Integer.getInteger(PORT_PROPERTY, 5672);
    /** The in-flight window of both the SDK and the raw publisher. */
    static final int WINDOW = 1024;
    /** Payload size. */
    static final int PAYLOAD = 1024;

    static final EventType<byte[]> BYTES = EventType.of("dev.scaleplane.bench.bytes.v1", byte[].class);
    static final EventTypeRegistry TYPES =
            EventTypeRegistry.builder().register(BYTES).build();
    static final byte[] DATA = new byte[PAYLOAD];

    static {
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = (byte) ('a' + i % 26);
        }
    }

    private RabbitBenchSupport() {}

    static String vhost() {
        String v = System.getProperty(VHOST_PROPERTY);
        if (v == null) {
            throw new IllegalStateException(
                    "run through RabbitBench (benchmarks/rabbitmq.sh), which sets -D" + VHOST_PROPERTY);
        }
        return v;
    }

    static ConnectionFactory connectionFactory() {
        ConnectionFactory cf = new ConnectionFactory();
        cf.setHost("127.0.0.1");
        cf.setPort(PORT);
        cf.setUsername("guest");
        cf.setPassword("guest");
        cf.setVirtualHost(vhost());
        return cf;
    }

    static Event<byte[]> event() {
        return Event.builder(BYTES, DATA)
                .source(URI.create("/bench"))
                .dataContentType("application/octet-stream")
                .subject("k")
                .build();
    }

    /** An SDK bus on the benchmark virtual host with one shard per group and the given queue type. */
    static EventBus bus(String prefix, String queueType) {
        Map<String, String> settings = Map.of(
                RabbitBusConfig.HOST,
                "127.0.0.1",
                RabbitBusConfig.PORT,
                Integer.toString(PORT),
                RabbitBusConfig.VIRTUAL_HOST,
                vhost(),
                RabbitBusConfig.NAME_PREFIX,
                prefix,
                RabbitBusConfig.QUEUE_TYPE,
                queueType,
                RabbitBusConfig.SHARDS,
                "1",
                RabbitBusConfig.MAX_IN_FLIGHT,
                Integer.toString(WINDOW),
                RabbitBusConfig.PUBLISH_TIMEOUT,
                "60s");
        ConfigProperties config = ScaleplaneProperties.of(settings);
        return new RabbitEventBusProvider().create(new ProviderContext() {
            @Override
            public ConfigProperties config() {
                return config;
            }

            @Override
            public EventTypeRegistry eventTypes() {
                return TYPES;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public URI source() {
                return URI.create("/bench");
            }

            @Override
            public <T> Optional<T> component(Class<T> type) {
                return type == io.micrometer.core.instrument.MeterRegistry.class
                        ? Optional.of(type.cast(new SimpleMeterRegistry()))
                        : Optional.empty();
            }
        });
    }

    /**
     * What a raw amqp-client publisher with asynchronous confirms does: a window of {@link #WINDOW} unconfirmed
     * sequence numbers, released by (multiple) acks.
     */
    static final class Confirms implements ConfirmListener {
        final Semaphore window = new Semaphore(WINDOW);
        final ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
        final LongAdder nacked = new LongAdder();

        void sent(long seq) {
            outstanding.add(seq);
        }

        @Override
        public void handleAck(long seq, boolean multiple) {
            release(seq, multiple);
        }

        @Override
        public void handleNack(long seq, boolean multiple) {
            nacked.increment();
            release(seq, multiple);
        }

        private void release(long seq, boolean multiple) {
            if (multiple) {
                var head = outstanding.headSet(seq, true);
                int n = 0;
                Long s;
                while ((s = head.pollFirst()) != null) {
                    n++;
                }
                window.release(n);
            } else if (outstanding.remove(seq)) {
                window.release();
            }
        }

        /** Waits until every sent message is confirmed. */
        void awaitAll() throws InterruptedException {
            window.acquire(WINDOW);
            window.release(WINDOW);
        }
    }
}
