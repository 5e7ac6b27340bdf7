#!/usr/bin/env bash
# Smoke test of a whole Stepwise stack (ARCHITECTURE.md, "Production shape").
#   deploy/smoke.sh           the compose stack (deploy/compose.yaml): up, checks, down
#   deploy/smoke.sh --local   the stack ./run.sh starts (no Docker engine needed): start, checks, stop
# Checks: health on the management port (and not on the API's), a token, resync, a run of
# demo.hello-approval (HTTP call, transform, a durable timer, an event wait) that waits, is signaled
# and SUCCEEDS with the expected output; a second worker of another owner is refused (exit code 10); on teardown no process of the stack is left.
# Exit code 0 when every check passes; otherwise 1 with a message that says which check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
MODE=compose
case "${1:-}" in
  --local) MODE=local ;;
  "") ;;
  *) echo "usage: deploy/smoke.sh [--local]" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
step() { printf 'smoke: %s\n' "$*"; }
fail() {
  printf 'smoke: FAILED: %s\n' "$*" >&2
  diagnostics >&2 || true
  exit 1
}

# ---------------------------------------------------------------- the two ways to have a stack
if [ "$MODE" = local ]; then
  export STEPWISE_HOME="$work/home" STEPWISE_PORT="${SMOKE_PORT:-18090}" STEPWISE_WORKER_PORT="${SMOKE_WORKER_PORT:-18091}" \
         STEPWISE_MANAGEMENT_PORT="${SMOKE_MANAGEMENT_PORT:-18092}" \
         STEPWISE_WORKER_MANAGEMENT_PORT="${SMOKE_WORKER_MANAGEMENT_PORT:-18093}" \
         STEPWISE_DEV_PG_PORT="${SMOKE_PG_PORT:-54339}" STEPWISE_DEV_TEMPORAL_PORT="${SMOKE_TEMPORAL_PORT:-17233}"
  BASE="http://127.0.0.1:$STEPWISE_PORT"
  HEALTH="http://127.0.0.1:$STEPWISE_MANAGEMENT_PORT"
  # the demo's check step calls a fixed URL on the management port 9000: point a copy of the packs at this stack
  source deploy/demo-packs.sh
  demo_packs_on_port "$STEPWISE_MANAGEMENT_PORT" || fail "could not prepare the demo pack for port $STEPWISE_MANAGEMENT_PORT"

  diagnostics() {
    echo "--- run.sh output"; cat "$work/run.out" 2>/dev/null || true
    for f in "$STEPWISE_HOME"/logs/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -40 "$f"; }; done
  }
  up() {
    ./run.sh >"$work/run.out" 2>&1 &
    RUNSH=$!
    for _ in $(seq 1 360); do
      grep -q "Stepwise is running" "$work/run.out" 2>/dev/null && break
      kill -0 "$RUNSH" 2>/dev/null || fail "run.sh exited before the stack was ready"
      sleep 0.5
    done
    grep -q "Stepwise is running" "$work/run.out" || fail "the stack did not become ready within 180 s"
    PIDS="$(cat "$STEPWISE_HOME"/pids/*.pid)"
  }
  token() { cat "$STEPWISE_HOME/dev-token"; }
  intruder() { # a worker of another owner, in the foreground: prints its exit code
    set +e
    STEPWISE_WORKER_OWNER=intruder STEPWISE_WORKER_PORT=0 STEPWISE_WORKER_MANAGEMENT_PORT=0 \
      timeout 120 ./run.sh worker >"$work/intruder.log" 2>&1
    echo $?
    set -e
  }
  intruder_log() { cat "$work/intruder.log"; }
  down() {
    [ -n "${RUNSH:-}" ] || return 0
    kill -TERM "$RUNSH" 2>/dev/null || true
    wait "$RUNSH" 2>/dev/null || true
    RUNSH=""
    for pid in ${PIDS:-}; do
      if kill -0 "$pid" 2>/dev/null; then
        echo "smoke: FAILED: process $pid still runs after run.sh stopped" >&2
        return 1
      fi
    done
  }
else
  command -v docker >/dev/null && docker info >/dev/null 2>&1 \
    || fail "no Docker engine answers here; use deploy/smoke.sh --local for the stack ./run.sh starts"
  export STEPWISE_PORT="${SMOKE_PORT:-18090}" STEPWISE_TEMPORAL_PORT="${SMOKE_TEMPORAL_PORT:-17233}" \
         STEPWISE_MANAGEMENT_PORT="${SMOKE_MANAGEMENT_PORT:-18092}"
  export STEPWISE_JWT_PUBLIC_KEY_FILE="$work/keys/public.pem"
  COMPOSE=(docker compose -f deploy/compose.yaml -p "stepwise-smoke-$$")
  BASE="http://127.0.0.1:$STEPWISE_PORT"
  HEALTH="http://127.0.0.1:$STEPWISE_MANAGEMENT_PORT"
  # the demo's check step calls http://127.0.0.1:9000/q/health/live; inside the worker's container
  # nothing answers there: a copy of the packs points it at the api-server's management port
  # (compose mounts STEPWISE_PACKS_HOST_DIR; not run on this machine: no Docker engine)
  source deploy/demo-packs.sh
  demo_packs_with_url "http://api-server:9000/q/health/live" || fail "could not prepare the demo pack for compose"
  DEVKEYS_CP="$ROOT/deploy/target/devstack.jar:$ROOT/deploy/target/lib/*"

  diagnostics() { "${COMPOSE[@]}" ps -a; "${COMPOSE[@]}" logs --tail 60; }
  up() {
    [ -f "$ROOT/api-server/target/quarkus-app/quarkus-run.jar" ] && [ -f "$ROOT/deploy/target/devstack.jar" ] \
      || { step "building the jars (./mvnw package -DskipTests)"; ./mvnw -B -q package -DskipTests; }
    # a key pair for this smoke run only; the private half never leaves $work
    java -cp "$DEVKEYS_CP" io.stepwise.deploy.DevKeys keys "$work/keys" >/dev/null
    "${COMPOSE[@]}" up -d --build --wait --wait-timeout 300 || fail "the compose stack did not become healthy"
  }
  token() { java -cp "$DEVKEYS_CP" io.stepwise.deploy.DevKeys token "$work/keys" admin 1h; }
  intruder() {
    set +e
    STEPWISE_WORKER_OWNER=intruder timeout 180 "${COMPOSE[@]}" run --rm --no-deps workflow-worker >"$work/intruder.log" 2>&1
    echo $?
    set -e
  }
  intruder_log() { cat "$work/intruder.log"; }
  down() { "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1; }
fi

cleanup() { down || true; rm -rf "$work"; }
trap cleanup EXIT

# ---------------------------------------------------------------- checks, the same for both
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }

step "starting the $MODE stack"
up
curl -sf "$HEALTH/q/health/ready" >/dev/null || fail "$HEALTH/q/health/ready is not ready"
curl -sf "$HEALTH/q/health/ready" | json "[c['name'] for c in d['checks'] if c['status'] != 'UP']" | grep -qx '\[\]' \
  || fail "a readiness check is down: $(curl -s "$HEALTH/q/health/ready")"
for path in /q/health/ready /q/metrics; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")"
  [ "$code" = 404 ] || fail "the API's port answers $path with $code, not 404"
done
TOKEN="$(token)"
[ -n "$TOKEN" ] || fail "no token"
API="$BASE/api/v1"
auth=(-H "Authorization: Bearer $TOKEN")
code="$(curl -s -o /dev/null -w '%{http_code}' "$API/workflows")"
[ "$code" = 401 ] || fail "GET /workflows without a token answered $code, not 401"

step "resync"
resync="$(curl -sf -X POST "${auth[@]}" "$API/workflows/resync")" || fail "resync refused"
[ "$(echo "$resync" | json "d['summary']['errors']")" = 0 ] || fail "resync reports errors: $resync"
curl -sf "${auth[@]}" "$API/workflows/demo.hello-approval" >/dev/null || fail "demo.hello-approval is not loaded after resync"

step "launch demo.hello-approval"
ticket="SMOKE-$$"
launched="$(curl -sf -X POST "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"inputs\": {\"who\": \"smoke\", \"ticket\": \"$ticket\"}}" \
  "$API/workflows/demo.hello-approval/runs")" || fail "launch refused"
id="$(echo "$launched" | json "d['id']")"
run() { curl -sf "${auth[@]}" "$API/runs/$id"; }

status=""
for _ in $(seq 1 120); do
  doc="$(run)"; status="$(echo "$doc" | json "d['status']")"
  [ "$status" = WAITING ] && [ "$(echo "$doc" | json "[w['status'] for w in d['waits'] if w['kind'] == 'EVENT']")" = "['WAITING']" ] && break
  case "$status" in FAILED|CANCELED|SUCCEEDED) fail "run $id ended $status before the approval: $doc" ;; esac
  sleep 0.5
done
[ "$status" = WAITING ] || fail "run $id is $status, not WAITING on the approval, after 60 s: $(run)"
[ "$(run | json "[s['status'] for s in d['steps'] if s['id'] == 'pause']")" = "['SUCCEEDED']" ] \
  || fail "the timer step did not complete before the event wait: $(run)"

step "signal the approval"
code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"event\": \"approval\", \"correlationKey\": \"$ticket\", \"payload\": {\"user\": \"smoke\"}}" "$API/runs/$id/signals")"
[ "$code" = 202 ] || fail "signal answered $code, not 202"
for _ in $(seq 1 120); do
  status="$(run | json "d['status']")"; [ "$status" = SUCCEEDED ] && break
  [ "$status" = FAILED ] && break
  sleep 0.5
done
[ "$status" = SUCCEEDED ] || fail "run $id is $status after the signal: $(run)"
out="$(run | json "(d['output']['approvedBy'], d['output']['greeting'], d['output']['apiStatus'])")"
[ "$out" = "('smoke', 'hello smoke', 'UP')" ] || fail "unexpected output $out: $(run)"
[ "$(curl -sf "${auth[@]}" "$API/runs/$id/events" | json "[e['kind'] for e in d['items']]")" = "['LAUNCHED', 'SIGNALED']" ] \
  || fail "unexpected audit trail: $(curl -s "${auth[@]}" "$API/runs/$id/events")"

step "a worker of another owner is refused"
rc="$(intruder)"
[ "$rc" = 10 ] || { intruder_log >&2; fail "the other owner's worker exited $rc, not 10"; }
intruder_log | grep -q "worker_refused reason=queue_owned" || { intruder_log >&2; fail "the refusal does not name its reason"; }

step "stopping the stack"
down || fail "teardown"
echo "smoke: $MODE stack passed (run $id SUCCEEDED, other owner refused)"
