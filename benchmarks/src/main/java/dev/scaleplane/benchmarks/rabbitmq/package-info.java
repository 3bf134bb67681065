/**
 * RabbitMQ backend benchmarks: the SDK bus against the raw amqp-client on the same broker in the same run. Entry point
 * {@link dev.scaleplane.benchmarks.rabbitmq.RabbitBench}, run by {@code benchmarks/rabbitmq.sh}.
 */
@NullMarked
package dev.scaleplane.benchmarks.rabbitmq;

import org.jspecify.annotations.NullMarked;
