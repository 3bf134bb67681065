/**
 * JMH benchmarks of Scaleplane side by side with peer libraries, measured in the same run on the same machine.
 *
 * <ul>
 *   <li>{@link dev.scaleplane.benchmarks.BusThroughputBenchmark}: publish to handle, events per second, for three
 *       topologies and every implementation.
 *   <li>{@link dev.scaleplane.benchmarks.BusLatencyBenchmark}: one publish to handled round trip, sampled times.
 *   <li>{@link dev.scaleplane.benchmarks.CodecBenchmark}: CloudEvents structured JSON encode and decode.
 *   <li>{@link dev.scaleplane.benchmarks.RatioTable}: reads JMH's JSON results and prints Scaleplane / peer ratios.
 * </ul>
 *
 * <p>Run them with {@code benchmarks/run.sh}.
 */
@NullMarked
package dev.scaleplane.benchmarks;

import org.jspecify.annotations.NullMarked;
