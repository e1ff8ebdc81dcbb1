#!/usr/bin/env bash
# HTTP load test of the release binary on loopback with wrk (apt-get install wrk).
# Prints start-up time, idle memory, then wrk figures for:
#   GET /availability for one day, for the whole 21-day window, and POST /booking on
#   distinct slots. Usage: scripts/load.sh [seconds-per-run] [connections]
#   DATABASE_URL=postgres://... (an empty database) runs it against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openslot-target}"
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
cargo build --release -p openslot >&2
BIN="$CARGO_TARGET_DIR/release/openslot"
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

cat > "$WORK/openslot.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[limits]
booking_per_minute = 0
[database]
url = "${DATABASE_URL:-sqlite://$WORK/load.db}"
synchronous = "${SYNCHRONOUS:-full}"
[defaults]
timezone = "Europe/London"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["09:00-17:00"]
lookahead_days = 21
min_lead_minutes = 120
[[event_types]]
slug = "discovery-call"
title = "Discovery call"
duration_minutes = 30
[[event_types]]
slug = "load"
title = "Load test"
duration_minutes = 5
hours = ["00:00-24:00"]
lookahead_days = 3650
min_lead_minutes = 0
timezone = "UTC"
TOML

START_NS=$(date +%s%N)
"$BIN" serve --config "$WORK/openslot.toml" > "$WORK/log" 2>&1 &
PID=$!
ADDR=""
for _ in $(seq 1 2000); do
  ADDR=$(grep -o '"addr":"[^"]*"' "$WORK/log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
  if [ -n "$ADDR" ] && curl -sf "http://$ADDR/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.005
done
READY_NS=$(date +%s%N)
echo "ready in $(( (READY_NS - START_NS) / 1000000 )) ms (spawn to first 200 from /readyz, polling every 5 ms)"
sleep 1
echo "idle memory: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}')"

DAY=$(date -u -d '+3 days' +%Y-%m-%d)
echo
echo "== GET /availability one day ($DAY), ${CONNECTIONS} connections, ${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://$ADDR/availability?event=discovery-call&from=$DAY&to=$DAY&tz=America/New_York" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'
echo
echo "== GET /availability whole 21-day window"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://$ADDR/availability?event=discovery-call" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'

cat > "$WORK/book.lua" <<'LUA'
-- Every request books a distinct 5-minute slot: thread t takes slots t, t+T, t+2T, ...
local counter = 0
local threads = {}
local base = os.time() + 86400 - (os.time() % 86400)  -- tomorrow 00:00 UTC
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
  nthreads = 2
end
request = function()
  local slot = counter * nthreads + id
  counter = counter + 1
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", base + slot * 300)
  local body = '{"event":"load","start":"' .. start .. '","name":"Load Test","email":"load@example.com"}'
  return wrk.format("POST", "/booking", {["Content-Type"] = "application/json"}, body)
end
LUA
echo
echo "== POST /booking on distinct slots (synchronous=${SYNCHRONOUS:-full})"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/book.lua" "http://$ADDR" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'
echo "non-201 answers in the log: $(grep '"route":"/booking"' "$WORK/log" | grep -vc '"status":201' || true)"
echo "memory after load: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}')"

# The admin side on the data just written: the dashboard (funnel, charts, lists over every
# booking created in the last 30 days) and a filtered bookings page, through /api/v1.
TOKEN=$(OPENSLOT_DATABASE_URL="${DATABASE_URL:-sqlite://$WORK/load.db}" "$BIN" admin create-token load 2>/dev/null)
BOOKINGS=$(curl -s -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/v1/bookings?status=requested" | grep -o '"total":[0-9]*' | cut -d: -f2)
echo
echo "== GET /api/v1/dashboard over $BOOKINGS bookings, 4 connections"
wrk -t2 -c4 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/v1/dashboard" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'
echo
echo "== GET /api/v1/bookings?q=load&page=3 (search, count, page), 4 connections"
wrk -t2 -c4 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "http://$ADDR/api/v1/bookings?q=load&page=3" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'
