"""Fair peers of the project's page questions (benchmarks/bench_queries.py, issue 14 item 4).

Each peer answers a page's question (targets, periods, indicators; with the same period last year)
with the rows the project returns: unit, period, indicator, actual, plan, previous, achievement_pct,
change_pct, by the project's rules for this dataset (counts summed; rates as sum of numerators over
sum of denominators, only when every atom has both; plans of rates have no aggregate; a figure is
complete when every atom reports; last year's figure only when complete and comparable; achievement
actual/plan x 100, plan/actual x 100 where lower is better). Every plan of the dataset is a level
plan, so plan kinds are not re-implemented here.

- `pandas_sums`, `polars_sums`: given the same precomputed sums as the project (the loaded snapshot's
  target_sums with each target's number of atoms, exported once), they look the question up: pandas
  by a sorted MultiIndex (reindex), polars by filters, and join last year.
- `polars_raw`: polars in memory over the raw facts (read once), no precomputation: filter, join with
  the atom map, group by, per question.
- `duckdb_parquet`: plain DuckDB over the Parquet file per question (benchmarks/peer_duckdb_parquet.sql:
  read_parquet, join with the atom map, group by, last year joined in SQL).
- `commune_data.pandas_figures`: the old peer, plain pandas re-joining and re-grouping all facts per
  question (kept as `pandas_regroup`).

All are given the same metadata as the project: the catalogue (aggregation, direction), the number
of atoms per target, and which (unit, period, indicator) can be compared with last year (same
territory, same poverty standard: kpi.units.geography, kpi.store.standards), as one small table.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from kpi.periods import parse_period

HERE = Path(__file__).resolve().parent
KEYS = ["unit", "period", "indicator"]
ANSWER = KEYS + ["actual", "plan", "previous", "achievement_pct", "change_pct"]


def previous_period(period: str) -> str:
    return parse_period(period).same_period_last_year().code


@dataclass
class Metadata:
    """What every peer is given: catalogue, atoms per target, comparability with last year."""
    catalogue: pd.DataFrame     # code, aggregation, direction
    cover: pd.DataFrame         # target, n_atoms
    comparable: pd.DataFrame    # unit, period, indicator, comparable (with the same period last year)


def metadata(snapshot, target_cover: pd.DataFrame, targets: list[str], periods: list[str]) -> Metadata:
    """The metadata every peer is given, for the targets and periods the benchmark asks about."""
    from kpi import figures
    from kpi.store import standards
    from kpi.units import geography

    catalogue = figures.indicators(snapshot)[["code", "aggregation", "direction"]].reset_index(drop=True)
    newest = target_cover[target_cover["generation"] == target_cover["generation"].max()]
    cover = newest[["target", "n_atoms"]].reset_index(drop=True)
    codes = list(catalogue["code"])
    grid = pd.MultiIndex.from_product([targets, periods, codes], names=KEYS).to_frame(index=False)
    previous = grid["period"].map({p: previous_period(p) for p in periods})
    covered = geography.covered_territories(figures.units(snapshot))
    territory = geography.same_territory(covered, grid["unit"], grid["period"], previous)
    standard = standards.same_standard(grid["indicator"].to_numpy(), grid["period"].to_numpy(), previous.to_numpy())
    grid["comparable"] = territory & standard
    return Metadata(catalogue, cover, grid)


# --- the figure rules, vectorised (pandas and NumPy) --------------------------------------------------

def _figures(aggregation, n_atoms, n_actual, n_plan, n_num, n_den, sum_actual, sum_plan, sum_num, sum_den):
    """actual, plan, complete from the sums (NaN counts: no row)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        is_sum, is_ratio = aggregation == "sum", aggregation == "ratio"
        parts = (n_num == n_atoms) & (n_den == n_atoms) & (sum_den > 0)
        actual = np.where(is_sum & (n_actual > 0), sum_actual,
                          np.where(is_ratio & parts, sum_num / sum_den * 100, np.nan))
        plan = np.where(is_sum & (n_plan == n_atoms), sum_plan, np.nan)
        complete = ~np.isnan(actual) & (n_actual == n_atoms)
    return actual, plan, complete


def _measures(actual, plan, complete, direction, previous):
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.where((plan > 0) & (actual >= 0), actual / plan * 100, np.nan)
        down = np.where((actual > 0) & (plan >= 0), plan / actual * 100,
                        np.where(actual == 0, np.where(plan > 0, np.inf, np.where(plan == 0, 100.0, np.nan)), np.nan))
        achievement = np.where(complete & ~np.isnan(plan), np.where(direction < 0, down, up), np.nan)
        change = np.where(~np.isnan(previous) & (previous != 0), (actual / previous - 1) * 100, np.nan)
    return achievement, change


# --- pandas given the precomputed sums ------------------------------------------------------------------

class PandasSums:
    """The project's target_sums as a pandas frame indexed by (target, period, indicator), sorted once."""

    def __init__(self, sums: pd.DataFrame, meta: Metadata):
        frame = sums.merge(meta.cover, on="target", how="left")
        self.sums = frame.set_index(["target", "period", "indicator"]).sort_index()[
            ["n_atoms", "n_actual", "n_plan", "n_num", "n_den", "sum_actual", "sum_plan", "sum_num", "sum_den"]]
        self.catalogue = meta.catalogue.set_index("code")
        self.comparable = meta.comparable.set_index(KEYS)["comparable"].sort_index()
        self.covered = set(meta.cover["target"])

    def _figures_at(self, index: pd.MultiIndex, aggregation):
        rows = self.sums.reindex(index)
        return _figures(aggregation, *(rows[c].to_numpy(dtype="float64") for c in rows.columns))

    def __call__(self, targets, periods, codes) -> pd.DataFrame:
        targets = [t for t in dict.fromkeys(targets) if t in self.covered]   # once each; a unit without atoms has no rows
        periods, codes = list(dict.fromkeys(periods)), list(dict.fromkeys(codes))
        now = pd.MultiIndex.from_product([targets, periods, codes], names=KEYS)
        before = pd.MultiIndex.from_product([targets, [previous_period(p) for p in periods], codes], names=KEYS)
        meta = self.catalogue.reindex(now.get_level_values("indicator"))
        aggregation, direction = meta["aggregation"].to_numpy(), meta["direction"].to_numpy(dtype="float64")
        actual, plan, complete = self._figures_at(now, aggregation)
        last, _, last_complete = self._figures_at(before, aggregation)
        comparable = self.comparable.reindex(now).fillna(False).to_numpy(dtype=bool)
        previous = np.where(comparable & last_complete, last, np.nan)
        achievement, change = _measures(actual, plan, complete, direction, previous)
        return pd.DataFrame({"unit": now.get_level_values(0), "period": now.get_level_values(1),
                             "indicator": now.get_level_values(2), "actual": actual, "plan": plan, "previous": previous,
                             "achievement_pct": achievement, "change_pct": change})


# --- polars ---------------------------------------------------------------------------------------------------

def _polars_figures(frame):
    """Add actual, plan, complete to a polars frame of sums joined with the catalogue and n_atoms."""
    import polars as pl

    is_sum, is_ratio = pl.col("aggregation") == "sum", pl.col("aggregation") == "ratio"
    parts = (pl.col("n_num") == pl.col("n_atoms")) & (pl.col("n_den") == pl.col("n_atoms")) & (pl.col("sum_den") > 0)
    actual = (pl.when(is_sum & (pl.col("n_actual") > 0)).then(pl.col("sum_actual"))
              .when(is_ratio & parts).then(pl.col("sum_num") / pl.col("sum_den") * 100).otherwise(None))
    plan = pl.when(is_sum & (pl.col("n_plan") == pl.col("n_atoms"))).then(pl.col("sum_plan")).otherwise(None)
    frame = frame.with_columns(actual=actual, plan=plan)
    return frame.with_columns(complete=pl.col("actual").is_not_null() & (pl.col("n_actual") == pl.col("n_atoms")))


def _polars_answer(sel, targets, periods, comparable):
    """From per-(target, period, indicator) figures of the asked and last year's periods: the answer."""
    import polars as pl

    previous = {p: previous_period(p) for p in periods}
    now = sel.filter(pl.col("period").is_in(list(periods))).with_columns(
        prev_period=pl.col("period").replace_strict(previous, default=None))
    last = sel.filter(pl.col("complete")).select(
        pl.col("target"), pl.col("period").alias("prev_period"), pl.col("indicator"), pl.col("actual").alias("last"))
    out = (now.join(last, on=["target", "prev_period", "indicator"], how="left")
              .join(comparable, left_on=["target", "period", "indicator"], right_on=KEYS, how="left"))
    previous_value = pl.when(pl.col("comparable").fill_null(False)).then(pl.col("last")).otherwise(None)
    out = out.with_columns(previous=previous_value)
    up = pl.when((pl.col("plan") > 0) & (pl.col("actual") >= 0)).then(pl.col("actual") / pl.col("plan") * 100)
    down = (pl.when((pl.col("actual") > 0) & (pl.col("plan") >= 0)).then(pl.col("plan") / pl.col("actual") * 100)
            .when((pl.col("actual") == 0) & (pl.col("plan") > 0)).then(float("inf"))
            .when((pl.col("actual") == 0) & (pl.col("plan") == 0)).then(100.0))
    achievement = (pl.when(pl.col("complete") & pl.col("plan").is_not_null())
                   .then(pl.when(pl.col("direction") < 0).then(down).otherwise(up)))
    change = (pl.when(pl.col("previous").is_not_null() & (pl.col("previous") != 0))
              .then((pl.col("actual") / pl.col("previous") - 1) * 100))
    return out.select(pl.col("target").alias("unit"), "period", "indicator", "actual", "plan", "previous",
                      achievement.alias("achievement_pct"), change.alias("change_pct"))


class PolarsSums:
    """The same precomputed sums as a polars frame (joined once with the catalogue and n_atoms)."""

    def __init__(self, sums: pd.DataFrame, meta: Metadata):
        import polars as pl

        frame = sums.merge(meta.cover, on="target", how="left").merge(
            meta.catalogue.rename(columns={"code": "indicator"}), on="indicator", how="left")
        self.sums = _polars_figures(pl.from_pandas(frame[[
            "target", "period", "indicator", "aggregation", "direction", "n_atoms", "n_actual", "n_plan", "n_num",
            "n_den", "sum_actual", "sum_plan", "sum_num", "sum_den"]]))
        self.comparable = pl.from_pandas(meta.comparable)

    def __call__(self, targets, periods, codes):
        import polars as pl

        wanted = sorted(set(periods) | {previous_period(p) for p in periods})
        sel = self.sums.filter(pl.col("target").is_in(list(targets)) & pl.col("period").is_in(wanted)
                               & pl.col("indicator").is_in(list(codes)))
        return _polars_answer(sel, targets, periods, self.comparable)


class PolarsRaw:
    """polars in memory over the raw facts (read once from the Parquet file), no precomputation."""

    def __init__(self, facts_path: Path, unit_atoms: pd.DataFrame, meta: Metadata):
        import polars as pl

        facts = pl.read_parquet(facts_path, columns=["unit", "period", "indicator", "actual", "plan",
                                                     "numerator", "denominator"])
        one = unit_atoms[unit_atoms["generation"] == unit_atoms["generation"].max()]
        atoms = one[["target", "atom"]].merge(meta.cover, on="target")
        # as a good polars programmer keeps them: keys as enums (integer codes), so that filters and the
        # join compare integers, not strings
        self.units = pl.Enum(sorted(set(facts["unit"].unique().to_list()) | set(atoms["atom"])))
        self.periods = pl.Enum(sorted(facts["period"].unique().to_list()))
        self.codes = pl.Enum(sorted(facts["indicator"].unique().to_list()))
        self.facts = facts.with_columns(pl.col("unit").cast(self.units), pl.col("period").cast(self.periods),
                                        pl.col("indicator").cast(self.codes))
        self.atoms = pl.from_pandas(atoms).with_columns(pl.col("atom").cast(self.units))
        self.catalogue = pl.from_pandas(meta.catalogue.rename(columns={"code": "indicator"}))
        self.comparable = pl.from_pandas(meta.comparable)

    def __call__(self, targets, periods, codes):
        import polars as pl

        wanted = sorted({p for p in set(periods) | {previous_period(p) for p in periods}
                         if p in self.periods.categories})
        codes = [c for c in codes if c in self.codes.categories]
        facts = self.facts.filter(pl.col("period").is_in(wanted) & pl.col("indicator").is_in(codes))
        atoms = self.atoms.filter(pl.col("target").is_in(list(targets)))
        sums = (facts.join(atoms, left_on="unit", right_on="atom")
                .with_columns(pl.col("period").cast(pl.String), pl.col("indicator").cast(pl.String))
                .group_by(["target", "period", "indicator"])
                .agg(pl.col("n_atoms").first(), pl.col("actual").count().alias("n_actual"),
                     pl.col("plan").count().alias("n_plan"), pl.col("numerator").count().alias("n_num"),
                     pl.col("denominator").count().alias("n_den"), pl.col("actual").sum().alias("sum_actual"),
                     pl.col("plan").sum().alias("sum_plan"), pl.col("numerator").sum().alias("sum_num"),
                     pl.col("denominator").sum().alias("sum_den")))
        sel = _polars_figures(sums.join(self.catalogue, on="indicator", how="left"))
        return _polars_answer(sel, targets, periods, self.comparable)

    def memory_mb(self) -> float:
        return self.facts.estimated_size() / 2**20


# --- plain DuckDB over the Parquet file --------------------------------------------------------------------------

class DuckDBParquet:
    """One DuckDB connection with the atom map, catalogue and comparability registered; each question
    reads the Parquet file (read_parquet with the period and indicator filters pushed down)."""

    SQL = (HERE / "peer_duckdb_parquet.sql").read_text(encoding="utf-8")

    def __init__(self, facts_path: Path, unit_atoms: pd.DataFrame, meta: Metadata):
        self.path = str(facts_path)
        self.con = duckdb.connect(":memory:")
        one = unit_atoms[unit_atoms["generation"] == unit_atoms["generation"].max()]
        self.con.register("atoms_frame", one[["target", "atom"]].merge(meta.cover, on="target"))
        self.con.register("catalogue_frame", meta.catalogue)
        self.con.register("comparable_frame", meta.comparable)
        self.con.execute((HERE / "peer_duckdb_setup.sql").read_text(encoding="utf-8"))

    def __call__(self, targets, periods, codes) -> pd.DataFrame:
        previous = [previous_period(p) for p in periods]
        return self.con.execute(self.SQL, {
            "path": self.path, "targets": list(targets), "indicators": list(codes),
            "wanted": sorted(set(periods) | set(previous)), "current": list(periods), "previous": previous,
        }).df()

    def close(self) -> None:
        self.con.close()


# --- agreement ------------------------------------------------------------------------------------------------------

def as_pandas(answer) -> pd.DataFrame:
    frame = answer if isinstance(answer, pd.DataFrame) else answer.to_pandas()
    frame = frame[[c for c in ANSWER if c in frame.columns]].copy()
    for key in KEYS:
        frame[key] = frame[key].astype(str)
    return frame


def agree(project: pd.DataFrame, peer, columns=("actual", "plan", "previous", "achievement_pct", "change_pct"),
          rtol: float = 1e-9) -> dict:
    """Same rows (unit, period, indicator) and the same `columns` (NaN as NaN), within rtol."""
    ours, theirs = as_pandas(project), as_pandas(peer)
    both = ours.merge(theirs, on=KEYS, suffixes=("", "_peer"))
    out = {"rows": len(ours), "peer_rows": len(theirs), "matched": len(both),
           "same_rows": len(ours) == len(theirs) == len(both)}
    differing = []
    for column in columns:
        a = both[column].to_numpy(dtype="float64")
        b = both[f"{column}_peer"].to_numpy(dtype="float64")
        if not np.allclose(a, b, rtol=rtol, atol=0, equal_nan=True):
            differing.append(column)
    out["differing"] = differing
    out["ok"] = out["same_rows"] and not differing
    return out
