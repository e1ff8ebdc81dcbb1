#!/usr/bin/env python3
"""Calendar objects for scripts/calendar_bench.sh: one VEVENT per .ics file, as a CalDAV
server stores them.

  calendar_bench_events.py DIR [--count 5000] [--recurring 200] [--seed 13]
      writes DIR/ev-00000.ics ...: COUNT events of which RECURRING are series (weekly
      with BYDAY/INTERVAL/COUNT/UNTIL/EXDATE, monthly by ordinal weekday or month day, some
      with a moved or cancelled instance), the rest single events over the next 400 days,
      half in UTC, half in Europe/Berlin wall time (DST on both sides).
  calendar_bench_events.py DIR --modify 10 [--seed 14]
      prints the file names of 10 single events rewritten (moved by a day and an hour), for
      the incremental sync measurement: the caller PUTs them.
"""

import argparse
import datetime as dt
import os
import random

BERLIN = "Europe/Berlin"


def stamp(moment):
    return moment.strftime("%Y%m%dT%H%M%S")


def wrap(uid, body):
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//openslot//calendar bench//EN\r\n"
        + body
        + "END:VCALENDAR\r\n"
    )


def when(start, minutes, zone):
    end = start + dt.timedelta(minutes=minutes)
    if zone == "UTC":
        return f"DTSTART:{stamp(start)}Z\r\nDTEND:{stamp(end)}Z\r\n"
    return f"DTSTART;TZID={zone}:{stamp(start)}\r\nDTEND;TZID={zone}:{stamp(end)}\r\n"


def vevent(uid, start, minutes, zone, summary, extra=""):
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        + when(start, minutes, zone)
        + f"SUMMARY:{summary}\r\n"
        + extra
        + "END:VEVENT\r\n"
    )


def single(index, rng, today, shift=0):
    day = today + dt.timedelta(days=rng.randrange(0, 400) + shift)
    start = dt.datetime.combine(day, dt.time(rng.randrange(7, 18), rng.choice([0, 15, 30, 45])))
    start += dt.timedelta(hours=shift)
    zone = "UTC" if index % 2 == 0 else BERLIN
    minutes = rng.choice([15, 30, 45, 60, 90, 120])
    uid = f"bench-{index:05d}@example.com"
    return wrap(uid, vevent(uid, start, minutes, zone, f"Meeting {index}"))


def series(index, rng, today):
    uid = f"bench-series-{index:05d}@example.com"
    zone = BERLIN if index % 3 else "UTC"
    first = dt.datetime.combine(
        today + dt.timedelta(days=rng.randrange(-60, 30)),
        dt.time(rng.randrange(8, 17), rng.choice([0, 30])),
    )
    minutes = rng.choice([30, 45, 60])
    days = ["MO", "TU", "WE", "TH", "FR"]
    kind = index % 4
    if kind == 0:
        rule = f"RRULE:FREQ=WEEKLY;BYDAY={','.join(sorted(rng.sample(days, 2), key=days.index))}\r\n"
    elif kind == 1:
        rule = f"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY={rng.choice(days)};COUNT={rng.randrange(10, 60)}\r\n"
    elif kind == 2:
        until = first + dt.timedelta(days=rng.randrange(100, 500))
        rule = f"RRULE:FREQ=MONTHLY;BYDAY={rng.choice([1, 2, 3, -1])}{rng.choice(days)};UNTIL={stamp(until)}Z\r\n"
    else:
        rule = f"RRULE:FREQ=MONTHLY;BYMONTHDAY={rng.randrange(1, 29)}\r\n"
    extra = rule
    # Instances are computed in the series' zone; these dates may or may not be instances.
    if index % 5 == 0:
        skipped = first + dt.timedelta(days=7 * rng.randrange(1, 20))
        suffix = "Z" if zone == "UTC" else ""
        tz = "" if zone == "UTC" else f";TZID={zone}"
        extra += f"EXDATE{tz}:{stamp(skipped)}{suffix}\r\n"
    body = vevent(uid, first, minutes, zone, f"Series {index}", extra)
    if index % 7 == 0 and kind in (0, 3):
        # An override: one instance (if it is one) moved by two hours.
        original = first + dt.timedelta(days=28) if kind == 0 else first
        tz = "" if zone == "UTC" else f";TZID={zone}"
        suffix = "Z" if zone == "UTC" else ""
        body += vevent(
            uid,
            original + dt.timedelta(hours=2),
            minutes,
            zone,
            f"Series {index} (moved)",
            f"RECURRENCE-ID{tz}:{stamp(original)}{suffix}\r\n",
        )
    return wrap(uid, body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--recurring", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--modify", type=int, default=0)
    args = parser.parse_args()
    today = dt.datetime.now(dt.timezone.utc).date()
    os.makedirs(args.dir, exist_ok=True)
    if args.modify:
        rng = random.Random(args.seed)
        singles = range(args.recurring, args.count)
        for index in rng.sample(list(singles), args.modify):
            name = f"ev-{index:05d}.ics"
            with open(os.path.join(args.dir, name), "w", newline="") as out:
                out.write(single(index, random.Random(args.seed * 100000 + index), today, shift=1))
            print(name)
        return
    rng = random.Random(args.seed)
    for index in range(args.count):
        text = series(index, rng, today) if index < args.recurring else single(index, rng, today)
        with open(os.path.join(args.dir, f"ev-{index:05d}.ics"), "w", newline="") as out:
            out.write(text)


if __name__ == "__main__":
    main()
