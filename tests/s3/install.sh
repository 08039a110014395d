#!/usr/bin/env bash
# Installs moto's server mode (an S3-compatible server from PyPI) into tests/s3/.venv for the
# media host tests (src-tauri/crates/mediahost/tests). The tests start it on 127.0.0.1 only.
#
# Idempotent: when the venv exists, matches requirements.txt (stamp = its hash) and moto_server
# starts-up imports work, it only checks and exits (well under a second).
#
# Needs: python3 with the venv module (Debian: python3-venv). Network: PyPI only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
STAMP="$VENV/.outpost-s3-install"

log() { printf '[tests/s3/install] %s\n' "$*"; }

req_hash() { sha256sum "$HERE/requirements.txt" | cut -d' ' -f1; }

check_works() {
  [[ -x "$VENV/bin/moto_server" ]] || return 1
  "$VENV/bin/python" -c 'import moto, moto.server, moto.s3, flask, werkzeug' >/dev/null 2>&1
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(req_hash)" ]] && check_works; then
  log "already installed ($("$VENV/bin/python" -c 'import moto; print("moto", moto.__version__)')); nothing to do"
  exit 0
fi

command -v python3 >/dev/null || { log "error: python3 not found on PATH"; exit 1; }
start=$SECONDS
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  python3 -m venv "$VENV" || { log "error: python3 -m venv failed (Debian: apt-get install python3-venv)"; exit 1; }
fi
log "pip install -r requirements.txt ..."
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$HERE/requirements.txt"
if ! check_works; then
  log "error: installed, but moto's server does not import:"
  "$VENV/bin/python" -c 'import moto.server' >&2 || true
  exit 1
fi
req_hash >"$STAMP"
log "ok: $("$VENV/bin/python" -c 'import moto; print("moto", moto.__version__)') ready in $((SECONDS - start)) s"
