"""Where a page run's CPU goes: each page run as a session would, sampled with py-spy.

    .venv/bin/python benchmarks/profile_pages.py [--seconds 10] [--pages so-sanh,xu-huong] [--fresh]
                                                 [--port 8543] [--json OUT]

Serves the dashboard on the demo data (127.0.0.1:8543), then for each page: one websocket session
(benchmarks/bench_load.py's client) asks for the page again and again with varying province and
period, for --seconds, while py-spy samples every thread of the server. With --fresh every run is
a new session's first run instead (connect, one run, close: what a leader opening a link costs). The server's CPU seconds
per page run come from /proc; they are split by what the sampled stacks were doing:

  query          DuckDB and kpi/store (the named queries)
  view model     kpi/screens, kpi/figures, kpi/formulas, kpi/scoring (the page's numbers and texts)
  unit names     kpi/units (names, regions, lists of units)
  formatting     kpi/text/fmt and Babel
  charts         building Plotly / Altair figures (kpi/charts, plotly.graph_objs, altair)
  serialisation  Plotly JSON, Arrow tables, protobuf (st.plotly_chart / st.dataframe marshalling)
  gc             Streamlit's collection after each run (runner.postScriptGC)
  streamlit      the rest of the script run: widgets, elements, navigation, session state
  server         threads outside the script run (event loop, websocket, sending)
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402 - the benchmark's websocket client, beside this file

PORT = 8543
RATE = 200  # py-spy samples per second
CATEGORIES = ["query", "view model", "unit names", "formatting", "charts", "serialisation", "gc", "streamlit",
              "server"]
# stacks whose innermost Python frame only waits (py-spy cannot always tell a thread sleeping in C
# from one working): Streamlit's config/secrets poller between polls, idle pool workers
_WAITING = re.compile(r"^(task \(streamlit/watcher/polling_path_watcher\.py|_worker \(concurrent/futures/thread\.py|"
                      r"run \((concurrent/futures/thread|threading)\.py|_bootstrap_inner \(threading\.py)")


def category(frames: list[str]) -> str:
    """What a sampled stack (outermost first) was doing; the innermost telling frame decides."""
    if not any("_run_script" in frame for frame in frames):
        return "server"
    text = ";".join(frames)
    if "_on_script_finished" in text and "gc" in text:
        return "gc"
    if re.search(r"to_json|to_plotly_json|json\.encoder|orjson|pyarrow|arrow_|dataframe_util|SerializeToString|"
                 r"marshall", text):
        return "serialisation"
    if "duckdb" in text or "kpi/store/" in text:
        return "query"
    if "babel" in text or "kpi/text/fmt" in text:
        return "formatting"
    if "kpi/units/" in text:
        return "unit names"
    if "kpi/charts/" in text or "plotly/graph_objs" in text or "altair" in text or "plotly/" in text:
        return "charts"
    if re.search(r"\(kpi/(screens|figures|formulas|scoring|text|reports)", text):
        return "view model"
    return "streamlit"


def split(profile_file: Path) -> collections.Counter:
    """Samples per category from py-spy's speedscope file (one sampled profile per thread)."""
    data = json.loads(profile_file.read_text(encoding="utf-8", errors="replace"))
    frames = [f"{f.get('name', '')} ({f.get('file', '')}:{f.get('line', 0)})" for f in data["shared"]["frames"]]
    counts: collections.Counter = collections.Counter()
    for profile in data["profiles"]:
        for sample, weight in zip(profile["samples"], profile["weights"]):
            stack = [_relative(frames[i]) for i in sample]
            if stack and not _WAITING.match(stack[-1]):
                counts[category(stack)] += float(weight)  # seconds of samples
    return counts


def _relative(frame: str) -> str:
    """'name (/abs/.venv/lib/python3.11/site-packages/streamlit/x.py:12)' -> 'name (streamlit/x.py:12)'."""
    frame = frame.replace(f"({bench_load.REPO}/", "(")
    return re.sub(r"\((?:/[^()]*?/(?:site-packages|lib/python3\.\d+)/)", "(", frame)


async def fresh_runs(base: str, page: str, queries: list[str], seconds: float) -> bench_load.Outcome:
    """New sessions one after another for `seconds`, each asking for one run of `page` and closing."""
    outcome = bench_load.Outcome()
    ws_url = base.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        async with bench_load.websockets.connect(ws_url, subprotocols=["streamlit"], origin=base, max_size=None,
                                                 open_timeout=60, ping_interval=None) as ws:
            run_s, error = await bench_load.page_run(ws, page, queries[n % len(queries)])
        outcome.runs.append(run_s)
        if error:
            outcome.errors.append(error)
        n += 1
    return outcome


def profile_page(page: str, base: str, pid: int, queries: list[str], seconds: float, tmp: Path,
                 fresh: bool = False) -> dict:
    raw = tmp / f"{page or 'overview'}.speedscope.json"
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid), "-r", str(RATE),
                            "--format", "speedscope", "-o", str(raw), "--nonblocking"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    cpu_before = bench_load.cpu_seconds(pid)
    outcome = asyncio.run(fresh_runs(base, page, queries, seconds) if fresh
                          else bench_load.run_load(base, [page], queries, 1, seconds, 0.0, 7))
    cpu = bench_load.cpu_seconds(pid) - cpu_before
    spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
    spy.wait(timeout=60)
    counts = split(raw) if raw.is_file() else collections.Counter()
    total = sum(counts.values()) or 1
    runs = len(outcome.runs)
    per_run = cpu / runs if runs else float("nan")
    return {"page": page or "(tổng quan)", "runs": runs, "errors": len(outcome.errors),
            "cpu_s_per_run": round(per_run, 3),
            "split_s": {name: round(per_run * counts[name] / total, 3) for name in CATEGORIES},
            "samples": total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="sampling time per page")
    parser.add_argument("--pages", help="comma-separated URL paths (default: every page of the load benchmark)")
    parser.add_argument("--data-dir", help="data folder to serve (default: the demo, built in a temporary folder)")
    parser.add_argument("--raw-dir", help="keep py-spy's profiles here (speedscope JSON, one file per page)")
    parser.add_argument("--fresh", action="store_true", help="every run a new session's first run")
    parser.add_argument("--port", type=int, default=PORT, help="the loopback port to serve on")
    parser.add_argument("--json")
    args = parser.parse_args()
    pages = args.pages.split(",") if args.pages is not None else bench_load.APP_PAGES
    pages = ["" if page in ("", "overview", "/") else page for page in pages]
    rows = []
    with tempfile.TemporaryDirectory(prefix="kpi_profile_") as folder:
        tmp = Path(folder)
        data_dir = Path(args.data_dir) if args.data_dir else tmp / "data"
        env = {**os.environ, "KPI_DATA_DIR": str(data_dir)}
        if not args.data_dir:
            subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), "--create", "demo"],
                           cwd=bench_load.REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        queries = bench_load.demo_queries(data_dir)
        server = bench_load.serve("dashboard.py", args.port, env, tmp / "server.log")
        base = f"http://127.0.0.1:{args.port}"
        try:
            bench_load.wait_healthy(base, log=tmp / "server.log")
            asyncio.run(bench_load.run_load(base, pages, queries, 1, 0.1, 0.0, 0))  # imports, first loads
            for page in pages:
                raw_dir = Path(args.raw_dir) if args.raw_dir else tmp
                raw_dir.mkdir(parents=True, exist_ok=True)
                rows.append(profile_page(page, base, server.pid, queries, args.seconds, raw_dir, args.fresh))
                row = rows[-1]
                print(f"{row['page']:<22} runs {row['runs']:>4}  errors {row['errors']:>2}  "
                      f"CPU {row['cpu_s_per_run']:.3f} s/run", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print()
    header = f"{'page':<22} {'CPU s/run':>9} " + " ".join(f"{name[:10]:>10}" for name in CATEGORIES)
    print(header)
    for row in rows:
        print(f"{row['page']:<22} {row['cpu_s_per_run']:>9.3f} "
              + " ".join(f"{row['split_s'][name]:>10.3f}" for name in CATEGORIES))
    print(f"load average: {bench_load.load_average()}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "load_average": bench_load.load_average()},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
