/** The SLO engine behind {@code platform.slos()}: SLI readers, burn-rate evaluation and the error-budget policy. */
@NullMarked
package dev.scaleplane.core.internal.slo;

import org.jspecify.annotations.NullMarked;
