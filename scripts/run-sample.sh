#!/usr/bin/env bash
# Builds what the quickstart sample needs and runs it on the embedded defaults (in-memory bus, no servers).
# Exits non-zero if the run did not go as expected, so it doubles as a smoke test.
#
#   scripts/run-sample.sh            # the same as the README's one-line command
#   scripts/run-sample.sh -o         # extra arguments go to Maven (here: offline)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec mvn -q -pl samples/quickstart -am -DskipTests -Prun-sample package "$@"
