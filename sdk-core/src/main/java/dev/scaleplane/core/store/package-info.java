/**
 * Event store support shared by every store backend: upcasting applied on reads.
 */
@NullMarked
package dev.scaleplane.core.store;

import org.jspecify.annotations.NullMarked;
