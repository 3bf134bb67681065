/**
 * JMH benchmarks of orchestration: in-memory submit-to-completion throughput against a thread-pool peer
 * ({@link dev.scaleplane.benchmarks.orchestration.TaskThroughputBenchmark}), the cost of one dispatch decision per
 * built-in strategy ({@link dev.scaleplane.benchmarks.orchestration.DispatchDecisionBenchmark}), and
 * {@link dev.scaleplane.benchmarks.orchestration.OrchestrationTable}, which prints their figures and ratios from a
 * JMH JSON result.
 *
 * <p>Run them with {@code benchmarks/run.sh 'orchestration'}.
 */
@NullMarked
package dev.scaleplane.benchmarks.orchestration;

import org.jspecify.annotations.NullMarked;
