#!/usr/bin/env bash
# Retakes the README screenshots from a real window under Xvfb, driving the
# app with xdotool through the first-run flow: Accounts, Verify (all checks
# against the embedded emulator), a test chat with the scripted agent's reply,
# Traffic with a signed delivery opened, Settings, then Live in the light theme.
# Coordinates match the 1200x800 window and the layout of 2026-11; look at
# every image afterwards (a moved widget means a click landed elsewhere).
#
# Needs: xvfb xdotool imagemagick, ports 8786/8787 free, a built binary.
# Usage: assets/screenshots/take.sh [path/to/genesys-desk]   (default target/debug)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/target/debug/genesys-desk}"
out="${SHOTS_OUT:-$root/assets/screenshots}"
display="${SHOTS_DISPLAY:-:91}"
work="$(mktemp -d)"
mkdir -p "$work/home" "$work/data" "$work/run"; chmod 700 "$work/run"

Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=""
cleanup() {
  # `|| true` on each: under `set -e` a failing `wait` would end the trap early.
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; fi
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 1
export DISPLAY="$display"
# A throw-away home: fresh first-run state, and eframe's remembered view
# (XDG_DATA_HOME) does not leak in from a previous run.
HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/home/.config" XDG_RUNTIME_DIR="$work/run" \
  "$bin" --home "$work/desk" >"$work/app.log" 2>&1 &
app=$!
wid="$(xdotool search --sync --name '^genesys-desk$' | head -1)"
sleep 3
xdotool windowfocus --sync "$wid"   # no window manager: focus by hand or keys are lost

click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.6}"; }
type_at() { click "$1" "$2" 0.3; xdotool type --delay 30 "$3"; sleep 0.2; }
shot() { xdotool mousemove --window "$wid" 700 700; sleep 0.4; import -window "$wid" "$work/raw.png"
         convert "$work/raw.png" -strip -define png:compression-level=9 "$out/$1.png"; echo "$out/$1.png"; }
# Side navigation (x=59): Accounts 56, Verify 87, Chats 118, Traffic 149, Settings 180.

shot accounts
click 59 87                                  # Verify
click 193 100 0.3; click 152 100 4           # "Also send a test message", Verify
shot verify
click 59 118                                 # Chats: the start form
type_at 740 160 "Ada Lovelace"; type_at 740 186 "+44 20 7946 0958"
type_at 740 212 "ada@example.com"; type_at 740 250 "My order #1842 arrived damaged. Can someone help?"
click 450 315                                # open "Advanced: custom attributes"
shot chat-start
click 391 382 9                              # Start chat, wait for the scripted agent
shot chat
click 59 149                                 # Traffic
type_at 283 54 "/hooks/"; sleep 0.5          # filter: the row order depends on timing
click 560 158 1                              # the newest incoming webhook delivery
click 283 54 0.3; xdotool key ctrl+a BackSpace; sleep 0.6   # clear the filter, keep the selection
xdotool mousemove --window "$wid" 1100 20; sleep 0.3
import -window "$wid" "$work/raw.png"; convert "$work/raw.png" -strip -define png:compression-level=9 "$out/traffic.png"
click 59 180                                 # Runs: 20 customers of the example scenario, 5 at a time
click 400 76 0.3; xdotool type --delay 60 "$root/scenarios/damaged.yaml"; sleep 0.5
click 218 99 0.3; xdotool key ctrl+a; sleep 0.2; xdotool type --delay 100 20; xdotool key Return; sleep 0.5
click 375 99 8                               # Start; mid-run: some passed, some running, some queued
shot runs
click 59 211 10                              # Settings (the run finishes meanwhile)
shot settings
click 354 82; click 229 16                   # Light theme, Live environment (read-only banner)
click 59 86 1                                # Accounts, one banner lower
shot live-light
