/**
 * The task queue on RabbitMQ: {@link dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueProvider} (name
 * {@code rabbitmq}, keys under {@code scaleplane.tasks.rabbitmq.}) and the queue it creates,
 * {@link dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueue}, whose Javadoc maps the task-queue contract onto
 * RabbitMQ queues, unacknowledged deliveries and TTL queues.
 */
@NullMarked
package dev.scaleplane.events.rabbitmq.tasks;

import org.jspecify.annotations.NullMarked;
