/**
 * Distributed orchestration: a {@link dev.scaleplane.api.orchestration.TaskQueue} hands submitted tasks to workers
 * under {@linkplain dev.scaleplane.api.orchestration.Lease leases}, retries failures by a
 * {@link dev.scaleplane.api.RetryPolicy} and dead-letters what keeps failing.
 *
 * <p>All time is read through a {@link dev.scaleplane.api.orchestration.TaskClock}, so tests can drive leases,
 * retries and delayed tasks on virtual time (the test kit ships a manual clock).
 */
@NullMarked
package dev.scaleplane.api.orchestration;

import org.jspecify.annotations.NullMarked;
