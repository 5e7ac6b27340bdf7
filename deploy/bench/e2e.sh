#!/usr/bin/env bash
# Usage: deploy/bench/e2e.sh [runs, default 2000] [clients, default 16] [warm-up runs, default 200]
#                            [rate in runs/min, default 0 = as fast as the clients can launch]
#                            [mode fire|poll|wait, default $BENCH_MODE or fire; also accepted in the rate's place]
#   fire: each client launches its next run as soon as its last launch answered
#   poll: each client waits for its run, reading GET /runs/{id} every 200 ms until it is terminal
#   wait: each client launches with POST .../runs?wait=30s and, while the answer is not terminal,
#         reads GET /runs/{id}?wait=30s (needs an api-server with the long poll)
#   BENCH_JFR=<folder>: records the api-server, the worker and the dev stack (Temporal test server,
#         PostgreSQL's launcher) with JFR (settings=profile) from the stack's start, written there at the end.
#   BENCH_RAW=false: skips the baseline (then there is no result line).
#   BENCH_LOGS=<folder>: keeps the stack's logs (api-server, worker, dev stack) there.
# Benchmark (issues 7 and 14): end to end through the local stack that ./run.sh starts. Launches runs of a
# 4-step workflow (http.request to a local server, transform, noop, log) from concurrent clients
# and prints sustained runs/min, launch latency p50/p99 and end-to-end latency p50/p99 (the runs'
# createdAt to finishedAt). Then, against the same Temporal test server with the same processes up,
# the baseline: the same four steps as a hand-written Temporal workflow (one activity for the GET),
# started through the Temporal client on a queue of its own, its worker in the bench process with
# the Stepwise worker's settings; no api-server, no projection (end-to-end: Temporal's start to close
# time). Same count, clients, warm-up, pacing and mode. Its last line is machine-readable:
#   result: stepwise=<runs/min> raw=<runs/min> ratio=<stepwise/raw> e2e_p50_ms=<n> e2e_p99_ms=<n> launch_p99_ms=<n> failed=<n>
# (e2e, launch and failed are Stepwise's). Targets on a 2-core machine: >= 2,400 runs/min, ratio >= 0.8,
# end-to-end p50 <= 150 ms.
# Unpaced, it measures capacity (and end-to-end latency includes the backlog that builds up);
# paced, it measures the latency at that load.
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-2000}"; clients="${2:-16}"; warmup="${3:-200}"; rate="${4:-0}"; mode="${5:-${BENCH_MODE:-fire}}"
# the mode in the rate's place: no pacing
case "$rate" in fire|poll|wait) mode="$rate"; rate=0 ;; esac
case "$mode" in fire|poll|wait) ;; *) echo "mode must be fire, poll or wait, not $mode" >&2; exit 2 ;; esac
jfr="${BENCH_JFR:-}"
work="$(mktemp -d)"
source deploy/bench/local-stack.sh
local_stack_ports 18190 54349 17243
export STEPWISE_PACKS_DIR="$work/packs"
mkdir -p "$STEPWISE_PACKS_DIR/bench/workflows"
cat >"$STEPWISE_PACKS_DIR/bench/workflows/e2e.yaml" <<'YAML'
apiVersion: stepwise/v1
kind: Workflow
name: e2e
description: The end-to-end benchmark's workflow
inputs:
  url: { type: string, required: true }
steps:
  - id: call
    uses: http.request
    with: { method: GET, url: "${{ inputs.url }}" }
  - id: shape
    uses: transform
    with: { value: { ok: "${{ steps.call.output.status == 200 }}" } }
  - id: mark
    uses: noop
  - id: note
    uses: log
    with: { message: "e2e ok=${{ steps.shape.output.ok }}" }
outputs:
  ok: ${{ steps.shape.output.ok }}
YAML

jfr_dump() {
  [ -n "$jfr" ] || return 0
  for name in api worker devstack; do
    [ -f "$STEPWISE_HOME/pids/$name.pid" ] && jcmd "$(cat "$STEPWISE_HOME/pids/$name.pid")" JFR.dump name=bench \
      filename="$jfr/$name.jfr" >/dev/null 2>&1 || true
  done
}
cleanup() {
  jfr_dump
  stop_local_stack
  if [ -n "${BENCH_LOGS:-}" ]; then mkdir -p "$BENCH_LOGS" && cp "$STEPWISE_HOME"/logs/*.log "$BENCH_LOGS"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
start_local_stack
if [ -n "$jfr" ]; then
  mkdir -p "$jfr"; jfr="$(cd "$jfr" && pwd)"
  for name in api worker devstack; do
    jcmd "$(cat "$STEPWISE_HOME/pids/$name.pid")" JFR.start name=bench settings=profile >/dev/null
  done
fi
api="http://127.0.0.1:$STEPWISE_PORT/api/v1"
curl -sf -X POST -H "Authorization: Bearer $token" "$api/workflows/resync" >/dev/null
# the baseline's worker copies what the Stepwise worker says it runs with
started="$(grep -m1 'worker_started' "$STEPWISE_HOME/logs/worker.log")"
sticky="$(sed -n 's/.* sticky_execution=\([a-z]*\).*/\1/p' <<<"$started")"
slots="$(sed -n 's/.* local_activity_slots=\([0-9]*\).*/\1/p' <<<"$started")"
[ -n "$sticky" ] && [ -n "$slots" ] || { echo "no worker_started line in the worker's log"; exit 1; }

printf '.level=WARNING\n' >"$work/jul.properties"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "stack: ./run.sh (embedded PostgreSQL, Temporal test server, one api-server, one worker: sticky_execution=$sticky local_activity_slots=$slots)"
[ -z "$jfr" ] || echo "jfr: api.jfr, worker.jfr, devstack.jfr in $jfr (written when the bench ends)"
# the stack's JVMs, for the CPU a run costs each of them
pids="$(for name in api worker devstack; do printf '%s=%s,' "$name" "$(cat "$STEPWISE_HOME/pids/$name.pid")"; done)"
java -Dbench.pids="$pids" -Dbench.temporal="127.0.0.1:$STEPWISE_DEV_TEMPORAL_PORT" -Dbench.keys="$STEPWISE_HOME/keys/payload.keys" \
     -Dbench.sticky="$sticky" -Dbench.localActivitySlots="$slots" -Dbench.raw="${BENCH_RAW:-true}" \
     -Dorg.slf4j.simpleLogger.logFile="$work/bench.log" -Djava.util.logging.config.file="$work/jul.properties" \
     -cp "deploy/target/devstack.jar:deploy/target/lib/*" io.stepwise.deploy.EndToEndBench \
     "$api" "$token" "$count" "$clients" "$warmup" "$rate" "$mode" | tee "$work/out" | grep -v '^result:'
[ "${PIPESTATUS[0]}" -eq 0 ] \
  || { echo "the bench failed"; [ ! -f "$work/bench.log" ] || tail -40 "$work/bench.log"; exit 1; }
# runs that left the fast path of projection writes (docs/projection.md) after a slow or failed write
echo "projection fast path left by: $(grep -c 'projection_fast_path_off' "$STEPWISE_HOME/logs/worker.log") runs"
grep '^result:' "$work/out" || true
