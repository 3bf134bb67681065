#!/usr/bin/env bash
# Kafka backend benchmarks: starts a real broker through the test fixture (scaleplane-kafka-testing), runs the SDK
# against raw kafka-clients on it in one run (publish and consume+handle with JMH, end-to-end latency at a fixed
# 20,000 events/s, the task queue's submit -> completed against the raw round trip of the same records), and prints
# the figures with the SDK / raw ratios and the goals of the issues.
#
#   benchmarks/kafka.sh               # build the jar, then run (about 15 minutes)
#   benchmarks/kafka.sh --no-build    # reuse the jar built last time
#   SCALEPLANE_KAFKA_BENCH=tasks benchmarks/kafka.sh   # only the task queue (submit -> completed vs raw, 1 and 8
#                                                      # submitters, submit and pipelined submitAsync; about 6
#                                                      # minutes); =bus only the bus benchmarks
#
# Only one JMH run at a time on this machine: the run holds an exclusive flock on /tmp/jmh.lock (override with
# SCALEPLANE_JMH_LOCK) and waits for another run to finish first.
# Environment: SCALEPLANE_BENCH_BUILD_DIR (default target-bench) is the Maven build folder of the jar; JAVA (default
# java).
set -euo pipefail

exec "$(dirname "${BASH_SOURCE[0]}")/broker-bench.sh" kafka dev.scaleplane.benchmarks.kafka.KafkaBench "${BASH_SOURCE[0]}" "$@"
