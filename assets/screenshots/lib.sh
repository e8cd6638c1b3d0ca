# Shared by take.sh and doctor.sh (sourced, not run): a throw-away home, Xvfb,
# the app on a fresh first-run state, and click/shot helpers. Before sourcing,
# a script sets `default_display`; it may append background pids to `pids`
# (stopped on exit with Xvfb and the app).
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/target/debug/genesys-desk}"
out="${SHOTS_OUT:-$root/assets/screenshots}"
display="${SHOTS_DISPLAY:-$default_display}"
work="$(mktemp -d)"
mkdir -p "$work/home" "$work/data" "$work/run"; chmod 700 "$work/run"
pids=()
app=""
cleanup() {
  # `|| true` on each: under `set -e` a failing `wait` would end the trap early.
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_xvfb() {
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  sleep 1
  export DISPLAY="$display"
}

# A throw-away home: fresh first-run state, and eframe's remembered view
# (XDG_DATA_HOME) does not leak in from a previous run.
start_app() {
  HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/home/.config" XDG_RUNTIME_DIR="$work/run" \
    "$bin" --home "$work/desk" >"$work/app.log" 2>&1 &
  app=$!
  wid="$(xdotool search --sync --name '^genesys-desk$' | head -1)"
  sleep 3
  xdotool windowfocus --sync "$wid"   # no window manager: focus by hand or keys are lost
}

click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.6}"; }
# `shot NAME [X Y]`: the pointer moved out of the way (to X Y), the window saved as NAME.png.
shot() { xdotool mousemove --window "$wid" "${2:-700}" "${3:-700}"; sleep 0.4; import -window "$wid" "$work/raw.png"
         convert "$work/raw.png" -strip -define png:compression-level=9 "$out/$1.png"; echo "$out/$1.png"; }
