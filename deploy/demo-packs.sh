# Sourced by the scripts that run ./run.sh with a management port other than 9000 (deploy/smoke.sh --local,
# deploy/bench/console-load.sh). The example pack's `check` step calls the fixed URL
# http://127.0.0.1:9000/q/health/live (a run's inputs may not choose what the worker fetches); on
# other ports that is another process or nothing. This copies deploy/packs to $work/packs with
# that URL pointed at the stack's own api-server and exports STEPWISE_PACKS_DIR, which ./run.sh reads.
# Needs: $work (a scratch folder the caller removes), the working directory at the repository root.
demo_packs_on_port() { # MANAGEMENT_PORT
  demo_packs_with_url "http://127.0.0.1:$1/q/health/live"
}

# The same copy with the check step calling URL (the compose smoke test: http://api-server:9000/...).
demo_packs_with_url() { # URL
  local url="$1" file="$work/packs/demo/workflows/hello-approval.yaml"
  mkdir -p "$work/packs"
  cp -R deploy/packs/. "$work/packs/"
  sed -i "s#http://127.0.0.1:9000/q/health/live#$url#" "$file"
  grep -q "url: $url" "$file" || { echo "demo-packs: could not point $file at $url" >&2; return 1; }
  export STEPWISE_PACKS_DIR="$work/packs" STEPWISE_PACKS_HOST_DIR="$work/packs"
}
