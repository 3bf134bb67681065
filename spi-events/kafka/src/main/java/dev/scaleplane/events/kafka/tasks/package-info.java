/**
 * The task queue on Kafka: {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider} (name {@code kafka}),
 * {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueue} and its configuration
 * {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig}.
 */
@NullMarked
package dev.scaleplane.events.kafka.tasks;

import org.jspecify.annotations.NullMarked;
