"""Possible but unusual figures: warnings the user confirms before an import writes (issue 15).

A rise of more than CHANGE_WARNING_PCT on the same period last year, and a plan more than
PLAN_WARNING_FACTOR times, or less than a fifth, of the actual, are listed in the import report by
file, row and column; nothing is written until they are confirmed (the Dữ liệu page's checkbox,
`--accept-warnings` on the command line).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import formulas
from kpi.importing.bounds import by_codes, each_distinct
from kpi.importing.messages import Issue, Phrase
from kpi.importing.validate import KEY, Problems
from kpi.periods import parse_period

CHANGE_WARNING_PCT = 100.0     # a rise of more than this on the same period last year is unusual
PLAN_WARNING_FACTOR = 5.0      # a plan more than 5 times, or less than a fifth, of the actual is unusual


def _shift_table(uniques, years: int) -> np.ndarray:
    """Each distinct period code moved by `years` (the same months), or None where that year cannot
    exist; one None more at the end (for a missing period, code -1)."""
    def shift(code: str):
        year = int(code[:4]) + years
        return f"{year}{code[4:]}" if 1945 <= year <= 2100 else None
    return np.array([shift(str(code)) for code in uniques] + [None], dtype=object)


def _shifted(periods: pd.Series, years: int) -> pd.Series:
    """Each period code moved by `years` (the same months), or None where that year cannot exist."""
    codes, uniques = pd.factorize(periods)
    table = _shift_table(uniques, years)
    return pd.Series(table[np.where(codes >= 0, codes, len(uniques))], index=periods.index, dtype=object)


def keys_compared(facts: pd.DataFrame) -> pd.DataFrame:
    """The keys (indicator, unit, period) whose figures unusual_figures compares for these rows: each
    row's own, and its unit's same period a year before and a year after. The new snapshot's figures
    at these keys are all it reads, so an import reads of its parent only these (merge.prepare_import)."""
    own = facts[KEY]
    shifted = [own.assign(period=_shifted(own["period"], years)) for years in (-1, 1)]
    keys = pd.concat([own, *shifted], ignore_index=True).dropna()
    return keys.drop_duplicates(ignore_index=True)


class _Held:
    """The figures the new snapshot would hold, looked up by (indicator, unit, period) as one
    integer per row (Arrow's index_in over the distinct texts): a million look-ups in milliseconds."""

    def __init__(self, new_facts: pd.DataFrame, rows: pd.DataFrame, periods: list[pd.Series]):
        """`periods`: other period codes looked up (the rows' shifted periods; their distinct values do)."""
        self.sets = {}
        for column in KEY:
            texts = set(new_facts[column].unique()) | set(rows[column].unique())
            if column == "period":
                texts |= {p for series in periods for p in series.dropna().unique()}
            self.sets[column] = pa.array(sorted(map(str, texts)), type=pa.string())
        self.index = pd.Index(self.key(new_facts))
        self.values = {c: new_facts[c].to_numpy(dtype="float64") for c in ("actual", "plan")}

    def _codes(self, values: pd.Series, column: str) -> np.ndarray:
        strings = pa.array(values, from_pandas=True)
        value_set = self.sets[column]
        if strings.type != value_set.type:
            strings = strings.cast(value_set.type) if len(strings) else pa.array([], type=value_set.type)
        found = pc.index_in(strings, value_set=value_set)
        return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def pair(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(indicator and unit as one integer, where either is unknown) of each row."""
        indicator, unit = self._codes(frame["indicator"], "indicator"), self._codes(frame["unit"], "unit")
        return indicator * len(self.sets["unit"]) + unit, (indicator < 0) | (unit < 0)

    def key(self, frame: pd.DataFrame, period: pd.Series | None = None,
            pair: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """`pair`: self.pair(frame), when already computed (the same rows at another period)."""
        indicator_unit, unknown = self.pair(frame) if pair is None else pair
        period = self._codes(frame["period"] if period is None else period, "period")
        key = indicator_unit * len(self.sets["period"]) + period
        return np.where(unknown | (period < 0), -1, key)

    def key_of_codes(self, period_codes: np.ndarray, periods: pd.Series,
                     pair: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """key() of rows whose periods are `periods` at `period_codes` (-1: missing), the rows' `pair`:
        each distinct period looked up once, not each row's."""
        indicator_unit, unknown = pair
        table = np.append(self._codes(periods, "period"), -1)
        period = table[np.where(period_codes >= 0, period_codes, len(table) - 1)]
        key = indicator_unit * len(self.sets["period"]) + period
        return np.where(unknown | (period < 0), -1, key)

    def get(self, keys: np.ndarray, column: str, index: pd.Index) -> pd.Series:
        """new_facts[column] at each key (NaN where absent)."""
        at = self.index.get_indexer(keys)
        at[keys < 0] = -1
        values = self.values[column]
        return pd.Series(np.where(at >= 0, values[np.maximum(at, 0)], np.nan), index=index)


def unusual_figures(facts: pd.DataFrame, new_facts: pd.DataFrame, catalogue: pd.DataFrame,
                    issues: list[Issue]) -> None:
    """Warn about imported figures that are possible but unusual, named by file, row and column:

    - the actual more than doubles on the same period last year (CHANGE_WARNING_PCT), whether that
      figure is already in the snapshot or in the same file; and a figure that makes the same
      period of the following year (already held) more than double;
    - a plan more than PLAN_WARNING_FACTOR times, or less than 1/PLAN_WARNING_FACTOR of, the actual
      (for a cumulative period of a count or an amount, against the actual carried to a whole year).
    The figures compared are those the new snapshot would hold (`new_facts`), at keys_compared(facts):
    `new_facts` may hold only those."""
    if facts is None or facts.empty:
        return
    problems = Problems(issues)
    meta = catalogue.set_index("code")
    rows = facts.reset_index(drop=True)
    # the rows' periods as codes into their distinct values, shifted a year back and on per distinct value
    period_codes, period_uniques = pd.factorize(rows["period"])
    at = np.where(period_codes >= 0, period_codes, len(period_uniques))
    before_table, after_table = _shift_table(period_uniques, -1), _shift_table(period_uniques, 1)
    before = pd.Series(before_table[at], index=rows.index, dtype=object)
    after = pd.Series(after_table[at], index=rows.index, dtype=object)
    held = _Held(new_facts, rows, [pd.Series(before_table, dtype=object), pd.Series(after_table, dtype=object)])
    pair = held.pair(rows)  # the rows' indicator and unit, looked up once for their three periods
    own = held.key_of_codes(period_codes, pd.Series(np.asarray(period_uniques, dtype=object), dtype=object), pair)
    actual, plan = held.get(own, "actual", rows.index), held.get(own, "plan", rows.index)
    spread = by_codes(rows["indicator"], meta, ["direction", "aggregation", "decimals"])
    direction = spread["direction"].fillna(0).to_numpy(dtype="float64")
    is_ratio = spread["aggregation"].eq("ratio").to_numpy()
    scale = 10.0 ** spread["decimals"].fillna(2).astype(int)

    def shown(values: pd.Series, where: pd.Series) -> pd.Series:  # quoted with its indicator's decimals
        return (values[where] * scale[where]).round() / scale[where]

    def change(current: pd.Series, previous: pd.Series, needed: pd.Series) -> pd.Series:
        """change_pct where `needed` (NaN elsewhere): computed only on the rows a warning may name, those
        with both figures, so an import into an empty folder does not compute it for every row twice."""
        at = np.flatnonzero(needed.to_numpy() & current.notna().to_numpy() & previous.notna().to_numpy())
        out = np.full(len(current), np.nan)
        if len(at):
            measures = formulas.measures_arrays(current.to_numpy()[at], np.full(len(at), np.nan), direction[at],
                                                np.ones(len(at), dtype=bool), previous.to_numpy()[at], is_ratio[at])
            out[at] = measures["change_pct"]
        return pd.Series(out, index=current.index)

    def periods(codes: pd.Series, where: pd.Series) -> pd.Series:
        return each_distinct(codes[where], parse_period)

    previous = held.get(held.key_of_codes(period_codes, pd.Series(before_table[:-1], dtype=object), pair),
                        "actual", rows.index)
    # a rise of more than CHANGE_WARNING_PCT needs the actual above previous × (1 + pct/100); asked here
    # with half that rise, so that no rounding of the division can hide a warning
    rises = 1 + CHANGE_WARNING_PCT / 200
    rise = change(actual, previous, previous.gt(0) & actual.gt(previous * rises))
    up = rise.gt(CHANGE_WARNING_PCT) & previous.gt(0)
    problems.rows(rows.loc[up, ["file", "row"]], rows["_actual_column"], Phrase("imp_warn_change", {
        "change": rise[up].round(0), "period": periods(before, up), "previous": shown(previous, up)}), "warning")

    following_key = held.key_of_codes(period_codes, pd.Series(after_table[:-1], dtype=object), pair)
    following = held.get(following_key, "actual", rows.index)
    also_imported = pd.Series(np.isin(following_key, own) & (following_key >= 0), index=rows.index)
    next_rise = change(following, actual, actual.gt(0) & ~also_imported & following.gt(actual * rises))
    next_up = next_rise.gt(CHANGE_WARNING_PCT) & actual.gt(0) & ~also_imported
    problems.rows(rows.loc[next_up, ["file", "row"]], rows["_actual_column"], Phrase("imp_warn_change_next", {
        "change": next_rise[next_up].round(0), "period": periods(after, next_up),
        "following": shown(following, next_up)}), "warning")

    months = pd.Series(np.array([parse_period(c).months for c in period_uniques])[period_codes], index=rows.index)
    carried = ~is_ratio & months.lt(12).to_numpy()
    annual = actual.where(~carried, actual * 12 / months)
    ratio = plan / annual
    off = actual.gt(0) & plan.gt(0) & (ratio.gt(PLAN_WARNING_FACTOR) | ratio.lt(1 / PLAN_WARNING_FACTOR))
    ratio_text = ratio[off].round(2).where(ratio[off] >= 0.01, ratio[off].round(4))
    level, cumulative = off & ~carried, off & carried
    problems.rows(rows.loc[level, ["file", "row"]], rows["_plan_column"], Phrase("imp_warn_plan", {
        "plan": shown(plan, level), "actual": shown(actual, level), "ratio": ratio_text}), "warning")
    problems.rows(rows.loc[cumulative, ["file", "row"]], rows["_plan_column"], Phrase("imp_warn_plan_cumulative", {
        "plan": shown(plan, cumulative), "actual": shown(actual, cumulative), "ratio": ratio_text,
        "months": months[cumulative], "annual": shown(annual, cumulative)}), "warning")
