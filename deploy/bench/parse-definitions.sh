#!/usr/bin/env bash
# Benchmark (issue 2): parse and validate 2,000 distinct definitions like DSL.md's example, one thread.
exec "$(dirname "$0")/run-main.sh" io.stepwise.core.bench.ParseDefinitionsBenchmark "$@"
