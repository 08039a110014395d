#!/usr/bin/env bash
# The .deb on this machine (README "Installers"): installs it with apt, checks the CLI on the PATH
# (a symlink to the app binary, which is also the CLI),
# the desktop entry (with the deep-link scheme handler) and icons, starts the installed app under
# Xvfb and waits for its window, then removes the package and checks every file it installed is gone.
#   tests/dist/install.sh path/to/Outpost_<version>_amd64.deb
# Needs root or sudo; run it where nothing else installed a package called "outpost".
set -euo pipefail
deb=$(realpath "$1")
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
work=$(mktemp -d)
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "$pkg is already installed here; remove it first"
fi

echo "==> installing $(basename "$deb") ($(du -h "$deb" | cut -f1))"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get install"; }
dpkg -L "$pkg" | sort >"$work/files"
ok "$pkg $version installed ($(wc -l <"$work/files") paths)"

[ "$(command -v outpost)" = /usr/bin/outpost ] || fail "outpost is not on the PATH at /usr/bin/outpost"
out=$(outpost version)
echo "   outpost version: $out"
grep -q "0\.\|[0-9]" <<<"$out" || fail "outpost version printed nothing useful"
[ -x /usr/bin/outpost-desktop ] || fail "/usr/bin/outpost-desktop missing"
# One multi-call binary: the CLI is a link to the app, a path of the package (so removal takes it).
[ -L /usr/bin/outpost ] && [ "$(readlink /usr/bin/outpost)" = outpost-desktop ] ||
  fail "/usr/bin/outpost is not a symlink to outpost-desktop: $(ls -l /usr/bin/outpost)"
grep -qx /usr/bin/outpost "$work/files" || fail "/usr/bin/outpost is not a file of the package"
ok "CLI (/usr/bin/outpost -> outpost-desktop, owned by $pkg) and desktop binary on the PATH"

desktop=/usr/share/applications/Outpost.desktop
[ -f "$desktop" ] || fail "no desktop entry at $desktop"
grep -q '^Exec=outpost-desktop %u$' "$desktop" || fail "desktop entry does not start outpost-desktop with the link (%u): $(grep ^Exec "$desktop")"
grep -q '^MimeType=.*x-scheme-handler/app.outpost.desktop' "$desktop" || fail "desktop entry has no deep-link scheme handler: $(cat "$desktop")"
desktop-file-validate "$desktop" || fail "desktop-file-validate"
icons=$(grep -c '^/usr/share/icons/hicolor/.*/apps/outpost-desktop.png$' "$work/files" || true)
[ "$icons" -ge 2 ] || fail "expected icons under /usr/share/icons/hicolor, found $icons"
ok "desktop entry (scheme handler x-scheme-handler/app.outpost.desktop) and $icons icons"

echo "==> starting the installed app under Xvfb"
mkdir -p "$work/data" "$work/xdg-data" "$work/xdg-config"
# xvfb-run and dbus-run-session wrap it; the app opens a fresh profile in $work/data.
XDG_DATA_HOME="$work/xdg-data" XDG_CONFIG_HOME="$work/xdg-config" \
  xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- bash -c '
    eval "$(printf x | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
    /usr/bin/outpost-desktop --data-dir "$1" >"$2/app.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      if xwininfo -root -tree 2>/dev/null | grep -q "\"Outpost\""; then
        sleep 2
        import -window root "$2/screen.png" 2>/dev/null || true
        kill -0 $pid || exit 3
        echo "window up, pid $pid"
        kill $pid; wait $pid 2>/dev/null || true
        exit 0
      fi
      kill -0 $pid 2>/dev/null || { echo "the app exited early:"; cat "$2/app.log"; exit 2; }
      sleep 0.2
    done
    echo "no window titled Outpost within 20 s"; cat "$2/app.log"; exit 1
  ' _ "$work/data" "$work" || fail "the installed app did not come up"
[ -f "$work/data/outpost.sqlite3" ] || fail "the installed app did not create its profile"
[ -n "${OUTPOST_DIST_SCREENSHOT:-}" ] && cp "$work/screen.png" "$OUTPOST_DIST_SCREENSHOT" 2>/dev/null || true
ok "installed app showed its window and created its profile"

echo "==> removing"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get remove -y -qq "$pkg" >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get remove"; }
dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && fail "$pkg still installed"
left=0
while read -r f; do
  # -L: a link left dangling counts too.
  if { [ -e "$f" ] || [ -L "$f" ]; } && [ ! -d "$f" ]; then echo "   left behind: $f"; left=$((left + 1)); fi
done <"$work/files"
[ "$left" = 0 ] || fail "$left files of $pkg left after apt-get remove"
command -v outpost >/dev/null && fail "outpost still on the PATH"
ok "removed cleanly: none of its $(wc -l <"$work/files") paths left (directories shared with other packages aside)"
echo "PASS"
