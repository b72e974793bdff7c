"""Scorecards: the TOML an award committee reads (data/scorecards/*.toml), validated, listed and versioned.

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
version a whole number from 1 to MAX_VERSION, texts are strings.

A scorecard that cannot be used raises ScorecardError, which carries a text key and its parameters
(kpi/text/texts_scoring.py) so that a page says it in its language; str() is the Vietnamese text.
Every failure to read, validate or save a scorecard is a ScorecardError (an unreadable file, a
read-only folder or a full disk included), so that one bad file never breaks a caller that goes
through several (the chooser of the ranking page, the emulation slide of a deck).
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import math
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tomli_w

from kpi.access import audit
from kpi.access.users import COMMITTEE, User, require
from kpi.paths import REPO_DIR
from kpi.paths import data_dir as default_data_dir
from kpi.periods import PeriodError, parse_period
from kpi.text.i18n import t

SCORECARDS_DIR = REPO_DIR / "data" / "scorecards"
PLAN_RATIO, GOALPOSTS, LEADER, RANK = "plan_ratio", "goalposts", "leader", "rank"
METHODS = (PLAN_RATIO, GOALPOSTS, LEADER, RANK)
_TYPE_KEYS = {str: "score_type_str", float: "score_type_float", list: "score_type_list", int: "score_type_int",
              dict: "score_type_table"}
MAX_SHEET_POINTS = 10_000.0  # the criteria of a sheet add up to at most this (100 or 1,000 in practice)
MAX_CAP_PCT = 1_000.0        # a plan_ratio cap: at most ten times the plan
MAX_VERSION = 999_999
# how a unit missing a figure is ranked ([scorecard] incomplete): listed apart without a rank (the
# default), or ranked after every complete unit on its partial total; never above a complete unit
INCOMPLETE_APART, INCOMPLETE_AFTER = "apart", "after"
INCOMPLETE_RULES = (INCOMPLETE_APART, INCOMPLETE_AFTER)


class Phrase:
    """A catalogue text not yet said: its key and parameters (values, or phrases said in the same language)."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params

    def text(self, lang: str = "vi") -> str:
        return t(self.key, lang, **{k: v.text(lang) if isinstance(v, Phrase) else v for k, v in self.params.items()})


class PhrasedError(ValueError):
    """An error said by a text key: str() is the Vietnamese message, message(lang) any language."""

    def __init__(self, key: str, **params):
        self.phrase = Phrase(key, **params)
        super().__init__(self.phrase.text("vi"))

    def message(self, lang: str = "vi") -> str:
        return self.phrase.text(lang)


class ScorecardError(PhrasedError):
    """A scorecard that cannot be used; the message names the file and the field."""


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
    label_en: str = ""

    def label_in(self, lang: str = "vi") -> str:
        """The criterion's label in the language ('' when it has none: the caller names its indicator)."""
        return self.label_en if lang == "en" and self.label_en else self.label

    def indicator_of(self, unit: str) -> str:
        if self.indicator_by_unit is not None:
            return self.indicator_by_unit[unit]
        return self.indicator


@dataclass(frozen=True)
class Adjustment:
    unit: str
    points: float
    reason: str
    reason_en: str = ""

    def reason_in(self, lang: str = "vi") -> str:
        return self.reason_en if lang == "en" and self.reason_en else self.reason


@dataclass(frozen=True)
class Tier:
    min_points: float
    name: str
    name_en: str = ""

    def name_in(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name


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
    incomplete: str = INCOMPLETE_APART
    path: Path | None = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)
    title_en: str = ""
    bloc_en: str = ""
    issued_en: str = ""

    def title_in(self, lang: str = "vi") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title

    def bloc_in(self, lang: str = "vi") -> str:
        return self.bloc_en if lang == "en" and self.bloc_en else self.bloc

    def issued_in(self, lang: str = "vi") -> str:
        return self.issued_en if lang == "en" and self.issued_en else self.issued

    def tier_name(self, name: str, lang: str = "vi") -> str:
        """A tier's name (as kpi.scoring.totals.tier_of gives it, in Vietnamese) in the language."""
        return next((tier.name_in(lang) for tier in self.tiers if tier.name == name), name) if name else name

    @property
    def sheet_points(self) -> float:
        return float(sum(c.points for c in self.criteria))

    @property
    def name(self) -> str:
        return self.path.name if self.path else self.title


# --------------------------------------------------------------------------- parsing

def _need(table: dict, key: str, where, kind=str):
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
    return _need(table, key, where, kind) if key in table else default


def _tables(data: dict, key: str, source, required: bool = False) -> list[dict]:
    """An array of tables ([[criteria]], [[adjustments]], [[tiers]]); each element a table."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ScorecardError("score_err_table_list", source=source, table=key)
    if required and not value:
        raise ScorecardError("score_err_no_criteria", source=source)
    return value


def parse_scorecard(data: dict, source: str | Phrase | None = None, path: Path | None = None) -> Scorecard:
    """Validate a scorecard's TOML tables; ScorecardError names the file (`source`), the table and the key."""
    source = source if source is not None else Phrase("score_source_default")
    head = data.get("scorecard") if isinstance(data, dict) else None
    if not isinstance(head, dict):
        raise ScorecardError("score_err_no_head", source=source)
    where = Phrase("score_where_head", source=source)
    title = _need(head, "title", where)
    period = _need(head, "period", where)
    try:
        parse_period(period)
    except PeriodError as exc:
        raise ScorecardError("score_err_period", where=where, period=period, detail=str(exc)) from exc
    units = _need(head, "units", where, list)
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
    adjustments = [_parse_adjustment(table, Phrase("score_where_adjustments", source=source, number=number), sheet)
                   for number, table in enumerate(_tables(data, "adjustments", source), start=1)]
    tiers = []
    for number, table in enumerate(_tables(data, "tiers", source), start=1):
        w = Phrase("score_where_tiers", source=source, number=number)
        minimum, name = _need(table, "min", w, float), _need(table, "name", w)
        if not name.strip():
            raise ScorecardError("score_err_tier_name", where=w)
        tiers.append(Tier(minimum, name, _optional(table, "name_en", w, str, "").strip()))
    return Scorecard(
        title=title, bloc=bloc, period=period, units=tuple(u.strip() for u in units), criteria=tuple(criteria),
        adjustments=tuple(adjustments), tiers=tuple(sorted(tiers, key=lambda tier: -tier.min_points)),
        version=version, issued=issued, max_bonus=max_bonus, incomplete=incomplete, path=path, raw=data,
        title_en=_optional(head, "title_en", where, str, "").strip(), bloc_en=_optional(head, "bloc_en", where, str, "").strip(),
        issued_en=_optional(head, "issued_en", where, str, "").strip())


def _parse_adjustment(table: dict, where: Phrase, sheet: float) -> Adjustment:
    """A bonus (+) or penalty (−) item: a unit, finite points within ± the sheet's total, a reason."""
    unit = _need(table, "unit", where)
    points = _need(table, "points", where, float)
    if abs(points) > sheet:
        raise ScorecardError("score_err_adjust_points", where=where, value=_shown(points), sheet=f"{sheet:g}")
    reason = _need(table, "reason", where).strip()
    if not reason:
        raise ScorecardError("score_err_no_reason", where=where)
    return Adjustment(unit, points, reason, _optional(table, "reason_en", where, str, "").strip())


def _parse_criterion(table: dict, where: Phrase) -> Criterion:
    cid = _need(table, "id", where)
    where = Phrase("score_where_criterion", where=where, id=cid)
    method = _need(table, "method", where)
    if method not in METHODS:
        raise ScorecardError("score_err_method", where=where, method=method, methods=", ".join(METHODS))
    points = _need(table, "points", where, float)
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


# --------------------------------------------------------------------------- files

def load_scorecard(path: str | Path) -> Scorecard:
    """Read and validate one file; every failure (missing, unreadable, not TOML, invalid) is a ScorecardError.
    A file is parsed once per version (its modification time and size): every page run and session gets
    the same Scorecard, so the scores computed from it are shared too (kpi.memo)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _read_scorecard(path)
    return _scorecard_version(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _scorecard_version(path: Path, modified_ns: int, size: int) -> Scorecard:
    return _read_scorecard(path)


def _read_scorecard(path: Path) -> Scorecard:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScorecardError("score_err_no_file", path=str(path)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScorecardError("score_err_toml", path=str(path), error=str(exc)) from exc
    except OSError as exc:  # a folder named *.toml, no permission, an I/O error
        raise ScorecardError("score_err_read", path=str(path), error=exc.strerror or str(exc)) from exc
    return parse_scorecard(data, str(path), path)


def user_scorecards_dir(data_dir=None) -> Path:
    """New versions are written next to the data (never into the shipped scorecards)."""
    return default_data_dir(data_dir) / "scorecards"


def _toml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError:  # an unreadable folder holds no scorecard this process can use
        return []


def list_scorecards(data_dir=None) -> list[Path]:
    """Shipped scorecards, then versions saved in the data folder; each list by name. A file listed
    here may not load: load_scorecard says why (ScorecardError), and the other files still do."""
    paths = _toml_files(SCORECARDS_DIR)
    user = user_scorecards_dir(data_dir)
    if user.resolve() != SCORECARDS_DIR.resolve():
        paths += _toml_files(user)
    return paths


@dataclass(frozen=True)
class ScorecardEntry:
    """One file of list_scorecards: its scorecard, or the error that keeps it from loading."""
    path: Path
    scorecard: Scorecard | None
    error: ScorecardError | None

    @property
    def name(self) -> str:
        return self.path.name

    def title(self, lang: str = "vi") -> str:
        return self.scorecard.title_in(lang) if self.scorecard else t("score_invalid_title", lang)


def scorecard_entries(data_dir=None) -> list[ScorecardEntry]:
    """Every listed scorecard loaded once: a malformed file is an entry with its error, never a failure."""
    out = []
    for path in list_scorecards(data_dir):
        try:
            out.append(ScorecardEntry(path, load_scorecard(path), None))
        except ScorecardError as exc:
            out.append(ScorecardEntry(path, None, exc))
    return out


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_adjustment(scorecard: Scorecard, adjustment: Adjustment) -> None:
    """Refuse (ScorecardError) a bonus or penalty that is not a finite number within ± the sheet's
    total, or has no reason: the rule of the file ([[adjustments]]) for an item entered on a page."""
    data = {"unit": adjustment.unit, "points": adjustment.points, "reason": adjustment.reason}
    if isinstance(adjustment.points, (int, float)) and not isinstance(adjustment.points, bool):
        data["points"] = float(adjustment.points)  # numpy floats too
    _parse_adjustment(data, Phrase("score_where_new_adjustment", source=scorecard.name), scorecard.sheet_points)


def check_points(scorecard: Scorecard) -> None:
    """Refuse (ScorecardError) a scorecard whose numbers were changed after it was read (trial
    weights, items added in code): every criterion's points finite and above 0, the sheet within
    MAX_SHEET_POINTS, every bonus or penalty finite within ± the sheet's total, with a reason. The
    rule of the file, checked again where a ranking is computed (kpi.scoring.totals.score)."""
    for number, c in enumerate(scorecard.criteria, start=1):
        where = Phrase("score_where_criterion", id=c.id,
                       where=Phrase("score_where_criteria", source=scorecard.name, number=number))
        _need({"points": c.points if not isinstance(c.points, int) else float(c.points)}, "points", where, float)
        if not c.points > 0:
            raise ScorecardError("score_err_points", where=where)
    sheet = math.fsum(c.points for c in scorecard.criteria)
    if sheet > MAX_SHEET_POINTS:
        raise ScorecardError("score_err_sheet_points", source=scorecard.name, total=f"{sheet:g}",
                             max=f"{MAX_SHEET_POINTS:g}")
    for adjustment in scorecard.adjustments:
        check_adjustment(scorecard, adjustment)


def save_version(scorecard: Scorecard, adjustments: list[Adjustment], folder=None, user: User | None = None,
                 data_dir=None) -> Path:
    """Write the scorecard with these bonus/penalty items as a new version (never overwrites), for
    `user`, who must hold the committee role (PermissionDenied otherwise); the new version is
    recorded in the audit log of `data_dir` (its file name and SHA-256).

    Every item is checked first (check_adjustment) and the new file must load; a folder that
    cannot be written (read-only, full disk) raises ScorecardError and leaves no file behind."""
    require(user, COMMITTEE)
    for adjustment in adjustments:
        check_adjustment(scorecard, adjustment)
    data = dict(scorecard.raw)
    head = dict(data["scorecard"])
    base = re.sub(r"(\.v\d+)?\.toml$", "", scorecard.path.name) if scorecard.path else "bang-diem"
    head["version"] = scorecard.version + 1
    head["based_on"] = scorecard.path.name if scorecard.path else scorecard.title
    folder = Path(folder) if folder else user_scorecards_dir(data_dir)
    try:
        if scorecard.path:
            head["based_on_sha256"] = file_sha256(scorecard.path)
        data["scorecard"] = head
        data["adjustments"] = [{"unit": a.unit, "points": float(a.points), "reason": a.reason,
                                **({"reason_en": a.reason_en} if a.reason_en else {})} for a in adjustments]
        parse_scorecard(data, Phrase("score_source_new_version"))  # never write a scorecard that would not load
        folder.mkdir(parents=True, exist_ok=True)
        while True:
            path = folder / f"{base}.v{head['version']}.toml"
            payload = tomli_w.dumps(data).encode("utf-8")
            try:
                _create_exclusive(path, payload)
                break
            except FileExistsError:
                head["version"] += 1
    except OSError as exc:
        raise ScorecardError("score_err_save", folder=str(folder), error=exc.strerror or str(exc)) from exc
    audit.record(audit.SCORECARD_VERSION, user, f"{scorecard.title}: phiên bản {head['version']} ({path.name})",
                 [path.name, hashlib.sha256(payload).hexdigest(), head["based_on"]], data_dir=data_dir)
    return path


_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}


def _create_exclusive(path: Path, payload: bytes) -> None:
    """Create `path` holding `payload` whole, or raise (FileExistsError when it exists): written to a
    hidden temporary file, then hard-linked under its name, so that no reader ever lists half a file."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic, and never replaces an existing file
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            _create_in_place(path, payload)  # a file system without hard links
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _create_in_place(path: Path, payload: bytes) -> None:
    with open(path, "xb") as handle:
        try:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            handle.close()
            with contextlib.suppress(OSError):
                path.unlink()
            raise


def with_points(scorecard: Scorecard, points: dict[str, float], keep_sheet: bool = True) -> Scorecard:
    """The scorecard with other maximum points per criterion (rescaled to the same sheet total)."""
    wanted = {c.id: float(points.get(c.id, c.points)) for c in scorecard.criteria}
    total = sum(wanted.values())
    if keep_sheet and total > 0:
        factor = scorecard.sheet_points / total
        wanted = {k: v * factor for k, v in wanted.items()}
    criteria = tuple(dataclasses.replace(c, points=wanted[c.id]) for c in scorecard.criteria if wanted[c.id] > 0)
    return dataclasses.replace(scorecard, criteria=criteria)
