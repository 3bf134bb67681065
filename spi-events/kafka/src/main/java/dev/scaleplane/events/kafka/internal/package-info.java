/** Implementation of the Kafka event bus; not an API. */
@NullMarked
package dev.scaleplane.events.kafka.internal;

import org.jspecify.annotations.NullMarked;
