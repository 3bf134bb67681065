#!/usr/bin/env bash
# Runs Scaleplane's whole test suite: every module of the reactor, with its tests, as `mvn verify`.
#
#   scripts/test.sh                     # the full suite
#   scripts/test.sh -pl sdk-core -am    # extra arguments go to Maven unchanged
#
# Before Maven starts it checks the tool chain (Java 17+, Maven 3.8.1+) and makes sure the services the modules
# present need are up: a module's tests talk to real brokers, and a missing broker must fail the run with a
# message saying how to start it, never skip tests. Services are started only for modules that exist, so the
# script works on a machine without them as long as no module needs them.
#
#   module present            service                      started with
#   spi-events/postgres/      PostgreSQL on 127.0.0.1:5432 pg_ctlcluster (Debian package postgresql)
#   spi-events/rabbitmq/      RabbitMQ on 127.0.0.1:5672   rabbitmq-server -detached (Debian package rabbitmq-server)
#   spi-events/kafka/         Kafka (KRaft), free port     by the module's own test fixture, from Maven Central
#   spi-adapters/prometheus/  Prometheus + Pushgateway,    by the module's own test fixture; installed here when
#                             free ports                   missing (Debian packages prometheus, prometheus-pushgateway)
#
# Environment: SCALEPLANE_SERVICE_TIMEOUT (seconds to wait for a service to come up, default 90).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SERVICE_TIMEOUT="${SCALEPLANE_SERVICE_TIMEOUT:-90}"
APT_UPDATED=0

log() { printf '[test.sh] %s\n' "$*"; }
die() {
    printf '[test.sh] ERROR: %s\n' "$*" >&2
    printf '[test.sh] RESULT: FAILED before the tests ran\n' >&2
    exit 1
}

# --- tool chain ---------------------------------------------------------------------------------------------------

# Major version of a Java version string: "17.0.15" -> 17, "1.8.0_402" -> 8.
java_major() {
    local v="$1"
    v="${v#1.}"
    printf '%s' "${v%%[.+_-]*}"
}

check_java() {
    command -v java >/dev/null 2>&1 || die "java not found. Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)."
    command -v javac >/dev/null 2>&1 || die "javac not found: a JRE is not enough. Install a JDK 17 or newer (Debian: apt-get install openjdk-17-jdk-headless)."
    local version major
    version="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
    major="$(java_major "$version")"
    [[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from 'java -version' (got '$version')."
    ((major >= 17)) || die "Java $version is too old: Scaleplane needs Java 17 or newer (set JAVA_HOME or PATH to a JDK 17+)."
    log "java $version"
}

check_maven() {
    command -v mvn >/dev/null 2>&1 || die "mvn not found. Install Apache Maven 3.8.1 or newer (Debian: apt-get install maven)."
    local out version major minor patch java_version
    # -B: no colours, so the version lines can be read.
    out="$(mvn -B -v 2>&1 | sed 's/\x1b\[[0-9;]*m//g')" || die "'mvn -v' failed:
$out"
    version="$(printf '%s\n' "$out" | sed -n 's/^Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -n 1)"
    IFS=. read -r major minor patch <<<"$version"
    [[ "${major:-}" =~ ^[0-9]+$ ]] || die "cannot read the Maven version from 'mvn -v'."
    if ((major < 3 || (major == 3 && (${minor:-0} < 8 || (${minor:-0} == 8 && ${patch:-0} < 1))))); then
        die "Maven $version is too old: Scaleplane needs Maven 3.8.1 or newer."
    fi
    # Maven may run on another JDK than the java on PATH (JAVA_HOME): that is the one that compiles.
    java_version="$(printf '%s\n' "$out" | sed -n 's/^Java version: \([^,]*\),.*/\1/p' | head -n 1)"
    if [[ -n "$java_version" ]]; then
        (($(java_major "$java_version") >= 17)) \
            || die "Maven runs on Java $java_version (JAVA_HOME=${JAVA_HOME:-unset}); it needs Java 17 or newer."
    fi
    log "maven $version on java ${java_version:-?}"
}

# --- helpers for services -----------------------------------------------------------------------------------------

# Whether something accepts TCP connections on host:port.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1
}

# Waits until port_open or the timeout; returns non-zero on timeout.
wait_for_port() {
    local host="$1" port="$2" seconds="$3" waited=0
    until port_open "$host" "$port"; do
        ((waited >= seconds)) && return 1
        sleep 1
        waited=$((waited + 1))
    done
}

as_root() {
    if [[ "$(id -u)" == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

# Installs Debian packages (the arguments go to apt-get install, options included); fails with a clear message where
# apt-get cannot be used.
apt_install() {
    local package arg
    # The package names, without the options, for the messages.
    package=""
    for arg in "$@"; do [[ "$arg" == -* ]] || package="${package:+$package }$arg"; done
    command -v apt-get >/dev/null 2>&1 || die "package '$package' is needed, but apt-get is not available: install it by hand."
    if ((APT_UPDATED == 0)); then
        log "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            || die "apt-get update failed (needs root or passwordless sudo); install '$package' by hand."
        APT_UPDATED=1
    fi
    log "installing Debian package '$package'"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
        || die "apt-get install $package failed; install it by hand."
}

# --- services -----------------------------------------------------------------------------------------------------

# PostgreSQL on 127.0.0.1:5432: started with the Debian cluster tools, installed first if absent.
ensure_postgres() {
    local host=127.0.0.1 port=5432 version
    if port_open "$host" "$port"; then
        log "postgresql: listening on $host:$port"
        return 0
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ ! -d /etc/postgresql ]] || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
        apt_install postgresql
    fi
    # The newest installed major version if there are several.
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "postgresql: nothing on $host:$port, starting cluster $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for_port "$host" "$port" "$SERVICE_TIMEOUT" \
        || die "PostgreSQL is not listening on $host:$port after ${SERVICE_TIMEOUT}s. Start it by hand:
    pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start
  and check /var/log/postgresql/ (listen_addresses must include 127.0.0.1, port $port)."
    log "postgresql: started, listening on $host:$port"
}

# RabbitMQ's file handle cache (3.10, classic queues) counts the handles its queues and message stores may hold against
# a limit derived from the broker's open-files limit (927 of Debian's default 1024). Over a long test run its count
# reaches that limit while few files are actually open (927 counted, 36 open, seen here), and from then on every
# classic queue that touches its index blocks for ever: queue.declare hangs and the run times out. A broker we start
# gets the hard open-files limit; for one already running, the cache's limit is raised to the count the tests need.
RABBITMQ_FILE_HANDLES=16384
raise_rabbitmq_file_handles() {
    local info limit
    info="$(as_root timeout 20 rabbitmqctl -q eval 'file_handle_cache:info([total_limit, total_used]).' 2>/dev/null | tr -d ' \n')" || info=""
    limit="$(printf '%s' "$info" | sed -n 's/.*{total_limit,\([0-9]*\)}.*/\1/p')"
    if [[ -z "$limit" ]]; then
        log "rabbitmq: could not read the file handle cache's limit (rabbitmqctl eval failed); if RabbitMQ tests hang in queue.declare, restart the broker with a higher open-files limit (ulimit -n 16384; rabbitmq-server -detached)"
        return 0
    fi
    if ((limit >= RABBITMQ_FILE_HANDLES)); then
        log "rabbitmq: file handle cache $info"
        return 0
    fi
    if as_root rabbitmqctl -q eval "file_handle_cache:set_limit($RABBITMQ_FILE_HANDLES)." >/dev/null 2>&1; then
        log "rabbitmq: file handle cache limit raised from $limit to $RABBITMQ_FILE_HANDLES (was $info)"
    else
        log "rabbitmq: could not raise the file handle cache's limit ($info); if RabbitMQ tests hang in queue.declare, restart the broker with a higher open-files limit (ulimit -n 16384; rabbitmq-server -detached)"
    fi
}

# RabbitMQ on 127.0.0.1:5672: started detached, installed first if absent.
ensure_rabbitmq() {
    local host=127.0.0.1 port=5672 waited=0
    if port_open "$host" "$port"; then
        log "rabbitmq: listening on $host:$port"
        raise_rabbitmq_file_handles
        return 0
    fi
    command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
    log "rabbitmq: nothing on $host:$port, starting rabbitmq-server -detached"
    # The hard open-files limit for the broker, so that its file handle cache is not the Debian default's 927.
    (ulimit -n "$(ulimit -Hn)" 2>/dev/null; as_root rabbitmq-server -detached) || true
    until port_open "$host" "$port" || timeout 10 rabbitmq-diagnostics -q ping >/dev/null 2>&1; do
        if ((waited >= SERVICE_TIMEOUT)); then
            die "RabbitMQ is not up on $host:$port after ${SERVICE_TIMEOUT}s. Start it by hand:
    rabbitmq-server -detached
  then check it with 'rabbitmq-diagnostics -q ping' and /var/log/rabbitmq/."
        fi
        sleep 2
        waited=$((waited + 2))
    done
    # The node answers pings a moment before its AMQP listener accepts connections.
    wait_for_port "$host" "$port" "$SERVICE_TIMEOUT" \
        || die "RabbitMQ answers pings but nothing listens on $host:$port; check its listeners (rabbitmq-diagnostics listeners)."
    log "rabbitmq: started, listening on $host:$port"
    raise_rabbitmq_file_handles
}

# Kafka has no Debian package and needs no machine-wide broker: the Kafka module's tests start their own single-node
# KRaft broker (the KafkaBroker fixture) as a separate JVM from Maven Central artifacts, on free loopback ports, and
# fail with the reason if it cannot start. Here we only check that nothing stops that: a JDK that can run it.
ensure_kafka() {
    log "kafka: started by the Kafka module's tests themselves (KafkaBroker fixture, free ports on 127.0.0.1)"
}

# Prometheus and its Pushgateway need no machine-wide service either: the Prometheus module's tests start their own pair
# (the PrometheusServers fixture: free ports on 127.0.0.1, a temporary data directory, a scrape of the Pushgateway every
# second) from the Debian packages' binaries. Here the packages are installed when a binary is missing.
ensure_prometheus() {
    if [[ -x /usr/bin/prometheus && -x /usr/bin/prometheus-pushgateway ]]; then
        log "prometheus: /usr/bin/prometheus and /usr/bin/prometheus-pushgateway present (started by the module's tests)"
        return 0
    fi
    apt_install --no-install-recommends prometheus prometheus-pushgateway
    [[ -x /usr/bin/prometheus && -x /usr/bin/prometheus-pushgateway ]] \
        || die "apt-get installed prometheus and prometheus-pushgateway, but /usr/bin/prometheus or /usr/bin/prometheus-pushgateway is still missing."
    log "prometheus: installed; the module's tests start their own server and Pushgateway"
}

# Starts what the modules present need, and only that.
ensure_services() {
    local needed=0
    if [[ -d spi-events/postgres ]]; then ensure_postgres; needed=1; fi
    if [[ -d spi-events/rabbitmq ]]; then ensure_rabbitmq; needed=1; fi
    if [[ -d spi-events/kafka ]]; then ensure_kafka; needed=1; fi
    if [[ -d spi-adapters/prometheus ]]; then ensure_prometheus; needed=1; fi
    ((needed == 1)) || log "services: none needed by the modules present (embedded backends only)"
}

# --- main ---------------------------------------------------------------------------------------------------------

check_java
check_maven
ensure_services

# -Dspotless.apply.skip=true: the build checks the formatting of the sources as they are instead of fixing it,
# so unformatted code fails here (and in CI) rather than passing silently. `mvn spotless:apply` formats.
log "mvn -B -ntp verify -Dspotless.apply.skip=true $*"
start=$SECONDS
if mvn -B -ntp verify -Dspotless.apply.skip=true "$@"; then
    log "RESULT: PASSED: mvn verify of the whole reactor succeeded in $((SECONDS - start))s"
else
    rc=$?
    log "RESULT: FAILED: mvn verify exited with $rc after $((SECONDS - start))s (see the Maven output above)"
    exit "$rc"
fi
