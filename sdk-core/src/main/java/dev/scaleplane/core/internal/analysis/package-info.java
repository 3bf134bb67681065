/**
 * The deployment analysis engine: runs an {@link dev.scaleplane.api.deployments.analysis.AnalysisSpec} between the
 * waves of a deployment ({@link dev.scaleplane.core.internal.analysis.AnalysisRunner}), on a task clock so that tests
 * run it on virtual time.
 */
@NullMarked
package dev.scaleplane.core.internal.analysis;

import org.jspecify.annotations.NullMarked;
