/**
 * Implementation of the Kafka task queue; not an API (use {@link dev.scaleplane.events.kafka.tasks.KafkaTaskQueueProvider}
 * and the {@link dev.scaleplane.api.orchestration.TaskQueue} it creates). {@link
 * dev.scaleplane.events.kafka.tasks.internal.KafkaTaskQueue} is public only so the provider can create it; its
 * Javadoc maps the task-queue contract onto the tasks, state and dead-letter topics and lists the package-private
 * parts it delegates to (topics, partition owner, leases, outcomes, state view, dead letters), which share its one
 * monitor ({@code QueueContext}). The record format of the topics is in {@code TaskRecords}.
 */
@NullMarked
package dev.scaleplane.events.kafka.tasks.internal;

import org.jspecify.annotations.NullMarked;
