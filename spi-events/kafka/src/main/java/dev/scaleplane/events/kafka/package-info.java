/**
 * The event bus on Apache Kafka: {@link dev.scaleplane.events.kafka.KafkaEventBusProvider} and its settings,
 * {@link dev.scaleplane.events.kafka.KafkaBusConfig}. Everything else is internal.
 */
@NullMarked
package dev.scaleplane.events.kafka;

import org.jspecify.annotations.NullMarked;
