/**
 * OpenTelemetry spans for publish, handle and task execution ({@link dev.scaleplane.core.internal.tracing.Tracing}),
 * active only when the application has the OpenTelemetry API on its class path and a global SDK registered.
 */
@NullMarked
package dev.scaleplane.core.internal.tracing;

import org.jspecify.annotations.NullMarked;
