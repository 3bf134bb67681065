#!/usr/bin/env bash
# What benchmarks/kafka.sh and benchmarks/rabbitmq.sh share: build the JMH jar (unless --no-build), take the JMH lock
# so only one benchmark run uses this machine at a time, run the backend's bench main, which writes JMH's JSON and
# prints the SDK / raw ratios, and keep both under benchmarks/results/.
#
#   benchmarks/broker-bench.sh <name> <main class> <calling script> [--no-build | -h]
#
# Environment: SCALEPLANE_BENCH_BUILD_DIR (default target-bench) is the Maven build folder of the jar,
# SCALEPLANE_JMH_LOCK (default /tmp/jmh.lock) the lock file, JAVA (default java).
set -euo pipefail

name="$1"
main_class="$2"
caller="$3"
shift 3

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
      # the calling script's header comment is its help
      sed -n '2,/^set -/p' "$caller" | sed '$d' | sed 's/^# \{0,1\}//'
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
result="$results/$name-$(date -u +%Y%m%dT%H%M%SZ).json"
exec 9>>"$lock"
echo "Waiting for the JMH lock $lock ..."
flock 9
echo "Machine: $(nproc) cores; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" -cp "$jar" "$main_class" "$result" | tee "${result%.json}.txt"
echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)"
echo "JMH results: $result; table: ${result%.json}.txt"
