"""The texts a user edited for a Word report (ưu điểm, hạn chế, phương hướng, kiến nghị), kept with
the report so the next export starts from them.

They live in the snapshot catalogue's database (kpi.store.catalogue's connection), table
`report_texts` (queries/report_texts_*.sql, portable SQL): append-only versions per unit, period
and geography, each with its author, time and the snapshot it was drafted on; the newest version
wins. Saving needs the editor role for the unit (kpi.access.users.require) and writes an audit row
in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.access.users import EDITOR, User, require
from kpi.store import catalogue
from kpi.store.sql import load_sql

ACTION = "report_texts"  # the audit log's action of a save
FIELDS = ("strengths", "weaknesses", "directions", "proposals")


@dataclass(frozen=True)
class ReportTexts:
    """One saved version of a report's edited texts (each a text area: one paragraph a line)."""
    unit: str
    period: str
    geography: int
    strengths: str
    weaknesses: str
    directions: str
    proposals: str
    version: int = 0          # 0: not saved (drafted from the figures)
    author_id: str = ""
    author_name: str = ""
    saved_at: str = ""        # UTC, ISO 8601
    snapshot: str = ""
    domain: str = ""          # data/catalogue/domains.csv code; '' for a whole-sector report

    @property
    def saved(self) -> bool:
        return self.version > 0


def _schema(con) -> None:
    con.executescript(load_sql("report_texts_schema"))


def _texts(row) -> ReportTexts:
    return ReportTexts(unit=row["unit"], period=row["period"], geography=int(row["geography"]),
                       strengths=row["strengths"], weaknesses=row["weaknesses"], directions=row["directions"],
                       proposals=row["proposals"], version=int(row["version"]), author_id=row["author_id"],
                       author_name=row["author_name"], saved_at=row["saved_at"], snapshot=row["snapshot"],
                       domain=row["domain"])


def save(texts: ReportTexts, user: User | None, data_dir: Path | str | None = None,
         unit_table: pd.DataFrame | None = None) -> ReportTexts:
    """Append a new version of the texts (the editor role for the unit; audited); returns it as saved."""
    require(user, EDITOR, [texts.unit], unit_table)
    with catalogue.connect(data_dir) as con:
        _schema(con)
        with catalogue.transaction(con):
            key = {"unit": texts.unit, "period": texts.period, "geography": int(texts.geography),
                   "domain": texts.domain or ""}
            version = int(catalogue.run_sql(con, "report_texts_next_version", **key).fetchone()["version"])
            saved = ReportTexts(**key, **{f: str(getattr(texts, f) or "") for f in FIELDS}, version=version,
                                author_id=user.id, author_name=user.name, saved_at=catalogue.now_text(),
                                snapshot=texts.snapshot or "")
            catalogue.run_sql(con, "report_texts_insert", **key, version=version,
                              **{f: getattr(saved, f) for f in FIELDS}, author_id=saved.author_id,
                              author_name=saved.author_name, saved_at=saved.saved_at, snapshot=saved.snapshot)
            scope = f", {texts.domain}" if texts.domain else ""
            catalogue.append_audit(con, ACTION, user, f"{texts.unit} {texts.period} ({texts.geography}{scope}), "
                                                      f"phiên bản {version}", [saved.snapshot], at=saved.saved_at)
    return saved


def versions(unit: str, period: str, geography: int, data_dir: Path | str | None = None,
             domain: str = "") -> list[ReportTexts]:
    """Every saved version of the report on `unit`, `period`, `geography` and `domain`, newest first."""
    if not catalogue.exists(data_dir):
        return []
    with catalogue.connect(data_dir) as con:
        _schema(con)
        rows = catalogue.run_sql(con, "report_texts_versions", unit=unit, period=period,
                                 geography=int(geography), domain=domain or "").fetchall()
    return [_texts(row) for row in rows]


def newest(unit: str, period: str, geography: int, data_dir: Path | str | None = None,
           domain: str = "") -> ReportTexts | None:
    """The version the next export starts from (the newest), or None when none was saved."""
    found = versions(unit, period, geography, data_dir, domain)
    return found[0] if found else None
