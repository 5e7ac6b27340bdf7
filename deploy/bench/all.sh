#!/usr/bin/env bash
# Every benchmark, one after the other; prints all figures (docs/benchmarks.md records them from one run).
# End to end, four series, each with the raw-Temporal baseline beside it: capacity (unpaced, clients
# launch as fast as they can), latency at 1,200 runs/min paced, and the two waiting-client modes
# (each of the 16 clients follows its run to its end before launching the next: reading the run
# document every 200 ms, or with ?wait=).
set -euo pipefail
cd "$(dirname "$0")"
# one benchmark failing does not stop the others; the exit status says which failed
failed=()
run() {
  echo "=== $*"
  bash "$@" || { echo "=== FAILED (exit $?): $*"; failed+=("$*"); }
}
run parse-definitions.sh
run interpreter-overhead.sh
run payload-codec.sh
run resync.sh
run startup.sh
run e2e.sh 2000 16 200 0 fire
run e2e.sh 1200 16 100 1200 fire
run e2e.sh 1000 16 100 0 poll
run e2e.sh 1000 16 100 0 wait
run run-read.sh 3000 3
run console-load.sh
if [ "${#failed[@]}" -gt 0 ]; then
  printf '=== failed: %s\n' "${failed[@]}"
  exit 1
fi
