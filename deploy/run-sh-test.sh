#!/usr/bin/env bash
# Script test (issue 5): ./run.sh from the checkout starts the stack; the example workflow is launched
# with the printed token, waits, is signaled, SUCCEEDS; SIGTERM stops everything, leaving no process.
set -euo pipefail
cd "$(dirname "$0")/.."
home="$(mktemp -d)"
export STEPWISE_HOME="$home" STEPWISE_PORT=18090 STEPWISE_WORKER_PORT=18091 \
       STEPWISE_DEV_PG_PORT=54339 STEPWISE_DEV_TEMPORAL_PORT=17233
api="http://127.0.0.1:$STEPWISE_PORT/api/v1"
fail() { echo "run-sh-test: FAILED: $*"; echo "--- run.sh output"; cat "$home/run.out" || true;
         for f in "$home"/logs/*.log; do echo "--- $f"; tail -40 "$f"; done; exit 1; }

./run.sh >"$home/run.out" 2>&1 &
runsh=$!
for _ in $(seq 1 360); do
  grep -q "Stepwise is running" "$home/run.out" 2>/dev/null && break
  kill -0 "$runsh" 2>/dev/null || fail "run.sh exited early"
  sleep 0.5
done
grep -q "Stepwise is running" "$home/run.out" || fail "the stack did not become ready"
curl -sf "http://127.0.0.1:$STEPWISE_PORT/q/health/ready" >/dev/null || fail "not ready"
token="$(cat "$home/dev-token")"
pids="$(cat "$home"/pids/*.pid)"

run_json() { curl -sf -H "Authorization: Bearer $token" "$api/runs/$1"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
launched="$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"inputs\": {\"ticket\": \"CI-1\", \"healthUrl\": \"http://127.0.0.1:$STEPWISE_PORT/q/health/live\"}}" \
  "$api/workflows/demo.hello-approval/runs")" || fail "launch refused"
id="$(echo "$launched" | field "d['id']")"
status=""
for _ in $(seq 1 120); do
  status="$(run_json "$id" | field "d['status']")"; [ "$status" = WAITING ] && \
    [ "$(run_json "$id" | field "[w['status'] for w in d['waits'] if w['kind'] == 'EVENT']")" = "['WAITING']" ] && break
  sleep 0.5
done
[ "$status" = WAITING ] || fail "run $id is $status, not WAITING on the approval"
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"event": "approval", "correlationKey": "CI-1", "payload": {"user": "ci"}}' "$api/runs/$id/signals")"
[ "$code" = 202 ] || fail "signal answered $code"
for _ in $(seq 1 120); do
  status="$(run_json "$id" | field "d['status']")"; [ "$status" = SUCCEEDED ] && break; sleep 0.5
done
[ "$status" = SUCCEEDED ] || fail "run $id is $status after the signal"
[ "$(run_json "$id" | field "d['output']['approvedBy']")" = ci ] || fail "unexpected output: $(run_json "$id")"

kill -TERM "$runsh"
wait "$runsh" || true
for pid in $pids; do
  kill -0 "$pid" 2>/dev/null && fail "process $pid still runs after SIGTERM"
done
rm -rf "$home"
echo "run-sh-test: 1 passed, 0 failed"
