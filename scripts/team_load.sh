#!/usr/bin/env bash
# HTTP load test of a 10-host round robin (release binary, loopback, wrk): GET /availability
# for the whole 21-day window, and POST /booking on distinct slots (every host free, so each
# booking ranks the hosts by fairness and the database takes the first).
# Usage: scripts/team_load.sh [seconds-per-run] [connections]
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

ZONES=(Europe/London America/New_York Asia/Tokyo Europe/Berlin America/Los_Angeles
       Australia/Sydney Asia/Kolkata America/Sao_Paulo Africa/Nairobi Pacific/Auckland)
# "team-call": ten hosts in ten zones, each 08:00-18:00 on weekdays with two days off in the
# window. "load": ten hosts open around the clock, so every 5-minute slot has ten free hosts
# and each booking ranks them by fairness before the database takes the first.
{
  cat <<TOML
[server]
listen = "127.0.0.1:0"
[limits]
booking_per_minute = 0
[database]
url = "${DATABASE_URL:-sqlite://$WORK/load.db}"
synchronous = "${SYNCHRONOUS:-full}"
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
lookahead_days = 21
min_lead_minutes = 120
TOML
  for i in $(seq 0 9); do
    cat <<TOML
[[hosts]]
id = "host-$i"
name = "Host $i"
email = "host-$i@example.com"
timezone = "${ZONES[$i]}"
hours = ["08:00-18:00"]
weekdays = ["mon", "tue", "wed", "thu", "fri"]
[[hosts.time_off]]
from = "$(date -u -d "+$((i + 2)) days" +%Y-%m-%d)"
to = "$(date -u -d "+$((i + 3)) days" +%Y-%m-%d)"
[[hosts]]
id = "rr-$i"
name = "Round robin $i"
email = "rr-$i@example.com"
TOML
  done
  cat <<TOML
[[event_types]]
slug = "team-call"
title = "Team call"
duration_minutes = 30
hosts = ["host-0", "host-1", "host-2", "host-3", "host-4", "host-5", "host-6", "host-7", "host-8", "host-9"]
weights = { host-0 = 3, host-1 = 2 }
[[event_types]]
slug = "load"
title = "Load test"
duration_minutes = 5
lookahead_days = 3650
min_lead_minutes = 0
hosts = ["rr-0", "rr-1", "rr-2", "rr-3", "rr-4", "rr-5", "rr-6", "rr-7", "rr-8", "rr-9"]
TOML
} > "$WORK/openslot.toml"

"$BIN" serve --config "$WORK/openslot.toml" > "$WORK/log" 2>&1 &
PID=$!
ADDR=""
for _ in $(seq 1 2000); do
  ADDR=$(grep -o '"addr":"[^"]*"' "$WORK/log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
  if [ -n "$ADDR" ] && curl -sf "http://$ADDR/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.005
done
[ -n "$ADDR" ] || { cat "$WORK/log" >&2; exit 1; }
SLOTS=$(curl -s "http://$ADDR/availability?event=team-call" | grep -o '"start"' | wc -l)
echo "team-call: 10 hosts in 10 zones, $SLOTS slots offered in the 21-day window"
echo
echo "== GET /availability team-call whole 21-day window, ${CONNECTIONS} connections, ${DURATION}s"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://$ADDR/availability?event=team-call" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'

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
echo "== POST /booking round robin over 10 hosts, distinct slots (synchronous=${SYNCHRONOUS:-full})"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/book.lua" "http://$ADDR" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|errors'
echo "non-201 answers in the log: $(grep '"route":"/booking"' "$WORK/log" | grep -vc '"status":201' || true)"
echo "memory after load: $(grep VmRSS /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
