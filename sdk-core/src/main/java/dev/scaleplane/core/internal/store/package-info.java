/**
 * The embedded event stores: the crash-safe file log (the default) and the in-memory store for tests, sharing one
 * index ({@code LogIndex}) and the catch-up machinery of {@link dev.scaleplane.core.store.CatchUpSubscriptions}.
 */
@NullMarked
package dev.scaleplane.core.internal.store;

import org.jspecify.annotations.NullMarked;
