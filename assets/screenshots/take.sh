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
default_display=:91
# shellcheck source=assets/screenshots/lib.sh
source "$(dirname "$0")/lib.sh"
start_xvfb
start_app

type_at() { click "$1" "$2" 0.3; xdotool type --delay 30 "$3"; sleep 0.2; }
# Side navigation (x=59): Accounts 56, Verify 87, Chats 118, Traffic 149, Runs 180, Settings 211.

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
