#!/usr/bin/env bash
# Takes the fallback file dialog's screenshots from a real window under Xvfb
# with no session D-Bus and no zenity (the desktop's own dialog cannot open):
# Export HAR… after a verify (the dialog proposing genesys-traffic.har), then a
# test chat started by the command line and Attach image through the app's
# own dialog (Downloads/photo.png), and the image in the chat.
# Needs: xvfb xdotool imagemagick, no zenity, ports 8786/8787 free, a built binary.
# Usage: assets/screenshots/file-dialog.sh [path/to/genesys-desk]   (default target/debug)
set -euo pipefail
default_display=:93
# shellcheck source=assets/screenshots/lib.sh
source "$(dirname "$0")/lib.sh"
mkdir -p "$work/home/Downloads"
cp "$root/assets/emulator/agent.png" "$work/home/Downloads/photo.png"
unset DBUS_SESSION_BUS_ADDRESS
start_xvfb
start_app

click 59 87                                  # Verify
click 153 100 2.5                            # Verify: traffic to export
click 59 149                                 # Traffic
click 378 77 1.5                             # Export HAR… → the app's own dialog
shot file-dialog-save
click 347 571 1.5                            # Save (genesys-traffic.har in the start folder)
test -s "$work/home/genesys-traffic.har"
HOME="$work/home" GENESYS_DESK_SECRET_STORE=file "$bin" --home "$work/desk" send Emulator \
  --email ada@example.com --name "Ada Lovelace" --text "Hello, my order is late" >/dev/null
sleep 3
click 59 118                                 # Chats
click 200 96 1.5                             # the thread
click 455 740 1.5                            # Attach image
click 370 316                                # Downloads/
click 360 316                                # photo.png
shot file-dialog
click 350 559 5                              # Open: sent, and the agent answers with an image
shot file-dialog-attached
