#!/usr/bin/env bash
# Runs a benchmark main from runtime-core's test classes: run-main.sh <class> [args...]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl runtime-core test-compile
./mvnw -B -q -pl runtime-core dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
class="$1"; shift
exec java -cp "runtime-core/target/test-classes:runtime-core/target/classes:$(cat runtime-core/target/bench.classpath)" "$class" "$@"
