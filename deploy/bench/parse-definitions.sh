#!/usr/bin/env bash
# Benchmark (issues 2 and 14): parse and validate 2,000 distinct definitions like DSL.md's example, one thread,
# and the worst case (no expression text twice) also on every core, as resync parses.
exec "$(dirname "$0")/run-main.sh" io.stepwise.core.bench.ParseDefinitionsBenchmark "$@"
