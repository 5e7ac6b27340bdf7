#!/usr/bin/env bash
# Benchmark (issue 3): authored 5-step workflow vs the same work hand-written, same server and worker.
# Usage: interpreter-overhead.sh [runs per measurement, default 200] [rounds, default 3]
exec "$(dirname "$0")/run-main.sh" io.stepwise.core.bench.InterpreterOverheadBenchmark "$@"
