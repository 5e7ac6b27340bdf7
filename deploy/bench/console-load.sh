#!/usr/bin/env bash
# Benchmark (issue 12): the console's first page load on the local stack that ./run.sh starts.
# Each sample is a new headless Chromium (a fresh profile: empty cache, empty session storage)
# opening a console page with the dev token in the fragment, timed from the navigation's start
# (performance.now() = 0) until the page's content is on screen (its element exists, drawn from the
# API's answer). The baseline beside it: the same cold browser loading /q/health/live, a one-line
# JSON document from the same process, on its management port (the floor: browser start of a navigation, loopback HTTP, paint).
# Target: under 1 s. Needs chromium and chromedriver (Debian's packages), curl and jq.
# Usage: deploy/bench/console-load.sh [samples per page, default 10]
set -euo pipefail
cd "$(dirname "$0")/../.."
samples="${1:-10}"
command -v chromedriver >/dev/null && [ -x /usr/bin/chromium ] \
  || { echo "console-load.sh needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver" >&2; exit 1; }
work="$(mktemp -d)"
source deploy/bench/local-stack.sh
local_stack_ports 18290 54359 17253
driver_port="${BENCH_DRIVER_PORT:-18294}"

source deploy/demo-packs.sh
demo_packs_on_port "$STEPWISE_MANAGEMENT_PORT"
driver=""
cleanup() {
  [ -n "$driver" ] && kill "$driver" 2>/dev/null || true
  stop_local_stack
  rm -rf "$work"
}
trap cleanup EXIT
start_local_stack
base="http://127.0.0.1:$STEPWISE_PORT"
health="http://127.0.0.1:$STEPWISE_MANAGEMENT_PORT"

# a run to show on the run page: the demo workflow, waiting on its approval
run_id="$(curl -sf -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"inputs": {"ticket": "B-1"}}' \
  "$base/api/v1/workflows/demo.hello-approval/runs" | jq -r .id)"

chromedriver --port="$driver_port" --allowed-ips=127.0.0.1 >"$work/chromedriver.log" 2>&1 &
driver=$!
wd="http://127.0.0.1:$driver_port"
for _ in $(seq 1 100); do curl -sf "$wd/status" >/dev/null 2>&1 && break; sleep 0.1; done

caps='{"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium",
  "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
           "--window-size=1280,800", "--proxy-server=http://127.0.0.1:9"]}}}}'

# one cold load: a new browser opens url and waits for selector; prints the milliseconds
load() { # url selector
  local session ms
  session="$(curl -sf -X POST -H 'Content-Type: application/json' -d "$caps" "$wd/session" | jq -r .value.sessionId)"
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"url\": \"$1\"}" "$wd/session/$session/url" >/dev/null
  ms="$(curl -sf -X POST -H 'Content-Type: application/json' -d "$(jq -n --arg sel "$2" '{script: "
      const done = arguments[arguments.length - 1];
      const tick = () => document.querySelector(arguments[0]) ? done(performance.now()) : setTimeout(tick, 5);
      tick();", args: [$sel]}')" "$wd/session/$session/execute/async" | jq -r '.value | floor')"
  curl -sf -X DELETE "$wd/session/$session" >/dev/null
  echo "$ms"
}

stats() { # label, then the samples
  local label="$1"; shift
  printf '%s\n' "$@" | sort -n | awk -v label="$label" '{ v[NR] = $1 } END {
    printf "%-28s p50 %5d ms   max %5d ms   (n=%d)\n", label, v[int((NR + 1) / 2)], v[NR], NR }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(chromium --version 2>/dev/null | head -1)"
load "$health/q/health/live" "body" >/dev/null   # warms the server's code paths, not the browser's cache

measure() { # label url selector
  local out=()
  for _ in $(seq 1 "$samples"); do out+=("$(load "$2" "$3")"); done
  stats "$1" "${out[@]}"
}
measure "baseline /q/health/live" "$health/q/health/live" "body"
measure "console /" "$base/#token=$token" "#counts .tiles"
measure "console /workflows" "$base/workflows#token=$token" "#workflow-list table"
measure "console /runs" "$base/runs#token=$token" "#run-list table"
measure "console /runs/{id}" "$base/runs/$run_id#token=$token" "#steps table"
