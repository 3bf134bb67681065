/**
 * Event store support shared by every store backend: upcasting applied on reads ({@link
 * dev.scaleplane.core.store.UpcastingEventStore}), catch-up subscriptions with checkpoints built on a store's public
 * reads ({@link dev.scaleplane.core.store.CatchUpSubscriptions}), stream name rules ({@link
 * dev.scaleplane.core.store.StreamNames}) and retention rules per category ({@link
 * dev.scaleplane.core.store.RetentionPolicy}).
 */
@NullMarked
package dev.scaleplane.core.store;

import org.jspecify.annotations.NullMarked;
