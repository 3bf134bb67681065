/**
 * Implementation of the RabbitMQ event bus, and the connection settings ({@code RabbitClientSettings}) that the bus's
 * and the task queue's configurations share; not an API, may change in any release.
 */
@NullMarked
package dev.scaleplane.events.rabbitmq.internal;

import org.jspecify.annotations.NullMarked;
