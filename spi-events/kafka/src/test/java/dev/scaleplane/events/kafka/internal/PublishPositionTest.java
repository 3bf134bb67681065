package dev.scaleplane.events.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The receipt's position keeps its documented form whether or not its partition prefix was built in advance. */
class PublishPositionTest {
    @Test
    void namesPartitionAndOffset() {
        assertThat(KafkaEventBus.position(metadata(3, 1042))).isEqualTo("partition-3@offset-1042");
        assertThat(KafkaEventBus.position(metadata(0, 0))).isEqualTo("partition-0@offset-0");
        assertThat(KafkaEventBus.position(metadata(255, Long.MAX_VALUE)))
                .isEqualTo("partition-255@offset-" + Long.MAX_VALUE);
        assertThat(KafkaEventBus.position(metadata(4096, 7))).isEqualTo("partition-4096@offset-7");
    }

    private static RecordMetadata metadata(int partition, long offset) {
        return new RecordMetadata(new TopicPartition("orders", partition), offset, 0, 0L, 0, 0);
    }
}
