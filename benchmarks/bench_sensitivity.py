"""Rank sensitivity at scale (DESIGN section 9): 100 units × 20 criteria × 10,000 draws, target ≤ 1 s.

Standalone: python benchmarks/bench_sensitivity.py [--runs 5] [--units 100 --criteria 20 --draws 10000]
Times kpi.scoring.simulate_ranks (kpi/scoring/sensitivity.py: weights perturbed and methods switched,
every draw ranked as the page ranks it, complete units first, by kpi.scoring.ranks_complete_first
over kpi.formulas.competition_ranks) plus the per-unit summary (median rank, 5-95 percentile band,
probability of first place), on random fractions under all four methods with one unit in twenty
missing a figure; prints the median and the slowest run in seconds.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kpi import scoring  # noqa: E402


def one_run(fractions, weights, base, allowed, adjustments, complete, draws: int) -> float:
    start = time.perf_counter()
    ranks = scoring.simulate_ranks(fractions, weights, base, allowed, adjustments, draws=draws, seed=1,
                                   complete=complete)
    np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    (ranks == 1).mean(axis=0)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--criteria", type=int, default=20)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    n_methods = len(scoring.METHODS)
    fractions = rng.uniform(0, 1, size=(n_methods, args.criteria, args.units))
    weights = rng.integers(2, 15, size=args.criteria).astype(float)
    weights *= 100 / weights.sum()
    base = rng.integers(0, n_methods, size=args.criteria)
    allowed = np.ones((n_methods, args.criteria), dtype=bool)
    adjustments = np.zeros(args.units)
    complete = np.arange(args.units) % 20 != 19  # the incomplete units are ranked after the others
    one_run(fractions, weights, base, allowed, adjustments, complete, 100)  # warm-up (imports, BLAS threads)
    times = [one_run(fractions, weights, base, allowed, adjustments, complete, args.draws) for _ in range(args.runs)]
    print(f"rank sensitivity: {args.units} units × {args.criteria} criteria × {args.draws:,} draws, "
          f"{args.runs} runs: median {statistics.median(times):.3f} s, slowest {max(times):.3f} s (target ≤ 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
