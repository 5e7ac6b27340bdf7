#!/usr/bin/env bash
# Lints docs/openapi.yaml (the document the api-server serves, OpenApiDocumentTest keeps it so) with
# Redocly's CLI and its recommended rules: no error and no warning may remain. Node and the CLI
# come from Debian's packages and the npm registry when missing; the CLI is cached under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
REDOCLY_NEW=2.77.0   # needs Node >= 20.19
REDOCLY_OLD=1.34.21  # Node 18 (Debian 12's nodejs)
TOOLS="$PWD/target/openapi-lint"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo "$@"; else "$@"; fi; }
  echo "openapi-lint: installing nodejs and npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm
fi
version="$REDOCLY_OLD"
if node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  version="$REDOCLY_NEW"
fi
cli="$TOOLS/$version/node_modules/.bin/redocly"
if [ ! -x "$cli" ]; then
  echo "openapi-lint: installing @redocly/cli@$version from the npm registry"
  npm install --silent --no-fund --no-audit --prefix "$TOOLS/$version" "@redocly/cli@$version" >/dev/null
fi
# --max-problems: show them all; exit status 1 on any error; warnings fail too (grep below)
out="$("$cli" lint docs/openapi.yaml --extends=recommended --format=stylish --max-problems=500 2>&1)" || { echo "$out"; exit 1; }
echo "$out"
if echo "$out" | grep -qiE '[1-9][0-9]* (warning|problem)'; then
  echo "openapi-lint: warnings remain" >&2; exit 1
fi
