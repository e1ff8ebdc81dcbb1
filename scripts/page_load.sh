#!/usr/bin/env bash
# Booking-page throughput by language: the release binary on loopback with wrk
# (apt-get install wrk), GET /book/call with ?lang=en, de, ar, ja and with an
# Accept-Language header. Usage: scripts/page_load.sh [seconds-per-run] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-6}"
CONNECTIONS="${2:-16}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openslot-target}"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
cargo build --release -p openslot >&2
BIN="$CARGO_TARGET_DIR/release/openslot"
WORK="$(mktemp -d)"
PORT="${PORT:-18462}"
cat > "$WORK/openslot.toml" <<TOML
[server]
listen = "127.0.0.1:$PORT"
[limits]
booking_per_minute = 0
[database]
url = "sqlite://$WORK/db.sqlite"
[defaults]
timezone = "Europe/Berlin"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
[[event_types]]
slug = "call"
title = "Call"
duration_minutes = 30
mode = "instant"
TOML
"$BIN" serve -c "$WORK/openslot.toml" > "$WORK/log" 2>&1 &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
for lang in en de ar ja; do
  echo "== /book/call?lang=$lang"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/book/call?lang=$lang" | grep -E "Requests/sec|Latency"
done
echo "== /book/call with Accept-Language: de-DE,de;q=0.9,en;q=0.5"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -H "Accept-Language: de-DE,de;q=0.9,en;q=0.5" \
  "http://127.0.0.1:$PORT/book/call" | grep -E "Requests/sec|Latency"
