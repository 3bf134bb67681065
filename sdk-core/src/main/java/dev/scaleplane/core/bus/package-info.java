/**
 * Building blocks for event bus backends: the behaviour every backend shares (envelope defaults, capability checks,
 * the current-event scope, metrics, dead-letter records, the de-duplication window), so that a backend module implements only its transport.
 *
 * <p>Public for backend authors; applications use {@link dev.scaleplane.api.events.EventBus}.
 *
 * <p>Part of the supported backend API (with {@code codec}, {@code config}, {@code store} and {@code
 * orchestration.support}): kept compatible within a minor version; see the README's "Writing a custom backend
 * provider".
 */
@NullMarked
package dev.scaleplane.core.bus;

import org.jspecify.annotations.NullMarked;
