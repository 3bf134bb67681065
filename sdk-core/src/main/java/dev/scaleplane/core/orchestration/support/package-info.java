/**
 * The task lifecycle every {@link dev.scaleplane.api.orchestration.TaskQueue} backend shares, owned once: what
 * happens after a failed or lapsed attempt ({@link TaskLifecycle#afterFailedAttempt}), the failure records and
 * messages, the idempotency window, the retention of finished tasks, actions deferred until a queue's lock is
 * released, and the plain task handle.
 *
 * <p>This package is part of the supported backend API: the in-memory, Kafka and RabbitMQ task queues are built on it,
 * and a custom {@link dev.scaleplane.api.spi.TaskQueueProvider} should be too, so that its tasks retry, dead-letter
 * and fail with the same rules and words as ours. The types here are not thread-safe unless they say so: a queue
 * guards them with its own lock.
 */
@NullMarked
package dev.scaleplane.core.orchestration.support;

import org.jspecify.annotations.NullMarked;
