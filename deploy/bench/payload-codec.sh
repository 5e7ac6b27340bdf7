#!/usr/bin/env bash
# Benchmark (issue 13): the AES-256-GCM payload codec vs Temporal's default converter, one ~1 KB
# activity input converted to payloads and back. Usage: payload-codec.sh [round trips, default 200000] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
# one reactor build, so runtime-bootstrap's classpath names runtime-core's classes, not an installed jar
./mvnw -B -q -pl runtime-core,runtime-bootstrap test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -cp "runtime-bootstrap/target/test-classes:runtime-bootstrap/target/classes:$(cat runtime-bootstrap/target/bench.classpath)" \
  io.stepwise.bootstrap.bench.PayloadCodecBenchmark "$@"
