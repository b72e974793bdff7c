"""Scorecards: the TOML an award committee reads (data/scorecards/*.toml), validated, listed and versioned.

    [scorecard]   title, bloc, period, version, issued, units (keys or names), max_bonus
    [[criteria]]  id, label, indicator (or [criteria.indicator_by_unit]), points, method,
                  cap_pct (plan_ratio), worst and best (goalposts)
    [[adjustments]] unit, points (+ bonus, - penalty), reason
    [[tiers]]     min, name

A scorecard that cannot be used raises ScorecardError, which carries a text key and its parameters
(kpi/text/texts_scoring.py) so that a page says it in its language; str() is the Vietnamese text.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from kpi.paths import REPO_DIR
from kpi.paths import data_dir as default_data_dir
from kpi.periods import PeriodError, parse_period
from kpi.text.i18n import t

SCORECARDS_DIR = REPO_DIR / "data" / "scorecards"
PLAN_RATIO, GOALPOSTS, LEADER, RANK = "plan_ratio", "goalposts", "leader", "rank"
METHODS = (PLAN_RATIO, GOALPOSTS, LEADER, RANK)
_TYPE_KEYS = {str: "score_type_str", float: "score_type_float", list: "score_type_list", int: "score_type_int"}


class Phrase:
    """A catalogue text not yet said: its key and parameters (values, or phrases said in the same language)."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def text(self, lang: str = "vi") -> str:
        return t(self.key, lang, **{k: v.text(lang) if isinstance(v, Phrase) else v for k, v in self.params.items()})


class ScorecardError(ValueError):
    """A scorecard that cannot be used; the message names the file and the field."""

    def __init__(self, key: str, **params):
        self.phrase = Phrase(key, **params)
        super().__init__(self.phrase.text("vi"))

    def message(self, lang: str = "vi") -> str:
        return self.phrase.text(lang)


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


# --------------------------------------------------------------------------- parsing

def _need(table: dict, key: str, where, kind=str):
    if key not in table:
        raise ScorecardError("score_err_missing_field", where=where, field=key)
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ScorecardError("score_err_field_type", where=where, field=key, expected=Phrase(_TYPE_KEYS[kind]),
                             value=repr(value))
    return value


def _optional_number(table: dict, key: str, where) -> float | None:
    return _need(table, key, where, float) if key in table else None


def parse_scorecard(data: dict, source: str | Phrase | None = None, path: Path | None = None) -> Scorecard:
    """Validate a scorecard's TOML tables; ScorecardError names the file (`source`) and the field."""
    source = source if source is not None else Phrase("score_source_default")
    head = data.get("scorecard")
    if not isinstance(head, dict):
        raise ScorecardError("score_err_no_head", source=source)
    where = Phrase("score_where_head", source=source)
    period = _need(head, "period", where)
    try:
        parse_period(period)
    except PeriodError as exc:
        raise ScorecardError("score_err_period", where=where, period=period, detail=str(exc)) from exc
    units = _need(head, "units", where, list)
    if len(units) < 2 or not all(isinstance(u, str) and u.strip() for u in units):
        raise ScorecardError("score_err_units", where=where)
    criteria_tables = data.get("criteria")
    if not isinstance(criteria_tables, list) or not criteria_tables:
        raise ScorecardError("score_err_no_criteria", source=source)
    criteria = [_parse_criterion(table, Phrase("score_where_criteria", source=source, number=number))
                for number, table in enumerate(criteria_tables, start=1)]
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise ScorecardError("score_err_duplicate_ids", source=source,
                             ids=", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    adjustments = []
    for number, table in enumerate(data.get("adjustments", []), start=1):
        w = Phrase("score_where_adjustments", source=source, number=number)
        reason = _need(table, "reason", w).strip()
        if not reason:
            raise ScorecardError("score_err_no_reason", where=w)
        adjustments.append(Adjustment(_need(table, "unit", w), _need(table, "points", w, float), reason))
    tiers = []
    for number, table in enumerate(data.get("tiers", []), start=1):
        w = Phrase("score_where_tiers", source=source, number=number)
        tiers.append(Tier(_need(table, "min", w, float), _need(table, "name", w)))
    max_bonus = _optional_number(head, "max_bonus", where)
    return Scorecard(
        title=_need(head, "title", where), bloc=str(head.get("bloc", "")), period=period,
        units=tuple(u.strip() for u in units), criteria=tuple(criteria), adjustments=tuple(adjustments),
        tiers=tuple(sorted(tiers, key=lambda tier: -tier.min_points)), version=int(head.get("version", 1)),
        issued=str(head.get("issued", "")), max_bonus=max_bonus, path=path, raw=data)


def _parse_criterion(table: dict, where: Phrase) -> Criterion:
    cid = _need(table, "id", where)
    where = Phrase("score_where_criterion", where=where, id=cid)
    method = _need(table, "method", where)
    if method not in METHODS:
        raise ScorecardError("score_err_method", where=where, method=method, methods=", ".join(METHODS))
    points = _need(table, "points", where, float)
    if not points > 0:
        raise ScorecardError("score_err_points", where=where)
    indicator = table.get("indicator")
    by_unit = table.get("indicator_by_unit")
    if (indicator is None) == (by_unit is None):
        raise ScorecardError("score_err_indicator_choice", where=where)
    if by_unit is not None:
        if not isinstance(by_unit, dict) or not by_unit:
            raise ScorecardError("score_err_by_unit_table", where=where)
        if method != PLAN_RATIO:
            raise ScorecardError("score_err_by_unit_method", where=where, method=PLAN_RATIO)
    elif not isinstance(indicator, str):
        raise ScorecardError("score_err_indicator_code", where=where)
    cap = _optional_number(table, "cap_pct", where)
    if cap is not None and not cap > 0:
        raise ScorecardError("score_err_cap", where=where)
    worst, best = _optional_number(table, "worst", where), _optional_number(table, "best", where)
    if method == GOALPOSTS and (worst is None or best is None or worst == best):
        raise ScorecardError("score_err_goalposts", where=where)
    return Criterion(id=cid, label=str(table.get("label", "")), points=points, method=method,
                     indicator=indicator, indicator_by_unit=dict(by_unit) if by_unit else None,
                     cap_pct=cap if cap is not None else 100.0, worst=worst, best=best)


# --------------------------------------------------------------------------- files

def load_scorecard(path: str | Path) -> Scorecard:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScorecardError("score_err_no_file", path=str(path)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScorecardError("score_err_toml", path=str(path), error=str(exc)) from exc
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


def scorecard_title(path: Path, lang: str = "vi") -> str:
    """The title for a list of scorecards; a file that does not load says so instead."""
    try:
        return load_scorecard(path).title
    except ScorecardError:
        return t("score_invalid_title", lang)


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
    parse_scorecard(data, Phrase("score_source_new_version"))  # never write a scorecard that would not load
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
