"""The scorecard as data: its criteria, bonus/penalty items, tiers and rules (kpi/scoring/parsing.py
reads the TOML into these; kpi/scoring/scorecard.py lists the files and the catalogue's versions).

A scorecard that cannot be used raises ScorecardError, which carries a text key and its parameters
(kpi/text/texts_scoring.py) so that a page says it in its language; str() is the Vietnamese text.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from kpi.text.i18n import t

PLAN_RATIO, GOALPOSTS, LEADER, RANK = "plan_ratio", "goalposts", "leader", "rank"
METHODS = (PLAN_RATIO, GOALPOSTS, LEADER, RANK)
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
    # where it was read: a catalogue version's name (dbscl-2025.v2.toml; a file is named by its path),
    # and the exact TOML text read with its SHA-256 (a decision stores them, a new version names them)
    stored_name: str = ""
    text: str = field(default="", compare=False, repr=False)
    sha256: str = field(default="", compare=False)

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
        """The name it is listed and referred to by: a catalogue version's, a file's, else its title."""
        return self.stored_name or (self.path.name if self.path else self.title)



def with_points(scorecard: Scorecard, points: dict[str, float], keep_sheet: bool = True) -> Scorecard:
    """The scorecard with other maximum points per criterion (rescaled to the same sheet total)."""
    wanted = {c.id: float(points.get(c.id, c.points)) for c in scorecard.criteria}
    total = sum(wanted.values())
    if keep_sheet and total > 0:
        factor = scorecard.sheet_points / total
        wanted = {k: v * factor for k, v in wanted.items()}
    criteria = tuple(dataclasses.replace(c, points=wanted[c.id]) for c in scorecard.criteria if wanted[c.id] > 0)
    # trial points are not the text read: a trial scorecard names no exact text
    return dataclasses.replace(scorecard, criteria=criteria, text="", sha256="")
