#!/usr/bin/env python3
"""sqlite-txn.py - a small SQLite workload that times its own transactions (ground truth for measure-corpus).

Usage: sqlite-txn.py DBFILE [--txns N] [--row BYTES] [--out REPORT.json] [--keep]

Creates DBFILE in WAL mode (journal_mode=WAL, synchronous=NORMAL), then runs N transactions
(default 3000), each BEGIN; INSERT one row with a BYTES-long blob (default 4096, random bytes so that
nothing compresses); COMMIT, timing every transaction with time.perf_counter_ns() (the python call
overhead is included: it is what the application sees). Prints one JSON report (and writes it to
--out): txns, row_bytes, seconds (wall time of the loop), tps, p50/p90/p99/p999/max/mean in ns
(percentile = smallest sample with at least p of the samples at or below it), db_bytes and wal_bytes at
the end. Removes DBFILE and its -wal/-shm files afterwards unless --keep.

Under ksim-capture (KSIM_TRACE_MARKER names the tracing instance's trace_marker) every transaction is bracketed in
the trace by "ksim-request-begin" and "ksim-request-end" markers, just outside the timed region: the request
boundaries ksim groups the transaction's file calls by. They are written with writev(2); the committed capture was made
when the profile did not trace writev (one trace line per marker); since 2026-12-08 it does (three lines, read by ksim
as a write(2) marker is).
Untraced runs (no KSIM_TRACE_MARKER) write no markers.
"""
import json
import math
import os
import sqlite3
import sys
import time


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    db = argv[0]
    txns, row, out, keep = 3000, 4096, None, False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--txns": txns = int(argv[i + 1]); i += 2
        elif a == "--row": row = int(argv[i + 1]); i += 2
        elif a == "--out": out = argv[i + 1]; i += 2
        elif a == "--keep": keep = True; i += 1
        else:
            print(f"sqlite-txn.py: unknown argument {a}", file=sys.stderr)
            return 2
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    payloads = [os.urandom(row) for _ in range(64)]
    lat = []
    clock = time.perf_counter_ns
    marker_path = os.environ.get("KSIM_TRACE_MARKER")
    marker = os.open(marker_path, os.O_WRONLY) if marker_path else -1
    begin, end = [b"ksim-request-begin\n"], [b"ksim-request-end\n"]
    t_start = clock()
    for k in range(txns):
        if marker >= 0:
            os.writev(marker, begin)
        t0 = clock()
        con.execute("BEGIN")
        con.execute("INSERT INTO t (payload) VALUES (?)", (payloads[k % 64],))
        con.execute("COMMIT")
        t1 = clock()
        if marker >= 0:
            os.writev(marker, end)
        lat.append(t1 - t0)
    seconds = (clock() - t_start) / 1e9
    if marker >= 0:
        os.close(marker)
    db_bytes = os.path.getsize(db)
    wal_bytes = os.path.getsize(db + "-wal") if os.path.exists(db + "-wal") else 0
    con.close()
    lat.sort()

    def pct(p):
        return lat[max(1, math.ceil(p * len(lat))) - 1]

    rep = {
        "source": "sqlite-txn.py: perf_counter_ns around BEGIN/INSERT/COMMIT",
        "sqlite_version": sqlite3.sqlite_version, "journal_mode": "wal", "synchronous": "NORMAL",
        "txns": txns, "row_bytes": row, "seconds": round(seconds, 6), "tps": round(txns / seconds, 2),
        "p50_ns": pct(0.5), "p90_ns": pct(0.9), "p99_ns": pct(0.99), "p999_ns": pct(0.999),
        "max_ns": lat[-1], "mean_ns": round(sum(lat) / len(lat)), "db_bytes": db_bytes, "wal_bytes": wal_bytes,
    }
    text = json.dumps(rep)
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
