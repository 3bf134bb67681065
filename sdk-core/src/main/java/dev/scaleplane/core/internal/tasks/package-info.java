/**
 * The embedded in-memory task queue ({@link dev.scaleplane.core.internal.tasks.InMemoryTaskQueue}) and its provider.
 */
@NullMarked
package dev.scaleplane.core.internal.tasks;

import org.jspecify.annotations.NullMarked;
