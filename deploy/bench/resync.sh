#!/usr/bin/env bash
# Benchmark (issue 4): resync of 2,000 generated definitions, cold (all new) and warm (unchanged).
# Starts the api-server jar against a fresh database in the PostgreSQL at $BENCH_PG (default
# 127.0.0.1:5432, user postgres), with a throw-away key pair, and times POST /workflows/resync.
# Usage: deploy/bench/resync.sh [definitions, default 2000] [warm repeats, default 5]
# BENCH_JAVA_OPTS adds JVM options to the server (for instance -XX:StartFlightRecording=filename=/tmp/resync.jfr).
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-2000}"; repeats="${2:-5}"
pg_host="${BENCH_PG_HOST:-127.0.0.1}"; pg_port="${BENCH_PG_PORT:-5432}"; pg_user="${BENCH_PG_USER:-postgres}"
port="${BENCH_PORT:-18080}"; management_port="${BENCH_MANAGEMENT_PORT:-18081}"
work="$(mktemp -d)"; db="stepwise_bench_$$"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -f api-server/target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q -pl api-server -am package -DskipTests
psql -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -c "CREATE DATABASE $db" >/dev/null

# a key pair and an admin token, made here and thrown away
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
openssl pkey -in "$work/private.pem" -pubout -out "$work/public.pem"
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64)
payload=$(printf '{"iss":"https://stepwise.bench","aud":"stepwise-api","sub":"bench","groups":["stepwise.admin"],"iat":%d,"exp":%d}' "$now" $((now + 3600)) | b64)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/private.pem" -binary | b64)
token="$header.$payload.$signature"

# the definitions: distinct files shaped like DSL.md's example, in 20 packs named <prefix>-<n>
generate() {
python3 - "$work/packs" "$count" runtime-core/src/test/resources/workflows/valid/escalate-ticket.yaml "$1" <<'PY'
import os, sys
root, count, example, prefix = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read(), sys.argv[4]
for i in range(count):
    d = os.path.join(root, f"{prefix}-{i % 20}", "workflows")
    os.makedirs(d, exist_ok=True)
    text = (example.replace("name: escalate-ticket", f"name: escalate-{i}")
                   .replace("Escalate a ticket that nobody picked up", f"Escalation variant {i}")
                   .replace("https://tickets.example/api/tickets/", f"https://tickets{i}.example/api/tickets/"))
    open(os.path.join(d, f"escalate-{i}.yaml"), "w").write(text)
PY
}
generate pack

# a payload keyring made here and thrown away (the server does not start without one, docs/security.md)
STEPWISE_KEYS="bench:$(openssl rand -base64 32)" \
STEPWISE_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$db" STEPWISE_DB_USER="$pg_user" \
STEPWISE_JWT_PUBLIC_KEY="file:$work/public.pem" STEPWISE_JWT_ISSUER="https://stepwise.bench" \
STEPWISE_PACKS_DIR="$work/packs" STEPWISE_PACKS_RESYNC_ON_START=false STEPWISE_PORT="$port" \
STEPWISE_MANAGEMENT_PORT="$management_port" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1 \
  java ${BENCH_JAVA_OPTS:-} -jar api-server/target/quarkus-app/quarkus-run.jar >"$work/server.log" 2>&1 &
server_pid=$!
# live, not ready: readiness also wants Temporal, and a resync needs only the database and the packs
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$management_port/q/health/live" >/dev/null && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$management_port/q/health/live" >/dev/null || { echo "the api-server did not start"; tail -20 "$work/server.log"; exit 1; }

resync() {
  curl -sf -o "$work/last.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/workflows/resync"
}
cold=$(resync)
summary=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary'])" "$work/last.json")
echo "cold resync of $count definitions: ${cold}s  $summary"
warm_all=()
for _ in $(seq 1 "$repeats"); do warm_all+=("$(resync)"); done
summary=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary'])" "$work/last.json")
echo "warm (unchanged) resync, $repeats runs: ${warm_all[*]} s  $summary"
generate more
again=$(resync)
summary=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['summary'])" "$work/last.json")
echo "$count more new definitions, server already warm: ${again}s  $summary"
grep -o 'resync dry_run=false.*' "$work/server.log" | sed 's/^/server (before commit): /'
