#!/usr/bin/env bash
# Benchmark (issue 14): start-up time and idle memory of the api-server and the workflow-worker on the
# local stack that ./run.sh starts. For each of several starts it reads each service's pid from run.sh's
# pid files and prints the time from that process's start (the kernel's start time of the JVM) to the
# first 200 from its /q/health/ready on the management port, then, after the stack has been idle for
# a while, the resident set (VmRSS in /proc/PID/status). Targets: ready <= 3 s, idle RSS <= 300 MB.
# Usage: deploy/bench/startup.sh [starts, default 3] [idle seconds before the RSS is read, default 10]
# Ports: BENCH_PORT ... as in e2e.sh, other defaults so that both can run side by side.
set -euo pipefail
cd "$(dirname "$0")/../.."
starts="${1:-3}"; idle="${2:-10}"
target_ready_ms=3000; target_rss_mb=300
work="$(mktemp -d)"
source deploy/bench/local-stack.sh
local_stack_ports 18290 54359 17253

cleanup() {
  stop_local_stack
  rm -rf "$work"
}
trap cleanup EXIT

ticks="$(getconf CLK_TCK)"
btime="$(awk '/^btime/ {print $2}' /proc/stat)"
now_ms() { date +%s%3N; }
# the process's start in ms since the epoch: field 22 of /proc/PID/stat (after the command in parentheses)
start_ms() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$ticks" -v b="$btime" '{printf "%d", (b + $20 / t) * 1000}'; }
# CPU time (user + system, all threads) the process has used, in ms: less noisy than the wall clock
cpu_ms() { sed 's/^.*) //' "/proc/$1/stat" | awk -v t="$ticks" '{printf "%d", ($12 + $13) * 1000 / t}'; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# pid of a service once run.sh has started it (it writes the pid file right after the fork)
wait_pid() { # name
  local file="$STEPWISE_HOME/pids/$1.pid" pid
  for _ in $(seq 1 2400); do
    if [ -s "$file" ]; then pid="$(cat "$file")"; [ -d "/proc/$pid" ] && { echo "$pid"; return 0; }; fi
    kill -0 "$runsh" 2>/dev/null || break
    sleep 0.05
  done
  echo "no $1 process; run.sh said:" >&2; cat "$work/run.out" >&2; exit 1
}

# ms from the process's start to its first ready answer
ready_ms() { # pid url
  local begin; begin="$(start_ms "$1")"
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null --max-time 1 "$2"; then echo "$(( $(now_ms) - begin )) $(cpu_ms "$1")"; return 0; fi
    kill -0 "$1" 2>/dev/null || break
    sleep 0.02
  done
  echo "not ready: $2" >&2; exit 1
}

declare -a api_ready worker_ready api_cpu worker_cpu api_rss worker_rss
for i in $(seq 1 "$starts"); do
  rm -rf "$STEPWISE_HOME/pids"
  # run.sh itself, as local-stack.sh starts it, but watched from the fork on
  ./run.sh >"$work/run.out" 2>&1 &
  runsh=$!
  api_pid="$(wait_pid api)"
  read -r ms cpu < <(ready_ms "$api_pid" "http://127.0.0.1:$STEPWISE_MANAGEMENT_PORT/q/health/ready")
  api_ready+=("$ms"); api_cpu+=("$cpu")
  worker_pid="$(wait_pid worker)"
  read -r ms cpu < <(ready_ms "$worker_pid" "http://127.0.0.1:$STEPWISE_WORKER_MANAGEMENT_PORT/q/health/ready")
  worker_ready+=("$ms"); worker_cpu+=("$cpu")
  for _ in $(seq 1 120); do grep -q "Stepwise is running" "$work/run.out" && break; sleep 0.5; done
  sleep "$idle"
  api_rss+=("$(rss_mb "$api_pid")"); worker_rss+=("$(rss_mb "$worker_pid")")
  printf 'start %d: api-server ready %5d ms (CPU %5d ms), idle RSS %4d MB; worker ready %5d ms (CPU %5d ms), idle RSS %4d MB\n' \
    "$i" "${api_ready[-1]}" "${api_cpu[-1]}" "${api_rss[-1]}" "${worker_ready[-1]}" "${worker_cpu[-1]}" "${worker_rss[-1]}"
  # every start's command line: the first one writes the class-data archives, later ones should map them
  echo "  api-server JVM: $(tr '\0' ' ' <"/proc/$api_pid/cmdline")"
  echo "  worker JVM:     $(tr '\0' ' ' <"/proc/$worker_pid/cmdline")"
  stop_local_stack; runsh=""
done

range() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {printf (lo == hi ? "%d" : "%d-%d"), lo, hi}'; }
worst() { printf '%s\n' "$@" | sort -n | tail -1; }
verdict() { [ "$1" -le "$2" ] && echo ok || echo MISSED; }
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $starts starts, RSS after ${idle} s idle"
printf '%-16s %-22s %-10s %-22s %-8s %s\n' service "ready (ms)" target "idle RSS (MB)" target "CPU to ready (ms)"
printf '%-16s %-22s %-10s %-22s %-8s %s\n' api-server "$(range "${api_ready[@]}") $(verdict "$(worst "${api_ready[@]}")" $target_ready_ms)" \
  "<= $target_ready_ms" "$(range "${api_rss[@]}") $(verdict "$(worst "${api_rss[@]}")" $target_rss_mb)" "<= $target_rss_mb" "$(range "${api_cpu[@]}")"
printf '%-16s %-22s %-10s %-22s %-8s %s\n' workflow-worker "$(range "${worker_ready[@]}") $(verdict "$(worst "${worker_ready[@]}")" $target_ready_ms)" \
  "<= $target_ready_ms" "$(range "${worker_rss[@]}") $(verdict "$(worst "${worker_rss[@]}")" $target_rss_mb)" "<= $target_rss_mb" "$(range "${worker_cpu[@]}")"
echo "result: api_ready_ms=$(worst "${api_ready[@]}") api_rss_mb=$(worst "${api_rss[@]}") worker_ready_ms=$(worst "${worker_ready[@]}") worker_rss_mb=$(worst "${worker_rss[@]}")"
