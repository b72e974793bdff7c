"""Browser benchmark: a widget change until the chart has updated, against the bare page (issue 14).

    .venv/bin/python benchmarks/bench_unit_change.py [--changes 8] [--data-dir DIR] [--json OUT] [--pages viec-lam]
                                                     [--url http://127.0.0.1:8544 --bare-url http://127.0.0.1:8546]

Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright), on 127.0.0.1 only. Without
--url it serves the dashboard on the demo data (built in a temporary folder) and, as the floor,
benchmarks/bare_app.py (one select box, one Plotly chart), in the same run. Measured, each --changes
times with a different province or indicator each time (so that no change finds its view already
built by an earlier one; a view another leader opened before is cheaper, and is not what is timed):

  first chart    from opening the URL until the page's chart is drawn (its Plotly data in the DOM)
  unit           the sidebar's Đơn vị chosen as a user does (click, type, click) until the chart's
                 Plotly data has changed: a whole page run (the sidebar filters are in the URL)
  indicator      the page's own Chỉ tiêu chosen the same way: the page's fragment only (st.fragment)
  bare           the bare page's select box, until its chart has changed
  unit, all charts   the domain page's unit change until every one of its three charts has changed
                 (the years, the map, the indicator's trend: the whole page redrawn, not only the first)

on a domain page (Việc làm: the chart over the years, the first of its three; Giảm nghèo: the map,
for its own Chỉ tiêu) and on So sánh (the ranked bars). Prints median and p95 of each, their ratio
to the bare page's, and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402 - serving and /proc helpers, beside this file

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
APP_PORT, BARE_PORT = 8545, 8546
TIMEOUT_MS = 60_000
PERIOD = "2025"
# the Plotly data of the n-th chart of the main area (gd.data as react-plotly set it), as a string
CHART_DATA = """n => {
  const charts = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot');
  const gd = charts[n];
  if (!gd || !gd.data || !gd.data.length) return null;
  return JSON.stringify(gd.data.map(d => [d.x, d.y, d.text, d.marker && d.marker.color, d.line && d.line.color]));
}"""
CHANGED = f"([n, before]) => {{ const now = ({CHART_DATA})(n); return now !== null && now !== before; }}"


def chart_data(page, n: int, count: int):
    """The n-th of the page's `count` charts, once all of them are drawn (Plotly's code is loaded on
    demand and the charts are drawn one by one, so the page order holds only then)."""
    page.wait_for_function(f"c => [...Array(c).keys()].every(n => ({CHART_DATA})(n) !== null)", arg=count,
                           timeout=TIMEOUT_MS)
    return page.evaluate(CHART_DATA, n)


def wait_chart(page) -> None:
    """Until the first chart of the page is drawn (whichever of its charts that is)."""
    page.wait_for_function(f"() => ({CHART_DATA})(0) !== null", timeout=TIMEOUT_MS)


def idle(page) -> None:
    """Streamlit has finished running (no running-man status) and the page is still for a moment."""
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)


def choose(page, label: str, option_text: str, sidebar: bool = False) -> float:
    """Choose `option_text` in the select box labelled `label` as a user does (click, type, click the
    option) and return the moment the choice was made (perf_counter, just before the click)."""
    root = page.locator('[data-testid="stSidebar"]' if sidebar else '[data-testid="stMain"]')
    box = root.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True)).first
    box.locator("input").click()
    box.locator("input").fill(option_text)
    option = page.get_by_role("option", name=option_text, exact=True).first
    option.wait_for(timeout=TIMEOUT_MS)
    started = time.perf_counter()
    option.click()
    return started


def timed_change(page, label: str, option_text: str, n: int, sidebar: bool, count: int = 1,
                 every: list | None = None) -> float:
    """Seconds until the n-th chart has changed; with `every` (a list), also appends the seconds until
    all `count` charts have."""
    before = [chart_data(page, i, count) for i in range(count)] if every is not None else [chart_data(page, n, count)]
    started = choose(page, label, option_text, sidebar)
    page.wait_for_function(CHANGED, arg=[n, before[n] if every is not None else before[0]], timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - started
    if every is not None:
        page.wait_for_function(f"b => b.every((x, i) => ({CHANGED})([i, x]))", arg=before, timeout=TIMEOUT_MS)
        every.append(time.perf_counter() - started)
    idle(page)
    return seconds


def first_chart(browser, url: str) -> tuple[float, object]:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    started = time.perf_counter()
    page.goto(url)
    wait_chart(page)
    seconds = time.perf_counter() - started
    idle(page)
    return seconds, page


def provinces(data_dir: Path) -> list[tuple[str, str]]:
    """(key, Vietnamese name) of the provinces of the 34-province geography, in the snapshot's order."""
    import duckdb  # noqa: PLC0415 - only this benchmark's setup needs it
    units = sorted(data_dir.glob("snapshots/*/units.parquet"))[-1]
    return duckdb.sql("SELECT unit, name_vi FROM read_parquet(?) WHERE level = 'province' AND unit NOT LIKE 'VN63-%'",
                      params=[str(units)]).fetchall()


def indicator_names(codes: list[str]) -> list[str]:
    import pandas as pd  # noqa: PLC0415 - only this benchmark's setup needs it
    catalogue = pd.read_csv(bench_load.REPO / "data" / "catalogue" / "indicators.csv")
    names = dict(zip(catalogue["code"], catalogue["name_vi"]))
    return [names[c] for c in codes if c in names]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "median_s": round(statistics.median(values), 3) if values else None,
            "p95_s": round(bench_load.percentile(values, 0.95), 3) if values else None}


def run(app: str, bare: str, data_dir: Path, changes: int, pages: set[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - the browser only for this benchmark

    chosen = provinces(data_dir)[:changes + 4]  # none twice in a run
    units, names = [key for key, _ in chosen], dict(chosen)
    results: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # the bare page: its select box names provinces "Tỉnh 1".."Tỉnh 34"
            firsts, times = [], []
            for i in range(3):
                seconds, page = first_chart(browser, f"{bare}/?unit={i}")
                firsts.append(seconds)
                page.close()
            seconds, page = first_chart(browser, f"{bare}/?unit=0")
            for i in range(1, changes + 1):
                times.append(timed_change(page, "Tỉnh", f"Tỉnh {i + 1}", 0, sidebar=False))
            page.close()
            results["bare: first chart"] = summary(firsts)
            results["bare: select"] = summary(times)
            # the dashboard: a domain page and So sánh
            for path, count, indicators in [p for p in (("viec-lam", 3, None),
                                     ("so-sanh", 1, ["workers_abroad", "urban_unemployment_rate", "jobs_created",
                                                  "trained_labour_rate", "poor_household_rate",
                                                  "households_out_of_poverty", "vocational_enrolment",
                                                  "near_poor_household_rate", "social_assistance_recipients"]))
                                            if pages is None or p[0] in pages]:
                firsts, unit_times, indicator_times, all_times = [], [], [], []
                for unit in units[-3:]:  # first chart: three links that no change below opens
                    seconds, page = first_chart(browser, f"{app}/{path}?unit={unit}&period={PERIOD}&geo=34")
                    firsts.append(seconds)
                    page.close()
                seconds, page = first_chart(browser, f"{app}/{path}?unit={units[0]}&period={PERIOD}&geo=34")
                for unit in units[1:changes + 1]:
                    unit_times.append(timed_change(page, "Đơn vị", names[unit], 0, sidebar=True, count=count,
                                                   every=all_times if count > 1 else None))
                if indicators:
                    for name in indicator_names(indicators)[:changes]:
                        indicator_times.append(timed_change(page, "Chỉ tiêu", name, 0, sidebar=False))
                page.close()
                results[f"{path}: first chart"] = summary(firsts)
                results[f"{path}: unit"] = summary(unit_times)
                if all_times:
                    results[f"{path}: unit, all charts"] = summary(all_times)
                if indicator_times:
                    results[f"{path}: indicator"] = summary(indicator_times)
            if pages is not None and "giam-ngheo" not in pages:
                return results
            # the domain page's own indicator (the map and trend fragment): its map, the second chart
            seconds, page = first_chart(browser, f"{app}/giam-ngheo?unit={units[0]}&period={PERIOD}&geo=34")
            map_times = []
            for name in indicator_names(["near_poor_household_rate", "households_out_of_poverty",
                                         "poor_household_rate", "ethnic_minority_poor_rate"])[:changes]:
                map_times.append(timed_change(page, "Chỉ tiêu", name, 1, sidebar=False, count=3))
            page.close()
            results["giam-ngheo: map indicator"] = summary(map_times)
        finally:
            browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=8, help="widget changes timed per page (at most 16)")
    parser.add_argument("--url", help="a running dashboard instead of serving one (its data folder: --data-dir)")
    parser.add_argument("--bare-url", help="a running bare page (with --url)")
    parser.add_argument("--data-dir", help="data folder (default: the demo, built in a temporary folder)")
    parser.add_argument("--pages", help="only these of viec-lam,so-sanh,giam-ngheo (comma-separated; the bare page always)")
    parser.add_argument("--json")
    args = parser.parse_args()
    changes = max(1, min(args.changes, 16))
    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="kpi_unit_change_") as tmp:
        try:
            data_dir = Path(args.data_dir) if args.data_dir else Path(tmp) / "data"
            if args.url:
                app, bare = args.url.rstrip("/"), (args.bare_url or "").rstrip("/")
                if not bare or not args.data_dir:
                    parser.error("--url needs --bare-url and --data-dir")
            else:
                env = {**os.environ, "KPI_DATA_DIR": str(data_dir)}
                if not args.data_dir:
                    subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), "--create", "demo"],
                                   cwd=bench_load.REPO, env=env, check=True, stdout=subprocess.DEVNULL)
                servers.append(bench_load.serve("dashboard.py", APP_PORT, env, Path(tmp) / "dashboard.log"))
                servers.append(bench_load.serve(str(HERE / "bare_app.py"), BARE_PORT, env, Path(tmp) / "bare.log"))
                app, bare = f"http://127.0.0.1:{APP_PORT}", f"http://127.0.0.1:{BARE_PORT}"
            for base, log in ((app, "dashboard.log"), (bare, "bare.log")):
                bench_load.wait_healthy(base, log=Path(tmp) / log)
            load_before = bench_load.load_average()
            results = run(app, bare, data_dir, changes, set(args.pages.split(",")) if args.pages else None)
            load_after = bench_load.load_average()
        finally:
            bench_load.stop(servers)
    floor = {"first chart": results["bare: first chart"], "change": results["bare: select"]}
    print(f"{'what':<28} {'n':>3} {'median s':>9} {'p95 s':>7} {'× bare (median)':>16}")
    for name, row in results.items():
        base = floor["first chart"] if name.endswith("first chart") else floor["change"]
        ratio = row["median_s"] / base["median_s"] if row["median_s"] and base["median_s"] else float("nan")
        row["ratio_to_bare"] = round(ratio, 2)
        print(f"{name:<28} {row['n']:>3} {row['median_s']:>9.3f} {row['p95_s']:>7.3f} {ratio:>16.2f}")
    print(f"load average: before {load_before}, after {load_after}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "load_average": [load_before, load_after]},
                                              ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
