/** Support types of {@link dev.scaleplane.tck.EventStoreCompatibilityKit}: its settings and its clock. */
@NullMarked
package dev.scaleplane.tck.store;

import org.jspecify.annotations.NullMarked;
