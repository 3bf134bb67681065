#!/usr/bin/env bash
# RabbitMQ backend benchmarks: on the machine's broker (127.0.0.1:5672, guest/guest; start it with
# `rabbitmq-server -detached`), in a throw-away virtual host, runs the SDK against the raw amqp-client in one JMH run:
# publish with confirms (window 1024, 1 KiB, classic and quorum queues), consume+handle with manual acks, and the task
# queue's submit -> completed against the raw confirmed round trip of the same broker operations (1 and 8 submitters), and
# prints the figures with the SDK / raw ratios and the goals (the RabbitMQ issue's >= 0.9; issue 18's >= 0.8 and
# 20,000 tasks/s for the task queue).
#
#   benchmarks/rabbitmq.sh               # build the jar, then run (about 9 minutes)
#   benchmarks/rabbitmq.sh --no-build    # reuse the jar built last time
#
# Only one JMH run at a time on this machine: the run holds an exclusive flock on /tmp/jmh.lock (override with
# SCALEPLANE_JMH_LOCK) and waits for another run to finish first.
# Environment: SCALEPLANE_BENCH_BUILD_DIR (default target-bench) is the Maven build folder of the jar; JAVA (default
# java).
set -euo pipefail

exec "$(dirname "${BASH_SOURCE[0]}")/broker-bench.sh" rabbitmq dev.scaleplane.benchmarks.rabbitmq.RabbitBench "${BASH_SOURCE[0]}" "$@"
