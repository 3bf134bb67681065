#!/usr/bin/env bash
# Kafka backend benchmarks: starts a real broker through the test fixture (scaleplane-kafka-testing), runs the SDK
# against raw kafka-clients on it in one run (publish and consume+handle with JMH, end-to-end latency at a fixed
# 20,000 events/s), and prints the figures with the SDK / raw ratios and the goals of the Kafka issue.
#
#   benchmarks/kafka.sh               # build the jar, then run (about 5 minutes)
#   benchmarks/kafka.sh --no-build    # reuse the jar built last time
#
# Only one JMH run at a time on this machine: the run holds an exclusive flock on /tmp/jmh.lock (override with
# SCALEPLANE_JMH_LOCK) and waits for another run to finish first.
# Environment: SCALEPLANE_BENCH_BUILD_DIR (default target-bench) is the Maven build folder of the jar; JAVA (default
# java).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build_dir="${SCALEPLANE_BENCH_BUILD_DIR:-target-bench}"
java="${JAVA:-java}"
jar="$here/$build_dir/benchmarks.jar"
results="$here/results"
lock="${SCALEPLANE_JMH_LOCK:-/tmp/jmh.lock}"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h | --help)
      sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg" >&2
      exit 2
      ;;
  esac
done

if ((build)); then
  echo "Building $jar ..."
  mvn -q -f "$root/pom.xml" -pl benchmarks -am \
    -Dscaleplane.buildDirectory="$build_dir" -Dspotless.apply.skip=true -DskipTests package
fi
[[ -f "$jar" ]] || { echo "no benchmark jar at $jar" >&2; exit 1; }

mkdir -p "$results"
result="$results/kafka-$(date -u +%Y%m%dT%H%M%SZ).json"
exec 9>>"$lock"
echo "Waiting for the JMH lock $lock ..."
flock 9
echo "Machine: $(nproc) cores; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "$jar" dev.scaleplane.benchmarks.kafka.KafkaBench "$result" | tee "${result%.json}.txt"
echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
echo "JMH results: $result; table: ${result%.json}.txt"
