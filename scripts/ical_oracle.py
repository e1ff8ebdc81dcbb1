#!/usr/bin/env python3
"""Independent expansion of an iCalendar file into busy instances, for cross-checking
openslot's Rust reader (crates/calendar/tests/ical_oracle.rs) against Python's
`icalendar` + `recurring-ical-events` (pip install recurring-ical-events).

Usage: ical_oracle.py FILE FROM TO ZONE[,ZONE...]
  FROM, TO: Unix seconds; ZONE: IANA zone for floating times and all-day dates.
Prints, for each ZONE on its own line, a JSON list of [uid, start, end, all_day] (Unix seconds), sorted, for every instance
overlapping [FROM, TO) that is busy: not TRANSP:TRANSPARENT, not STATUS:CANCELLED, not
zero-length. The rules mirror crates/calendar/src/ical/mod.rs; the expansion does not.
"""
import datetime
import json
import sys
import zoneinfo

import icalendar
import recurring_ical_events


def main() -> None:
    path, start, end, zones = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    for zone in zones.split(","):
        # A fresh parse per zone: nothing cached from one zone's run leaks into the next.
        with open(path, "rb") as f:
            calendar = icalendar.Calendar.from_ical(f.read())
        expand(calendar, start, end, zoneinfo.ZoneInfo(zone))


def expand(calendar, start: int, end: int, tz) -> None:
    utc = datetime.timezone.utc
    # A wider query, then an exact filter here: floating and all-day instances are placed in
    # ZONE below, which the library's own comparison does not know about.
    query_from = datetime.datetime.fromtimestamp(start, utc) - datetime.timedelta(days=3)
    query_to = datetime.datetime.fromtimestamp(end, utc) + datetime.timedelta(days=3)

    def seconds(value) -> int:
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=tz)
            return int(value.timestamp())
        return int(datetime.datetime.combine(value, datetime.time(), tz).timestamp())

    # Events whose length is a DURATION (each fixture's events use one form per UID).
    by_duration = {
        str(component.get("UID", ""))
        for component in calendar.walk("VEVENT")
        if "DURATION" in component
    }
    out = []
    for event in recurring_ical_events.of(calendar).between(query_from, query_to):
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        dtstart = event["DTSTART"].dt
        all_day = not isinstance(dtstart, datetime.datetime)
        dtend = None
        if str(event.get("UID", "")) in by_duration and "DTEND" in event and not all_day:
            # recurring-ical-events turns DURATION into a wall-clock DTEND; undo that and
            # apply RFC 5545 3.3.6: days and weeks move the wall clock, hours and less the
            # instant (a PT1H meeting lasts an hour on the night the clocks change).
            length = event["DTEND"].dt.replace(tzinfo=None) - dtstart.replace(tzinfo=None)
            nominal = dtstart + datetime.timedelta(days=length.days)
            exact = length.seconds
        elif "DTEND" in event:
            dtend = event["DTEND"].dt
        elif "DURATION" in event:
            dtend = dtstart + event["DURATION"].dt
        else:
            dtend = dtstart + datetime.timedelta(days=1) if all_day else dtstart
        s = seconds(dtstart)
        e = seconds(dtend) if dtend is not None else seconds(nominal) + exact
        if e <= s and isinstance(dtstart, datetime.datetime) and "DTEND" in event:
            # A start in a DST gap moved onto its wall-clock end: keep the written length as
            # real time (openslot's rule; the library would leave a zero-length instance).
            length = event["DTEND"].dt.replace(tzinfo=None) - dtstart.replace(tzinfo=None)
            if length > datetime.timedelta(0):
                e = s + int(length.total_seconds())
        if e <= s or s >= end or e <= start:
            continue
        out.append([str(event.get("UID", "")), s, e, all_day])
    out.sort(key=lambda row: (row[1], row[2], row[0]))
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
