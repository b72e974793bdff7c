"""Scorecards: the TOML an award committee reads, listed and loaded by the name they are known by.

A scorecard comes from one of three places, listed in this order:

- the shipped files, data/scorecards/*.toml (kpi/scoring/files.py);
- the data folder's own files, <data>/scorecards/*.toml, placed there by hand (listed for that
  data folder only, as before); version files of earlier releases there are in the catalogue too;
- the versions saved by the committee, rows of the catalogue shared by every replica
  (kpi/scoring/versions.py), named `<base>.v<N>.toml`.

The TOML is read in kpi/scoring/parsing.py into the data of kpi/scoring/model.py; the checks of a
scorecard changed after reading are kpi/scoring/checks.py. This module keeps the names callers have
always used (kpi.scoring re-exports them). Every failure to read, validate or save a scorecard is a
ScorecardError, so that one bad file never breaks a caller that goes through several (the chooser
of the ranking page, the emulation slide of a deck).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.scoring.checks import check_adjustment, check_points
from kpi.scoring.files import SCORECARDS_DIR, file_sha256, load_file, local_files, toml_files, user_scorecards_dir
from kpi.scoring.model import (
    GOALPOSTS,
    INCOMPLETE_AFTER,
    INCOMPLETE_APART,
    INCOMPLETE_RULES,
    LEADER,
    MAX_CAP_PCT,
    MAX_SHEET_POINTS,
    MAX_VERSION,
    METHODS,
    PLAN_RATIO,
    RANK,
    Adjustment,
    Criterion,
    Phrase,
    PhrasedError,
    Scorecard,
    ScorecardError,
    Tier,
    with_points,
)
from kpi.scoring.parsing import parse_scorecard, parse_text
from kpi.scoring.versions import StoredVersion, find_version, load_version, save_version, stored_versions
from kpi.text.i18n import t

__all__ = [
    "GOALPOSTS", "INCOMPLETE_AFTER", "INCOMPLETE_APART", "INCOMPLETE_RULES", "LEADER", "MAX_CAP_PCT",
    "MAX_SHEET_POINTS", "MAX_VERSION", "METHODS", "PLAN_RATIO", "RANK", "SCORECARDS_DIR", "Adjustment", "Criterion",
    "Phrase", "PhrasedError", "Scorecard", "ScorecardEntry", "ScorecardError", "StoredVersion", "Tier",
    "check_adjustment", "check_points", "file_sha256", "list_scorecards", "load_scorecard", "parse_scorecard",
    "parse_text", "save_version", "scorecard_entries", "toml_files", "user_scorecards_dir", "with_points",
]

Source = Path | StoredVersion


def load_scorecard(source: str | Path | StoredVersion, data_dir=None) -> Scorecard:
    """Read and validate one scorecard: a catalogue version (as list_scorecards gives it), or a file.
    A path where no file is, whose name is a version in the catalogue of `data_dir`
    (data/scorecards/dbscl-2025.v2.toml, as earlier releases wrote them), is that version. Every
    failure is a ScorecardError; a file is parsed once per version of it, a catalogue version once."""
    if isinstance(source, StoredVersion):
        return load_version(source)
    path = Path(source)
    if not path.exists():
        stored = find_version(path.name, data_dir)
        if stored is not None:
            return load_version(stored)
    return load_file(path)


def list_scorecards(data_dir=None) -> list[Source]:
    """The shipped files, then the data folder's own files, then the catalogue's versions (each
    list by name; the versions by base name and number). A file whose name is a catalogue version
    is that version (listed once). Each has a `.name`; load_scorecard reads any of them, and a
    file listed here may not load: load_scorecard says why (ScorecardError), the others still do."""
    versions = stored_versions(data_dir)
    names = {v.name for v in versions}
    return [*toml_files(SCORECARDS_DIR), *(p for p in local_files(data_dir) if p.name not in names), *versions]


@dataclass(frozen=True)
class ScorecardEntry:
    """One scorecard of list_scorecards: its scorecard, or the error that keeps it from loading."""
    source: Source
    scorecard: Scorecard | None
    error: ScorecardError | None

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def path(self) -> Path | None:
        """Its file (None for a catalogue version)."""
        return self.source if isinstance(self.source, Path) else None

    def title(self, lang: str = "vi") -> str:
        return self.scorecard.title_in(lang) if self.scorecard else t("score_invalid_title", lang)


def scorecard_entries(data_dir=None) -> list[ScorecardEntry]:
    """Every listed scorecard loaded once: a malformed file is an entry with its error, never a failure."""
    out = []
    for source in list_scorecards(data_dir):
        try:
            out.append(ScorecardEntry(source, load_scorecard(source, data_dir), None))
        except ScorecardError as exc:
            out.append(ScorecardEntry(source, None, exc))
    return out
