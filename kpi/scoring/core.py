"""Emulation scoring (DESIGN section 5): scorecards, points, ranking, tiers, sensitivity.

A scorecard is a TOML file an award committee can read (data/scorecards/*.toml):

    [scorecard]   title, bloc, period, version, issued, units (keys or names), max_bonus
    [[criteria]]  id, label, indicator (or [criteria.indicator_by_unit]), points, method,
                  cap_pct (plan_ratio), worst and best (goalposts)
    [[adjustments]] unit, points (+ bonus, - penalty), reason
    [[tiers]]     min, name

Each criterion turns a unit's figure into a fraction in [0, 1] of its maximum points, by one of
four methods, always respecting the indicator's direction from the catalogue:

    plan_ratio  achievement of plan (actual/plan, or plan/actual when lower is better), capped
    goalposts   linear between a worst and a best value
    leader      relative to the bloc's best figure
    rank        by the unit's place in the bloc (competition ranking)

A missing figure gives no points and is flagged; the unit's total is then incomplete (and no
award tier is proposed for it). Totals are compared at full precision (to 1e-9 points, to
absorb floating-point noise), so equal totals are reported as ties.

The figures come from kpi.figures.figures_cached (queries/facts_aggregate.sql, facts.parquet
columns actual and plan). No Streamlit here.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from kpi.text import fmt
from kpi.paths import REPO_DIR, data_dir as default_data_dir
from kpi.periods import PeriodError, parse_period

SCORECARDS_DIR = REPO_DIR / "data" / "scorecards"
PLAN_RATIO, GOALPOSTS, LEADER, RANK = "plan_ratio", "goalposts", "leader", "rank"
METHODS = (PLAN_RATIO, GOALPOSTS, LEADER, RANK)
METHOD_NAMES = {
    PLAN_RATIO: "Tỷ lệ đạt kế hoạch (có mức trần)",
    GOALPOSTS: "Tuyến tính giữa hai mốc",
    LEADER: "So với đơn vị dẫn đầu khối",
    RANK: "Theo thứ hạng trong khối",
}
TIE_DECIMALS = 9  # totals equal to 1e-9 points are ties (floating-point noise, not display rounding)
NO_TIER = ""
ROBUST_SHARE = 0.9  # the leader is robustly the leader when first in at least 90% of the draws


class ScorecardError(ValueError):
    """A scorecard that cannot be used, with a Vietnamese message naming the file and the field."""


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    points: float
    method: str
    indicator: str | None = None
    indicator_by_unit: dict[str, str] | None = None
    cap_pct: float = 100.0
    worst: float | None = None
    best: float | None = None

    def indicator_of(self, unit: str) -> str:
        if self.indicator_by_unit is not None:
            return self.indicator_by_unit[unit]
        return self.indicator


@dataclass(frozen=True)
class Adjustment:
    unit: str
    points: float
    reason: str


@dataclass(frozen=True)
class Tier:
    min_points: float
    name: str


@dataclass(frozen=True)
class Scorecard:
    title: str
    bloc: str
    period: str
    units: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    adjustments: tuple[Adjustment, ...] = ()
    tiers: tuple[Tier, ...] = ()
    version: int = 1
    issued: str = ""
    max_bonus: float | None = None
    path: Path | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def sheet_points(self) -> float:
        return float(sum(c.points for c in self.criteria))

    @property
    def name(self) -> str:
        return self.path.name if self.path else self.title


# --------------------------------------------------------------------------- loading and saving

def _need(table: dict, key: str, where: str, kind=str):
    if key not in table:
        raise ScorecardError(f"{where}: thiếu trường '{key}'")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = {str: "chuỗi", float: "số", list: "danh sách", int: "số nguyên"}[kind]
        raise ScorecardError(f"{where}: trường '{key}' phải là {expected}, đang là {value!r}")
    return value


def _optional_number(table: dict, key: str, where: str) -> float | None:
    return _need(table, key, where, float) if key in table else None


def parse_scorecard(data: dict, source: str = "bảng điểm", path: Path | None = None) -> Scorecard:
    """Validate a scorecard's TOML tables; ScorecardError names the file and the field."""
    head = data.get("scorecard")
    if not isinstance(head, dict):
        raise ScorecardError(f"{source}: thiếu bảng [scorecard]")
    where = f"{source}, [scorecard]"
    period = _need(head, "period", where)
    try:
        parse_period(period)
    except PeriodError as exc:
        raise ScorecardError(f"{where}: {exc}") from exc
    units = _need(head, "units", where, list)
    if len(units) < 2 or not all(isinstance(u, str) and u.strip() for u in units):
        raise ScorecardError(f"{where}: 'units' phải liệt kê ít nhất 2 đơn vị (mã hoặc tên)")
    criteria_tables = data.get("criteria")
    if not isinstance(criteria_tables, list) or not criteria_tables:
        raise ScorecardError(f"{source}: cần ít nhất một tiêu chí [[criteria]]")
    criteria = []
    for number, table in enumerate(criteria_tables, start=1):
        criteria.append(_parse_criterion(table, f"{source}, [[criteria]] số {number}"))
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise ScorecardError(f"{source}: mã tiêu chí bị trùng: {', '.join(sorted({i for i in ids if ids.count(i) > 1}))}")
    adjustments = []
    for number, table in enumerate(data.get("adjustments", []), start=1):
        w = f"{source}, [[adjustments]] số {number}"
        reason = _need(table, "reason", w).strip()
        if not reason:
            raise ScorecardError(f"{w}: điểm cộng/trừ phải có lý do ('reason')")
        adjustments.append(Adjustment(_need(table, "unit", w), _need(table, "points", w, float), reason))
    tiers = []
    for number, table in enumerate(data.get("tiers", []), start=1):
        w = f"{source}, [[tiers]] số {number}"
        tiers.append(Tier(_need(table, "min", w, float), _need(table, "name", w)))
    max_bonus = _optional_number(head, "max_bonus", where)
    return Scorecard(
        title=_need(head, "title", where), bloc=str(head.get("bloc", "")), period=period,
        units=tuple(u.strip() for u in units), criteria=tuple(criteria), adjustments=tuple(adjustments),
        tiers=tuple(sorted(tiers, key=lambda t: -t.min_points)), version=int(head.get("version", 1)),
        issued=str(head.get("issued", "")), max_bonus=max_bonus, path=path, raw=data)


def _parse_criterion(table: dict, where: str) -> Criterion:
    cid = _need(table, "id", where)
    where = f"{where} ('{cid}')"
    method = _need(table, "method", where)
    if method not in METHODS:
        raise ScorecardError(f"{where}: phương pháp '{method}' không hợp lệ (chọn một trong: {', '.join(METHODS)})")
    points = _need(table, "points", where, float)
    if not points > 0:
        raise ScorecardError(f"{where}: 'points' phải lớn hơn 0")
    indicator = table.get("indicator")
    by_unit = table.get("indicator_by_unit")
    if (indicator is None) == (by_unit is None):
        raise ScorecardError(f"{where}: cần đúng một trong hai trường 'indicator' hoặc 'indicator_by_unit'")
    if by_unit is not None:
        if not isinstance(by_unit, dict) or not by_unit:
            raise ScorecardError(f"{where}: 'indicator_by_unit' phải là bảng đơn vị = mã chỉ tiêu")
        if method != PLAN_RATIO:
            raise ScorecardError(f"{where}: chỉ tiêu khác nhau theo đơn vị chỉ so sánh được bằng tỷ lệ đạt kế "
                                 f"hoạch (method = \"{PLAN_RATIO}\")")
    elif not isinstance(indicator, str):
        raise ScorecardError(f"{where}: 'indicator' phải là mã chỉ tiêu")
    cap = _optional_number(table, "cap_pct", where)
    if cap is not None and not cap > 0:
        raise ScorecardError(f"{where}: 'cap_pct' phải lớn hơn 0")
    worst, best = _optional_number(table, "worst", where), _optional_number(table, "best", where)
    if method == GOALPOSTS and (worst is None or best is None or worst == best):
        raise ScorecardError(f"{where}: phương pháp goalposts cần hai mốc 'worst' và 'best' khác nhau")
    return Criterion(id=cid, label=str(table.get("label", "")), points=points, method=method,
                     indicator=indicator, indicator_by_unit=dict(by_unit) if by_unit else None,
                     cap_pct=cap if cap is not None else 100.0, worst=worst, best=best)


def load_scorecard(path: str | Path) -> Scorecard:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScorecardError(f"Không tìm thấy tệp bảng điểm {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScorecardError(f"{path}: không đọc được TOML ({exc})") from exc
    return parse_scorecard(data, str(path), path)


def user_scorecards_dir(data_dir=None) -> Path:
    """New versions are written next to the data (never into the shipped scorecards)."""
    return default_data_dir(data_dir) / "scorecards"


def list_scorecards(data_dir=None) -> list[Path]:
    """Shipped scorecards, then versions saved in the data folder; each list by name."""
    paths = sorted(SCORECARDS_DIR.glob("*.toml"))
    user = user_scorecards_dir(data_dir)
    if user.resolve() != SCORECARDS_DIR.resolve():
        paths += sorted(user.glob("*.toml"))
    return paths


def scorecard_title(path: Path) -> str:
    """The title for a list of scorecards; a file that does not load says so instead."""
    try:
        return load_scorecard(path).title
    except ScorecardError:
        return "(bảng điểm không hợp lệ)"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_version(scorecard: Scorecard, adjustments: list[Adjustment], folder=None) -> Path:
    """Write the scorecard with these bonus/penalty items as a new version (never overwrites)."""
    data = dict(scorecard.raw)
    head = dict(data["scorecard"])
    base = re.sub(r"(\.v\d+)?\.toml$", "", scorecard.path.name) if scorecard.path else "bang-diem"
    head["version"] = scorecard.version + 1
    head["based_on"] = scorecard.path.name if scorecard.path else scorecard.title
    if scorecard.path:
        head["based_on_sha256"] = file_sha256(scorecard.path)
    data["scorecard"] = head
    data["adjustments"] = [{"unit": a.unit, "points": float(a.points), "reason": a.reason} for a in adjustments]
    parse_scorecard(data, "phiên bản mới")  # never write a scorecard that would not load
    folder = Path(folder) if folder else user_scorecards_dir()
    folder.mkdir(parents=True, exist_ok=True)
    version = head["version"]
    while True:
        path = folder / f"{base}.v{version}.toml"
        try:
            with open(path, "xb") as handle:  # exclusive create: an existing file is never replaced
                handle.write(tomli_w.dumps(data).encode("utf-8"))
            return path
        except FileExistsError:
            version += 1
            head["version"] = version


def with_points(scorecard: Scorecard, points: dict[str, float], keep_sheet: bool = True) -> Scorecard:
    """The scorecard with other maximum points per criterion (rescaled to the same sheet total)."""
    wanted = {c.id: float(points.get(c.id, c.points)) for c in scorecard.criteria}
    total = sum(wanted.values())
    if keep_sheet and total > 0:
        factor = scorecard.sheet_points / total
        wanted = {k: v * factor for k, v in wanted.items()}
    criteria = tuple(dataclasses.replace(c, points=wanted[c.id]) for c in scorecard.criteria if wanted[c.id] > 0)
    return dataclasses.replace(scorecard, criteria=criteria)


# --------------------------------------------------------------------------- inputs

INPUT_COLUMNS = ["unit", "name", "criterion", "indicator", "direction", "uom", "decimals", "actual", "plan", "missing"]


def resolve_units(scorecard: Scorecard, units: pd.DataFrame) -> dict[str, str]:
    """Scorecard spelling -> unit key, resolved at the scorecard's period."""
    from kpi.units.resolve import UnitError, resolve_unit

    period = parse_period(scorecard.period)
    out = {}
    for text in list(scorecard.units) + [a.unit for a in scorecard.adjustments] + [
            u for c in scorecard.criteria for u in (c.indicator_by_unit or {})]:
        if text in out:
            continue
        try:
            out[text] = resolve_unit(text, units, period)
        except UnitError as exc:
            raise ScorecardError(f"{scorecard.name}: {exc}") from exc
    keys = [out[u] for u in scorecard.units]
    if len(set(keys)) != len(keys):
        raise ScorecardError(f"{scorecard.name}: một đơn vị được liệt kê hai lần trong 'units'")
    for a in scorecard.adjustments:
        if out[a.unit] not in keys:
            raise ScorecardError(f"{scorecard.name}: điểm cộng/trừ cho '{a.unit}', đơn vị không thuộc khối")
    return out


def resolved(scorecard: Scorecard, units: pd.DataFrame) -> Scorecard:
    """The scorecard with every unit spelled as its key."""
    keys = resolve_units(scorecard, units)
    criteria = tuple(dataclasses.replace(c, indicator_by_unit={keys[u]: code for u, code in c.indicator_by_unit.items()})
                     if c.indicator_by_unit else c for c in scorecard.criteria)
    for c in criteria:
        lacking = [u for u in (keys[x] for x in scorecard.units) if c.indicator_by_unit and u not in c.indicator_by_unit]
        if lacking:
            raise ScorecardError(f"{scorecard.name}: tiêu chí '{c.id}' chưa chỉ định chỉ tiêu cho {', '.join(lacking)}")
    return dataclasses.replace(
        scorecard, units=tuple(keys[u] for u in scorecard.units), criteria=criteria,
        adjustments=tuple(dataclasses.replace(a, unit=keys[a.unit]) for a in scorecard.adjustments))


def load_inputs(scorecard: Scorecard, snapshot) -> tuple[Scorecard, pd.DataFrame]:
    """Resolve the scorecard's units and fetch its figures (queries/facts_aggregate.sql)."""
    from kpi import figures as figures_mod

    units = figures_mod.units(snapshot)
    catalogue = figures_mod.indicators(snapshot).set_index("code")
    card = resolved(scorecard, units)
    codes = sorted({c.indicator_of(u) for c in card.criteria for u in card.units})
    for code in codes:
        if code not in catalogue.index:
            raise ScorecardError(f"{card.name}: chỉ tiêu '{code}' không có trong danh mục")
        if int(catalogue.loc[code, "direction"]) == 0:
            raise ScorecardError(f"{card.name}: chỉ tiêu '{code}' chỉ để tham khảo (không có chiều tốt/xấu), "
                                 "không dùng để chấm điểm")
    frame = figures_mod.figures_cached(snapshot, list(card.units), [card.period], codes, with_previous=False)
    names = units.set_index("unit")["name_vi"]
    return card, build_inputs(card, frame, catalogue, names)


def build_inputs(card: Scorecard, figures: pd.DataFrame, catalogue: pd.DataFrame, names) -> pd.DataFrame:
    """One row per (unit, criterion): the figure, the plan, and why it is missing (if it is)."""
    by_key = figures.set_index(["unit", "indicator"]) if len(figures) else None
    rows = []
    for unit in card.units:
        for c in card.criteria:
            code = c.indicator_of(unit)
            meta = catalogue.loc[code]
            actual = plan = np.nan
            missing = "không có số liệu trong bản dữ liệu"
            if by_key is not None and (unit, code) in by_key.index:
                fig = by_key.loc[(unit, code)]
                if not bool(fig["comparable"]):
                    missing = "không so sánh được (đơn vị không tồn tại ở địa giới của kỳ này)"
                elif not bool(fig["complete"]) or pd.isna(fig["actual"]):
                    missing = "thiếu số liệu thực hiện" if pd.isna(fig["actual"]) else "số liệu tổng hợp chưa đủ"
                else:
                    actual, plan, missing = float(fig["actual"]), float(fig["plan"]), ""
            if not missing and c.method == PLAN_RATIO and np.isnan(plan):
                missing = "thiếu kế hoạch"
            rows.append({"unit": unit, "name": str(names.get(unit, unit)), "criterion": c.id, "indicator": code,
                         "direction": int(meta["direction"]), "uom": meta["unit_of_measure"],
                         "decimals": int(meta["decimals"]), "actual": actual, "plan": plan, "missing": missing})
    return pd.DataFrame(rows, columns=INPUT_COLUMNS)


# --------------------------------------------------------------------------- methods

def method_fraction(method: str, actual: np.ndarray, plan: np.ndarray, direction: np.ndarray,
                    criterion: Criterion) -> np.ndarray:
    """Share of the criterion's maximum earned by each unit of the bloc, in [0, 1]; NaN = missing.

    Vectorised over the bloc's units. `goalposts` without goalposts in the criterion uses the
    bloc's worst and best figures (only the sensitivity analysis asks for that).
    """
    a = np.asarray(actual, dtype=float)
    p = np.asarray(plan, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape)
    higher = d > 0
    out = np.full(a.shape, np.nan)
    present = ~np.isnan(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == PLAN_RATIO:
            ach = achievement(a, p, d)
            out = np.clip(np.minimum(ach, criterion.cap_pct) / criterion.cap_pct, 0.0, 1.0)
            out[np.isnan(ach)] = np.nan
        elif method == GOALPOSTS:
            worst, best = criterion.worst, criterion.best
            if worst is None or best is None:
                if not present.any():
                    return out
                lo, hi = np.nanmin(a), np.nanmax(a)
                worst, best = (lo, hi) if higher[present][0] else (hi, lo)
            if worst == best:
                out = np.where((a >= best) == higher, 1.0, 0.0)
            else:
                out = np.clip((a - worst) / (best - worst), 0.0, 1.0)
        elif method == LEADER:
            if not present.any():
                return out
            up = np.nanmax(a)
            down = np.nanmin(a)
            frac_up = np.where(up > 0, np.clip(a / up, 0.0, 1.0), np.where(a >= up, 1.0, 0.0))
            frac_down = np.where(a > 0, np.clip(down / a, 0.0, 1.0), 1.0)
            out = np.where(higher, frac_up, frac_down)
        elif method == RANK:
            ranks = bloc_rank(a, d)
            n = present.sum()
            out = (n - ranks) / (n - 1) if n > 1 else np.ones(a.shape)
        else:
            raise ValueError(method)
    out = np.asarray(out, dtype=float)
    out[~present] = np.nan
    return out


def achievement(actual: np.ndarray, plan: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Tỷ lệ đạt kế hoạch (%): actual/plan×100, or plan/actual×100 when lower is better
    (an actual of 0 on a lower-is-better indicator cannot be beaten: +inf, full points)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(plan, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape)
    with np.errstate(all="ignore"):  # huge or zero figures: inf/NaN handled below
        up = np.where(p > 0, np.maximum(a, 0) / p * 100, np.nan)
        down = np.where(a > 0, np.maximum(p, 0) / a * 100, np.where(p >= 0, np.inf, np.nan))
    out = np.where(d > 0, up, down)
    out[np.isnan(a) | np.isnan(p)] = np.nan
    return out


def bloc_rank(actual: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Competition rank (1 = best, ties share the better rank) of each figure in the bloc."""
    a = np.asarray(actual, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape)
    signed = np.where(d > 0, a, -a)
    present = ~np.isnan(signed)
    better = (signed[None, :] > signed[:, None]) & present[None, :]
    ranks = 1.0 + better.sum(axis=1)
    ranks[~present] = np.nan
    return ranks


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Rank along the last axis: 1 + number of strictly higher totals (ties share a rank).

    Vectorised for a (draws, units) matrix: sort each row once, mark where a new value starts,
    carry the start position forward, and scatter back to the units' places.
    """
    values = np.round(np.asarray(totals, dtype=float), TIE_DECIMALS)
    single = values.ndim == 1
    values = np.atleast_2d(values)
    order = np.argsort(-values, axis=1)  # the order among equal totals does not change their rank
    ordered = np.take_along_axis(values, order, axis=1)
    positions = np.broadcast_to(np.arange(values.shape[1]), values.shape)
    starts = np.ones(values.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty(values.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return ranks[0] if single else ranks


# --------------------------------------------------------------------------- scoring

@dataclass
class ScoreResult:
    scorecard: Scorecard
    ranking: pd.DataFrame      # one row per unit, best first
    breakdown: pd.DataFrame    # one row per (unit, criterion): inputs, formula, points
    adjustments: pd.DataFrame  # bonus and penalty items with their reasons


def _arrays(card: Scorecard, inputs: pd.DataFrame, criterion: Criterion):
    part = inputs[inputs["criterion"] == criterion.id].set_index("unit").reindex(list(card.units))
    return (part["actual"].to_numpy(float), part["plan"].to_numpy(float), part["direction"].to_numpy(float), part)


def score(card: Scorecard, inputs: pd.DataFrame) -> ScoreResult:
    """Points of every unit on every criterion, totals, ranks, ties and tiers, all explained.

    `card` has its units spelled as keys (see `resolved`); `inputs` comes from `build_inputs`.
    """
    units = list(card.units)
    rows = []
    points = {}
    for c in card.criteria:
        actual, plan, direction, part = _arrays(card, inputs, c)
        fraction = method_fraction(c.method, actual, plan, direction, c)
        pts = fraction * c.points
        points[c.id] = pts
        explain = _explanations(c, actual, plan, direction, part)
        for i, unit in enumerate(units):
            missing = part["missing"].iloc[i] or ("" if not np.isnan(pts[i]) else "không tính được điểm")
            rows.append({
                "unit": unit, "name": part["name"].iloc[i], "criterion": c.id, "label": criterion_label(c, part),
                "indicator": part["indicator"].iloc[i], "method": c.method, "direction": int(direction[i]),
                "actual": actual[i], "plan": plan[i],
                "achievement_pct": achievement(actual[i:i + 1], plan[i:i + 1], direction[i:i + 1])[0],
                "inputs": explain[i][0], "formula": explain[i][1] if not missing else f"Không chấm: {missing}",
                "points": pts[i], "max_points": c.points, "missing": missing,
            })
    breakdown = pd.DataFrame(rows)
    matrix = np.column_stack([points[c.id] for c in card.criteria])
    criteria_points = np.nansum(matrix, axis=1)
    complete = ~np.isnan(matrix).any(axis=1)
    bonus, penalty, adjustments = adjustment_totals(card)
    total = criteria_points + bonus + penalty
    ranks = competition_ranks(total)
    counts = pd.Series(ranks).value_counts()
    labels = {c.id: c for c in card.criteria}
    ranking = pd.DataFrame({
        "rank": ranks, "tied": [counts[r] > 1 for r in ranks], "unit": units,
        "name": [inputs.loc[inputs["unit"] == u, "name"].iloc[0] for u in units],
        "total": total, "criteria_points": criteria_points, "bonus": bonus, "penalty": penalty,
        "complete": complete,
        "missing": ["; ".join(f"{cid} ({labels[cid].label or cid})" for cid, m in zip(points, row) if np.isnan(m))
                    for row in matrix],
        "tier": [tier_of(card, t) if ok else NO_TIER for t, ok in zip(total, complete)],
    })
    for c in card.criteria:
        ranking[c.id] = points[c.id]
    ranking = ranking.sort_values(["rank", "name", "unit"], kind="stable").reset_index(drop=True)
    return ScoreResult(card, ranking, breakdown, adjustments)


def adjustment_totals(card: Scorecard) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per unit: bonus (capped at max_bonus) and penalty points, and the items with reasons."""
    units = list(card.units)
    bonus = np.zeros(len(units))
    penalty = np.zeros(len(units))
    for a in card.adjustments:
        i = units.index(a.unit)
        if a.points >= 0:
            bonus[i] += a.points
        else:
            penalty[i] += a.points
    if card.max_bonus is not None:
        bonus = np.minimum(bonus, card.max_bonus)
    items = pd.DataFrame([{"unit": a.unit, "points": a.points, "reason": a.reason,
                           "kind": "Điểm thưởng" if a.points >= 0 else "Điểm trừ"} for a in card.adjustments],
                         columns=["unit", "points", "reason", "kind"])
    return bonus, penalty, items


def tier_of(card: Scorecard, total: float) -> str:
    for tier in card.tiers:  # highest threshold first
        if round(total, TIE_DECIMALS) >= tier.min_points:
            return tier.name
    return NO_TIER


def criterion_label(c: Criterion, part: pd.DataFrame | None = None) -> str:
    return c.label or (c.indicator or c.id)


def _fig(value: float, part: pd.DataFrame, i: int) -> str:
    return fmt.figure(value, part["uom"].iloc[i], int(part["decimals"].iloc[i]))


def _explanations(c: Criterion, actual, plan, direction, part) -> list[tuple[str, str]]:
    """(inputs, formula) in Vietnamese for each unit, with Vietnamese number formats."""
    pts = method_fraction(c.method, actual, plan, direction, c) * c.points
    P = lambda v: fmt.number(v, 2)  # noqa: E731 - points
    M = fmt.number(c.points, 2)
    out = []
    present = ~np.isnan(actual)
    for i in range(len(actual)):
        higher = direction[i] > 0
        inputs = f"Thực hiện {_fig(actual[i], part, i)}"
        if c.method == PLAN_RATIO:
            inputs += f"; kế hoạch {_fig(plan[i], part, i)}"
            ach = achievement(actual[i:i + 1], plan[i:i + 1], direction[i:i + 1])[0]
            cap = fmt.percent(c.cap_pct, 1)
            ratio = (f"{fmt.number(actual[i], int(part['decimals'].iloc[i]))} / {fmt.number(plan[i], int(part['decimals'].iloc[i]))}"
                     if higher else
                     f"{fmt.number(plan[i], int(part['decimals'].iloc[i]))} / {fmt.number(actual[i], int(part['decimals'].iloc[i]))}")
            kind = "TH / KH" if higher else "KH / TH (chỉ tiêu càng thấp càng tốt)"
            ach_text = "không giới hạn (thực hiện bằng 0)" if np.isinf(ach) else fmt.percent(ach, 1)
            formula = (f"Tỷ lệ đạt KH = {kind} × 100 = {ratio} × 100 = {ach_text}; "
                       f"điểm = min(tỷ lệ; {cap}) / {cap} × {M} = {P(pts[i])}")
        elif c.method == GOALPOSTS:
            inputs += f"; mốc thấp {_fig(c.worst, part, i)}, mốc cao {_fig(c.best, part, i)}"
            dec = int(part["decimals"].iloc[i])
            formula = (f"điểm = {M} × (TH − mốc thấp) / (mốc cao − mốc thấp) = {M} × "
                       f"({fmt.number(actual[i], dec)} − {fmt.number(c.worst, dec)}) / "
                       f"({fmt.number(c.best, dec)} − {fmt.number(c.worst, dec)}), giới hạn trong 0 – {M} = {P(pts[i])}")
        elif c.method == LEADER:
            best = np.nanmax(actual) if higher else np.nanmin(actual)
            who = part["name"].iloc[int(np.nanargmax(actual) if higher else np.nanargmin(actual))] if present.any() else ""
            inputs += f"; dẫn đầu khối: {who} {_fig(best, part, i)}"
            dec = int(part["decimals"].iloc[i])
            formula = (f"điểm = {M} × TH / TH dẫn đầu = {M} × {fmt.number(actual[i], dec)} / {fmt.number(best, dec)} = {P(pts[i])}"
                       if higher else
                       f"điểm = {M} × TH dẫn đầu / TH (chỉ tiêu càng thấp càng tốt) = {M} × {fmt.number(best, dec)} / "
                       f"{fmt.number(actual[i], dec)} = {P(pts[i])}")
        else:
            ranks = bloc_rank(actual, direction)
            n = int(present.sum())
            r = ranks[i]
            inputs += f"; hạng {fmt.number(r, 0)}/{n} trong khối" if not np.isnan(r) else ""
            formula = (f"điểm = {M} × (số đơn vị − hạng) / (số đơn vị − 1) = {M} × ({n} − {fmt.number(r, 0)}) / "
                       f"({n} − 1) = {P(pts[i])}" if n > 1 else f"đơn vị duy nhất có số liệu: {M}")
        out.append((inputs if present[i] else "Không có số liệu thực hiện", formula))
    return out


def rank_changes(base: ScoreResult, other: ScoreResult) -> pd.DataFrame:
    """What would change: each unit's rank and total under the base and the other scorecard."""
    a = base.ranking.set_index("unit")[["name", "rank", "total", "tier"]]
    b = other.ranking.set_index("unit")[["rank", "total", "tier"]]
    out = a.join(b, rsuffix="_new")
    out["rank_change"] = out["rank"] - out["rank_new"]  # positive: moves up
    return out.reset_index().sort_values(["rank_new", "name"]).reset_index(drop=True)


# --------------------------------------------------------------------------- sensitivity

@dataclass
class Sensitivity:
    table: pd.DataFrame  # unit, name, base_rank, median_rank, p5_rank, p95_rank, p_first
    sentence: str
    draws: int
    seed: int
    spread: float
    switch: float

    @property
    def robust(self) -> bool:
        """One leader on the scorecard, first in at least 90% of the draws."""
        leaders = self.table[self.table["base_rank"] == 1]
        return len(leaders) == 1 and float(leaders["p_first"].iloc[0]) >= ROBUST_SHARE


def method_matrix(card: Scorecard, inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fractions under every method (methods × criteria × units, missing = 0), the base method of
    each criterion, and which methods are honest alternatives (same units scored as the base)."""
    n_units, n_crit = len(card.units), len(card.criteria)
    fractions = np.zeros((len(METHODS), n_crit, n_units))
    allowed = np.zeros((len(METHODS), n_crit), dtype=bool)
    base = np.array([METHODS.index(c.method) for c in card.criteria])
    for j, c in enumerate(card.criteria):
        actual, plan, direction, _part = _arrays(card, inputs, c)
        base_fraction = method_fraction(c.method, actual, plan, direction, c)
        for m, method in enumerate(METHODS):
            if c.indicator_by_unit is not None and method != c.method:
                continue  # different indicators per unit compare only against their own plans
            frac = base_fraction if method == c.method else method_fraction(method, actual, plan, direction, c)
            if np.array_equal(np.isnan(frac), np.isnan(base_fraction)):
                allowed[m, j] = True
                fractions[m, j] = np.nan_to_num(frac, nan=0.0)
    return fractions, base, allowed


def simulate_ranks(fractions: np.ndarray, weights: np.ndarray, base: np.ndarray, allowed: np.ndarray,
                   adjustments: np.ndarray, draws: int = 10_000, seed: int = 20250701, spread: float = 0.25,
                   switch: float = 0.25, scheme: str = "uniform", concentration: float = 50.0) -> np.ndarray:
    """Ranks (draws × units) under perturbed weights and method choices (Monte Carlo, vectorised).

    Weights: `uniform` multiplies each criterion's points by U(1 − spread, 1 + spread);
    `dirichlet` draws shares from Dirichlet(concentration × share). Either way the draw is
    rescaled to the sheet's total. Methods: with probability `switch` a criterion is scored by
    one of its allowed alternative methods, chosen uniformly.
    """
    rng = np.random.default_rng(seed)
    n_methods, n_crit, _n_units = fractions.shape
    weights = np.asarray(weights, dtype=float)
    sheet = weights.sum()
    if scheme == "dirichlet":
        shares = rng.gamma(np.maximum(concentration * weights / sheet, 1e-9), size=(draws, n_crit))
    else:
        shares = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, n_crit))
    drawn = shares / shares.sum(axis=1, keepdims=True) * sheet

    alternatives = allowed.copy()
    alternatives[base, np.arange(n_crit)] = False
    n_alt = alternatives.sum(axis=0)
    table = np.full((n_crit, max(int(n_alt.max()), 1)), -1)
    for j in range(n_crit):
        idx = np.flatnonzero(alternatives[:, j])
        table[j, :len(idx)] = idx
    switching = (rng.random((draws, n_crit)) < switch) & (n_alt > 0)
    pick = np.floor(rng.random((draws, n_crit)) * np.maximum(n_alt, 1)).astype(int)
    chosen = np.where(switching, table[np.arange(n_crit), pick], base)

    # one matrix product: each draw's points sit in the column block of the method it chose
    spread_points = (chosen[:, None, :] == np.arange(n_methods)[None, :, None]) * drawn[:, None, :]
    totals = spread_points.reshape(draws, n_methods * n_crit) @ fractions.reshape(n_methods * n_crit, -1)
    return competition_ranks(totals + np.asarray(adjustments, dtype=float))


def sensitivity(result: ScoreResult, inputs: pd.DataFrame, draws: int = 10_000, seed: int = 20250701,
                spread: float = 0.25, switch: float = 0.25, scheme: str = "uniform") -> Sensitivity:
    """Each unit's median rank, 5-95 percentile rank band and probability of ranking first."""
    card = result.scorecard
    fractions, base, allowed = method_matrix(card, inputs)
    weights = np.array([c.points for c in card.criteria])
    bonus, penalty, _ = adjustment_totals(card)
    ranks = simulate_ranks(fractions, weights, base, allowed, bonus + penalty, draws, seed, spread, switch, scheme)
    quantiles = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    base_rank = result.ranking.set_index("unit")["rank"]
    names = result.ranking.set_index("unit")["name"]
    table = pd.DataFrame({
        "unit": list(card.units), "name": [names[u] for u in card.units],
        "base_rank": [int(base_rank[u]) for u in card.units],
        "median_rank": quantiles[1].astype(int), "p5_rank": quantiles[0].astype(int),
        "p95_rank": quantiles[2].astype(int), "p_first": (ranks == 1).mean(axis=0),
    }).sort_values(["base_rank", "median_rank", "name"]).reset_index(drop=True)
    return Sensitivity(table, leader_sentence(table, draws), draws, seed, spread, switch)


def leader_sentence(table: pd.DataFrame, draws: int) -> str:
    """Plain Vietnamese: is the leader robustly the leader?"""
    leaders = table[table["base_rank"] == 1]
    n = fmt.number(draws, 0)
    if len(leaders) > 1:
        names = " và ".join(leaders["name"])
        return (f"{names} đồng hạng nhất theo bảng điểm; trong {n} phương án trọng số và cách tính khác, "
                + ", ".join(f"{r['name']} đứng đầu {fmt.percent(r['p_first'] * 100, 1)}" for _, r in leaders.iterrows())
                + " số phương án: hội đồng cần xem xét thêm để phân định.")
    leader = leaders.iloc[0]
    share = leader["p_first"]
    rivals = table[(table["unit"] != leader["unit"]) & (table["p_first"] > 0)].sort_values("p_first", ascending=False)
    rival = (f"; {rivals.iloc[0]['name']} đứng đầu trong {fmt.percent(rivals.iloc[0]['p_first'] * 100, 1)} số phương án"
             if len(rivals) else "")
    head = (f"{leader['name']} đứng đầu trong {fmt.percent(share * 100, 1)} của {n} phương án trọng số và cách "
            f"tính điểm được thử{rival}")
    if share >= ROBUST_SHARE:
        return head + ": vị trí dẫn đầu là vững chắc."
    if share >= 0.5:
        return head + ": vị trí dẫn đầu tương đối vững nhưng phụ thuộc một phần vào trọng số và cách tính điểm."
    return head + ": vị trí dẫn đầu không vững, thay đổi khi trọng số hoặc cách tính điểm thay đổi."
