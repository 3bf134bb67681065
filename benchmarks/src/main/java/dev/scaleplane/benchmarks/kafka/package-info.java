/**
 * Kafka backend benchmarks, the SDK against raw kafka-clients on one real broker in one run:
 * {@link dev.scaleplane.benchmarks.kafka.KafkaPublishBenchmark}, {@link dev.scaleplane.benchmarks.kafka.KafkaConsumeBenchmark}
 * and end-to-end latency at a fixed rate ({@code KafkaLatency}), and the task queue's submit to completed against
 * the raw round trip of the same records ({@link dev.scaleplane.benchmarks.kafka.KafkaTaskQueueBenchmark}), run
 * together by
 * {@link dev.scaleplane.benchmarks.kafka.KafkaBench} ({@code benchmarks/kafka.sh}); and, without a broker, the
 * decoding of one consumed record ({@link dev.scaleplane.benchmarks.kafka.KafkaDecodeBenchmark}).
 */
@NullMarked
package dev.scaleplane.benchmarks.kafka;

import org.jspecify.annotations.NullMarked;
