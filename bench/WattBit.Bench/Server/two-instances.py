#!/usr/bin/env python3
"""Writers alternating between two WattBit instances on one PostgreSQL; one instance is killed (SIGKILL) half-way.

Each writer thread PUTs one carbon value per request to its own 30-min slot (so every accepted write is a distinct row),
alternating between the instances; a request that fails on the dead instance (connection refused or reset) is sent
again, unchanged, to the other (an upsert: sending it twice stores it once). After the run every accepted write
(answered 200) is read back from the survivor and compared value by value.
Usage: two-instances.py URL_A URL_B PID_A KEY SECONDS WRITERS
"""
import datetime as dt
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse

url_a, url_b, pid_a, key, seconds, writers = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), int(sys.argv[6])
base = dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)
per_writer = 2000  # slots per writer: writer w owns slots [w * per_writer, (w + 1) * per_writer)
lock = threading.Lock()
accepted = {}  # slot -> value
stats = {"failover": 0, "errors": 0, "after_kill": 0}
killed = threading.Event()
stop = threading.Event()


def conn(url):
    u = urllib.parse.urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)


def put(c, slot, value):
    t = (base + dt.timedelta(minutes=30 * slot)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps({"start": t, "stepMinutes": 30, "values": [value]})
    c.request("PUT", "/api/areas/TK/signals/carbon", body, {"Content-Type": "application/json", "X-Api-Key": key})
    r = c.getresponse()
    r.read()
    return r.status


def writer(w):
    conns = [conn(url_a), conn(url_b)]
    dead = [False, False]
    n = 0
    while not stop.is_set() and n < per_writer:
        slot = w * per_writer + n
        value = 100 + (slot * 7) % 500
        target = n % 2
        for attempt in range(4):
            i = target if not dead[target] else 1 - target
            try:
                status = put(conns[i], slot, value)
            except (ConnectionError, http.client.HTTPException, OSError):
                # The instance is gone (or the connection was cut): go on with the other one.
                conns[i].close()
                if killed.is_set() and i == 0:
                    dead[0] = True
                conns[i] = conn(url_a if i == 0 else url_b)
                with lock:
                    stats["failover"] += 1
                target = 1 - i
                continue
            if status == 200:
                with lock:
                    accepted[slot] = value
                    if killed.is_set():
                        stats["after_kill"] += 1
            else:
                with lock:
                    stats["errors"] += 1
            break
        n += 1


threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
start = time.monotonic()
for t in threads:
    t.start()
time.sleep(seconds / 2)
with lock:
    before_kill = len(accepted)
os.kill(pid_a, signal.SIGKILL)
killed.set()
time.sleep(seconds / 2)
stop.set()
for t in threads:
    t.join()
elapsed = time.monotonic() - start

# Every accepted write must be readable from the survivor.
c = conn(url_b)
found = {}
for w in range(writers):
    frm = base + dt.timedelta(minutes=30 * w * per_writer)
    to = frm + dt.timedelta(minutes=30 * per_writer)
    c.request("GET", "/api/areas/TK/signals/carbon?from=%s&to=%s" % (frm.strftime("%Y-%m-%dT%H:%M:%SZ"), to.strftime("%Y-%m-%dT%H:%M:%SZ")),
              headers={"X-Api-Key": key})
    r = c.getresponse()
    series = json.loads(r.read())
    for k, v in enumerate(series["values"]):
        if v is not None:
            found[w * per_writer + k] = v
lost = [s for s, v in accepted.items() if s not in found or abs(found[s] - v) > 1e-9]
print(f"kill-one: {len(accepted)} writes accepted in {elapsed:.1f} s ({before_kill} before the kill, {stats['after_kill']} after it, on the survivor); "
      f"{stats['failover']} requests sent again to the other instance; {stats['errors']} non-200 answers; "
      f"{len(accepted) - len(lost)} of {len(accepted)} read back from the survivor, {len(lost)} lost")
sys.exit(1 if lost else 0)
