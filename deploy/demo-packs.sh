# Sourced by the scripts that run ./run.sh on ports other than 8080 (deploy/smoke.sh --local,
# deploy/bench/console-load.sh). The example pack's `check` step calls the fixed URL
# http://127.0.0.1:8080/q/health/live (a run's inputs may not choose what the worker fetches); on
# other ports that is another process or nothing. This copies deploy/packs to $work/packs with
# that URL pointed at the stack's own api-server and exports STEPWISE_PACKS_DIR, which ./run.sh reads.
# Needs: $work (a scratch folder the caller removes), the working directory at the repository root.
demo_packs_on_port() { # PORT
  local port="$1" file="$work/packs/demo/workflows/hello-approval.yaml"
  mkdir -p "$work/packs"
  cp -R deploy/packs/. "$work/packs/"
  sed -i "s#http://127.0.0.1:8080/q/health/live#http://127.0.0.1:$port/q/health/live#" "$file"
  grep -q "url: http://127.0.0.1:$port/q/health/live" "$file" \
    || { echo "demo-packs: could not point $file at port $port" >&2; return 1; }
  export STEPWISE_PACKS_DIR="$work/packs"
}
