/**
 * A real Kafka broker for tests and benchmarks: {@link dev.scaleplane.kafka.testing.KafkaBroker} starts a single-node
 * KRaft broker as its own JVM on 127.0.0.1 and can stop, kill -9 and restart it.
 */
@NullMarked
package dev.scaleplane.kafka.testing;

import org.jspecify.annotations.NullMarked;
