/**
 * Orchestration building blocks shared by every task queue backend: the built-in
 * {@linkplain dev.scaleplane.api.orchestration.DispatchStrategy dispatch strategies}
 * ({@link dev.scaleplane.core.orchestration.DispatchStrategies}).
 */
@NullMarked
package dev.scaleplane.core.orchestration;

import org.jspecify.annotations.NullMarked;
