#!/usr/bin/env bash
# Benchmark (issue 13): the AES-256-GCM payload codec vs Temporal's default converter, one ~1 KB
# activity input converted to payloads and back. Usage: payload-codec.sh [round trips, default 200000] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl runtime-core,runtime-bootstrap test-compile -am
./mvnw -B -q -pl runtime-bootstrap dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -cp "runtime-bootstrap/target/test-classes:runtime-bootstrap/target/classes:runtime-core/target/classes:$(cat runtime-bootstrap/target/bench.classpath)" \
  io.stepwise.bootstrap.bench.PayloadCodecBenchmark "$@"
