#!/usr/bin/env bash
# Takes the setup doctor's screenshot from a real window under Xvfb: a
# standalone emulator on the Emulator account's port plays an org with no
# message flow and typing switched off (the app's own emulator then cannot
# bind that port and says so in Settings), and Verify runs against it.
# Needs: xvfb xdotool imagemagick, ports 8786/8787 free, a built binary.
# Usage: assets/screenshots/doctor.sh [path/to/genesys-desk]   (default target/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/target/debug/genesys-desk}"
out="${SHOTS_OUT:-$root/assets/screenshots}"
display="${SHOTS_DISPLAY:-:92}"
work="$(mktemp -d)"
mkdir -p "$work/home" "$work/data" "$work/run"; chmod 700 "$work/run"

"$bin" emulator --no-message-flow --typing-disabled --images-not-allowed >"$work/emulator.log" 2>&1 &
emu=$!
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() {
  kill "$emu" "$xvfb" 2>/dev/null || true
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; fi
  wait "$emu" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 1
export DISPLAY="$display"
HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/home/.config" XDG_RUNTIME_DIR="$work/run" \
  "$bin" --home "$work/desk" >"$work/app.log" 2>&1 &
app=$!
wid="$(xdotool search --sync --name '^genesys-desk$' | head -1)"
sleep 3
xdotool windowfocus --sync "$wid"

click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.6}"; }
click 59 87                                  # Verify
click 152 100 4                              # Verify (no test message)
xdotool mousemove --window "$wid" 700 780; sleep 0.4
import -window "$wid" "$work/raw.png"
convert "$work/raw.png" -strip -define png:compression-level=9 "$out/doctor.png"
echo "$out/doctor.png"
