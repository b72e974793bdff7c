"""Run every benchmark and print one table of the figures against DESIGN section 9's targets.

    .venv/bin/python benchmarks/run_all.py [--scale 10] [--skip-app]

Runs bench_queries.py and, when present, bench_import.py, bench_sensitivity.py and bench_load_snapshot.py
(on /tmp/bench/d2m when it is there, else its --quick dataset; with --scale 10 on every ready
/tmp/bench dataset: make them with benchmarks/make_dataset.py). A benchmark
that accepts `--json OUT` writes {"figures": [{"key", "what", "value", "unit", "target", "better",
"met"}, ...]}; its figures go into the table. A benchmark without --json is run and its output
shown as is. A target that is missed is printed as MISSED with its figure; a target with no
figure is printed as NOT MEASURED.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# DESIGN section 9: (what, target text, regular expression on figure keys or the script's name)
TARGETS = [
    ("page query set, 2.5M facts, warm p95", "<= 50 ms", r"^query_p95_warm_\w+_x1$"),
    ("page query set, 25M facts, warm p95", "<= 300 ms", r"^query_p95_warm_\w+_x10$"),
    ("against pandas over the whole frame, same questions", ">= 10x", r"^pandas_ratio_"),
    ("process start to the first page served", "<= 3 s", r"^start_to_health$"),
    ("URL to the first chart drawn in headless Chromium (demo)", "<= 2 s", r"^url_to_chart"),
    ("resident memory of the app process with 2.5M facts", "<= 400 MB",
     r"^(rss_after_load|hwm_after_pages|app_rss_benchmark)_x1$"),
    ("rank sensitivity: 100 units x 20 criteria x 10,000 draws", "<= 1 s", r"sensitivity"),
    ("import: 1M-row CSV validated and written as a snapshot", "<= 10 s", r"import"),
    ("load a 24M-fact snapshot (issue 14): time, cold", "<= 15 s", r"^load_cold_\w+_s_x10$"),
    ("load a 24M-fact snapshot (issue 14): peak RSS", "<= 1 GB", r"^load_cold_\w+_mb_x10$"),
    ("loading: floor, reopen, 'as of' (bench_load_snapshot.py)", "", r"^load_"),
]
# Benchmarks without --json: figures read from their printed lines (key, what, unit, target)
PRINTED = {
    "bench_import.py": [
        (r"total import:\s*([\d.]+) s", "import_total", "import of a 1M-row CSV, validated and written", "s", 10.0),
    ],
    "bench_sensitivity.py": [
        (r"median ([\d.]+) s", "sensitivity_median", "rank sensitivity, median of runs", "s", 1.0),
        (r"slowest ([\d.]+) s", "sensitivity_slowest", "rank sensitivity, slowest run", "s", 1.0),
    ],
}


def accepts_json(script: Path) -> bool:
    try:
        help_text = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True,
                                   timeout=120).stdout
    except subprocess.TimeoutExpired:
        return False
    return "--json" in help_text


def run(script: Path, extra: list[str]) -> tuple[int, list[dict]]:
    print(f"\n########## {script.name} {' '.join(extra)}", flush=True)
    if not accepts_json(script):
        done = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent, capture_output=True, text=True)
        print(done.stdout, end="")
        print(done.stderr, end="", file=sys.stderr)
        return done.returncode, printed_figures(script.name, done.stdout)
    fd, out = tempfile.mkstemp(prefix=f"{script.stem}-", suffix=".json")
    os.close(fd)
    try:
        status = subprocess.run([sys.executable, str(script), *extra, "--json", out], cwd=HERE.parent).returncode
        try:
            figures = json.loads(Path(out).read_text() or "{}").get("figures", [])
        except ValueError:
            figures = []
        for row in figures:
            row.setdefault("source", script.name)
        return status, figures
    finally:
        Path(out).unlink(missing_ok=True)


def printed_figures(name: str, output: str) -> list[dict]:
    rows = []
    for pattern, key, what, unit, target in PRINTED.get(name, []):
        match = re.search(pattern, output)
        if match:
            rows.append({"key": key, "what": what, "value": float(match.group(1)), "unit": unit, "target": target,
                         "better": "lower", "met": None, "source": name})
    return rows


def fmt_value(row: dict) -> str:
    value = row.get("value")
    if value is None:
        return "-"
    unit = row.get("unit", "")
    if unit == "x":
        return f"{value:.1f}x"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}".strip()


def verdict(row: dict) -> str:
    met = row.get("met")
    if met is None and row.get("target") is not None and row.get("value") is not None:
        better = row.get("better", "lower")
        met = row["value"] <= row["target"] if better == "lower" else row["value"] >= row["target"]
    return {True: "met", False: "MISSED", None: ""}[met]


def _matches(pattern: str, row: dict) -> bool:
    return bool(re.search(pattern, row.get("key", "")) or re.search(pattern, row.get("source", "")))


def print_summary(figures: list[dict], failures: list[str]) -> None:
    print("\n" + "=" * 100)
    print("Summary against DESIGN section 9 targets")
    print("=" * 100)
    used = set()
    width = 66
    for what, target, pattern in TARGETS:
        rows = [r for r in figures if id(r) not in used and _matches(pattern, r)]
        if not rows:
            print(f"{what[:width]:{width}} {target:>10}  {'NOT MEASURED':>12}")
            continue
        print(f"{what[:width]:{width}} {target:>10}")
        for row in rows:
            used.add(id(row))
            print(f"    {row['what'][:width - 4]:{width - 4}} {fmt_value(row):>12}  {verdict(row)}")
    others = [r for r in figures if id(r) not in used]
    if others:
        print("\nOther figures")
        for row in others:
            print(f"    {row['what'][:width - 4]:{width - 4}} {fmt_value(row):>12}  {verdict(row)}")
    missed = [r for r in figures if verdict(r) == "MISSED"]
    print(f"\n{len(missed)} target figure(s) missed" + (": " + ", ".join(r["what"] for r in missed) if missed else ""))
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"Load average during the run (2-core machine, shared): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="10: ~24M facts for the query benchmark")
    parser.add_argument("--skip-app", action="store_true", help="bench_queries.py without starting streamlit")
    args = parser.parse_args(argv)
    figures: list[dict] = []
    failures: list[str] = []
    query_args = ["--scale", str(args.scale)] + (["--skip-app"] if args.skip_app else [])
    load_args = [] if args.scale > 1 else ["--data-dir", "/tmp/bench/d2m"] if Path("/tmp/bench/d2m.READY").exists() \
        else ["--quick"]
    for name, extra in (("bench_queries.py", query_args), ("bench_import.py", []), ("bench_sensitivity.py", []),
                        ("bench_load_snapshot.py", load_args)):
        script = HERE / name
        if not script.is_file():
            print(f"\n(not present: {name})")
            continue
        status, rows = run(script, extra)
        figures.extend(rows)
        if status != 0:
            failures.append(f"{name} exited with status {status}")
    print_summary(figures, failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
