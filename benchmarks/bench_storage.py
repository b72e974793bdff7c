"""Benchmark: snapshot storage that grows with the change (delta snapshots, kpi.store.deltas).

Run: .venv/bin/python benchmarks/bench_storage.py [--quick] [--facts N] [--disk-facts N] [--imports N]
[--csv-rows N] [--s3]

Prints, with the load average:
1. imports of 1.000 and 10.000 rows (half replace figures, half add new ones) into a history of
   --facts facts (2,39M: benchmarks/commune_data.py with the catalogue's first 24 indicators): seconds
   to prepare (read, validate, read the touched rows of the head, upsert, warnings) and to commit,
   rows and bytes written (target for 10.000 rows: ≤ 1 s in all);
2. disk use of the snapshots over --imports imports of 1.000 replaced figures (written as an import
   commits, without its preparation) into a history of --disk-facts
   facts, with compaction (the default policy), without it (one unbounded chain), and as full
   copies (every import compacted: how it was before deltas);
3. loading a snapshot into DuckDB (seconds, peak resident memory of a fresh process): the full
   history, and the same history as a base with 20 deltas of 1.000 figures;
4. a --csv-rows (1M) CSV import into an empty folder against the floor: DuckDB's read_csv plus a
   Parquet write of the same file.
With --s3 (SeaweedFS on 127.0.0.1:8333, scripts/seaweedfs.sh, keys in KPI_S3_*), part 1 also runs
with the snapshot files on S3.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import commune_data
import duckdb
import numpy as np
import pandas as pd
from bench_import import FLOOR_SQL, make_csv

from kpi import store
from kpi.access.users import local_user
from kpi.importing.merge import commit_import, prepare_import
from kpi.importing.readers import MAX_FILE_BYTES
from kpi.store import deltas
from kpi.store.indicators import load_indicators

CATALOGUE = load_indicators()
COUNTS = CATALOGUE[CATALOGUE["unit_of_measure"] != "%"]["code"].tolist()


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


HISTORY_INDICATORS = 24  # the catalogue's first 24 indicators: 3.321 communes x 24 x 30 periods = 2,39M facts


def history(data_dir: Path, n_facts: int) -> pd.DataFrame:
    """Write the benchmark's commune-scale history as the data folder's first snapshot and return its
    facts: benchmarks/commune_data.py's communes x the catalogue's first HISTORY_INDICATORS indicators
    x 10 years x 3 periods = 2,39M facts, the issue's "2,4M" (the whole catalogue, 44 indicators, now
    makes 4,38M); fewer communes for fewer facts."""
    full = 3321 * HISTORY_INDICATORS * 3 * commune_data.N_YEARS
    limit = None if n_facts >= full else max(20, round(3321 * n_facts / full))
    snapshot, _communes = commune_data.write_benchmark_snapshot(data_dir, limit=limit, n_indicators=HISTORY_INDICATORS)
    UNITS_OF[data_dir], CATALOGUE_OF[data_dir] = store.read_table(snapshot, "units"), store.read_table(snapshot, "indicators")
    return store.read_table(snapshot, "facts")


def import_rows(facts: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """n rows of the history's units and indicators: half replace figures of 2025 (9 months, year), half add
    figures of months the history does not hold (2025-M10, 2025-M11)."""
    rng = np.random.default_rng(seed)
    counts = set(COUNTS)  # counts, not rates (a rate is 0-100 with its numerator and denominator)
    recent = facts[facts["period"].isin(["2025-M09", "2025"]) & facts["indicator"].isin(counts)]  # communes: from 7/2025
    changed = recent.iloc[rng.choice(len(recent), min(n // 2, len(recent)), replace=False)][["indicator", "unit", "period"]]
    pairs = recent[["indicator", "unit"]].drop_duplicates()
    picked = pairs.iloc[rng.choice(len(pairs), n - n // 2, replace=len(pairs) < n - n // 2)]
    added = picked.assign(period=np.where(np.arange(len(picked)) % 2, "2025-M10", "2025-M11"))
    added = added.drop_duplicates(["indicator", "unit", "period"])
    rows = pd.concat([changed, added], ignore_index=True)
    rows["actual"] = rng.integers(100, 50000, len(rows))
    return rows


def one_import(data_dir: Path, rows: pd.DataFrame, name: str) -> dict:
    data = rows.to_csv(index=False).encode("utf-8")
    started, cpu_started = time.perf_counter(), time.process_time()
    report = prepare_import([(name, data)], data_dir=data_dir, max_bytes=MAX_FILE_BYTES)
    prepared = time.perf_counter()
    if not report.ok:
        raise SystemExit(f"import refused: {report.errors[0].text()}")
    snapshot = commit_import(report, note="benchmark", created_by="benchmarks/bench_storage.py", data_dir=data_dir,
                             accept_warnings=True)
    done = time.perf_counter()
    own = snapshot.manifest["files"]
    facts_file = deltas.DELTA_FILE if deltas.DELTA_FILE in own else deltas.FULL_FILE
    return {"prepare_s": prepared - started, "commit_s": done - prepared, "total_s": done - started,
            "cpu_s": time.process_time() - cpu_started,
            "rows_written": own[facts_file]["rows"], "file": facts_file, "snapshot": snapshot}


def direct_delta(data_dir: Path, facts: pd.DataFrame, n: int, seed: int) -> dict:
    """A snapshot that replaces n figures of the history, written and committed as an import's
    (write_folder with its delta, commit_folder) without the import's preparation: what the storage
    costs, apart from reading, validating and merging the file."""
    rng = np.random.default_rng(seed)
    rows = facts.iloc[rng.choice(len(facts), n, replace=False)].copy()
    rows["actual"] = rng.integers(100, 50000, n).astype(float)
    parent, passed_over = store.import_base(data_dir)
    started = time.perf_counter()
    snapshot = store.write_folder(facts, UNITS_OF[data_dir], CATALOGUE_OF[data_dir], created_by="benchmarks",
                                  parent=parent.id, data_dir=data_dir, delta=rows, parent_manifest=parent.manifest)
    done = store.commit_folder(snapshot, user=local_user(), units=sorted(set(rows["unit"])), approve=True,
                               passed_over=passed_over, data_dir=data_dir)
    assert done.ok
    own = snapshot.manifest["files"]
    facts_file = deltas.DELTA_FILE if deltas.DELTA_FILE in own else deltas.FULL_FILE
    return {"rows_written": own[facts_file]["rows"], "snapshot": snapshot, "write_s": time.perf_counter() - started}


UNITS_OF: dict[Path, pd.DataFrame] = {}
CATALOGUE_OF: dict[Path, pd.DataFrame] = {}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_imports(tmp: Path, n_facts: int, label: str) -> None:
    data_dir = tmp / f"imports-{label}"
    started = time.perf_counter()
    facts = history(data_dir, n_facts)
    print(f"[{label}] history of {len(facts):,} facts written in {time.perf_counter() - started:.1f} s")
    for n, seed in ((1_000, 1), (10_000, 2)):
        result = direct_delta(data_dir, facts, n, 50 + seed)
        print(f"[{label}] write + commit alone of {n:>6,} replaced figures: {result['write_s']:.2f} s; wrote "
              f"{result['rows_written']:,} fact rows (load average {load_average()})")
    for n, seed in ((1_000, 1), (10_000, 2)):
        result = one_import(data_dir, import_rows(facts, n, seed), f"import-{n}.csv")
        size = result["snapshot"].manifest["files"][result["file"]]
        target = " (target ≤ 1 s)" if n == 10_000 else ""
        print(f"[{label}] import {n:>6,} rows: prepare {result['prepare_s']:.2f} s + commit {result['commit_s']:.2f} s"
              f" = {result['total_s']:.2f} s wall, {result['cpu_s']:.2f} s CPU{target}; wrote {result['rows_written']:,}"
              f" fact rows ({result['file']}, sha {size['sha256'][:8]}) (load average {load_average()})")


def bench_disk(tmp: Path, n_facts: int, imports: int) -> None:
    policies = {"compaction (20 deltas / 25 % of the base)": (deltas.MAX_DELTAS, deltas.MAX_DELTA_FRACTION),
                "no compaction": (10**9, float("inf")), "full copies (before deltas)": (0, 0.0)}
    for name, (max_deltas, fraction) in policies.items():
        deltas.MAX_DELTAS, deltas.MAX_DELTA_FRACTION = max_deltas, fraction
        data_dir = tmp / f"disk-{uuid.uuid4().hex[:6]}"
        facts = history(data_dir, n_facts)
        start_bytes = folder_bytes(data_dir / "snapshots")
        started, marks, written = time.perf_counter(), {}, 0
        for i in range(imports):
            written += direct_delta(data_dir, facts, 1_000, 100 + i)["rows_written"]
            if i + 1 in (1, 10, 50, imports):
                marks[i + 1] = folder_bytes(data_dir / "snapshots")
        took = time.perf_counter() - started
        growth = ", ".join(f"after {k}: {v / 2**20:.1f} MB" for k, v in marks.items())
        print(f"disk, {name}: base {start_bytes / 2**20:.1f} MB; {growth}; {written:,} fact rows written in "
              f"{imports} imports, {took:.0f} s (load average {load_average()})")
    deltas.MAX_DELTAS, deltas.MAX_DELTA_FRACTION = 20, 0.25


LOAD_CHILD = """
import json, resource, sys, time
from kpi import store
from kpi.access.users import local_user
from kpi.store import database
snapshot = store.get_snapshot(sys.argv[2], sys.argv[1])
started = time.perf_counter()
database.load(snapshot)
took = time.perf_counter() - started
print(json.dumps({"s": took, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "layers": len(snapshot.manifest.get("facts_layers") or [1])}))
"""


def bench_load(tmp: Path, n_facts: int) -> None:
    data_dir = tmp / "load"
    facts = history(data_dir, n_facts)
    full = store.get_snapshot(None, data_dir)
    deltas.MAX_DELTA_FRACTION = 1.0
    head = full
    for i in range(20):
        head = direct_delta(data_dir, facts, 1_000, 200 + i)["snapshot"]
    deltas.MAX_DELTA_FRACTION = 0.25
    for label, snapshot in (("full file", full), ("base + 20 deltas", head)):
        out = subprocess.run([sys.executable, "-c", LOAD_CHILD, str(data_dir), snapshot.id], capture_output=True,
                             text=True, check=True, env=dict(os.environ))
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"load {label} ({snapshot.manifest['counts']['facts']:,} facts, {figures['layers']} layers): "
              f"{figures['s']:.2f} s, peak RSS {figures['rss_mb']:.0f} MB (load average {load_average()})")


def bench_csv(tmp: Path, rows: int) -> None:
    csv_path = tmp / "figures.csv"
    make_csv(csv_path, rows)
    started = time.perf_counter()
    duckdb.execute(FLOOR_SQL, {"path": str(csv_path), "out": str(tmp / "floor.parquet")})
    floor = time.perf_counter() - started
    (tmp / "csv").mkdir()  # an empty data folder (the commit's lock file needs the folder)
    started = time.perf_counter()
    report = prepare_import([(csv_path.name, csv_path.read_bytes())], data_dir=tmp / "csv", max_bytes=MAX_FILE_BYTES)
    prepared = time.perf_counter()
    commit_import(report, note="benchmark", created_by="benchmarks/bench_storage.py", data_dir=tmp / "csv",
                  accept_warnings=True)
    done = time.perf_counter()
    print(f"csv {rows:,} rows into an empty folder: prepare {prepared - started:.2f} s + commit {done - prepared:.2f} s"
          f" = {done - started:.2f} s; floor (DuckDB read_csv + Parquet write) {floor:.2f} s: "
          f"{(done - started) / floor:.1f}x the floor (load average {load_average()})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every part")
    parser.add_argument("--facts", type=int, default=2_400_000)
    parser.add_argument("--disk-facts", type=int, default=240_000)
    parser.add_argument("--imports", type=int, default=100)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--s3", action="store_true", help="part 1 on S3 too (KPI_S3_* set, SeaweedFS running)")
    parser.add_argument("--only", choices=["imports", "disk", "load", "csv"], default=None)
    args = parser.parse_args()
    if args.quick:
        args.facts, args.disk_facts, args.imports, args.csv_rows = 60_000, 30_000, 12, 50_000
    print(f"bench_storage: load average {load_average()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        os.environ.pop("KPI_STORAGE", None)
        if args.only in (None, "imports"):
            bench_imports(tmp, args.facts, "local")
            if args.s3:
                os.environ["KPI_STORAGE"] = f"s3://kpi/bench-{uuid.uuid4().hex[:8]}"
                bench_imports(tmp, args.facts, "s3")
                os.environ.pop("KPI_STORAGE")
        if args.only in (None, "disk"):
            bench_disk(tmp, args.disk_facts, args.imports)
        if args.only in (None, "load"):
            bench_load(tmp, args.facts)
        if args.only in (None, "csv"):
            bench_csv(tmp, args.csv_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
