#!/usr/bin/env bash
# Stepwise's local stack with embedded defaults (ARCHITECTURE.md, "Local stack"): needs only a JDK.
#   ./run.sh                      build what is missing, start dev stack + api-server + one worker
#   ./run.sh token --role viewer|operator|admin [--ttl 1h]    print a token
#   ./run.sh worker               one more worker in the foreground, attached to the running stack
#   ./run.sh validate PATH... [--format text|json|github]   check workflow files offline (docs/validate.md)
set -euo pipefail
CALLER_DIR="$PWD"
cd "$(dirname "$0")"
ROOT="$PWD"
export STEPWISE_HOME="${STEPWISE_HOME:-$ROOT/.stepwise}"
PORT="${STEPWISE_PORT:-8080}"
WORKER_PORT_BASE="${STEPWISE_WORKER_PORT:-8081}"
# health and metrics: the services' management interfaces, apart from the API
MANAGEMENT_PORT="${STEPWISE_MANAGEMENT_PORT:-9000}"
WORKER_MANAGEMENT_PORT="${STEPWISE_WORKER_MANAGEMENT_PORT:-9001}"
# every port this script opens listens on loopback only; STEPWISE_BIND=0.0.0.0 opens them to the network
BIND="${STEPWISE_BIND:-127.0.0.1}"
case "$BIND" in 0.0.0.0|::|127.0.0.1) HOST=127.0.0.1 ;; *) HOST="$BIND" ;; esac
PG_PORT="${STEPWISE_DEV_PG_PORT:-54329}"
TEMPORAL_PORT="${STEPWISE_DEV_TEMPORAL_PORT:-7233}"
PACKS="${STEPWISE_PACKS_DIR:-$ROOT/deploy/packs}"
KEYS="$STEPWISE_HOME/keys"
PIDS="$STEPWISE_HOME/pids"
LOGS="$STEPWISE_HOME/logs"
API_JAR="$ROOT/api-server/target/quarkus-app/quarkus-run.jar"
WORKER_JAR="$ROOT/workflow-worker/target/quarkus-app/quarkus-run.jar"
DEVSTACK_CP="$ROOT/deploy/target/devstack.jar:$ROOT/deploy/target/lib/*"
# JVM options of both services (docs/local-stack.md, "JVM options"): a small heap with the serial
# collector keeps each service under 300 MB idle; STEPWISE_JAVA_OPTS replaces them
JAVA_OPTS="${STEPWISE_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError}"
# class-data sharing: the first start after a build dumps the loaded classes at exit into
# $STEPWISE_HOME/cds, later starts map them (about 40% less start-up CPU); STEPWISE_CDS=false turns it off
CDS="${STEPWISE_CDS:-true}"

say() { printf 'run.sh: %s\n' "$*"; }

cds_opts() { # name jar [dump: true|false]; the archive belongs to one build of the jar
  [ "$CDS" = true ] || return 0
  local archive="$STEPWISE_HOME/cds/$1.jsa"
  if [ -f "$archive" ] && [ "$archive" -nt "$2" ]; then
    echo "-XX:SharedArchiveFile=$archive -Xshare:auto"
  elif [ "${3:-true}" = true ]; then
    mkdir -p "$STEPWISE_HOME/cds"; rm -f "$archive"
    echo "-XX:ArchiveClassesAtExit=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

build_if_needed() {
  local stale=0
  for jar in "$API_JAR" "$WORKER_JAR" "$ROOT/deploy/target/devstack.jar"; do
    [ -f "$jar" ] || stale=1
  done
  if [ "$stale" = 0 ] && [ -n "$(find "$ROOT" -path "$ROOT/.stepwise" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' -o -name '*.sql' \) -newer "$API_JAR" -print -quit 2>/dev/null | grep -v '/target/' || true)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ]; then
    say "building (./mvnw package -DskipTests) ..."
    ./mvnw -B -q package -DskipTests
  fi
}

db_url() { echo "${STEPWISE_DB_URL:-jdbc:postgresql://$HOST:$PG_PORT/stepwise}"; }
temporal_target() { echo "${STEPWISE_TEMPORAL_TARGET:-$HOST:$TEMPORAL_PORT}"; }

service_env() {
  if [ -z "${STEPWISE_TEMPORAL_TARGET:-}" ]; then
    # the embedded Temporal test server never moves a dead worker's sticky tasks back to the
    # normal queue: without sticky execution a killed worker strands no run (docs/projection.md)
    export STEPWISE_WORKER_STICKY_EXECUTION="${STEPWISE_WORKER_STICKY_EXECUTION:-false}"
  fi
  export STEPWISE_DB_URL="$(db_url)" STEPWISE_TEMPORAL_TARGET="$(temporal_target)"
  export STEPWISE_DB_USER="${STEPWISE_DB_USER:-postgres}"
  export STEPWISE_JWT_PUBLIC_KEY="file:$KEYS/public.pem" STEPWISE_JWT_ISSUER="https://stepwise.local"
  # payload and at-rest encryption (docs/security.md); STEPWISE_KEYS, when set, wins over the file
  export STEPWISE_KEYS_FILE="${STEPWISE_KEYS_FILE:-$KEYS/payload.keys}"
  export QUARKUS_HTTP_HOST="$BIND" QUARKUS_MANAGEMENT_HOST="$BIND"
  # Temporal runs on this host: compressing every call costs CPU and saves nothing
  export STEPWISE_TEMPORAL_COMPRESSION="${STEPWISE_TEMPORAL_COMPRESSION:-none}"
}

token() {
  local role=admin ttl=1h
  while [ $# -gt 0 ]; do
    case "$1" in
      --role) role="$2"; shift 2 ;;
      --ttl) ttl="$2"; shift 2 ;;
      *) echo "usage: ./run.sh token --role viewer|operator|admin [--ttl 1h]" >&2; exit 2 ;;
    esac
  done
  case "$role" in viewer|operator|admin) ;; *) echo "role must be viewer, operator or admin" >&2; exit 2 ;; esac
  [ -f "$KEYS/private.pem" ] || { echo "no dev key yet: start ./run.sh first" >&2; exit 1; }
  java -cp "$DEVSTACK_CP" io.stepwise.deploy.DevKeys token "$KEYS" "$role" "$ttl"
}

wait_for() { # url seconds name
  local i
  for i in $(seq 1 $(( $2 * 2 ))); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  say "$3 did not become ready in $2 s; see $LOGS"; return 1
}

stop_pid() { # name
  local file="$PIDS/$1.pid"
  [ -f "$file" ] || return 0
  local pid; pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  stop_pid worker; stop_pid api; stop_pid devstack
  exit 0
}

case "${1:-}" in
  token) shift; token "$@"; exit 0 ;;
  worker)
    service_env
    # free ports unless told: the stack's own worker holds the default ones
    export QUARKUS_HTTP_PORT="${STEPWISE_WORKER_PORT:-0}" QUARKUS_MANAGEMENT_PORT="${STEPWISE_WORKER_MANAGEMENT_PORT:-0}"
    # uses the stack's archive, never writes it (the stack's own worker does)
    exec java $JAVA_OPTS $(cds_opts worker "$WORKER_JAR" false) -jar "$WORKER_JAR" ;;
  validate)
    shift
    # the api-server's own reader and class path (plug-in actions included); no database, Temporal or token
    if [ ! -f "$API_JAR" ] || [ -n "$(find "$ROOT/runtime-core/src/main" "$ROOT/api-server/src/main" -newer "$API_JAR" -print -quit 2>/dev/null)" ]; then
      say "building the api-server (./mvnw package -DskipTests -pl api-server -am) ..." >&2
      ./mvnw -B -q package -DskipTests -pl api-server -am >&2
    fi
    cd "$CALLER_DIR"
    exec java -XX:+UseSerialGC -Xshare:auto -cp "$ROOT/api-server/target/quarkus-app/lib/main/*" \
      io.stepwise.core.cli.Validate "$@" ;;
  "") ;;
  *) echo "usage: ./run.sh [token --role ROLE [--ttl 1h] | worker | validate PATH... [--format text|json|github]]" >&2; exit 2 ;;
esac

command -v java >/dev/null || { say "a JDK 17 is needed"; exit 1; }
# $KEYS is made by DevKeys, 0700 with its secrets 0600 from the start; validate and token write nothing
mkdir -p "$PIDS" "$LOGS"
build_if_needed
java -cp "$DEVSTACK_CP" io.stepwise.deploy.DevKeys keys "$KEYS"
# a run that was killed hard leaves processes behind: stop them first
stop_pid worker; stop_pid api; stop_pid devstack
trap stop_all INT TERM
trap 'stop_pid worker; stop_pid api; stop_pid devstack' EXIT

if [ -z "${STEPWISE_DB_URL:-}" ] || [ -z "${STEPWISE_TEMPORAL_TARGET:-}" ]; then
  rm -f "$STEPWISE_HOME/devstack.ready"
  # an orphaned postmaster from a hard-killed run holds the data folder: stop it
  if [ -f "$STEPWISE_HOME/postgres/postmaster.pid" ]; then
    old="$(head -1 "$STEPWISE_HOME/postgres/postmaster.pid")"
    kill -TERM "$old" 2>/dev/null && sleep 2 || true
    rm -f "$STEPWISE_HOME/postgres/postmaster.pid"
  fi
  java -cp "$DEVSTACK_CP" io.stepwise.deploy.DevStack "$STEPWISE_HOME" "$PG_PORT" "$TEMPORAL_PORT" "$BIND" \
    >"$LOGS/devstack.log" 2>&1 &
  echo $! >"$PIDS/devstack.pid"
  for _ in $(seq 1 240); do [ -f "$STEPWISE_HOME/devstack.ready" ] && break; sleep 0.5; done
  [ -f "$STEPWISE_HOME/devstack.ready" ] || { say "dev stack did not start; see $LOGS/devstack.log"; exit 1; }
fi

service_env
STEPWISE_PACKS_DIR="$PACKS" STEPWISE_PORT="$PORT" QUARKUS_MANAGEMENT_PORT="$MANAGEMENT_PORT" \
  java $JAVA_OPTS $(cds_opts api "$API_JAR") -jar "$API_JAR" >"$LOGS/api.log" 2>&1 &
echo $! >"$PIDS/api.pid"
wait_for "http://$HOST:$MANAGEMENT_PORT/q/health/ready" 120 "api-server"

QUARKUS_HTTP_PORT="$WORKER_PORT_BASE" QUARKUS_MANAGEMENT_PORT="$WORKER_MANAGEMENT_PORT" \
  java $JAVA_OPTS $(cds_opts worker "$WORKER_JAR") -jar "$WORKER_JAR" >"$LOGS/worker.log" 2>&1 &
echo $! >"$PIDS/worker.pid"
wait_for "http://$HOST:$WORKER_MANAGEMENT_PORT/q/health/ready" 120 "workflow-worker"

# 0600 from the start: the umask applies when the file is created
rm -f "$STEPWISE_HOME/dev-token"
(umask 077 && token --role admin --ttl 24h >"$STEPWISE_HOME/dev-token")
demo_note=""
if [ "$MANAGEMENT_PORT" != 9000 ] && grep -qs 'http://127.0.0.1:9000/q/health/live' "$PACKS/demo/workflows/hello-approval.yaml"; then
  demo_note="
  (its check step calls the fixed http://127.0.0.1:9000/q/health/live; with the management port on
   $MANAGEMENT_PORT, edit that URL in $PACKS/demo/workflows/hello-approval.yaml, or the step fails)"
fi
cat <<MSG

Stepwise is running.
  console:    http://$HOST:$PORT/#token=$(cat "$STEPWISE_HOME/dev-token")
              (signs in as the dev admin; the token stays in the address's fragment, never sent to the server)
  API:        http://$HOST:$PORT/api/v1   (OpenAPI: http://$HOST:$PORT/q/openapi)
  health:     http://$HOST:$MANAGEMENT_PORT/q/health/ready   (metrics: /q/metrics; the worker's on port $WORKER_MANAGEMENT_PORT)
  token:      $STEPWISE_HOME/dev-token  (admin; ./run.sh token --role operator for another)
              $(cat "$STEPWISE_HOME/dev-token")
  logs:       $LOGS

Launch the example:
  curl -s -X POST -H "Authorization: Bearer \$(cat $STEPWISE_HOME/dev-token)" -H 'Content-Type: application/json' \\
       -d '{"inputs": {"ticket": "T-1"}}' \\
       http://$HOST:$PORT/api/v1/workflows/demo.hello-approval/runs$demo_note

Ctrl-C stops everything.
MSG
wait
