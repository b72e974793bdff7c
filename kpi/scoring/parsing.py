"""Reading a scorecard's TOML (data/scorecards/*.toml, or a catalogue version's text) into a Scorecard.

    [scorecard]   title, bloc, period, version, issued, units (keys or names), max_bonus,
                  incomplete (how a unit missing a figure is ranked: "apart", the default, lists it
                  apart without a rank; "after" ranks it after every complete unit)
    [[criteria]]  id, label, indicator (or [criteria.indicator_by_unit]), points, method,
                  cap_pct (plan_ratio), worst and best (goalposts)
    [[adjustments]] unit, points (+ bonus, - penalty), reason
    [[tiers]]     min, name
    English names, each optional (the English interface; the Vietnamese one where none is given):
    title_en, bloc_en, issued_en in [scorecard], label_en of a criterion, reason_en of an
    adjustment, name_en of a tier.

Every value is checked as data, not only by type: numbers are finite (TOML allows inf and nan) and
within their meaning (points > 0, a sheet of at most MAX_SHEET_POINTS, 0 < cap_pct <= MAX_CAP_PCT,
two different goalposts, 0 <= max_bonus <= the sheet, a bonus or penalty within ± the sheet), the
version a whole number from 1 to MAX_VERSION, texts are strings. Every failure is a ScorecardError
naming the file (or version), the table and the key.
"""
from __future__ import annotations

import hashlib
import math
import tomllib
from pathlib import Path

from kpi.periods import PeriodError, parse_period
from kpi.scoring.model import (
    GOALPOSTS,
    INCOMPLETE_APART,
    INCOMPLETE_RULES,
    MAX_CAP_PCT,
    MAX_SHEET_POINTS,
    MAX_VERSION,
    METHODS,
    PLAN_RATIO,
    Adjustment,
    Criterion,
    Phrase,
    Scorecard,
    ScorecardError,
    Tier,
)

_TYPE_KEYS = {str: "score_type_str", float: "score_type_float", list: "score_type_list", int: "score_type_int",
              dict: "score_type_table"}


def text_sha256(text: str) -> str:
    """The SHA-256 of a scorecard's text as UTF-8 (of a file's bytes when read from one)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_text(text: str, source: str, path: Path | None = None, stored_name: str = "") -> Scorecard:
    """A scorecard from its exact TOML text; ScorecardError when it is not TOML or not valid."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScorecardError("score_err_toml", path=source, error=str(exc)) from exc
    return parse_scorecard(data, source, path, text=text, stored_name=stored_name)


def need_field(table: dict, key: str, where, kind=str):
    """The value of `key`, of this kind; a number finite (TOML's inf and nan are refused)."""
    if key not in table:
        raise ScorecardError("score_err_missing_field", where=where, field=key)
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        try:
            value = float(value)
        except OverflowError:  # a whole number beyond the floats
            raise ScorecardError("score_err_not_finite", where=where, field=key, value=_shown(value)) from None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ScorecardError("score_err_field_type", where=where, field=key, expected=Phrase(_TYPE_KEYS[kind]),
                             value=_shown(value))
    if kind is float and not math.isfinite(value):
        raise ScorecardError("score_err_not_finite", where=where, field=key, value=_shown(value))
    return value


def _shown(value) -> str:
    """A value quoted in a message, cut short (a file may hold a very long one)."""
    try:
        text = repr(value)
    except ValueError:  # an integer of more than 4,300 digits has no repr
        text = "..."
    return text if len(text) <= 80 else text[:77] + "..."


def _optional(table: dict, key: str, where, kind=float, default=None):
    return need_field(table, key, where, kind) if key in table else default


def _tables(data: dict, key: str, source, required: bool = False) -> list[dict]:
    """An array of tables ([[criteria]], [[adjustments]], [[tiers]]); each element a table."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ScorecardError("score_err_table_list", source=source, table=key)
    if required and not value:
        raise ScorecardError("score_err_no_criteria", source=source)
    return value


def parse_scorecard(data: dict, source: str | Phrase | None = None, path: Path | None = None,
                    text: str = "", stored_name: str = "") -> Scorecard:
    """Validate a scorecard's TOML tables; ScorecardError names the file (`source`), the table and the key.
    `text`: the exact TOML text they were read from (its SHA-256 is kept beside it); `stored_name`: the
    catalogue version's name (kpi.scoring.versions)."""
    source = source if source is not None else Phrase("score_source_default")
    head = data.get("scorecard") if isinstance(data, dict) else None
    if not isinstance(head, dict):
        raise ScorecardError("score_err_no_head", source=source)
    where = Phrase("score_where_head", source=source)
    title = need_field(head, "title", where)
    period = need_field(head, "period", where)
    try:
        parse_period(period)
    except PeriodError as exc:
        raise ScorecardError("score_err_period", where=where, period=period, detail=str(exc)) from exc
    units = need_field(head, "units", where, list)
    if len(units) < 2 or not all(isinstance(u, str) and u.strip() for u in units):
        raise ScorecardError("score_err_units", where=where)
    version = _optional(head, "version", where, int, 1)
    if not 1 <= version <= MAX_VERSION:
        raise ScorecardError("score_err_version", where=where, value=_shown(version), max=MAX_VERSION)
    bloc, issued = _optional(head, "bloc", where, str, ""), _optional(head, "issued", where, str, "")
    incomplete = _optional(head, "incomplete", where, str, INCOMPLETE_APART)
    if incomplete not in INCOMPLETE_RULES:
        raise ScorecardError("score_err_incomplete_rule", where=where, value=_shown(incomplete),
                             rules=", ".join(INCOMPLETE_RULES))
    criteria = [_parse_criterion(table, Phrase("score_where_criteria", source=source, number=number))
                for number, table in enumerate(_tables(data, "criteria", source, required=True), start=1)]
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        raise ScorecardError("score_err_duplicate_ids", source=source,
                             ids=", ".join(sorted({i for i in ids if ids.count(i) > 1})))
    sheet = math.fsum(c.points for c in criteria)
    if sheet > MAX_SHEET_POINTS:
        raise ScorecardError("score_err_sheet_points", source=source, total=f"{sheet:g}", max=f"{MAX_SHEET_POINTS:g}")
    max_bonus = _optional(head, "max_bonus", where)
    if max_bonus is not None and not 0 <= max_bonus <= sheet:
        raise ScorecardError("score_err_max_bonus", where=where, value=_shown(max_bonus), sheet=f"{sheet:g}")
    adjustments = [parse_adjustment(table, Phrase("score_where_adjustments", source=source, number=number), sheet)
                   for number, table in enumerate(_tables(data, "adjustments", source), start=1)]
    tiers = []
    for number, table in enumerate(_tables(data, "tiers", source), start=1):
        w = Phrase("score_where_tiers", source=source, number=number)
        minimum, name = need_field(table, "min", w, float), need_field(table, "name", w)
        if not name.strip():
            raise ScorecardError("score_err_tier_name", where=w)
        tiers.append(Tier(minimum, name, _optional(table, "name_en", w, str, "").strip()))
    return Scorecard(
        title=title, bloc=bloc, period=period, units=tuple(u.strip() for u in units), criteria=tuple(criteria),
        adjustments=tuple(adjustments), tiers=tuple(sorted(tiers, key=lambda tier: -tier.min_points)),
        version=version, issued=issued, max_bonus=max_bonus, incomplete=incomplete, path=path, raw=data,
        title_en=_optional(head, "title_en", where, str, "").strip(), bloc_en=_optional(head, "bloc_en", where, str, "").strip(),
        issued_en=_optional(head, "issued_en", where, str, "").strip(), stored_name=stored_name, text=text,
        sha256=text_sha256(text) if text else "")


def parse_adjustment(table: dict, where: Phrase, sheet: float) -> Adjustment:
    """A bonus (+) or penalty (−) item: a unit, finite points within ± the sheet's total, a reason."""
    unit = need_field(table, "unit", where)
    points = need_field(table, "points", where, float)
    if abs(points) > sheet:
        raise ScorecardError("score_err_adjust_points", where=where, value=_shown(points), sheet=f"{sheet:g}")
    reason = need_field(table, "reason", where).strip()
    if not reason:
        raise ScorecardError("score_err_no_reason", where=where)
    return Adjustment(unit, points, reason, _optional(table, "reason_en", where, str, "").strip())


def _parse_criterion(table: dict, where: Phrase) -> Criterion:
    cid = need_field(table, "id", where)
    where = Phrase("score_where_criterion", where=where, id=cid)
    method = need_field(table, "method", where)
    if method not in METHODS:
        raise ScorecardError("score_err_method", where=where, method=method, methods=", ".join(METHODS))
    points = need_field(table, "points", where, float)
    if not points > 0:
        raise ScorecardError("score_err_points", where=where)
    label = _optional(table, "label", where, str, "")
    indicator = _optional(table, "indicator", where, str)
    by_unit = _optional(table, "indicator_by_unit", where, dict)
    if (indicator is None) == (by_unit is None):
        raise ScorecardError("score_err_indicator_choice", where=where)
    if by_unit is not None:
        if not by_unit or not all(isinstance(v, str) and v.strip() for v in by_unit.values()):
            raise ScorecardError("score_err_by_unit_table", where=where)
        if method != PLAN_RATIO:
            raise ScorecardError("score_err_by_unit_method", where=where, method=PLAN_RATIO)
    elif not indicator.strip():
        raise ScorecardError("score_err_indicator_code", where=where)
    cap = _optional(table, "cap_pct", where)
    if cap is not None and not 0 < cap <= MAX_CAP_PCT:
        raise ScorecardError("score_err_cap", where=where, value=_shown(cap), max=f"{MAX_CAP_PCT:g}")
    worst, best = _optional(table, "worst", where), _optional(table, "best", where)
    if method == GOALPOSTS and (worst is None or best is None or worst == best):
        raise ScorecardError("score_err_goalposts", where=where)
    return Criterion(id=cid, label=label, points=points, method=method,
                     indicator=indicator, indicator_by_unit=dict(by_unit) if by_unit else None,
                     cap_pct=cap if cap is not None else 100.0, worst=worst, best=best,
                     label_en=_optional(table, "label_en", where, str, "").strip())
