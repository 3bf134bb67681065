package dev.scaleplane.tck;

/**
 * A payload class that is deliberately <em>never</em> registered, to check that
 * {@link dev.scaleplane.api.events.EventBus#publish(String, Object)} refuses it with
 * {@link dev.scaleplane.api.events.UnknownEventTypeException}. Do not add it to a bus's registry.
 *
 * @param note free text
 */
public record TckUnregisteredPayload(String note) {}
