/**
 * Implementation of the Kafka task queue; not an API (use {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider}
 * and the {@link dev.scaleplane.api.orchestration.TaskQueue} it creates). {@link
 * dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue} is public only so the provider can create it; its
 * Javadoc maps the task-queue contract onto the tasks, state and dead-letter topics. The record format of those topics
 * is in {@code TaskRecords}.
 */
@NullMarked
package dev.scaleplane.events.kafka.tasks.internal;

import org.jspecify.annotations.NullMarked;
