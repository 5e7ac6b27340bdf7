#!/usr/bin/env bash
# Benchmark (issue 14, "reading a run must be cheap"): the cost of GET /api/v1/runs/{id}, what every
# client that waits for its run does. Starts ./run.sh on its own ports, launches the demo workflow
# (demo.hello-approval) and lets it reach its event wait, so the document has steps, a closed timer
# wait and an open event wait. Then reads it N times, one request at a time over one keep-alive
# connection (curl), and prints the wall time per read and the api-server's CPU per read (user +
# system from /proc/PID/stat, all its threads; the reconciler's passes in that time are included).
# Usage: deploy/bench/run-read.sh [reads, default 3000] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
reads="${1:-3000}"; rounds="${2:-3}"
work="$(mktemp -d)"
source deploy/bench/local-stack.sh
local_stack_ports 18390 54369 17263
export STEPWISE_PACKS_DIR="$work/packs"
mkdir -p "$STEPWISE_PACKS_DIR"
cp -r deploy/packs/demo "$STEPWISE_PACKS_DIR/"
# the demo's check step calls the api-server's health on the default management port: point it at this one
sed -i "s|http://127.0.0.1:9000/q/health/live|http://127.0.0.1:$STEPWISE_MANAGEMENT_PORT/q/health/live|" \
  "$STEPWISE_PACKS_DIR/demo/workflows/hello-approval.yaml"

cleanup() {
  stop_local_stack
  rm -rf "$work"
}
trap cleanup EXIT
start_local_stack
api="http://127.0.0.1:$STEPWISE_PORT/api/v1"
auth="Authorization: Bearer $token"
id="$(curl -sf -X POST -H "$auth" -H 'Content-Type: application/json' -d '{"inputs": {"ticket": "R-1"}}' \
  "$api/workflows/demo.hello-approval/runs" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
event_wait() {
  curl -sf -H "$auth" "$api/runs/$id" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
sys.exit(0 if any(w["kind"] == "EVENT" and w["status"] == "WAITING" for w in doc["waits"]) else 1)'
}
for _ in $(seq 1 120); do event_wait && break; sleep 0.5; done
event_wait || { echo "the run did not reach its event wait"; exit 1; }

ticks="$(getconf CLK_TCK)"
api_pid="$(cat "$STEPWISE_HOME/pids/api.pid")"
cpu_ms() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$ticks" '{printf "%d", ($12 + $13) * 1000 / t}'; }
for _ in $(seq 1 "$reads"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$api/runs/$id"; done >"$work/urls"
read_all() { curl -sf -H "$auth" -K "$work/urls"; }
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); run $id (4 steps, 2 waits)"
read_all # warm-up
for round in $(seq 1 "$rounds"); do
  cpu_before="$(cpu_ms "$api_pid")"; start="$(date +%s%N)"
  read_all
  wall_us=$(( ($(date +%s%N) - start) / 1000 )); cpu_us=$(( ($(cpu_ms "$api_pid") - cpu_before) * 1000 ))
  printf 'round %d: %d reads, %d us per read (wall), api-server CPU %d us per read, %.0f reads/s\n' \
    "$round" "$reads" $(( wall_us / reads )) $(( cpu_us / reads )) "$(echo "$reads * 1000000 / $wall_us" | bc -l)"
done
