"""Benchmark: loading a snapshot into DuckDB (kpi.store.database), beside the floor (issue 14, item 5).

    .venv/bin/python benchmarks/bench_load_snapshot.py [--data-dir DIR ...] [--deltas 20] [--in-memory] [--json OUT]
    .venv/bin/python benchmarks/bench_load_snapshot.py --quick          # a small generated dataset, every part

For each data folder (default: /tmp/bench/d2m and /tmp/bench/d24m, the 2,4M- and 24M-fact datasets
of benchmarks/make_dataset.py --indicators 24, each used when its .READY file is there), every
figure measured in a fresh child process (wall seconds, CPU seconds of the process and its DuckDB
threads, peak resident memory VmHWM), with the load average:

1. the floor: DuckDB's read_parquet count and a full scan of every column of the facts file, and
   pyarrow reading the whole file
   (its strings kept dictionary-encoded, as they are in the file);
2. the load from the full file, cold (an empty cache folder: the DuckDB cache file is built);
3. the reopen of the same snapshot (its cache file there: a file open);
4. the load of the same facts as a base + --deltas deltas of 1.000 replaced figures (a data folder of
   its own under /tmp/bench/, the base hard-linked, kept for the next run), cold;
5. "as of": with the newest snapshot of that chain loaded, opening its older base (both cached);
6. with --in-memory: the load from the full file with no cache folder (KPI_LOAD_CACHE=off: built in
   a compressed in-memory database, as before the cache).
The snapshot is loaded with the commune atom map (benchmarks/commune_data.py), as bench_queries.py
loads it; the atom map is computed before the clock starts. Targets (issue 14): load a 24M-fact
snapshot <= 15 s and <= 1 GB peak.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DIRS = [Path("/tmp/bench/d2m"), Path("/tmp/bench/d24m")]
TARGET_S, TARGET_MB = 15.0, 1024.0


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


# --- child process ----------------------------------------------------------------------------------

def _memory() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def _clock():
    return time.perf_counter(), time.process_time()


def _since(start) -> dict[str, float]:
    wall, cpu = start
    return {"s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def child(args) -> dict:
    sys.path.insert(0, str(HERE))
    import commune_data

    from kpi import store
    from kpi.store import database

    if args.step == "floor":
        import duckdb
        import pyarrow.parquet as pq

        path = args.path
        before = _memory()
        con = duckdb.connect(":memory:")
        start = _clock()
        count = con.execute("SELECT count(*) FROM read_parquet($path)", {"path": path}).fetchone()[0]
        counted = _since(start)
        start = _clock()
        con.execute(
            "SELECT sum(length(indicator) + length(unit) + length(period)), sum(actual), sum(plan), sum(plan_high),"
            " sum(numerator), sum(denominator), count(plan_kind), count(source), count(note), count(estimate_status)"
            " FROM read_parquet($path)", {"path": path}).fetchall()
        scanned = _since(start)
        con.close()
        start = _clock()
        strings = [f.name for f in pq.read_schema(path) if str(f.type) == "string"]
        table = pq.read_table(path, read_dictionary=strings)  # strings as read: dictionary-encoded
        read = _since(start)
        del table
        return {"rows": count, "count": counted, "scan": scanned, "pyarrow": read, "before": before, "after": _memory()}

    snapshots = [store.get_snapshot_at(path, path.rstrip("/").rsplit("/", 1)[-1]) for path in args.snapshots]
    atoms = commune_data.atom_map(commune_data.load_communes(snapshots[0]))
    start = _clock()
    for snapshot in snapshots:  # the SHA-256 check of every file, once per process: timed apart
        store.damage(snapshot)
    checked = _since(start)
    before = _memory()
    steps = []
    for snapshot in snapshots:
        start = _clock()
        con = database.load(snapshot, atom_map=atoms)
        took = _since(start)
        took["facts"] = con.execute("SELECT count(*) FROM facts").fetchone()[0]
        took["sums"] = con.execute("SELECT count(*) FROM target_sums").fetchone()[0]
        steps.append(took)
    return {"steps": steps, "check": checked, "before": before, "after": _memory()}


# --- orchestration -----------------------------------------------------------------------------------

def run_child(step: str, extra: list[str], env: dict | None = None) -> dict:
    fd, out = tempfile.mkstemp(prefix="bench-load-", suffix=".json")
    os.close(fd)
    try:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", step, "--child-out", out, *extra],
                       cwd=REPO, check=True, env={**os.environ, **(env or {})})
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


def _snapshot_dirs(data_dir: Path) -> list[Path]:
    from kpi import store

    return [Path(s.path) for s in store.list_snapshots(data_dir)]  # newest first


def chain_folder(data_dir: Path, n_deltas: int) -> Path:
    """A data folder holding data_dir's snapshot (hard links) and n_deltas deltas of 1.000 replaced
    figures on it, written as an import commits them (kept for the next run)."""
    import numpy as np
    import pyarrow.parquet as pq

    from kpi import store
    from kpi.access.users import local_user
    from kpi.store import catalogue, deltas, snapshots

    base_dir = _snapshot_dirs(data_dir)[-1]
    folder = Path(f"{data_dir}-chain{n_deltas}")
    if folder.is_dir() and len(_snapshot_dirs(folder)) == n_deltas + 1:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "snapshots" / base_dir.name).mkdir(parents=True)
    for path in base_dir.iterdir():
        os.link(path, folder / "snapshots" / base_dir.name / path.name)
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    with snapshots.catalogue_connection(folder) as con:  # the base, registered as its own folder registered it
        catalogue.register(con, snapshot_id=manifest["id"], parent=None, created_by=manifest["user"],
                           author_name=manifest["user"], created_at=manifest["created_precise"], note=manifest["note"],
                           files={name: info["sha256"] for name, info in manifest["files"].items()})
    facts_file = pq.ParquetFile(base_dir / "facts.parquet")
    n_facts = facts_file.metadata.num_rows
    units, indicators = (pq.read_table(base_dir / f"{t}.parquet").to_pandas() for t in ("units", "indicators"))
    rng = np.random.default_rng(14)
    for i in range(n_deltas):
        group = facts_file.read_row_group(int(rng.integers(facts_file.num_row_groups))).to_pandas()
        size = min(1000, len(group), n_facts // (5 * n_deltas))  # a small dataset: deltas it does not compact
        rows = group.iloc[rng.choice(len(group), size, replace=False)].copy()
        rows["actual"] = rows["actual"].fillna(0.0) + 1.0
        parent, passed_over = store.import_base(folder)
        if deltas.compaction_due(deltas.facts_layers(parent.id, parent.manifest), len(rows)):
            raise SystemExit("the chain would be compacted: use fewer deltas (kpi.store.deltas.MAX_DELTAS)")
        snapshot = store.write_folder(lambda: None, units, indicators, created_by="benchmarks/bench_load_snapshot.py",
                                      note=f"delta {i + 1}", parent=parent.id, data_dir=folder, delta=rows,
                                      parent_manifest=parent.manifest, facts_rows=n_facts)
        done = store.commit_folder(snapshot, user=local_user(), units=sorted(set(rows["unit"])), approve=True,
                                   passed_over=passed_over, data_dir=folder)
        assert done.ok
    return folder


def _cpu_ratio(step: dict, floor: dict) -> str:
    return f"CPU {step['cpu_s'] / max(floor['scan']['cpu_s'], 1e-3):.0f}x the scan's"


def _mb(memory: dict) -> str:
    return f"{memory['VmHWM']:,.0f} MB"


def bench_folder(data_dir: Path, n_deltas: int, in_memory: bool, figures: list[dict]) -> None:
    snapshots = _snapshot_dirs(data_dir)
    if len(snapshots) != 1:
        raise SystemExit(f"{data_dir}: expected one snapshot (benchmarks/make_dataset.py), found {len(snapshots)}")
    snapshot = snapshots[0]
    n_facts = json.loads((snapshot / "manifest.json").read_text())["counts"]["facts"]
    label = f"{n_facts / 1e6:.1f}M".replace(".", ",")
    key = "x10" if n_facts > 10_000_000 else "x1"
    print(f"\n== {data_dir}: {n_facts:,} facts ({label}); load average {load_average()}", flush=True)

    def add(name, what, value, unit, target=None):
        figures.append({"key": f"load_{name}_{key}", "what": f"{label} facts: {what}", "value": value, "unit": unit,
                        "target": target if key == "x10" else None, "better": "lower", "met": None})

    floor = run_child("floor", ["--path", str(snapshot / "facts.parquet")])
    print(f"floor: DuckDB read_parquet count {floor['count']['s']:.2f} s; full scan of every column "
          f"{floor['scan']['s']:.2f} s ({floor['scan']['cpu_s']:.1f} s CPU); pyarrow read_table (dictionary strings) "
          f"{floor['pyarrow']['s']:.2f} s, peak {_mb(floor['after'])} (load average {load_average()})", flush=True)
    add("floor_scan", "floor: DuckDB full scan of the Parquet file", floor["scan"]["s"], "s")

    with tempfile.TemporaryDirectory(prefix="bench-load-cache-") as cache:
        env = {"KPI_LOAD_CACHE": cache}
        cold = run_child("load", ["--snapshots", str(snapshot)], env)
        step = cold["steps"][0]
        print(f"load from the full file, cold (cache file built): {step['s']:.2f} s ({step['cpu_s']:.1f} s CPU), "
              f"{step['s'] / floor['scan']['s']:.1f}x the full scan ({_cpu_ratio(step, floor)}); peak RSS {_mb(cold['after'])} "
              f"(before loading {cold['before']['VmRSS']:.0f} MB); {step['facts']:,} facts, {step['sums']:,} target sums; "
              f"before it, the SHA-256 check of the files {cold['check']['s']:.2f} s (load average {load_average()})",
              flush=True)
        size = sum(f.stat().st_size for f in Path(cache).glob("*.duckdb")) / 1e6
        print(f"cache file: {size:,.0f} MB (facts.parquet {(snapshot / 'facts.parquet').stat().st_size / 1e6:,.0f} MB)",
              flush=True)
        add("cold_full_s", "load from the full file, cold", step["s"], "s", TARGET_S)
        add("cache_file_mb", "size of the snapshot's cache file", size, "MB")
        add("cold_full_mb", "peak RSS of the loading process", cold["after"]["VmHWM"], "MB", TARGET_MB)
        warm = run_child("load", ["--snapshots", str(snapshot)], env)
        step = warm["steps"][0]
        print(f"reopen (its cache file there): {step['s']:.2f} s; peak RSS {_mb(warm['after'])} "
              f"(load average {load_average()})", flush=True)
        add("reopen_s", "reopen of a loaded-before snapshot (cache file)", step["s"], "s")
        add("reopen_mb", "peak RSS of the reopening process", warm["after"]["VmHWM"], "MB")

    if n_deltas:
        started = time.perf_counter()
        chain = chain_folder(data_dir, n_deltas)
        print(f"(chain of {n_deltas} deltas ready in {chain} after {time.perf_counter() - started:.1f} s)", flush=True)
        dirs = _snapshot_dirs(chain)
        head, base = dirs[0], dirs[-1]
        with tempfile.TemporaryDirectory(prefix="bench-load-cache-") as cache:
            env = {"KPI_LOAD_CACHE": cache}
            cold = run_child("load", ["--snapshots", str(head)], env)
            step = cold["steps"][0]
            print(f"load base + {n_deltas} deltas, cold: {step['s']:.2f} s ({step['cpu_s']:.1f} s CPU), "
                  f"{step['s'] / floor['scan']['s']:.1f}x the full scan ({_cpu_ratio(step, floor)}); "
                  f"peak RSS {_mb(cold['after'])}; {step['facts']:,} facts (load average {load_average()})", flush=True)
            add("cold_deltas_s", f"load base + {n_deltas} deltas, cold", step["s"], "s", TARGET_S)
            add("cold_deltas_mb", "peak RSS loading base + deltas", cold["after"]["VmHWM"], "MB", TARGET_MB)
            run_child("load", ["--snapshots", str(base)], env)  # the older one has been opened before too
            as_of = run_child("load", ["--snapshots", str(head), str(base)], env)
            head_step, base_step = as_of["steps"]
            print(f"'as of': newest of the chain opened in {head_step['s']:.2f} s, then its older base in "
                  f"{base_step['s']:.2f} s; peak RSS {_mb(as_of['after'])} (load average {load_average()})", flush=True)
            add("as_of_s", "open an older snapshot 'as of' (cache file)", base_step["s"], "s")

    if in_memory:
        old = run_child("load", ["--snapshots", str(snapshot)], {"KPI_LOAD_CACHE": "off"})
        step = old["steps"][0]
        print(f"load from the full file in memory (no cache folder): {step['s']:.2f} s ({step['cpu_s']:.1f} s CPU); "
              f"peak RSS {_mb(old['after'])} (load average {load_average()})", flush=True)
        add("in_memory_s", "load in memory, no cache folder", step["s"], "s")
        add("in_memory_mb", "peak RSS, in memory", old["after"]["VmHWM"], "MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, action="append", help="a data folder of make_dataset.py (repeatable)")
    parser.add_argument("--deltas", type=int, default=20, help="deltas of 1.000 figures on the base (0: none)")
    parser.add_argument("--in-memory", action="store_true", help="also load with no cache folder (in memory)")
    parser.add_argument("--quick", action="store_true", help="a small generated dataset (60 communes, 2 years)")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON (for run_all.py)")
    parser.add_argument("--child", choices=["floor", "load"], help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--snapshots", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.step = args.child
        Path(args.child_out).write_text(json.dumps(child(args)))
        return 0

    print(f"bench_load_snapshot: load average {load_average()}, {os.cpu_count()} cores", flush=True)
    figures: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="bench-load-data-") as scratch:
        if args.quick:
            folder = Path(scratch) / "quick"
            subprocess.run([sys.executable, str(HERE / "make_dataset.py"), str(folder), "--limit", "60", "--years", "2",
                            "--indicators", "24"], cwd=REPO, check=True)
            folders = [folder]
            args.deltas = min(args.deltas, 3)
        else:
            folders = args.data_dir or [d for d in DEFAULT_DIRS if Path(f"{d}.READY").exists()]
        if not folders:
            print("no data folder: make one with benchmarks/make_dataset.py DIR --indicators 24 [--scale 10]")
            return 1
        for folder in folders:
            bench_folder(folder, args.deltas, args.in_memory, figures)
    print(f"\nTargets (issue 14): a 24M-fact snapshot loads in <= {TARGET_S:.0f} s with <= {TARGET_MB:.0f} MB peak; "
          f"load average now {load_average()}")
    if args.json:
        Path(args.json).write_text(json.dumps({"figures": figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
