#!/usr/bin/env bash
# Every benchmark, one after the other; prints all figures (docs/benchmarks.md records them).
set -euo pipefail
cd "$(dirname "$0")"
for bench in parse-definitions.sh interpreter-overhead.sh payload-codec.sh resync.sh e2e.sh console-load.sh; do
  echo "=== $bench"
  bash "$bench"
done
