#!/usr/bin/env bash
# Takes the setup doctor's screenshot from a real window under Xvfb: a
# standalone emulator on the Emulator account's port plays an org with no
# message flow and typing switched off (the app's own emulator then cannot
# bind that port and says so in Settings), and Verify runs against it.
# Needs: xvfb xdotool imagemagick, ports 8786/8787 free, a built binary.
# Usage: assets/screenshots/doctor.sh [path/to/genesys-desk]   (default target/debug)
set -euo pipefail
default_display=:92
# shellcheck source=assets/screenshots/lib.sh
source "$(dirname "$0")/lib.sh"
"$bin" emulator --no-message-flow --typing-disabled --images-not-allowed >"$work/emulator.log" 2>&1 &
pids+=($!)
start_xvfb
start_app

click 59 87                                  # Verify
click 152 100 4                              # Verify (no test message)
shot doctor 700 780
