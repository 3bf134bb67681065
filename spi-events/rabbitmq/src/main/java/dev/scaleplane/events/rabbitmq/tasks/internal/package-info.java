/**
 * Implementation of the RabbitMQ task queue; not an API, may change in any release. Users reach it through
 * {@link dev.scaleplane.api.orchestration.TaskQueue} and {@link dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueProvider}.
 * {@link dev.scaleplane.events.rabbitmq.tasks.internal.RabbitTaskQueue}'s Javadoc maps the task-queue contract onto
 * RabbitMQ queues, unacknowledged deliveries and TTL queues; {@code TaskMessage} is a task's wire form.
 */
@NullMarked
package dev.scaleplane.events.rabbitmq.tasks.internal;

import org.jspecify.annotations.NullMarked;
