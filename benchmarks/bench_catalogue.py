"""Benchmark: catalogue calls per second on PostgreSQL through the connection pool and without it
(kpi.store.dialects, KPI_CATALOGUE_POOL; issue 13).

Run: .venv/bin/python benchmarks/bench_catalogue.py [--url postgresql://kpi@127.0.0.1:PORT/kpi]
[--seconds 5] [--threads 1,8]

Without --url it starts a throw-away PostgreSQL with scripts/postgres.sh on 127.0.0.1:55434 (the
cluster's port: not while `scripts/cluster.sh up` runs) and stops it afterwards. Each measurement
uses a fresh database holding one snapshot row, and runs for --seconds per call and thread count:

- read: what a page run asks, `catalogue.connect` then the approved head (a connection, one query);
- grants: one signed-in user's roles (kpi.access.roles.grant_of);
- list: every snapshot's row (kpi.store.snapshots.catalogue_entries, the history and approval lists);
- write: one audit row in a writing transaction (the catalogue's advisory lock, a commit).

For each, calls per second and the median / p95 of one call, with KPI_CATALOGUE_POOL=0 (a new
connection every call, as before) and the default pool (1 to 8 connections), and the ratio; the
load average is printed beside every line (the machine's 2 cores are shared).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pandas as pd
import psycopg

from kpi.access import roles
from kpi.access.users import LOCAL_USER
from kpi.store import catalogue, dialects, snapshots

REPO = Path(__file__).resolve().parent.parent
PORT = 55434


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def fresh_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    dialects.close_pools()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def prepare(folder: Path) -> None:
    """The schema, one approved snapshot row and one user's grant."""
    with catalogue.connect(folder) as con, catalogue.transaction(con):
        catalogue.insert(con, snapshot_id="20260101-000000-abcdef", parent=None, state=catalogue.APPROVED,
                         created_by="bench", author_name="bench", created_at=catalogue.now_text(), note="",
                         files={"facts.parquet": "0" * 64})
        catalogue.run_sql(con, "roles_insert", email="lanhdao@demo.vn", role="viewer", unit="", action="grant",
                          by_id="bench", by_name="bench", at=catalogue.now_text())


def call_read(folder: Path) -> None:
    with catalogue.connect(folder) as con:
        catalogue.approved_head(con)


def call_grants(folder: Path) -> None:
    roles.grant_of("lanhdao@demo.vn", folder)


def call_list(folder: Path) -> None:
    snapshots.catalogue_entries(folder)


def call_write(folder: Path) -> None:
    with catalogue.connect(folder) as con, catalogue.transaction(con):
        catalogue.append_audit(con, "bench", LOCAL_USER, "một dòng")


CALLS = {"read": call_read, "grants": call_grants, "list": call_list, "write": call_write}


def measure(call, folder: Path, threads: int, seconds: float) -> dict:
    """Calls of `call` from `threads` threads for `seconds`: calls per second, median and p95 (ms)."""
    call(folder)  # warm: the schema ensured, the pool opened
    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            call(folder)
            mine.append(time.perf_counter() - start)
        with lock:
            times.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    times.sort()
    return {"calls_per_s": len(times) / elapsed, "median_ms": statistics.median(times) * 1000,
            "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000, "calls": len(times)}


def backends(url: str) -> int:
    """Connections open to the benchmark's database (the pool's, after a measurement)."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as con:
        return con.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = 'kpi'",
                           (name,)).fetchone()[0]


def run(admin_url: str, seconds: float, thread_counts: list[int]) -> pd.DataFrame:
    rows = []
    for threads in thread_counts:
        for name, call in CALLS.items():
            for mode, setting in (("no pool", "0"), ("pool 1-8", "")):
                os.environ[dialects.POOL_ENV] = setting
                url = fresh_database(admin_url)
                os.environ[dialects.CATALOGUE_ENV] = url
                folder = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
                try:
                    prepare(folder)
                    figures = measure(call, folder, threads, seconds)
                    figures["connections"] = backends(url)
                finally:
                    drop_database(admin_url, url)
                rows.append({"call": name, "threads": threads, "mode": mode, **figures, "load": load_average()})
                print(f"{name:7} threads={threads} {mode:9} {figures['calls_per_s']:8.0f} calls/s  median "
                      f"{figures['median_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms  connections "
                      f"{figures['connections']}  (load average {load_average()})", flush=True)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a PostgreSQL server's admin database (default: start one on 55434)")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", default="1,8")
    args = parser.parse_args(argv)
    thread_counts = [int(t) for t in args.threads.split(",")]
    print(f"load average before: {load_average()}", flush=True)
    folder = None
    url = args.url
    if url is None:
        folder = tempfile.mkdtemp(prefix="kpi-pg-bench-")
        started = subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "start", folder, str(PORT)],
                                 capture_output=True, text=True, timeout=180)
        if started.returncode != 0:
            sys.exit(started.stderr[-2000:])
        url = started.stdout.strip().splitlines()[-1]
    try:
        table = run(url, args.seconds, thread_counts)
    finally:
        if folder is not None:
            subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "stop", folder], timeout=120)
            shutil.rmtree(folder, ignore_errors=True)
    wide = table.pivot_table(index=["call", "threads"], columns="mode", values="calls_per_s")
    wide["ratio"] = wide["pool 1-8"] / wide["no pool"]
    print("\ncalls per second (pool / no pool):")
    print(wide.round(1).to_string())
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
