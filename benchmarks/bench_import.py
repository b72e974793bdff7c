"""Benchmark: validate and write a snapshot from a 1,000,000-row CSV (DESIGN section 9: ≤ 10 s).

Run standalone: .venv/bin/python benchmarks/bench_import.py [--rows N]
Generates the CSV in a temporary folder (units written as names, GSO codes and keys; periods in
several spellings; counts and rates with numerator and denominator), imports it onto an empty
data folder and prints the seconds for reading + validation, for the snapshot write, and in total.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.importing.merge import commit_import, prepare_import
from kpi.importing.readers import MAX_FILE_BYTES
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]
    spellings = np.array([s for _, u in provinces.iterrows() for s in (u["name_vi"], u["gso_code"], u["unit"])])
    unit_text = spellings.reshape(-1, 3)  # one of three spellings per province
    catalogue = load_indicators()
    codes = catalogue["code"].to_numpy()
    is_rate = (catalogue["unit_of_measure"] == "%").to_numpy()
    periods = [f"{y}" if m == 12 else f"{y}-M{m:02d}" for y in range(1960, 2025) for m in range(1, 13)]
    n_units, n_ind = len(unit_text), len(codes)
    idx = np.arange(rows)
    unit_i = idx % n_units
    ind_i = (idx // n_units) % n_ind
    per_i = idx // (n_units * n_ind)
    if per_i.max() >= len(periods):
        raise SystemExit(f"at most {len(periods) * n_units * n_ind} distinct rows")
    denominator = rng.integers(1000, 100000, rows).astype(float)
    numerator = np.floor(denominator * rng.random(rows))
    rate_row = is_rate[ind_i]
    actual = np.where(rate_row, numerator / denominator * 100, rng.integers(0, 50000, rows))
    plan = np.where(rate_row, np.round(rng.random(rows) * 100, 2), rng.integers(0, 50000, rows))
    frame = pd.DataFrame({
        "unit": unit_text[unit_i, idx % 3],
        "period": np.array(periods)[per_i],
        "indicator": codes[ind_i],
        "actual": np.round(actual, 4),
        "plan": plan,
        "numerator": np.where(rate_row, numerator, np.nan),
        "denominator": np.where(rate_row, denominator, np.nan),
        "source": "Báo cáo tổng hợp",
        "note": "",
    })
    frame.to_csv(path, index=False)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "figures.csv"
        started = time.perf_counter()
        make_csv(csv_path, args.rows)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 2**20:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        data_dir = Path(tmp) / "data"
        started, cpu_started = time.perf_counter(), time.process_time()
        report = prepare_import([(csv_path.name, csv_path.read_bytes())], data_dir=data_dir,
                                max_bytes=MAX_FILE_BYTES)
        validated, cpu_validated = time.perf_counter(), time.process_time()
        if not report.ok:
            for issue in report.errors[:10]:
                print("error:", issue.text())
            return 1
        snapshot = commit_import(report, note="benchmark", created_by="benchmarks/bench_import.py",
                                 data_dir=data_dir)
        written, cpu_written = time.perf_counter(), time.process_time()
        # CPU seconds beside wall seconds: on a shared 2-core machine the wall time depends on the load
        print(f"read + validate: {validated - started:.2f} s wall, {cpu_validated - cpu_started:.2f} s CPU")
        print(f"snapshot write:  {written - validated:.2f} s wall, {cpu_written - cpu_validated:.2f} s CPU "
              f"({snapshot.manifest['counts']['facts']:,} facts)")
        print(f"total import:    {written - started:.2f} s wall, {cpu_written - cpu_started:.2f} s CPU "
              f"(target ≤ 10 s; load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
