"""What a scorecard is scored on: its units resolved to keys and its figures from the snapshot.

The figures come from kpi.figures.figures_cached (queries/facts_aggregate.sql, facts.parquet
columns actual and plan). A figure that cannot be scored keeps a reason code in `missing`
(said by kpi.scoring.totals in the page's language), never a silent 0.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from kpi import figures as figures_mod
from kpi import formulas
from kpi.memo import shared
from kpi.periods import parse_period
from kpi.scoring.scorecard import PLAN_RATIO, Criterion, Scorecard, ScorecardError
from kpi.units.resolve import UnitError, resolve_unit

INPUT_COLUMNS = ["unit", "name", "criterion", "indicator", "direction", "uom", "decimals", "actual", "plan", "missing",
                 "plan_kind", "plan_high", "figure", "baseline"]
# why a figure is not scored (text key: score_missing_<code>)
NO_FIGURE, NOT_COMPARABLE, NO_ACTUAL = "no_figure", "not_comparable", "no_actual"
INCOMPLETE, NO_PLAN, NOT_FINITE, NO_BASELINE = "incomplete", "no_plan", "not_finite", "no_baseline"


def plan_ratio_terms(actual: float, plan: float, plan_kind, plan_high: float, baseline: float,
                     direction: int) -> tuple[float, float, int]:
    """(measured value, bound, direction) whose ratio is the figure's achievement of its target
    (kpi.formulas.target_arrays, DESIGN 4.1), so the ratio-to-plan method and its printed formula
    hold for every plan kind: 'dưới 3%' is the minimise form against 3, 'từ 75% trở lên' the
    maximise form against 75, a range against the end to reach, and 'giảm 0,78 điểm %' the points
    achieved since last year against 0,78."""
    kind = formulas.plan_kinds([plan_kind])[0]
    if kind == formulas.LEVEL:
        return actual, plan, direction
    if kind in (formulas.AT_LEAST, formulas.ABOVE_STRICT):
        return actual, plan, 1
    if kind in (formulas.AT_MOST, formulas.BELOW_STRICT):
        return actual, plan, -1
    if kind == formulas.RANGE:
        return (actual, plan_high, -1) if direction < 0 else (actual, plan, 1)
    change = formulas.target_arrays(actual, plan, kind, plan_high, baseline, direction)["achieved_change"]
    return float(change), plan, 1


def resolve_units(scorecard: Scorecard, units: pd.DataFrame) -> dict[str, str]:
    """Scorecard spelling -> unit key, resolved at the scorecard's period."""
    period = parse_period(scorecard.period)
    out = {}
    for text in list(scorecard.units) + [a.unit for a in scorecard.adjustments] + [
            u for c in scorecard.criteria for u in (c.indicator_by_unit or {})]:
        if text in out:
            continue
        try:
            out[text] = resolve_unit(text, units, period)
        except UnitError as exc:
            raise ScorecardError("score_err_unit", name=scorecard.name, unit=text, period=scorecard.period,
                                 detail=str(exc)) from exc
    keys = [out[u] for u in scorecard.units]
    if len(set(keys)) != len(keys):
        raise ScorecardError("score_err_unit_twice", name=scorecard.name)
    for a in scorecard.adjustments:
        if out[a.unit] not in keys:
            raise ScorecardError("score_err_adjust_unit", name=scorecard.name, unit=a.unit)
    return out


def resolved(scorecard: Scorecard, units: pd.DataFrame) -> Scorecard:
    """The scorecard with every unit spelled as its key."""
    keys = resolve_units(scorecard, units)
    criteria = tuple(
        dataclasses.replace(c, indicator_by_unit={keys[u]: code for u, code in c.indicator_by_unit.items()})
        if c.indicator_by_unit else c for c in scorecard.criteria)
    for c in criteria:
        lacking = [keys[x] for x in scorecard.units if c.indicator_by_unit and keys[x] not in c.indicator_by_unit]
        if lacking:
            raise ScorecardError("score_err_by_unit_lacking", name=scorecard.name, id=c.id, units=", ".join(lacking))
    return dataclasses.replace(
        scorecard, units=tuple(keys[u] for u in scorecard.units), criteria=criteria,
        adjustments=tuple(dataclasses.replace(a, unit=keys[a.unit]) for a in scorecard.adjustments))


@shared(maxsize=64)  # per scorecard version, snapshot (and language): shared by runs and sessions
def load_inputs(scorecard: Scorecard, snapshot) -> tuple[Scorecard, pd.DataFrame]:
    """Resolve the scorecard's units and fetch its figures (queries/facts_aggregate.sql)."""
    units = figures_mod.units(snapshot)
    catalogue = figures_mod.indicators(snapshot).set_index("code")
    card = resolved(scorecard, units)
    codes = sorted({c.indicator_of(u) for c in card.criteria for u in card.units})
    for code in codes:
        if code not in catalogue.index:
            raise ScorecardError("score_err_unknown_indicator", name=card.name, code=code)
        if int(catalogue.loc[code, "direction"]) == 0:
            raise ScorecardError("score_err_context_indicator", name=card.name, code=code)
    # with last year's figures: the baseline of a relative target ('giảm 0,78 điểm %')
    frame = figures_mod.figures_cached(snapshot, list(card.units), [card.period], codes)
    names = units.set_index("unit")["name_vi"]
    return card, build_inputs(card, frame, catalogue, names)


def build_inputs(card: Scorecard, figures: pd.DataFrame, catalogue: pd.DataFrame, names) -> pd.DataFrame:
    """One row per (unit, criterion): the figure, the plan, and why it is missing (a code, '' if present)."""
    by_key = figures.set_index(["unit", "indicator"]) if len(figures) else None
    rows = []
    for unit in card.units:
        for c in card.criteria:
            code = c.indicator_of(unit)
            meta = catalogue.loc[code]
            actual = plan = figure = baseline = plan_high = np.nan
            kind, direction = formulas.LEVEL, int(meta["direction"])
            missing = NO_FIGURE
            if by_key is not None and (unit, code) in by_key.index:
                fig = by_key.loc[(unit, code)]
                if not bool(fig["comparable"]):
                    missing = NOT_COMPARABLE
                elif not bool(fig["complete"]) or pd.isna(fig["actual"]):
                    missing = NO_ACTUAL if pd.isna(fig["actual"]) else INCOMPLETE
                else:
                    actual, plan, missing = float(fig["actual"]), float(fig["plan"]), ""
                    figure = actual  # figures built by hand (tests) may lack the target columns: level plans
                    baseline, plan_high = float(fig.get("baseline", np.nan)), float(fig.get("plan_high", np.nan))
                    if c.method == PLAN_RATIO and not np.isnan(plan):
                        kind = formulas.plan_kinds([fig.get("plan_kind")])[0]
                        actual, plan, direction = plan_ratio_terms(actual, plan, kind, plan_high, baseline, direction)
                        if kind in formulas.RELATIVE_KINDS and np.isnan(actual):
                            missing = NO_BASELINE
            if not missing and (np.isinf(actual) or (c.method == PLAN_RATIO and np.isinf(plan))):
                actual = plan = np.nan  # an infinite figure is not a figure: flagged, never scored
                missing = NOT_FINITE
            if not missing and c.method == PLAN_RATIO and np.isnan(plan):
                missing = NO_PLAN
            rows.append({"unit": unit, "name": str(names.get(unit, unit)), "criterion": c.id, "indicator": code,
                         "direction": direction, "uom": meta["unit_of_measure"],
                         "decimals": int(meta["decimals"]), "actual": actual, "plan": plan, "missing": missing,
                         "plan_kind": kind, "plan_high": plan_high, "figure": figure, "baseline": baseline})
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


def criterion_arrays(card: Scorecard, inputs: pd.DataFrame, criterion: Criterion):
    """actual, plan and direction of one criterion in the scorecard's unit order, and the input rows."""
    part = inputs[inputs["criterion"] == criterion.id].set_index("unit").reindex(list(card.units))
    return (part["actual"].to_numpy(float), part["plan"].to_numpy(float), part["direction"].to_numpy(float), part)
