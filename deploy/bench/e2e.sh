#!/usr/bin/env bash
# Benchmark (issue 7): end to end through the local stack that ./run.sh starts. Launches runs of a
# 4-step workflow (http.request to a local server, transform, noop, log) from concurrent clients
# and prints sustained runs/min, launch latency p50/p99 and end-to-end latency p50/p99 (the runs'
# createdAt to finishedAt). Targets on a 2-core machine: >= 2,400 runs/min, end-to-end p50 <= 150 ms.
# Usage: deploy/bench/e2e.sh [runs, default 2000] [clients, default 16] [warm-up runs, default 200]
#                            [rate in runs/min, default 0 = as fast as the clients can launch]
# Unpaced, it measures capacity (and end-to-end latency includes the backlog that builds up);
# paced, it measures the latency at that load.
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-2000}"; clients="${2:-16}"; warmup="${3:-200}"; rate="${4:-0}"
work="$(mktemp -d)"
export STEPWISE_HOME="$work/home" STEPWISE_PORT="${BENCH_PORT:-18190}" STEPWISE_WORKER_PORT="${BENCH_WORKER_PORT:-18191}" \
       STEPWISE_MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-18192}" STEPWISE_WORKER_MANAGEMENT_PORT="${BENCH_WORKER_MANAGEMENT_PORT:-18193}" \
       STEPWISE_DEV_PG_PORT="${BENCH_PG_PORT:-54349}" STEPWISE_DEV_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-17243}" \
       STEPWISE_PACKS_DIR="$work/packs"
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

source deploy/bench/local-stack.sh
cleanup() {
  stop_local_stack
  rm -rf "$work"
}
trap cleanup EXIT
start_local_stack
api="http://127.0.0.1:$STEPWISE_PORT/api/v1"
curl -sf -X POST -H "Authorization: Bearer $token" "$api/workflows/resync" >/dev/null

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "stack: ./run.sh (embedded PostgreSQL, Temporal test server, one api-server, one worker)"
java -cp "deploy/target/devstack.jar:deploy/target/lib/*" io.stepwise.deploy.EndToEndBench "$api" "$token" "$count" "$clients" "$warmup" "$rate"
