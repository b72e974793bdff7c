"""Load benchmark: concurrent sessions speaking Streamlit's websocket protocol (no browser).

    .venv/bin/python benchmarks/bench_load.py [--sessions 5,10,20,50] [--seconds 30] [--think 1.0]
                                              [--url http://127.0.0.1:8700 --pids 101,102,103]
                                              [--no-bare] [--ports 8541,8542] [--json OUT]

Each virtual user opens a session as a leader opening a shared link (a random page, province and
period of the 34-province geography), reads for about --think seconds, moves to two more random
pages in the same session, closes it and starts again, until --seconds have passed. A page run is
the time from the rerun request (BackMsg rerun_script) to the server's script_finished message;
an exception element in the page's output or a run that fails or times out is an error.

Without --url it serves, on 127.0.0.1 only, the dashboard on the demo data (built in a temporary
folder) and, as the floor, benchmarks/bare_app.py (one select box, one Plotly chart), and runs the
same load against both in the same run. With --url it loads an existing deployment (for example
the HAProxy entry of scripts/cluster.sh); --pids names the server processes whose CPU time and
resident memory are read from /proc. Reports per N: page runs, p50/p95, errors, server CPU
seconds per page run, resident memory per process, and the load average.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
APP_PORT, BARE_PORT = 8541, 8542
RUN_TIMEOUT_S = 180.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# pages a leader opens (URL paths of dashboard.py's navigation; "" is Tổng quan)
APP_PAGES = ["", "so-sanh", "xu-huong", "viec-lam", "giam-ngheo", "giao-duc-nghe-nghiep", "nguoi-co-cong",
             "bao-tro-xa-hoi", "xep-hang"]
PERIODS = ["2024", "2025", "2025-M06", "2026-M06", "2026-M09"]


# --- measuring the server ------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- one session ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    runs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def page_run(ws, page: str, query: str) -> tuple[float, str | None]:
    """Ask for one run of `page` with `query`; (seconds until script_finished, error or None)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    started = time.perf_counter()
    await ws.send(msg.SerializeToString())
    error = None
    while True:
        data = await asyncio.wait_for(ws.recv(), timeout=RUN_TIMEOUT_S)
        forward = ForwardMsg()
        forward.ParseFromString(data)
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            if forward.delta.new_element.WhichOneof("type") == "exception":
                error = error or f"{page}?{query}: {forward.delta.new_element.exception.message[:160]}"
        elif kind == "page_not_found":
            error = error or f"{page}: page not found"
        elif kind == "script_finished":
            status = forward.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the page asked for a rerun (st.rerun): the run goes on
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                error = error or f"{page}: compile error"
            return time.perf_counter() - started, error


async def virtual_user(base: str, pages: list[str], queries: list[str], deadline: float, think: float,
                       rng: random.Random, outcome: Outcome) -> None:
    ws_url = base.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=base.rstrip("/"),
                                          max_size=None, open_timeout=60, ping_interval=None) as ws:
                query = rng.choice(queries)
                for page in rng.sample(pages, k=min(3, len(pages))):
                    seconds, error = await page_run(ws, page, query)
                    outcome.runs.append(seconds)
                    if error:
                        outcome.errors.append(error)
                    if time.monotonic() >= deadline:
                        break
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        except (TimeoutError, OSError, websockets.WebSocketException) as exc:
            outcome.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            await asyncio.sleep(0.5)


async def run_load(base: str, pages: list[str], queries: list[str], sessions: int, seconds: float,
                   think: float, seed: int) -> Outcome:
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    users = [virtual_user(base, pages, queries, deadline, think, random.Random(seed * 1000 + n), outcome)
             for n in range(sessions)]
    await asyncio.gather(*users)
    return outcome


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(name: str, base: str, pids: list[int], pages: list[str], queries: list[str], sessions: int,
            seconds: float, think: float, seed: int) -> dict:
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    started = time.monotonic()
    outcome = asyncio.run(run_load(base, pages, queries, sessions, seconds, think, seed))
    wall = time.monotonic() - started
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    runs = len(outcome.runs)
    return {
        "target": name, "sessions": sessions, "seconds": round(wall, 1), "page_runs": runs,
        "runs_per_s": round(runs / wall, 2) if wall else None,
        "p50_s": round(statistics.median(outcome.runs), 3) if runs else None,
        "p95_s": round(percentile(outcome.runs, 0.95), 3) if runs else None,
        "errors": len(outcome.errors), "first_errors": outcome.errors[:3],
        "cpu_s_per_run": round(cpu / runs, 3) if runs else None,
        "rss_mb": [round(rss_mb(pid)) for pid in pids], "load_average": load_average(),
    }


# --- serving on loopback -------------------------------------------------------------------------

def wait_healthy(base: str, timeout: float = 120.0, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base.rstrip("/") + "/_stcore/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text(errors="replace")[-2000:] if log and log.is_file() else ""
    raise RuntimeError(f"{base} did not become healthy in {timeout:.0f} s\n{tail}")


def stop(servers: list[subprocess.Popen]) -> None:
    """Terminate the servers a benchmark started, killing any that has not exited after 15 s."""
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def serve(script: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [sys.executable, str(REPO / "scripts" / "serve.py"), "run", script, "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:  # the child keeps its own handle
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)


def demo_queries(data_dir: Path) -> list[str]:
    """Links a leader would open: each province of the 34-province geography × a recent period."""
    import duckdb  # noqa: PLC0415 - only this benchmark's setup needs it
    units = sorted(data_dir.glob("snapshots/*/units.parquet"))[-1]
    keys = [row[0] for row in duckdb.sql(
        "SELECT unit FROM read_parquet(?) WHERE level = 'province' AND unit NOT LIKE 'VN63-%'",
        params=[str(units)]).fetchall()]
    return [f"unit={key}&period={period}&geo=34" for key in keys for period in PERIODS]


def print_table(rows: list[dict]) -> None:
    print(f"{'target':<10} {'N':>3} {'runs':>5} {'runs/s':>7} {'p50 s':>7} {'p95 s':>7} {'err':>4} "
          f"{'CPU s/run':>9}  RSS MB   load avg")
    for row in rows:
        print(f"{row['target']:<10} {row['sessions']:>3} {row['page_runs']:>5} {row['runs_per_s'] or 0:>7.2f} "
              f"{row['p50_s'] or float('nan'):>7.2f} {row['p95_s'] or float('nan'):>7.2f} {row['errors']:>4} "
              f"{row['cpu_s_per_run'] or float('nan'):>9.3f}  {','.join(map(str, row['rss_mb']))}   "
              f"{row['load_average']}")
        for error in row["first_errors"]:
            print(f"    error: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="5,10,20,50")
    parser.add_argument("--seconds", type=float, default=30.0, help="load duration per N")
    parser.add_argument("--think", type=float, default=1.0, help="reading time between page runs, seconds")
    parser.add_argument("--url", help="load an existing deployment instead of serving one")
    parser.add_argument("--pids", default="", help="server process ids for CPU and memory (with --url)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare page (the floor)")
    parser.add_argument("--data-dir", help="data folder to serve (default: the demo, built in a temporary folder)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ports", default=f"{APP_PORT},{BARE_PORT}",
                        help="loopback ports of the dashboard and the bare page it serves (without --url)")
    parser.add_argument("--json")
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",") if n]
    app_port, bare_port = (int(p) for p in args.ports.split(","))
    rows: list[dict] = []
    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="kpi_load_") as tmp:
        try:
            if args.url:
                data_dir = Path(args.data_dir) if args.data_dir else None
                queries = demo_queries(data_dir) if data_dir else [f"period={p}&geo=34" for p in PERIODS]
                targets = [("dashboard", args.url, [int(p) for p in args.pids.split(",") if p], APP_PAGES)]
            else:
                data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
                env = {**os.environ, "KPI_DATA_DIR": str(data_dir)}
                if not args.data_dir:
                    subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), "--create", "demo"],
                                   cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
                queries = demo_queries(data_dir)
                servers.append(serve("dashboard.py", app_port, env, Path(tmp) / "dashboard.log"))
                targets = [("dashboard", f"http://127.0.0.1:{app_port}", [servers[-1].pid], APP_PAGES)]
                if not args.no_bare:
                    servers.append(serve(str(HERE / "bare_app.py"), bare_port, env, Path(tmp) / "bare.log"))
                    targets.append(("bare", f"http://127.0.0.1:{bare_port}", [servers[-1].pid], [""]))
            for name, base, _, pages in targets:
                wait_healthy(base, log=Path(tmp) / f"{name}.log")
                # one first run of each page, so that module imports are not counted as load
                asyncio.run(run_load(base, pages, queries, 1, 0.1, 0.0, 0))
            for sessions in counts:
                for name, base, pids, pages in targets:
                    bare_queries = [f"unit={n}" for n in range(34)] if name == "bare" else queries
                    rows.append(measure(name, base, pids, pages, bare_queries, sessions, args.seconds,
                                        args.think, args.seed))
                    print_table(rows[-1:])
                    sys.stdout.flush()
        finally:
            stop(servers)
    print()
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
