package dev.scaleplane.events.rabbitmq.tasks.internal;

import dev.scaleplane.api.orchestration.TaskClock;
import dev.scaleplane.api.orchestration.TaskQueueOptions;
import dev.scaleplane.events.rabbitmq.tasks.RabbitTaskQueueConfig;
import java.util.function.DoubleSupplier;

/**
 * What every part of one queue instance shares and never changes: its settings, its clock and randomness, the class
 * loader payloads decode with, its topology and its monitor.
 *
 * @param config connection and topology settings
 * @param options capacity, retry policies, aging and windows
 * @param clock the time source of every ready time, lease and deadline
 * @param random uniform values in [0, 1) for the retry policy's jitter
 * @param loader decodes payloads and results to their classes
 * @param topology the queue's RabbitMQ objects
 * @param monitor the queue's lock and what hangs on it
 */
record QueueParts(
        RabbitTaskQueueConfig config,
        TaskQueueOptions options,
        TaskClock clock,
        DoubleSupplier random,
        ClassLoader loader,
        Topology topology,
        QueueMonitor monitor) {}
