"""Write the benchmark's commune-scale dataset (benchmarks/commune_data.py) into a data folder.

    .venv/bin/python benchmarks/make_dataset.py DIR [--scale 10] [--indicators 24] [--years 10] [--limit N]

`--indicators 24` takes the first 24 indicators of the catalogue: 2,39M facts at scale 1 and 23,9M at
scale 10, the sizes of issue 14. DIR becomes a data folder (snapshots/ and catalogue.sqlite, as
bench_queries.py --keep makes) holding one approved snapshot; it must not hold one already. Prints
the facts written, the seconds, the peak resident memory (VmHWM) and the load average.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import commune_data


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--scale", type=int, default=1, help="reporting units per commune (10: ~24M facts)")
    parser.add_argument("--indicators", type=int, default=None, help="only the first N indicators of the catalogue")
    parser.add_argument("--years", type=int, default=commune_data.N_YEARS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N communes")
    args = parser.parse_args(argv)
    if (args.data_dir / "snapshots").exists() and any((args.data_dir / "snapshots").iterdir()):
        print(f"{args.data_dir} already holds snapshots", file=sys.stderr)
        return 1
    args.data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    snapshot, communes = commune_data.write_benchmark_snapshot(args.data_dir, scale=args.scale, limit=args.limit,
                                                               n_years=args.years, n_indicators=args.indicators)
    took = time.perf_counter() - started
    size_mb = sum(p.stat().st_size for p in snapshot.path.iterdir()) / 2**20
    print(f"snapshot {snapshot.id}: {snapshot.manifest['counts']['facts']:,} facts, {len(communes):,} reporting units,"
          f" {snapshot.manifest['counts']['indicators']} indicators, {size_mb:.0f} MB of Parquet, written in {took:.1f} s;"
          f" peak RSS {peak_rss_mb():.0f} MB (load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
