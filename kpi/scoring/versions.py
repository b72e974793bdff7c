"""Scorecard versions in the catalogue (issue 13, issue 14 item 2): shared by every replica.

A committee member's new version of a scorecard (its bonus/penalty items) is one append-only row of
the catalogue's `scorecard_versions` table (kpi.store.catalogue: SQLite in the data folder, or the
PostgreSQL of `KPI_CATALOGUE` that every replica reads; triggers abort an UPDATE or DELETE), keyed
on (base name, version): its exact TOML text and SHA-256, the version it was based on (name and
SHA-256), who saved it and when. It is listed and referred to as `<base>.v<N>.toml`, as the files
of earlier releases were, so decisions, exports and the audit log name it the same way.

Saving inserts the next number in one writing transaction with its audit row; an insert that finds
the key taken (two members at once, on two replicas) takes the next number: both are kept, neither
lost. Nothing is written for a scorecard that would not load: the exact text stored is parsed first.

Version files that earlier releases wrote into a data folder's scorecards/ (`<base>.v<N>.toml`
whose [scorecard] version is N) are imported into the catalogue once per process and data folder,
so that the other replicas see them and the numbers go on after them; the files are left where
they are (a path given on the command line still reads them). Other files of that folder (placed
by hand, or not loading) stay listed as files of this data folder (kpi.scoring.scorecard).

A version is parsed once per process: the cache is keyed on (base, version, SHA-256).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import tomli_w

from kpi.access import audit
from kpi.access.users import COMMITTEE, User, require
from kpi.scoring.checks import check_adjustment
from kpi.scoring.files import local_files, read_text
from kpi.scoring.model import Adjustment, Phrase, Scorecard, ScorecardError
from kpi.scoring.parsing import parse_scorecard, parse_text, text_sha256
from kpi.store import catalogue

log = logging.getLogger(__name__)
VERSION_NAME = re.compile(r"^(?P<base>.+)\.v(?P<version>\d+)\.toml$")
DEFAULT_BASE = "bang-diem"
CACHE_SIZE = 256
IMPORTED_BY = "tệp phiên bản cũ"  # created_by of a version imported from an earlier release's file


@dataclass(frozen=True)
class StoredVersion:
    """One row of scorecard_versions."""
    base: str
    version: int
    file_name: str
    text: str
    sha256: str
    based_on: str
    based_on_sha256: str
    created_by: str
    created_name: str
    created_at: str

    @property
    def name(self) -> str:
        """The name it is listed and referred to by (dbscl-2025.v2.toml), as a file's."""
        return self.file_name


def base_name(name: str) -> str:
    """A scorecard's name without `.v<N>.toml` or `.toml`: what its versions are numbered under."""
    base = re.sub(r"(\.v\d+)?\.toml$", "", name) if name.endswith(".toml") else ""
    return base or DEFAULT_BASE


def version_name(base: str, version: int) -> str:
    return f"{base}.v{version}.toml"


def _stored(row) -> StoredVersion:
    return StoredVersion(**{k: row[k] for k in StoredVersion.__dataclass_fields__})


def location(data_dir=None) -> str:
    """The catalogue's place as messages name it (the SQLite file, or the address without password)."""
    return str(catalogue.dialect(data_dir).path(catalogue.folder_of(data_dir)))


# --------------------------------------------------------------------------- reading

def stored_versions(data_dir=None) -> list[StoredVersion]:
    """Every saved version by base name and version (none when the data folder has no catalogue
    yet: listing never creates one). Earlier releases' version files are imported first, once."""
    if not catalogue.exists(data_dir):
        return []
    with catalogue.connect(data_dir) as con:
        _import_once(con, data_dir)
        return [_stored(row) for row in catalogue.run_sql(con, "scorecard_versions_all")]


def find_version(name: str, data_dir=None) -> StoredVersion | None:
    """The saved version listed as `name` (dbscl-2025.v2.toml), or None."""
    if not VERSION_NAME.match(name) or not catalogue.exists(data_dir):
        return None
    with catalogue.connect(data_dir) as con:
        _import_once(con, data_dir)
        row = catalogue.run_sql(con, "scorecard_version_get", file_name=name).fetchone()
    return _stored(row) if row else None


_PARSED: OrderedDict[tuple[str, int, str], Scorecard] = OrderedDict()
_PARSED_LOCK = threading.Lock()


def load_version(stored: StoredVersion) -> Scorecard:
    """The scorecard of a saved version, parsed once per process (keyed on base, version and SHA-256);
    a text whose SHA-256 is not the stored one is refused (ScorecardError)."""
    if text_sha256(stored.text) != stored.sha256:  # a few microseconds: the text is checked every time
        raise ScorecardError("score_err_version_sha", name=stored.name)
    key = (stored.base, stored.version, stored.sha256)
    with _PARSED_LOCK:
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    card = parse_text(stored.text, stored.name, stored_name=stored.name)
    with _PARSED_LOCK:
        _PARSED[key] = card
        while len(_PARSED) > CACHE_SIZE:
            _PARSED.popitem(last=False)
    return card


# --------------------------------------------------------------------------- saving

def save_version(scorecard: Scorecard, adjustments: list[Adjustment], user: User | None = None,
                 data_dir=None) -> Scorecard:
    """Save the scorecard with these bonus/penalty items as a new version in the catalogue of
    `data_dir` (never replaces one), for `user`, who must hold the committee role (PermissionDenied
    otherwise); returns the saved version. Its audit row (name, SHA-256, based on) is written in the
    same transaction.

    Every item is checked first (check_adjustment) and the exact text stored must load; a catalogue
    that cannot be written (read-only, a failed insert) raises ScorecardError and leaves nothing."""
    require(user, COMMITTEE)
    for adjustment in adjustments:
        check_adjustment(scorecard, adjustment)
    data = dict(scorecard.raw)
    head = dict(data["scorecard"])
    base = base_name(scorecard.name)
    head["based_on"] = scorecard.name
    if scorecard.sha256:
        head["based_on_sha256"] = scorecard.sha256
    data["adjustments"] = [{"unit": a.unit, "points": float(a.points), "reason": a.reason,
                            **({"reason_en": a.reason_en} if a.reason_en else {})} for a in adjustments]
    head["version"] = scorecard.version + 1
    data["scorecard"] = head
    parse_scorecard(data, Phrase("score_source_new_version"))  # never write a scorecard that would not load
    try:
        with catalogue.connect(data_dir) as con:
            _import_once(con, data_dir)
            with catalogue.transaction(con):
                last = catalogue.run_sql(con, "scorecard_version_last", base=base).fetchone()["version"] or 0
                head["version"] = max(scorecard.version, last) + 1
                while True:
                    text = tomli_w.dumps(data)
                    name = version_name(base, head["version"])
                    card = parse_text(text, name, stored_name=name)  # the exact text stored loads
                    if catalogue.run_sql(con, "scorecard_version_insert", base=base, version=head["version"],
                                         file_name=name, text=text, sha256=card.sha256, based_on=head["based_on"],
                                         based_on_sha256=head.get("based_on_sha256", ""),
                                         created_by=user.id, created_name=user.name,
                                         created_at=catalogue.now_text()).rowcount:
                        break
                    head["version"] += 1  # saved by someone else meanwhile: the next number
                catalogue.append_audit(con, audit.SCORECARD_VERSION, user,
                                       f"{scorecard.title}: phiên bản {head['version']} ({name})",
                                       [name, card.sha256, head["based_on"]])
    except (*catalogue.DB_ERRORS, catalogue.CatalogueError, OSError) as exc:
        raise ScorecardError("score_err_save", folder=location(data_dir), error=_reason(exc)) from exc
    return card


def _reason(exc: Exception) -> str:
    """What went wrong, in one line (a database's own message, or the system's for a file error)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- earlier releases' files

_IMPORTED: set[tuple] = set()
_IMPORTED_LOCK = threading.Lock()


def _import_once(con, data_dir) -> None:
    """Import the data folder's version files of earlier releases, once per process and folder."""
    key = (location(data_dir), str(catalogue.folder_of(data_dir).resolve()))
    with _IMPORTED_LOCK:
        if key in _IMPORTED:
            return
    import_local_versions(con, data_dir)
    with _IMPORTED_LOCK:
        _IMPORTED.add(key)


def import_local_versions(con, data_dir=None) -> list[str]:
    """Insert every `<base>.v<N>.toml` of the data folder's scorecards/ that loads and says version N
    into the catalogue under its name (one that is there already is left as it is; one of the same
    name but another text is named in the log), each with an audit row. Returns the names inserted."""
    inserted = []
    for path in local_files(data_dir):
        match = VERSION_NAME.match(path.name)
        if not match:
            continue
        try:
            text = read_text(path)
            card = parse_text(text, str(path))
        except ScorecardError:
            continue  # listed as a file, with its error (kpi.scoring.scorecard)
        if card.version != int(match["version"]):
            continue
        head = card.raw["scorecard"]
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="microseconds")
        with catalogue.transaction(con):
            if catalogue.run_sql(con, "scorecard_version_insert", base=match["base"], version=card.version,
                                 file_name=path.name, text=text, sha256=card.sha256,
                                 based_on=str(head.get("based_on", "")),
                                 based_on_sha256=str(head.get("based_on_sha256", "")), created_by=IMPORTED_BY,
                                 created_name="", created_at=modified).rowcount:
                catalogue.append_audit(con, audit.SCORECARD_VERSION, None,
                                       f"{card.title}: phiên bản {card.version} ({path.name}), nhập từ tệp {path}",
                                       [path.name, card.sha256, str(head.get("based_on", ""))])
                inserted.append(path.name)
                continue
        row = catalogue.run_sql(con, "scorecard_version_get", file_name=path.name).fetchone()
        if row is not None and row["sha256"] != card.sha256:
            log.warning("Tệp %s khác phiên bản cùng tên trong sổ bản dữ liệu (SHA-256 %s, trong sổ %s); "
                        "danh sách dùng phiên bản trong sổ", path, card.sha256, row["sha256"])
    return inserted
