/**
 * Event store support shared by every store backend: upcasting applied on reads ({@link
 * dev.scaleplane.core.store.UpcastingEventStore}), catch-up subscriptions with checkpoints built on a store's public
 * reads ({@link dev.scaleplane.core.store.CatchUpSubscriptions}), stream name rules ({@link
 * dev.scaleplane.core.store.StreamNames}) and retention rules per category ({@link
 * dev.scaleplane.core.store.RetentionPolicy}).
 *
 * <p>Part of the supported backend API for store backends; kept compatible within a minor version.
 */
@NullMarked
package dev.scaleplane.core.store;

import org.jspecify.annotations.NullMarked;
