"""Scale benchmark of the pages' queries against fair peers (DESIGN section 9, issue 14 items 3-4).

    .venv/bin/python benchmarks/bench_queries.py [--scale 10] [--indicators 24] [--runs 30] [--cold-runs 30]
                                                 [--data-dir DIR] [--skip-app] [--json OUT]

1. Generates the commune-scale dataset (benchmarks/commune_data.py, the first `--indicators` of the
   catalogue) and writes it as a snapshot in a temporary data folder (a child process, killed if the
   machine runs short of memory); or, with `--data-dir DIR`, measures the snapshot already in DIR.
2. In a fresh child process: loads the snapshot into DuckDB with the commune atom map, reads resident
   memory, then times each page's questions through kpi.figures.figures() (not the cached variant:
   the snapshot's lookup, kpi.store.lookup) against the peers of benchmarks/query_peers.py, each first
   checked to give the project's answers (same rows; actual, plan, last year, achievement, change):
   the query figures() ran before (facts_aggregate.sql alone), pandas and polars given the same
   precomputed sums, plain DuckDB over the Parquet file (interleaved in one phase); then polars over
   the raw facts in memory, then the old plain-pandas peer re-grouping all facts, each in its own phase
   interleaved with the project again (the frames are gigabytes at 24M facts). Warm: medians and 95th
   percentiles over `--runs` rotating questions; cold: the first question after loading the snapshot
   again under another path (the lookup index and the table of figures, kpi.figures, are built in it).
3. Unless --skip-app: starts `streamlit run dashboard.py` on port 8515 on the demo data: process start
   to the first page served (/_stcore/health), and URL to the first chart drawn in headless Chromium;
   then the app's resident memory with the benchmark snapshot.
Prints a table with the load average and, with --json, writes the figures for benchmarks/run_all.py.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

PAGES = ("overview", "compare", "trends")
PORT = 8515
MIN_AVAILABLE_MB = 2048          # the generator is killed below this much free memory
TARGET_P95_MS = {1: 50.0, 10: 300.0}
TARGET_RATIO = 10.0
TARGET_LOOKUP_MS = 5.0          # issue 14: the page query set at 2,4M facts
TARGET_START_S = 3.0
TARGET_CHART_S = 2.0
TARGET_RSS_MB = 400.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


# --- small measuring tools ---------------------------------------------------------------------

def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return float("inf")


def summary(samples_s: list[float]) -> dict[str, float]:
    import numpy as np

    if not samples_s:
        return {"median_ms": float("nan"), "p95_ms": float("nan"), "n": 0}
    ms = np.asarray(samples_s) * 1000
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)), "n": len(ms)}


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


# --- the questions each page asks ---------------------------------------------------------------

def questions(communes, catalogue, periods: list[str], i: int) -> dict[str, tuple[list, list, list | None]]:
    """Each page's (targets, periods, indicators) for run i; provinces, periods and indicators
    rotate so no run repeats the previous one."""
    provinces = sorted(communes["province"].unique())
    regions = sorted(communes["region"].unique())
    codes = list(catalogue["code"])
    whole_years = [p for p in periods if "-" not in p]
    with_previous = periods[3:]          # the first year has no same period last year
    period = with_previous[(7 * i) % len(with_previous)]
    return {
        "overview": ([provinces[i % len(provinces)]], [period], None),
        "compare": (provinces + regions + ["VN"], [period], [codes[i % len(codes)]]),
        "trends": ([provinces[(i + k * 11) % len(provinces)] for k in range(3)], whole_years,
                   [codes[(i * 5) % len(codes)]]),
    }


# --- child process: generate ---------------------------------------------------------------------

def worker_generate(args) -> dict:
    import commune_data

    start = time.perf_counter()
    snapshot, communes = commune_data.write_benchmark_snapshot(args.generate_into, scale=args.scale, limit=args.limit,
                                                               n_years=args.years, n_indicators=args.indicators)
    return {"snapshot": str(snapshot.path), "snapshot_id": snapshot.id, "seconds": time.perf_counter() - start,
            "facts": snapshot.manifest["counts"]["facts"], "units": len(communes),
            "parquet_mb": sum(f.stat().st_size for f in snapshot.path.iterdir()) / 2**20,
            "peak_rss_mb": memory_mb()["VmHWM"]}


# --- child process: measure ------------------------------------------------------------------------

def _reload_copy(snapshot, root: Path, k: int):
    """The same snapshot under another path (hard links), so kpi.store loads it afresh."""
    from kpi import store

    folder = root / f"cold-{k}" / "snapshots" / snapshot.id   # a data folder of its own
    folder.mkdir(parents=True)
    for path in snapshot.path.iterdir():
        os.link(path, folder / path.name)
    return store.get_snapshot_at(str(folder), snapshot.id)


def _wanted(periods: list[str]) -> list[str]:
    """The periods figures() reads for a question: the asked ones, last year's and, for a part of a
    year, last year's whole year (kpi.figures)."""
    from kpi.periods import parse_period

    out = set(periods)
    for p in periods:
        q = parse_period(p)
        out.add(q.same_period_last_year().code)
        if not q.is_whole_year:
            out.add(str(q.year - 1))
    return sorted(out)


def _interleaved(engines: dict, ask, runs: int, first: int) -> dict:
    """Each engine's seconds per page over `runs` rotating questions, the engines interleaved."""
    samples = {page: {name: [] for name in engines} for page in PAGES}
    for i in range(first, first + runs):
        for page in PAGES:
            question = ask(page, i)
            for name, engine in engines.items():
                samples[page][name].append(timed(engine, *question)[0])
    return {page: {name: summary(v) for name, v in d.items()} for page, d in samples.items()}


def _agreement(engines: dict, ask, rounds=(1, 2, 3), columns=None) -> dict:
    """Each peer's answers against the project's, per page, over a few questions (before any timing)."""
    import query_peers

    out = {}
    for name, engine in engines.items():
        if name in ("project", "sql"):
            continue
        checks = []
        for page in PAGES:
            for i in rounds:
                question = ask(page, i)
                result = query_peers.agree(engines["project"](*question), engine(*question),
                                           **({"columns": columns} if columns else {}))
                checks.append({"page": page, "round": i, **result})
        out[name] = {"ok": all(c["ok"] for c in checks), "checks": checks}
    return out


def worker_measure(args) -> dict:
    import gc

    loadavg_start = os.getloadavg()
    memory = {"after_imports": memory_mb()}
    import commune_data
    import pandas as pd
    import query_peers

    from kpi import figures, store
    from kpi.store import database, lookup, queries

    snapshot = store.get_snapshot_at(args.snapshot, args.snapshot_id)
    communes = commune_data.load_communes(snapshot)
    atoms = commune_data.atom_map(communes)
    load_s, _ = timed(lambda: database.load(snapshot, atom_map=atoms))
    memory["after_load"] = memory_mb()
    catalogue = figures.indicators(snapshot)
    periods = sorted(figures.available_periods(snapshot), key=lambda p: (p[:4], len(p) == 4, p))
    all_codes = list(catalogue["code"])

    def ask(page, i):
        targets, pers, codes = questions(communes, catalogue, periods, i)[page]
        return targets, pers, codes or all_codes

    def project(targets, pers, codes):
        return figures.figures(snapshot, targets, pers, codes)

    def sql(targets, pers, codes):   # the query figures() ran before it was a lookup (no Python after it)
        return lookup.query_parts(snapshot, targets, _wanted(pers), codes)

    index_s, _ = timed(lookup.grid, snapshot, ["VN"], periods[:1], all_codes[:1])   # the index, built once
    first_in_process = {page: timed(project, *ask(page, 0))[0] for page in PAGES}
    memory["after_first_pages"] = memory_mb()

    # the fair peers' data, prepared once, outside the timings
    prepare = {}
    prepare["export_sums_s"], sums = timed(queries.run, "lookup_sums", snapshot)
    unit_atoms, target_cover = atoms
    asked_targets = sorted(set(communes["province"]) | set(communes["region"]) | {"VN"})
    prepare["metadata_s"], meta = timed(query_peers.metadata, snapshot, target_cover, asked_targets, periods)
    prepare["pandas_sums_s"], pandas_sums = timed(query_peers.PandasSums, sums, meta)
    prepare["polars_sums_s"], polars_sums = timed(query_peers.PolarsSums, sums, meta)
    facts_path = snapshot.path / "facts.parquet"
    prepare["duckdb_parquet_s"], duckdb_parquet = timed(query_peers.DuckDBParquet, facts_path, unit_atoms, meta)
    prepare["sums_rows"] = len(sums)
    memory["after_peers_sums"] = memory_mb()

    phases, agreement = {}, {}
    engines = {"project": project, "sql": sql, "pandas_sums": pandas_sums, "polars_sums": polars_sums,
               "duckdb_parquet": duckdb_parquet}
    agreement.update(_agreement(engines, ask))
    phases["sums"] = _interleaved(engines, ask, args.runs, 10)
    duckdb_parquet.close()

    # polars over the raw facts in memory: its own phase (the frame is gigabytes at 24M facts)
    prepare["polars_raw_read_s"], polars_raw = timed(query_peers.PolarsRaw, facts_path, unit_atoms, meta)
    prepare["polars_raw_frame_mb"] = polars_raw.memory_mb()
    memory["after_polars_frame"] = memory_mb()
    engines = {"project": project, "polars_raw": polars_raw}
    agreement.update(_agreement(engines, ask))
    phases["polars_raw"] = _interleaved(engines, ask, args.runs, 10 + args.runs)
    del polars_raw, engines
    gc.collect()

    # the old peer: plain pandas re-joining and re-grouping all facts per question (it does not apply
    # the comparability of last year's figure: checked on actual and plan only)
    # the columns it uses (its answer is the same; at 24M facts the whole file would be twice the memory)
    prepare["pandas_read_s"], facts = timed(lambda: pd.read_parquet(facts_path, columns=[
        "unit", "period", "indicator", "actual", "plan", "numerator", "denominator"]))
    prepare["pandas_frame_mb"] = facts.memory_usage(deep=True).sum() / 2**20
    memory["after_pandas_frame"] = memory_mb()
    cmap = commune_data.commune_map(communes)

    def pandas_regroup(targets, pers, codes, facts=facts):
        return commune_data.pandas_figures(facts, cmap, catalogue, targets, pers, codes)

    engines = {"project": project, "pandas_regroup": pandas_regroup}
    agreement.update(_agreement(engines, ask, columns=("actual", "plan")))
    phases["pandas_regroup"] = _interleaved(engines, ask, args.runs, 10 + 2 * args.runs)
    del facts, engines, pandas_regroup
    gc.collect()

    cold = {page: [] for page in PAGES}
    cold_load_s = []
    root = Path(tempfile.mkdtemp(prefix="q-cold-"))  # hard links beside nothing of the measured folder
    # keep one loaded snapshot at a time (the store keeps 3): at scale 10 each one is gigabytes
    database.MAX_LOADED = 1
    try:
        for k in range(args.cold_runs):
            copy = _reload_copy(snapshot, root, k)
            cold_load_s.append(timed(lambda copy=copy: database.load(copy, atom_map=atoms))[0])
            order = PAGES[k % 3:] + PAGES[:k % 3]   # each page is the very first question in turn (index build included)
            for page in order:
                targets, pers, codes = ask(page, 100 + k)
                cold[page].append(timed(figures.figures, copy, targets, pers, codes)[0])
            shutil.rmtree(root / f"cold-{k}")
    finally:
        shutil.rmtree(root, ignore_errors=True)

    return {
        "loadavg": [loadavg_start, os.getloadavg()],
        "load_s": load_s, "index_s": index_s, "cold_load_s": summary(cold_load_s), "prepare": prepare,
        "memory": memory, "agreement": agreement,
        "first_in_process_ms": {p: s * 1000 for p, s in first_in_process.items()},
        "phases": phases,
        "cold": {p: summary(v) for p, v in cold.items()},
    }


# --- the running app ---------------------------------------------------------------------------------

def _start_app(data_dir: str) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ, KPI_DATA_DIR=str(data_dir))
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "run", "dashboard.py", "--server.port", str(PORT),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = start + 60
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://localhost:{PORT}/_stcore/health", timeout=1) as response:
                if response.read().strip() == b"ok":
                    return server, time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.05)
    _stop_app(server)
    raise RuntimeError(f"streamlit did not answer on port {PORT} within 60 s")


def _stop_app(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)   # the server we started (its own session)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _port_free() -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", PORT)) != 0


def measure_app(benchmark_data_dir: str | None) -> dict:
    """Start to first page served, URL to first chart (demo data), app memory (benchmark data)."""
    from kpi.demo.provinces import build_demo

    if not _port_free():
        return {"error": f"port {PORT} is in use"}
    out: dict = {}
    demo_dir = tempfile.mkdtemp(prefix="bench-demo-")
    try:
        build_demo(demo_dir)
        server, out["start_s"] = _start_app(demo_dir)
        try:
            out.update(_first_chart())
            out["app_memory_demo"] = memory_mb(server.pid)
        finally:
            _stop_app(server)
        if benchmark_data_dir:
            server, out["start_benchmark_s"] = _start_app(benchmark_data_dir)
            try:
                out["first_page_benchmark_s"] = _page_rendered("/")
                out["app_memory_benchmark"] = memory_mb(server.pid)
            finally:
                _stop_app(server)
    finally:
        shutil.rmtree(demo_dir, ignore_errors=True)
    return out


CHART = ".js-plotly-plot, [data-testid='stPlotlyChart']"


def _first_chart() -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for label in ("chart_first_visit_s", "chart_second_visit_s"):
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                start = time.perf_counter()
                page.goto(f"http://localhost:{PORT}/so-sanh")
                page.wait_for_selector("[data-testid='stMain'] h1", timeout=60000)
                out[label.replace("chart", "title")] = time.perf_counter() - start
                page.wait_for_selector(CHART, state="visible", timeout=60000)
                out[label] = time.perf_counter() - start
                out["exception_boxes"] = page.locator("[data-testid='stException']").count()
                page.close()
        finally:
            browser.close()
    return out


def _page_rendered(path: str) -> float:
    """Seconds until the page has run: its title is drawn and the running indicator is gone."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(f"http://localhost:{PORT}{path}")
            page.wait_for_selector("[data-testid='stMain'] h1", timeout=120000)
            page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120000)
            seconds = time.perf_counter() - start
            page.wait_for_timeout(1000)   # let the process settle before its memory is read
            page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120000)
            return seconds
        finally:
            browser.close()


# --- orchestration ---------------------------------------------------------------------------------

def run_child(mode: str, extra: list[str], watch_memory: bool = False) -> dict:
    out_file = Path(tempfile.mkstemp(prefix=f"bench-{mode}-", suffix=".json")[1])
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, "--worker-out", str(out_file), *extra]
    child = subprocess.Popen(cmd, cwd=REPO)
    try:
        while child.poll() is None:
            if watch_memory and available_mb() < MIN_AVAILABLE_MB:
                child.kill()
                child.wait()
                raise RuntimeError(f"{mode}: stopped, the machine had less than {MIN_AVAILABLE_MB} MB available")
            time.sleep(0.25)
        if child.returncode != 0:
            raise RuntimeError(f"{mode}: child process failed with status {child.returncode}")
        return json.loads(out_file.read_text())
    finally:
        if child.poll() is None:
            child.kill()
        out_file.unlink(missing_ok=True)


PEERS = {   # name: (phase, what it is)
    "sql": ("sums", "facts_aggregate.sql alone: the query figures() ran before the lookup (no Python after it)"),
    "pandas_sums": ("sums", "pandas given the same precomputed sums (sorted MultiIndex, reindex)"),
    "polars_sums": ("sums", "polars given the same precomputed sums (filters, join)"),
    "duckdb_parquet": ("sums", "plain DuckDB over the Parquet file (read_parquet, atom map join, group by)"),
    "polars_raw": ("polars_raw", "polars in memory over the raw facts, no precomputation"),
    "pandas_regroup": ("pandas_regroup", "plain pandas re-joining and re-grouping all facts per question (old peer)"),
}
FAIR = ("pandas_sums", "polars_sums", "duckdb_parquet", "polars_raw")


def _ratio(meas: dict, peer: str, page: str, stat: str = "median_ms") -> float:
    phase = meas["phases"][PEERS[peer][0]][page]
    return phase[peer][stat] / phase["project"][stat]


def figures_list(scale: int, gen: dict, meas: dict, app: dict) -> list[dict]:
    """Figures against DESIGN section 9 and issue 14, for the summary table (met: True/False/None = no target)."""
    rows = []

    def add(key, what, value, unit, target=None, better="lower"):
        met = None if target is None or value is None else (value <= target if better == "lower" else value >= target)
        rows.append({"key": key, "what": what, "value": value, "unit": unit, "target": target,
                     "better": better, "met": met, "source": "bench_queries.py"})

    facts = f"{gen['facts'] / 1e6:.1f}M facts"
    target_p95 = TARGET_P95_MS.get(scale)
    for page in PAGES:
        w = meas["phases"]["sums"][page]["project"]
        add(f"query_p95_warm_{page}_x{scale}", f"{page}: query set p95, warm ({facts})", w["p95_ms"], "ms", target_p95)
        add(f"query_median_warm_{page}_x{scale}", f"{page}: query set median, warm ({facts}; issue 14: <= 5 ms)",
            w["median_ms"], "ms", TARGET_LOOKUP_MS)
        add(f"query_p95_cold_{page}_x{scale}", f"{page}: query set p95, cold", meas["cold"][page]["p95_ms"], "ms")
        add(f"pandas_ratio_{page}_x{scale}", f"{page}: pandas re-grouping all facts / project, warm medians",
            _ratio(meas, "pandas_regroup", page), "x", TARGET_RATIO, better="higher")
        for peer in FAIR:
            add(f"{peer}_ratio_{page}_x{scale}", f"{page}: {PEERS[peer][1]} / project, warm medians",
                _ratio(meas, peer, page), "x", 1.0, better="higher")
    if scale == 1:
        add("rss_after_load_x1", f"resident memory after loading {facts} (VmRSS)",
            meas["memory"]["after_load"]["VmRSS"], "MB", TARGET_RSS_MB)
        add("hwm_after_pages_x1", "peak resident memory after loading and serving the pages (VmHWM)",
            meas["memory"]["after_first_pages"]["VmHWM"], "MB", TARGET_RSS_MB)
        if "app_memory_benchmark" in app:
            add("app_rss_benchmark_x1", f"streamlit app process with {facts}, first page served (VmRSS)",
                app["app_memory_benchmark"]["VmRSS"], "MB", TARGET_RSS_MB)
    if "start_s" in app:
        add("start_to_health", "process start to first page served (demo data)", app["start_s"], "s", TARGET_START_S)
    if "chart_first_visit_s" in app:
        add("url_to_chart", "URL to first chart drawn, headless Chromium (demo, first visit)",
            app["chart_first_visit_s"], "s", TARGET_CHART_S)
        add("url_to_chart_second", "URL to first chart drawn (second visit)", app["chart_second_visit_s"], "s",
            TARGET_CHART_S)
    return rows


def print_report(scale: int, gen: dict, meas: dict, app: dict) -> None:
    print(f"\n== Query benchmark: {gen['facts']:,} facts, {gen['units']:,} reporting units"
          + (f" (generated and written in {gen['seconds']:.1f} s, Parquet {gen['parquet_mb']:.0f} MB, "
             f"generator peak {gen['peak_rss_mb']:.0f} MB)" if "seconds" in gen else f" ({gen.get('source', '')})"))
    prep = meas["prepare"]
    print(f"Load into DuckDB: {meas['load_s']:.2f} s (cold reloads: median {meas['cold_load_s']['median_ms'] / 1000:.2f} s);"
          f" the lookup index: {meas['index_s'] * 1000:.0f} ms once per loaded snapshot")
    print(f"Peers prepared once: sums exported {prep['export_sums_s'] * 1000:.0f} ms ({prep['sums_rows']:,} rows), "
          f"pandas index {prep['pandas_sums_s'] * 1000:.0f} ms, polars {prep['polars_sums_s'] * 1000:.0f} ms, "
          f"polars read_parquet {prep['polars_raw_read_s']:.2f} s ({prep['polars_raw_frame_mb']:.0f} MB), "
          f"pandas read_parquet {prep['pandas_read_s']:.2f} s ({prep['pandas_frame_mb']:.0f} MB)")
    print("Load average (1/5/15 min) at start and end of the measurements, 2 shared cores: " +
          " -> ".join("/".join(f"{x:.1f}" for x in la) for la in meas["loadavg"]))
    print("Answers agree with the project (same rows; actual, plan, previous, achievement, change; the old "
          "pandas peer: actual and plan): " + ", ".join(
              f"{name} {'yes' if a['ok'] else 'NO ' + str([c for c in a['checks'] if not c['ok']][:1])}"
              for name, a in meas["agreement"].items()))
    print(f"\n{'page':9} {'engine':15} {'median':>9} {'p95':>9} {'peer/project':>13} {'(p95)':>7}  n   what")
    for page in PAGES:
        project = meas["phases"]["sums"][page]["project"]
        print(f"{page:9} {'project':15} {project['median_ms']:6.2f} ms {project['p95_ms']:6.2f} ms "
              f"{'':>13} {'':>7}  {project['n']:<3} kpi.figures.figures() on the lookup")
        for peer, (phase, what) in PEERS.items():
            d = meas["phases"][phase][page][peer]
            print(f"{'':9} {peer:15} {d['median_ms']:6.2f} ms {d['p95_ms']:6.2f} ms "
                  f"{_ratio(meas, peer, page):12.1f}x {_ratio(meas, peer, page, 'p95_ms'):6.1f}x  {d['n']:<3} {what}")
        for phase in ("polars_raw", "pandas_regroup"):
            d = meas["phases"][phase][page]["project"]
            print(f"{'':9} {'(project)':15} {d['median_ms']:6.2f} ms {d['p95_ms']:6.2f} ms {'':>13} {'':>7}  "
                  f"{d['n']:<3} the project again, interleaved with {phase} (its ratio's denominator)")
    print("Cold (first question after loading, the lookup index and the table of figures built in it), p95: " +
          ", ".join(f"{p} {v['p95_ms']:.0f} ms (n={v['n']})" for p, v in meas["cold"].items()))
    print("First call of each page in a fresh process (the table of figures built in the first): " +
          ", ".join(f"{p} {v:.0f} ms" for p, v in meas["first_in_process_ms"].items()))
    mem = meas["memory"]
    print("\nMemory of the measuring process (MB, VmRSS / VmHWM): " + "; ".join(
        f"{k.replace('_', ' ')} {v['VmRSS']:.0f} / {v['VmHWM']:.0f}" for k, v in mem.items()))
    print(f"DESIGN target: resident memory with 2.5M facts <= {TARGET_RSS_MB:.0f} MB")
    if app.get("error"):
        print(f"\nApp: {app['error']}")
    elif app:
        print(f"\nApp (port {PORT}): process start to first page served {app.get('start_s', float('nan')):.2f} s; "
              f"URL to first chart {app.get('chart_first_visit_s', float('nan')):.2f} s (second visit "
              f"{app.get('chart_second_visit_s', float('nan')):.2f} s; page title drawn after "
              f"{app.get('title_first_visit_s', float('nan')):.2f} / {app.get('title_second_visit_s', float('nan')):.2f} s), "
              f"exception boxes {app.get('exception_boxes')}; "
              f"app memory on demo data {app.get('app_memory_demo', {}).get('VmRSS', float('nan')):.0f} MB")
        if "app_memory_benchmark" in app:
            print(f"App on the benchmark snapshot: started in {app['start_benchmark_s']:.2f} s, first page rendered in "
                  f"{app['first_page_benchmark_s']:.2f} s, resident {app['app_memory_benchmark']['VmRSS']:.0f} MB "
                  f"(peak {app['app_memory_benchmark']['VmHWM']:.0f} MB)")


def existing_dataset(data_dir: Path) -> dict:
    """The benchmark snapshot already in a data folder (bench_queries.py --keep, make_dataset.py)."""
    from kpi import store

    snapshot = store.get_snapshot(None, data_dir)
    if snapshot is None:
        raise SystemExit(f"{data_dir}: no snapshot")
    units = store.read_table(snapshot, "units")
    return {"snapshot": str(snapshot.path), "snapshot_id": snapshot.id, "facts": snapshot.manifest["counts"]["facts"],
            "units": int((units["level"] == "commune").sum()), "source": f"existing data folder {data_dir}"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="reporting units per commune (10: ~24M facts)")
    parser.add_argument("--runs", type=int, default=30, help="warm runs per page")
    parser.add_argument("--cold-runs", type=int, default=None,
                        help="cold samples per page (default 30; 0 at scale>1, where each reload is gigabytes)")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--limit", type=int, default=None, help="only the first N communes (quick check)")
    parser.add_argument("--skip-app", action="store_true", help="do not start streamlit")
    parser.add_argument("--keep", metavar="DIR", help="write the dataset into DIR and keep it")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON (for run_all.py)")
    parser.add_argument("--worker", choices=["generate", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    parser.add_argument("--indicators", type=int, default=24,
                        help="the first N indicators of the catalogue (24: 2,39M facts at scale 1, 23,9M at scale 10)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="measure the benchmark snapshot already in this data folder (--keep, make_dataset.py) "
                             "instead of generating one")
    parser.add_argument("--generate-into", help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", help=argparse.SUPPRESS)
    parser.add_argument("--snapshot-id", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        result = worker_generate(args) if args.worker == "generate" else worker_measure(args)
        Path(args.worker_out).write_text(json.dumps(result))
        return 0

    existing = args.data_dir is not None
    data_dir = Path(args.data_dir) if existing else Path(args.keep) if args.keep else \
        Path(tempfile.mkdtemp(prefix="bench-data-"))
    try:
        if existing:
            gen = existing_dataset(data_dir)
            args.scale = max(1, round(gen["units"] / 3321))
            print(f"Measuring the existing dataset in {data_dir}: {gen['facts']:,} facts (scale {args.scale})", flush=True)
        if args.cold_runs is None:   # each reload is gigabytes past scale 1 (decided once the scale is known)
            args.cold_runs = 30 if args.scale == 1 else 0
        if not existing:
            common = ["--scale", str(args.scale), "--years", str(args.years), "--indicators", str(args.indicators)] + \
                (["--limit", str(args.limit)] if args.limit else [])
            print(f"Generating the dataset (scale {args.scale}) in {data_dir} ...", flush=True)
            gen = run_child("generate", common + ["--generate-into", str(data_dir)], watch_memory=True)
        print(f"Measuring queries ({args.runs} warm runs, {args.cold_runs} cold samples per page) ...", flush=True)
        meas = run_child("measure", ["--snapshot", gen["snapshot"], "--snapshot-id", gen["snapshot_id"],
                                     "--runs", str(args.runs), "--cold-runs", str(args.cold_runs)],
                         watch_memory=True)
        app = {}
        if not args.skip_app:
            print("Measuring the app (streamlit on port 8515, headless Chromium) ...", flush=True)
            try:
                app = measure_app(str(data_dir) if args.scale == 1 else None)
            except Exception as exc:  # noqa: BLE001 - reported, not hidden
                app = {"error": f"{type(exc).__name__}: {exc}"}
        print_report(args.scale, gen, meas, app)
        rows = figures_list(args.scale, gen, meas, app)
        if app.get("error"):
            rows.append({"key": "app", "what": f"app measurements failed: {app['error']}", "value": None,
                         "unit": "", "target": None, "better": "lower", "met": None, "source": "bench_queries.py"})
        if args.json:
            Path(args.json).write_text(json.dumps({"scale": args.scale, "figures": rows, "generate": gen,
                                                   "measure": meas, "app": app}, indent=2))
    finally:
        if not args.keep and not existing:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
