"""Benchmark: validate and write a snapshot from a 1,000,000-row CSV (DESIGN section 9: ≤ 10 s), and
check a 200,000-row XLSX as the Dữ liệu page does (issue 15: "a few seconds").

Run standalone: .venv/bin/python benchmarks/bench_import.py [--rows N] [--xlsx-rows N]
Generates the CSV in a temporary folder (units written as names, GSO codes and keys; periods in
several spellings; counts and rates with numerator and denominator), imports it onto an empty
data folder and prints the seconds for reading + validation, for the snapshot write, and in total,
beside the floor of the same run (issue 14: DuckDB's own read_csv of the file plus a Parquet write).
Then writes the first --xlsx-rows rows of the same figures as a filled template (sheet "Số liệu",
Vietnamese headers, typed numbers; openpyxl's write-only mode) and prints the seconds to check it
(read + validate + preview of the changes, what the page computes before showing the report).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import pandas as pd

from kpi.importing.merge import commit_import, prepare_import
from kpi.importing.readers import CANONICAL, FIGURES_SHEET, MAX_FILE_BYTES, TEMPLATE_HEADERS
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

# the floor an import is measured against (issue 14): DuckDB's own read_csv of the file plus a Parquet
# write of it ($path: the CSV file, $out: the Parquet file)
FLOOR_SQL = "COPY (SELECT * FROM read_csv($path)) TO $out (FORMAT parquet)"


def make_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]
    # provinces that exist in every period generated (1960-2024: no founding date): every row is valid
    provinces = provinces[provinces["valid_from"].isna()]
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
    return frame


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    make_frame(rows, seed).to_csv(path, index=False)


def make_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    """A filled import template: the figures as typed numbers, an empty cell where there is none."""
    frame = make_frame(rows, seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(FIGURES_SHEET)
    sheet.append([TEMPLATE_HEADERS[c] for c in CANONICAL])
    columns = [frame[c].to_numpy(dtype=object) for c in CANONICAL]
    for values in zip(*columns):
        sheet.append([None if (isinstance(v, float) and np.isnan(v)) or v == "" else v for v in values])
    book.save(path)


def bench_xlsx(tmp: Path, rows: int) -> None:
    xlsx_path = tmp / "figures.xlsx"
    started = time.perf_counter()
    make_xlsx(xlsx_path, rows)
    print(f"generated {rows:,} rows as XLSX ({xlsx_path.stat().st_size / 2**20:.1f} MB) "
          f"in {time.perf_counter() - started:.1f} s")
    started, cpu_started = time.perf_counter(), time.process_time()
    report = prepare_import([(xlsx_path.name, xlsx_path.read_bytes())], data_dir=tmp / "xlsx_data",
                            max_bytes=MAX_FILE_BYTES)
    checked, cpu_checked = time.perf_counter(), time.process_time()
    state = "ok" if report.ok else f"{len(report.errors)} errors, first: {report.errors[0].text()}"
    print(f"xlsx check:      {checked - started:.2f} s wall, {cpu_checked - cpu_started:.2f} s CPU "
          f"({rows:,} rows, {state}; load average {os.getloadavg()[0]:.1f})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000, help="0: no XLSX case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "figures.csv"
        started = time.perf_counter()
        make_csv(csv_path, args.rows)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 2**20:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        # the floor (issue 14): DuckDB's own read_csv of the same file plus a Parquet write of it
        started, cpu_started = time.perf_counter(), time.process_time()
        duckdb.execute(FLOOR_SQL, {"path": str(csv_path), "out": str(Path(tmp) / "floor.parquet")})
        floor, floor_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()  # the commit's lock file needs the folder
        started, cpu_started = time.perf_counter(), time.process_time()
        report = prepare_import([(csv_path.name, csv_path.read_bytes())], data_dir=data_dir,
                                max_bytes=MAX_FILE_BYTES)
        validated, cpu_validated = time.perf_counter(), time.process_time()
        if not report.ok:
            for issue in report.errors[:10]:
                print("error:", issue.text())
            return 1
        # the generated figures are random: many are "unusual" (warnings), accepted here as a user would
        snapshot = commit_import(report, note="benchmark", created_by="benchmarks/bench_import.py",
                                 data_dir=data_dir, accept_warnings=True)
        written, cpu_written = time.perf_counter(), time.process_time()
        # CPU seconds beside wall seconds: on a shared 2-core machine the wall time depends on the load
        print(f"read + validate: {validated - started:.2f} s wall, {cpu_validated - cpu_started:.2f} s CPU "
              f"({len(report.warnings):,} warnings listed)")
        print(f"snapshot write:  {written - validated:.2f} s wall, {cpu_written - cpu_validated:.2f} s CPU "
              f"({snapshot.manifest['counts']['facts']:,} facts)")
        print(f"total import:    {written - started:.2f} s wall, {cpu_written - cpu_started:.2f} s CPU "
              f"(target ≤ 10 s; load average {os.getloadavg()[0]:.1f})")
        print(f"floor (DuckDB read_csv + Parquet write): {floor:.2f} s wall, {floor_cpu:.2f} s CPU; the import is "
              f"{(written - started) / floor:.1f}x the floor in wall time, {(cpu_written - cpu_started) / floor_cpu:.1f}x "
              f"in CPU time (target ≤ 2x; load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})")
        if args.xlsx_rows:
            bench_xlsx(Path(tmp), args.xlsx_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
