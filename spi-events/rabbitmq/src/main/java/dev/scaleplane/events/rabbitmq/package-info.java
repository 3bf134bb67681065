/**
 * The event bus on RabbitMQ: {@link dev.scaleplane.events.rabbitmq.RabbitEventBusProvider} and its settings,
 * {@link dev.scaleplane.events.rabbitmq.RabbitBusConfig}. Everything in {@code internal} is internal.
 */
@NullMarked
package dev.scaleplane.events.rabbitmq;

import org.jspecify.annotations.NullMarked;
