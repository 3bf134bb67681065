/**
 * The task queue on Kafka. The API is {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider} (name
 * {@code kafka}, found by {@code ServiceLoader}) and its configuration
 * {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueConfig}; the queue the provider creates is used through
 * {@link dev.scaleplane.api.orchestration.TaskQueue}. Its implementation lives in
 * {@code dev.scaleplane.events.kafka.tasks.internal} and is not an API.
 */
@NullMarked
package dev.scaleplane.events.kafka.tasks;

import org.jspecify.annotations.NullMarked;
