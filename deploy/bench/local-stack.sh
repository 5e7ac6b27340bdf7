# Sourced by the benchmarks that run through ./run.sh: starts it in the background with the
# STEPWISE_* ports and home the caller exported, waits until it says it is running, and stops it
# (SIGTERM, its Ctrl-C trap) from the caller's EXIT trap through stop_local_stack.
# Needs: $work (a scratch folder the caller removes), the working directory at the repository root.
runsh=""

# Exports the stack's home ($work/home) and ports: the api-server on $1, its worker on $1+1, their
# management ports on $1+2 and $1+3, PostgreSQL on $2 and Temporal on $3. BENCH_PORT,
# BENCH_WORKER_PORT, BENCH_MANAGEMENT_PORT, BENCH_WORKER_MANAGEMENT_PORT, BENCH_PG_PORT and
# BENCH_TEMPORAL_PORT override each one. Every benchmark has its own base, so two can run side by side.
local_stack_ports() {
  export STEPWISE_HOME="$work/home" \
         STEPWISE_PORT="${BENCH_PORT:-$1}" STEPWISE_WORKER_PORT="${BENCH_WORKER_PORT:-$(($1 + 1))}" \
         STEPWISE_MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-$(($1 + 2))}" \
         STEPWISE_WORKER_MANAGEMENT_PORT="${BENCH_WORKER_MANAGEMENT_PORT:-$(($1 + 3))}" \
         STEPWISE_DEV_PG_PORT="${BENCH_PG_PORT:-$2}" STEPWISE_DEV_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-$3}"
}

start_local_stack() {
  ./run.sh >"$work/run.out" 2>&1 &
  runsh=$!
  for _ in $(seq 1 360); do
    grep -q "Stepwise is running" "$work/run.out" 2>/dev/null && break
    kill -0 "$runsh" 2>/dev/null || { cat "$work/run.out"; exit 1; }
    sleep 0.5
  done
  grep -q "Stepwise is running" "$work/run.out" || { echo "the stack did not start"; cat "$work/run.out"; exit 1; }
  token="$(cat "$STEPWISE_HOME/dev-token")"
}

stop_local_stack() {
  [ -n "$runsh" ] && kill -TERM "$runsh" 2>/dev/null && wait "$runsh" 2>/dev/null || true
}
