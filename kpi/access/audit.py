"""The audit log (DESIGN section 10): append-only, one row per sign-in, import, approval, rejection,
scorecard version, decision, export and settings change - who, when, what, and the ids involved.

Rows live in the catalogue's `audit_log` table (kpi.store.catalogue; triggers abort any UPDATE or
DELETE). The store writes the import, approval and rejection rows in the same transaction as the
change; everything else is recorded here. Nothing offers an edit or a delete.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from kpi.access.roles import ROLE_GRANT, ROLE_REVOKE
from kpi.access.users import User
from kpi.store import catalogue

SIGN_IN, EXPORT, SCORECARD_VERSION, DECISION, SETTINGS = "sign_in", "export", "scorecard_version", "decision", "settings"
ACTIONS = (SIGN_IN, catalogue.IMPORT, catalogue.APPROVE, catalogue.REJECT, SCORECARD_VERSION, DECISION, EXPORT,
           SETTINGS, ROLE_GRANT, ROLE_REVOKE)
COLUMNS = ["seq", "at", "user_id", "user_name", "action", "what", "ids"]


def record(action: str, user: User | None, what: str = "", ids: list[str] | None = None,
           data_dir: Path | str | None = None) -> None:
    """Append one row to the audit log of the data folder."""
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        catalogue.append_audit(con, action, user, what, ids)


def read_log(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The whole log, oldest first: seq, at (UTC, ISO 8601), user_id, user_name, action, what, ids (lists)."""
    with catalogue.connect(data_dir) as con:
        return catalogue.audit_rows(con)


def record_sign_in(user: User, claims: dict, data_dir: Path | str | None = None) -> bool:
    """One row per sign-in: a new id_token (its `iat`) of a user, not every browser tab, reload or
    replica that sees the same identity cookie (each is a new session). The catalogue's `sign_ins`
    table has the key (user, issued at): the row and the audit row are written in one transaction,
    the audit row only when the key was new, so replicas behind HAProxy record it once. A token
    without `iat` is recorded every time. True when a row was written."""
    issued = claims.get("iat")
    when = dt.datetime.fromtimestamp(issued, dt.UTC).isoformat(timespec="seconds") if isinstance(issued, int | float) \
        else ""
    provider = claims.get("iss") or claims.get("provider") or "oidc"
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        at = catalogue.now_text()
        if when and not catalogue.run_sql(con, "sign_ins_insert", user_id=user.id, issued_at=when, at=at).rowcount:
            return False
        catalogue.append_audit(con, SIGN_IN, user, f"{provider}" + (f" (id_token {when})" if when else ""), at=at)
    return True
