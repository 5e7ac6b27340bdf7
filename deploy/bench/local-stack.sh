# Sourced by the benchmarks that run through ./run.sh: starts it in the background with the
# STEPWISE_* ports and home the caller exported, waits until it says it is running, and stops it
# (SIGTERM, its Ctrl-C trap) from the caller's EXIT trap through stop_local_stack.
# Needs: $work (a scratch folder the caller removes), the working directory at the repository root.
runsh=""

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
