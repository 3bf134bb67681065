/**
 * Platform events and the event bus.
 *
 * <p>Every event travels in an {@link dev.scaleplane.api.events.Event} envelope that carries the CloudEvents 1.0
 * attributes plus Scaleplane's extensions. Payloads are typed: each payload class is registered under a versioned
 * type name in an {@link dev.scaleplane.api.events.EventTypeRegistry}; the platform catalog lives in
 * {@link dev.scaleplane.api.events.catalog}.
 */
@NullMarked
package dev.scaleplane.api.events;

import org.jspecify.annotations.NullMarked;
