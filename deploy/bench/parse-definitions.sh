#!/usr/bin/env bash
# Benchmark (issue 2): parse and validate 2,000 distinct definitions like DSL.md's example, one thread.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl runtime-core test-compile
./mvnw -B -q -pl runtime-core dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
java -cp "runtime-core/target/test-classes:runtime-core/target/classes:$(cat runtime-core/target/bench.classpath)" \
  io.stepwise.core.bench.ParseDefinitionsBenchmark "$@"
