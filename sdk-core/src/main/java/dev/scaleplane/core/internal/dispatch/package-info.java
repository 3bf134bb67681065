/**
 * Implementations of the built-in dispatch strategies; use them through
 * {@link dev.scaleplane.core.orchestration.DispatchStrategies}.
 */
@NullMarked
package dev.scaleplane.core.internal.dispatch;

import org.jspecify.annotations.NullMarked;
