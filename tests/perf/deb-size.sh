#!/usr/bin/env bash
# Size benchmark (issue #20; a benchmark, not a test: it prints figures and a ratio, asserts nothing).
# In one run it builds the .deb of a minimal Tauri 2 app showing an empty window
# (tests/perf/empty-app, the same release profile: LTO, opt-level "s", stripped) and prints Outpost's
# .deb size against it. Goal: at most 1.5x.
#   tests/perf/deb-size.sh [path/to/Outpost_<version>_amd64.deb]
# Without an argument it takes the newest Outpost .deb in $CARGO_TARGET_DIR/release/bundle/deb
# (made by .ci/release). OUTPOST_PERF_SKIP_BUILD=1 reuses the empty app's .deb from an earlier run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
outpost_deb="${1:-$(ls -t "$CARGO_TARGET_DIR"/release/bundle/deb/Outpost_*.deb 2>/dev/null | head -n1)}"
[ -f "$outpost_deb" ] || { echo "error: no Outpost .deb: run .ci/release first (README \"Releases\")"; exit 1; }
# OUTPOST_PERF_EMPTY_TARGET_DIR: another build directory for the empty app (default: the same one).
empty_target="${OUTPOST_PERF_EMPTY_TARGET_DIR:-$CARGO_TARGET_DIR}"
empty_deb_dir="$empty_target/release/bundle/deb"
if [ "${OUTPOST_PERF_SKIP_BUILD:-}" != 1 ] || ! ls "$empty_deb_dir"/Empty_*.deb >/dev/null 2>&1; then
  started=$(date +%s)
  # The empty app is its own workspace; bundling is off in its config for the start benchmark.
  (cd tests/perf/empty-app && CARGO_TARGET_DIR="$empty_target" "$root/ui/node_modules/.bin/tauri" build --bundles deb \
    --config '{"bundle":{"active":true,"targets":["deb"],"createUpdaterArtifacts":false}}')
  echo "empty app .deb built in $(( $(date +%s) - started )) s"
fi
empty_deb=$(ls -t "$empty_deb_dir"/Empty_*.deb | head -n1)
size() { stat -c %s "$1"; }
installed() { dpkg-deb -f "$1" Installed-Size; }  # KiB
o=$(size "$outpost_deb"); e=$(size "$empty_deb")
python3 - "$outpost_deb" "$o" "$(installed "$outpost_deb")" "$empty_deb" "$e" "$(installed "$empty_deb")" <<'PY'
import sys
od, o, oi, ed, e, ei = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
mb = lambda b: f"{b / 1048576:.2f} MB"
print(f"{'package':<44} {'.deb':>10} {'installed':>11}")
print(f"{od.rsplit('/', 1)[-1]:<44} {mb(o):>10} {mb(oi * 1024):>11}")
print(f"{ed.rsplit('/', 1)[-1] + ' (floor)':<44} {mb(e):>10} {mb(ei * 1024):>11}")
print(f"ratio: .deb {o / e:.2f}x, installed {oi / ei:.2f}x (goal: .deb at most 1.5x)")
PY
