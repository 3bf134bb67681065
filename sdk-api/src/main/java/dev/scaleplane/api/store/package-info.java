/**
 * The event store: streams of events with optimistic concurrency, a global order, catch-up subscriptions with
 * checkpoints, upcasting of old event versions, and audit queries. It keeps the platform's audit trail and lets
 * services rebuild state from events (event sourcing).
 *
 * <p>Events are the same {@link dev.scaleplane.api.events.Event} envelopes the bus carries.
 */
@NullMarked
package dev.scaleplane.api.store;

import org.jspecify.annotations.NullMarked;
