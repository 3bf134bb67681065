/**
 * The task queue on RabbitMQ, as users see it: {@link dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueProvider}
 * (name {@code rabbitmq}, selected with {@code scaleplane.tasks.provider=rabbitmq}) and its settings,
 * {@link dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig} (keys under {@code scaleplane.tasks.rabbitmq.}).
 * These two are the API; the queue the provider creates is an implementation class in {@code tasks.internal}, used
 * through {@link dev.scaleplane.api.orchestration.TaskQueue}, as the bus keeps its implementation in
 * {@code dev.scaleplane.events.rabbitmq.internal}.
 */
@NullMarked
package dev.scaleplane.events.rabbitmq.tasks;

import org.jspecify.annotations.NullMarked;
