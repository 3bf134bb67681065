/** Implementation of the RabbitMQ event bus; not an API, may change in any release. */
@NullMarked
package dev.scaleplane.events.rabbitmq.internal;

import org.jspecify.annotations.NullMarked;
