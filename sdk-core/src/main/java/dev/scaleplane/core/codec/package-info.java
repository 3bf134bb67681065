/**
 * Encoding and decoding of {@link dev.scaleplane.api.events.Event}s on the wire, following CloudEvents 1.0: the JSON
 * event format (structured mode) and the binary content mode of the Kafka and AMQP protocol bindings.
 *
 * <p>Entry point: {@link dev.scaleplane.core.codec.EventCodec}. Every type here is immutable and thread-safe.
 *
 * <p>Part of the supported backend API: bus and store backends encode with it so that every transport carries the
 * same CloudEvents; kept compatible within a minor version.
 */
@NullMarked
package dev.scaleplane.core.codec;

import org.jspecify.annotations.NullMarked;
