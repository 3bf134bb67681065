/**
 * Encoding and decoding of {@link dev.scaleplane.api.events.Event}s on the wire, following CloudEvents 1.0: the JSON
 * event format (structured mode) and the binary content mode of the Kafka and AMQP protocol bindings.
 *
 * <p>Entry point: {@link dev.scaleplane.core.codec.EventCodec}. Every type here is immutable and thread-safe.
 */
@NullMarked
package dev.scaleplane.core.codec;

import org.jspecify.annotations.NullMarked;
