#!/usr/bin/env bash
# Slow-loris benchmark of the release binary on loopback: with N connections that send
# their headers one byte every 2 s (reconnecting whenever cut), a normal client's
# sequential POST /booking latency (p50/p90/p99) and the server's RSS; first the same
# bookings with no slow connections, for comparison.
# Usage: scripts/slowloris.sh [slow-connections=2000] [bookings=500]
set -euo pipefail
cd "$(dirname "$0")/.."
SLOW="${1:-2000}"
BOOKINGS="${2:-500}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openslot-target}"
cargo build --release -p openslot >&2
BIN="$CARGO_TARGET_DIR/release/openslot"
WORK="$(mktemp -d)"
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

start_server() {  # $1: database file name
  cat > "$WORK/openslot.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[limits]
booking_per_minute = 0
[database]
url = "sqlite://$WORK/$1"
[[event_types]]
slug = "load"
title = "Load test"
duration_minutes = 5
hours = ["00:00-24:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
lookahead_days = 3650
min_lead_minutes = 0
timezone = "UTC"
TOML
  : > "$WORK/log"
  "$BIN" serve --config "$WORK/openslot.toml" > "$WORK/log" 2>&1 &
  PID=$!
  ADDR=""
  for _ in $(seq 1 2000); do
    ADDR=$(grep -o '"addr":"[^"]*"' "$WORK/log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
    if [ -n "$ADDR" ] && curl -sf "http://$ADDR/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  echo "idle RSS: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
}

echo "== no slow connections"
start_server quiet.db
python3 scripts/slowloris.py "$ADDR" 0 "$BOOKINGS" "$PID"
kill "$PID"; wait "$PID" 2>/dev/null || true

echo "== $SLOW slow-loris connections"
start_server loris.db
python3 scripts/slowloris.py "$ADDR" "$SLOW" "$BOOKINGS" "$PID"
