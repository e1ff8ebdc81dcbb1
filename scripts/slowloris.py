#!/usr/bin/env python3
"""Slow-loris load against a running openslot, with a normal client measured meanwhile.

Keeps N connections open that send a request's headers one byte every few seconds (and
reconnect whenever the server cuts them, as an attacker would), then times sequential
`POST /booking` requests of one normal client on a keep-alive connection.

Usage: slowloris.py HOST:PORT [connections] [bookings] [pid]
Prints the number of slow connections open, the booking latency percentiles, and with a
pid the server's RSS while the slow connections are open.
"""

import asyncio
import datetime
import http.client
import json
import sys
import time

ADDRESS = sys.argv[1]
SLOW = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
BOOKINGS = int(sys.argv[3]) if len(sys.argv) > 3 else 500
PID = sys.argv[4] if len(sys.argv) > 4 else None
HOST, PORT = ADDRESS.rsplit(":", 1)
PORT = int(PORT)

HEAD = b"POST /booking HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-slow: " + b"a" * 4000

open_now = 0
reconnects = 0
stop = False


async def slow_connection(index):
    global open_now, reconnects
    await asyncio.sleep(index * 0.002)  # spread the connects
    while not stop:
        try:
            reader, writer = await asyncio.open_connection(HOST, PORT)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        open_now += 1
        try:
            for byte in HEAD:
                if stop:
                    break
                writer.write(bytes([byte]))
                await writer.drain()
                # One byte every 2 s, but notice a close at once.
                try:
                    data = await asyncio.wait_for(reader.read(1), timeout=2.0)
                    if not data:
                        break
                except asyncio.TimeoutError:
                    pass
        except OSError:
            pass
        finally:
            open_now -= 1
            reconnects += 1
            writer.close()


def rss_kib():
    if not PID:
        return None
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def book_all():
    """Sequential bookings on one keep-alive connection; returns latencies in ms."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    start = datetime.datetime.now(datetime.timezone.utc).replace(
        hour=0, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=2)
    latencies = []
    failures = 0
    for index in range(BOOKINGS):
        slot = start + datetime.timedelta(minutes=5 * index)
        body = json.dumps(
            {
                "event": "load",
                "start": slot.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "name": f"Load {index}",
                "email": f"load{index}@example.com",
            }
        )
        began = time.perf_counter()
        connection.request(
            "POST", "/booking", body=body, headers={"content-type": "application/json"}
        )
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status != 201:
            failures += 1
    connection.close()
    return latencies, failures


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main():
    global stop
    tasks = [asyncio.create_task(slow_connection(index)) for index in range(SLOW)]
    # Wait (bounded) until all slow connections are open.
    for _ in range(300):
        if open_now >= SLOW:
            break
        await asyncio.sleep(0.1)
    print(f"slow connections open: {open_now}")
    rss = rss_kib()
    latencies, failures = await asyncio.get_running_loop().run_in_executor(None, book_all)
    print(f"slow connections open after the bookings: {open_now} (reconnects so far: {reconnects})")
    if rss is not None:
        print(f"server RSS with the slow connections open: {rss / 1024:.1f} MiB")
    print(
        "POST /booking latency over %d requests: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; non-201: %d"
        % (
            len(latencies),
            percentile(latencies, 0.50),
            percentile(latencies, 0.90),
            percentile(latencies, 0.99),
            max(latencies),
            failures,
        )
    )
    stop = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


asyncio.run(main())
