#!/usr/bin/env bash
# Benchmark (issue 14): the worker's projection writes, the two batches of a four-step run written N
# times on one connection, each statement in a round trip of its own against the batch's statements
# together, in turns. Prints wall, writer CPU and PostgreSQL CPU per run.
# Usage: deploy/bench/projection-write.sh [runs, default 2000] [rounds, default 3]
# The database: STEPWISE_TEST_JDBC_URL (a server on this machine to create and drop a database in,
# e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres), else an embedded PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/../.."
# one reactor build, so runtime-bootstrap's classpath names runtime-core's classes, not an installed jar
./mvnw -B -q -pl runtime-core,runtime-bootstrap test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
exec java -cp "runtime-bootstrap/target/test-classes:runtime-bootstrap/target/classes:$(cat runtime-bootstrap/target/bench.classpath)" \
  io.stepwise.bootstrap.bench.ProjectionWriteBenchmark "$@"
