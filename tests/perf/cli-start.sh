#!/usr/bin/env bash
# CLI start benchmark (issue #21; a benchmark, not a test: it prints figures and a ratio, asserts
# nothing). `outpost version` run N times (default 50) through the multi-call app binary (a link named
# `outpost` to outpost-desktop, as the .deb installs it) and through the standalone CLI binary
# (`cargo build --release -p outpost-cli`), interleaved; prints the median and mean of one run each.
# The app binary links WebKitGTK and GTK, which the dynamic loader maps even when it runs the CLI.
#   tests/perf/cli-start.sh [path/to/outpost-desktop [path/to/outpost]]
# Defaults: $CARGO_TARGET_DIR/release/outpost-desktop and $CARGO_TARGET_DIR/release/outpost.
# OUTPOST_PERF_RUNS=N for another count.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/target}"
app=$(realpath "${1:-$CARGO_TARGET_DIR/release/outpost-desktop}")
cli=$(realpath "${2:-$CARGO_TARGET_DIR/release/outpost}")
[ -x "$app" ] || { echo "error: no app binary at $app (run .ci/release first)"; exit 1; }
[ -x "$cli" ] || { echo "error: no CLI binary at $cli (cargo build --release -p outpost-cli)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$app" "$work/outpost"
python3 - "$work/outpost" "$cli" "${OUTPOST_PERF_RUNS:-50}" <<'PY'
import statistics, subprocess, sys, time
link, cli, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {link: [], cli: []}
for exe in (link, cli):  # warm the page cache once each
    subprocess.run([exe, "version"], check=True, stdout=subprocess.DEVNULL)
for _ in range(runs):
    for exe in (link, cli):
        t = time.perf_counter()
        subprocess.run([exe, "version"], check=True, stdout=subprocess.DEVNULL)
        times[exe].append((time.perf_counter() - t) * 1000)
ms = lambda v: f"{v:.2f} ms"
print(f"`outpost version`, {runs} runs each  {'median':>10} {'mean':>10}")
for name, exe in (("app binary as `outpost` (link)", link), ("standalone CLI (floor)", cli)):
    print(f"{name:<35} {ms(statistics.median(times[exe])):>10} {ms(statistics.mean(times[exe])):>10}")
print(f"ratio (median): {statistics.median(times[link]) / statistics.median(times[cli]):.2f}x")
PY
