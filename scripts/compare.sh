#!/usr/bin/env bash
# Compares two builds of openslot on one path, alternating runs so machine noise hits both
# alike: each round starts each binary on a fresh SQLite database and runs wrk against it.
# Usage: scripts/compare.sh OLD_BINARY NEW_BINARY [PATH] [ROUNDS] [SECONDS]
#   e.g. git worktree add /tmp/old <rev> && (cd /tmp/old && cargo build --release) and copy
#   its target/release/openslot aside before building this checkout.
set -euo pipefail
OLD="$1"; NEW="$2"
DAY=$(date -u -d '+3 days' +%Y-%m-%d)
URL_PATH="${3:-/availability?event=discovery-call&from=$DAY&to=$DAY&tz=America/New_York}"
ROUNDS="${4:-3}"; SECONDS_PER_RUN="${5:-6}"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

run() {
  local binary="$1" work
  work="$(mktemp -d)"
  cat > "$work/openslot.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[limits]
booking_per_minute = 0
[database]
url = "sqlite://$work/compare.db"
[defaults]
timezone = "Europe/London"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
min_lead_minutes = 120
[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30
TOML
  "$binary" serve --config "$work/openslot.toml" > "$work/log" 2>&1 &
  local pid=$! addr=""
  for _ in $(seq 1 2000); do
    addr=$(grep -o '"addr":"[^"]*"' "$work/log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
    if [ -n "$addr" ] && curl -sf "http://$addr/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" "http://$addr$URL_PATH" | grep 'Requests/sec' | awk '{print $2}'
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}

echo "GET $URL_PATH, $ROUNDS rounds of ${SECONDS_PER_RUN}s, 32 connections"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: old $(run "$OLD") req/s, new $(run "$NEW") req/s"
done
