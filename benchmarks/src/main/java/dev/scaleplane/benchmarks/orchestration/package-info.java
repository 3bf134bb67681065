/**
 * JMH benchmarks of orchestration: in-memory submit-to-completion throughput against a thread-pool peer
 * ({@link dev.scaleplane.benchmarks.orchestration.TaskThroughputBenchmark}), the cost of one dispatch decision per
 * built-in strategy ({@link dev.scaleplane.benchmarks.orchestration.DispatchDecisionBenchmark}), and
 * {@link dev.scaleplane.benchmarks.orchestration.OrchestrationTable}, which prints their figures and ratios from a
 * JMH JSON result.
 *
 * <p>Run them with {@code flock /tmp/jmh.lock benchmarks/run.sh 'orchestration'} (one JMH run at a time on a shared
 * machine), then print their table, which {@code RatioTable} does not know, with {@code java -cp
 * benchmarks/target-bench/benchmarks.jar dev.scaleplane.benchmarks.orchestration.OrchestrationTable
 * benchmarks/results/jmh-<time>.json}.
 */
@NullMarked
package dev.scaleplane.benchmarks.orchestration;

import org.jspecify.annotations.NullMarked;
