#!/usr/bin/env bash
# Builds the JMH benchmark jar, runs the benchmarks, writes JMH's JSON to benchmarks/results/ and prints the table of
# Scaleplane / peer ratios with absolute figures.
#
#   benchmarks/run.sh                                # everything, with the defaults below (about 8 minutes)
#   benchmarks/run.sh -f 1 -wi 2 -i 3 'Bus.*'        # extra JMH arguments; any option given replaces its default
#   benchmarks/run.sh 'BusLatency' -p impl=scaleplane,disruptor,abq
#   benchmarks/run.sh --no-build 'Codec'             # reuse the jar built last time
#   benchmarks/run.sh --table benchmarks/results/x.json   # only print the table of an earlier run
#
# Defaults, chosen for a 2-core machine: 2 forks of 2 warmup and 4 measurement iterations of 1 s each. Two forks,
# because a lock-free hand-off can settle in a fast or a slow regime for the life of a JVM, and a burst of load from
# other processes should not decide a ratio alone. Every JMH option can be passed (`java -jar benchmarks.jar -h`);
# -rf/-rff are set by this script unless given.
# Environment: SCALEPLANE_BENCH_BUILD_DIR (default target-bench) is the Maven build folder used for the jar, kept
# apart from `target` so a benchmark build never races an ordinary build of the same tree; JAVA (default java).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build_dir="${SCALEPLANE_BENCH_BUILD_DIR:-target-bench}"
java="${JAVA:-java}"
jar="$here/$build_dir/benchmarks.jar"
results="$here/results"

build=1
table_only=""
args=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --table)
      table_only="${2:?--table needs a JMH JSON result file}"
      shift
      ;;
    -h | --help)
      sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) args+=("$1") ;;
  esac
  shift
done

# Prints the ratio tables of a JMH JSON result: RatioTable always, FederationTable and OrchestrationTable when the run
# holds federation or orchestration results.
print_tables() {
  "$java" -cp "$jar" dev.scaleplane.benchmarks.RatioTable "$1"
  if grep -q '"dev\.scaleplane\.benchmarks\.federation\.' "$1"; then
    "$java" -cp "$jar" dev.scaleplane.benchmarks.federation.FederationTable "$1"
  fi
  if grep -q '"dev\.scaleplane\.benchmarks\.orchestration\.' "$1"; then
    "$java" -cp "$jar" dev.scaleplane.benchmarks.orchestration.OrchestrationTable "$1"
  fi
}

if [[ -n "$table_only" ]]; then
  [[ -f "$jar" ]] || { echo "no benchmark jar at $jar: run without --table once to build it" >&2; exit 1; }
  print_tables "$table_only"
  exit 0
fi

if ((build)); then
  echo "Building $jar ..."
  # Only this module and what it needs; the formatter is skipped because running benchmarks must not rewrite sources.
  mvn -q -f "$root/pom.xml" -pl benchmarks -am \
    -Dscaleplane.buildDirectory="$build_dir" -Dspotless.apply.skip=true -DskipTests package
fi
[[ -f "$jar" ]] || { echo "no benchmark jar at $jar" >&2; exit 1; }

# True when the user already gave JMH option $1 (as "-x v" or "-xv").
given() {
  local opt="$1" a
  for a in ${args[@]+"${args[@]}"}; do
    [[ "$a" == "$opt" || "$a" =~ ^$opt[0-9=] ]] && return 0
  done
  return 1
}

jmh=()
given -f || jmh+=(-f 2)
given -wi || jmh+=(-wi 2)
given -w || jmh+=(-w 1s)
given -i || jmh+=(-i 4)
given -r || jmh+=(-r 1s)
given -rf || jmh+=(-rf json)
if given -rff; then
  for ((k = 0; k < ${#args[@]}; k++)); do
    [[ "${args[k]}" == -rff ]] && result="${args[k + 1]}"
  done
else
  mkdir -p "$results"
  result="$results/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
  jmh+=(-rff "$result")
fi

echo "Machine: $(nproc) cores; load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Running: $java -jar $jar ${jmh[*]} ${args[*]-}"
"$java" -jar "$jar" "${jmh[@]}" ${args[@]+"${args[@]}"}

echo
echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; well above 2 means other work shared the machine)"
echo "JMH results: $result"
table="${result%.json}.txt"
print_tables "$result" | tee "$table"
echo
echo "Table saved to $table"
