/** The scaling algorithm behind {@code dev.scaleplane.core.orchestration.scaling}: stabilization and rate limits. */
@NullMarked
package dev.scaleplane.core.internal.scaling;

import org.jspecify.annotations.NullMarked;
