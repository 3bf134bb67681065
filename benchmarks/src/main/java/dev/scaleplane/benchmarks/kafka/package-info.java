/**
 * Kafka backend benchmarks, the SDK against raw kafka-clients on one real broker in one run:
 * {@link dev.scaleplane.benchmarks.kafka.KafkaPublishBenchmark}, {@link dev.scaleplane.benchmarks.kafka.KafkaConsumeBenchmark}
 * and end-to-end latency at a fixed rate ({@code KafkaLatency}), run together by
 * {@link dev.scaleplane.benchmarks.kafka.KafkaBench} ({@code benchmarks/kafka.sh}).
 */
@NullMarked
package dev.scaleplane.benchmarks.kafka;

import org.jspecify.annotations.NullMarked;
