#!/usr/bin/env bash
# Scale benchmark of the release binary (SQLite, one instance, 24/7 hours, 5-minute slots).
# For each count N of active bookings it seeds a fresh database directly (sqlite3, after the
# server has created the schema): N confirmed bookings, each with four future reminders
# queued (so 4N future jobs) and its confirmation mails already sent. Then:
#   booking: POST /booking on free slots with wrk (CONNECTIONS clients, SECONDS long), and
#            the server's RSS (VmRSS, VmHWM) from /proc before and after;
#   mail:    DUE more mails come due at once; how fast the worker writes them to the outbox
#            while the 4N future reminders wait.
# Usage: scripts/scale.sh [booking|mail|both] [N ...]     (default: both 1000 100000)
#   SECONDS_PER_RUN=20 CONNECTIONS=32 DUE=20000 SYNCHRONOUS=full|normal
# Needs sqlite3 and wrk (apt-get install sqlite3 wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-both}"
shift || true
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1000 100000)
DURATION="${SECONDS_PER_RUN:-20}"
CONNECTIONS="${CONNECTIONS:-32}"
DUE="${DUE:-20000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/openslot-target}"
for tool in sqlite3 wrk curl; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
cargo build --release -p openslot >&2
BIN="$CARGO_TARGET_DIR/release/openslot"
WORK="$(mktemp -d)"
PID=""
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; fi; }
trap 'stop; rm -rf "$WORK"' EXIT

# Slots start in 4 days at 00:00 UTC (so every reminder is in the future); seeded bookings
# take the first N, the load the ones after.
BASE=$(( $(date +%s) / 86400 * 86400 + 4 * 86400 ))

config() {
  cat > "$WORK/openslot.toml" <<TOML
[server]
listen = "127.0.0.1:0"
[limits]
booking_per_minute = 0
[database]
url = "sqlite://$WORK/scale.db"
synchronous = "${SYNCHRONOUS:-full}"
busy_refresh_seconds = ${BUSY_REFRESH:-5}
[mail]
outbox_dir = "$WORK/outbox"
reminders = ["72h", "48h", "24h", "1h"]
[defaults]
timezone = "UTC"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
hours = ["00:00-24:00"]
[[event_types]]
slug = "load"
title = "Load test"
duration_minutes = 5
mode = "instant"
lookahead_days = 3650
min_lead_minutes = 0
TOML
}

start() {
  "$BIN" serve --config "$WORK/openslot.toml" > "$WORK/log" 2>&1 &
  PID=$!
  ADDR=""
  for _ in $(seq 1 6000); do
    ADDR=$(grep -o '"addr":"[^"]*"' "$WORK/log" 2>/dev/null | head -1 | cut -d'"' -f4 || true)
    if [ -n "$ADDR" ] && curl -sf "http://$ADDR/readyz" >/dev/null 2>&1; then return; fi
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
    sleep 0.01
  done
  echo "server not ready" >&2; exit 1
}

memory() { awk '/VmRSS|VmHWM|RssAnon|RssFile|RssShmem/ {printf "%s %.1f MiB  ", $1, $2/1024}' "/proc/$PID/status"; echo; }

# N confirmed bookings (slots BASE + i*300), their sent mails (done) and four queued
# reminders each; DUE_COUNT extra mails due now (ops + invitee for the last bookings).
seed() {
  local count="$1" due_count="$2" now
  now=$(date +%s)
  rm -rf "$WORK"/scale.db* "$WORK/outbox"
  start; stop   # the server creates and migrates the database
  sqlite3 "$WORK/scale.db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $count)
INSERT INTO bookings (id, host_id, event_slug, status, start_at, end_at, blocked_start,
    blocked_end, name, email, timezone, notes, answers, created_at, updated_at, sequence,
    confirmed_at, search_text)
SELECT printf('seed-%08d', i), 'default', 'load', 'confirmed', $BASE + i * 300,
    $BASE + i * 300 + 300, $BASE + i * 300, $BASE + i * 300 + 300, 'Seed Guest ' || i,
    'seed' || i || '@example.com', 'UTC', NULL, '{}', $now, $now, 0, $now,
    'seed guest ' || i || char(10) || 'seed' || i || '@example.com'
FROM n;
INSERT INTO jobs (id, kind, payload, state, run_at, attempts, max_attempts, booking_id,
    created_at, updated_at)
SELECT b.id || '-' || m.message, 'mail',
    json_object('message', m.message, 'booking_id', b.id), 'done', $now, 1, 5, b.id, $now, $now
FROM bookings b, (SELECT 'ops_booking' AS message UNION ALL SELECT 'invitee_confirmed') m;
INSERT INTO jobs (id, kind, payload, state, run_at, attempts, max_attempts, booking_id,
    created_at, updated_at)
SELECT b.id || '-r' || r.offset, 'mail',
    json_object('message', 'invitee_reminder', 'booking_id', b.id, 'start', b.start_at,
        'offset', r.offset), 'queued', b.start_at - r.offset, 0, 5, b.id, $now, $now
FROM bookings b, (SELECT 259200 AS offset UNION ALL SELECT 172800 UNION ALL SELECT 86400
    UNION ALL SELECT 3600) r;
UPDATE jobs SET state = 'queued', attempts = 0
WHERE state = 'done' AND booking_id >= printf('seed-%08d', $count - $due_count / 2);
COMMIT;
SQL
  echo "seeded: $(sqlite3 "$WORK/scale.db" "SELECT count(*) FROM bookings") bookings," \
    "$(sqlite3 "$WORK/scale.db" "SELECT count(*) FROM jobs WHERE state = 'queued' AND run_at > $now + 3000") future jobs," \
    "$(sqlite3 "$WORK/scale.db" "SELECT count(*) FROM jobs WHERE state = 'queued' AND run_at <= $now") due"
}

booking_run() {
  local count="$1"
  seed "$count" 0
  start
  sleep 1
  echo "idle: $(memory)"
  cat > "$WORK/book.lua" <<LUA
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
request = function()
  local slot = $count + counter * 2 + id
  counter = counter + 1
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", $BASE + slot * 300)
  local body = '{"event":"load","start":"' .. start .. '","name":"Load Test","email":"load@example.com"}'
  return wrk.format("POST", "/booking", {["Content-Type"] = "application/json"}, body)
end
LUA
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/book.lua" "http://$ADDR" \
    | grep -E 'Requests/sec|Latency  |99%|Non-2xx|errors' | sed 's/^/  /'
  echo "after: $(memory)"
  echo "non-201 answers: $(grep '"route":"/booking"' "$WORK/log" | grep -vc '"status":201' || true)"
  stop
}

mail_run() {
  local count="$1" due=$(( DUE < 2 * $1 ? DUE : 2 * $1 ))
  seed "$count" "$due"
  mkdir -p "$WORK/outbox"
  start
  local first="" first_files=0 files=0 started
  started=$(date +%s%N)
  for _ in $(seq 1 30000); do
    files=$(find "$WORK/outbox" -type f | wc -l)
    if [ -z "$first" ] && [ "$files" -gt 0 ]; then first=$(date +%s%N); first_files=$files; fi
    [ "$files" -ge "$due" ] && break
    sleep 0.1
  done
  local done_at elapsed
  done_at=$(date +%s%N)
  elapsed=$(( (done_at - first) / 1000000 ))
  echo "mail: $files of $due messages in the outbox; $((files - first_files)) in ${elapsed} ms" \
    "after the first = $(( (files - first_files) * 1000 / (elapsed > 0 ? elapsed : 1) )) messages/s" \
    "(ready to first: $(( (first - started) / 1000000 )) ms)"
  echo "after: $(memory)"
  stop
}

config
for count in "${COUNTS[@]}"; do
  if [ "$WHAT" = booking ] || [ "$WHAT" = both ]; then
    echo "== POST /booking with $count active bookings, $CONNECTIONS connections, ${DURATION}s (synchronous=${SYNCHRONOUS:-full})"
    booking_run "$count"
  fi
  if [ "$WHAT" = mail ] || [ "$WHAT" = both ]; then
    echo "== mail: $DUE due messages among $((count * 4)) future reminders (synchronous=${SYNCHRONOUS:-full})"
    mail_run "$count"
  fi
done
