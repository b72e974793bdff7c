"""Nhật ký hệ thống (admins only): the audit log filtered, as a table and as Excel or CSV, and the
users' roles held in the catalogue, granted and revoked there (no Streamlit).

The log is read with kpi.access.audit.read_log; times are stored in UTC and shown in Vietnam's
time (UTC+7). Filters: actions, users, a date range (Vietnam's dates), a text found in the details
or the ids. The exports go through the one safe spreadsheet writer (kpi.reports.spreadsheet): a
user name or a note that looks like a formula stays text.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from kpi.access.audit import ACTIONS
from kpi.access.roles import RoleGrant
from kpi.access.users import ROLES
from kpi.reports.spreadsheet import csv_bytes, download_name, table_to_xlsx_bytes
from kpi.text import fmt
from kpi.text.i18n import TEXTS, t
from kpi.units.names import unit_name

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Filters:
    actions: tuple[str, ...] = ()         # empty: every action
    users: tuple[str, ...] = ()           # user ids; empty: everyone
    start: dt.date | None = None          # Vietnam's dates, inclusive
    end: dt.date | None = None
    text: str = ""


@dataclass
class AuditView:
    table: pd.DataFrame                   # the rows shown, newest first, headed in the page's language
    total: int
    actions: list[str]                    # the filter's choices: actions present in the log, in catalogue order
    users: dict[str, str]                 # user id -> 'name (id)'
    first_day: dt.date | None
    last_day: dt.date | None

    @property
    def shown(self) -> int:
        return len(self.table)


def action_label(action: str, lang: str) -> str:
    key = f"aud_action_{action}"
    return t(key, lang) if key in TEXTS else action


def _local_times(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    return stamps.dt.tz_convert(VIETNAM)


def audit_view(log: pd.DataFrame, filters: Filters, lang: str) -> AuditView:
    """The rows of `log` (read_log's frame) that pass `filters`, as the page shows them."""
    log = log.copy()
    local = _local_times(log["at"]) if len(log) else pd.Series([], dtype="datetime64[ns, Asia/Ho_Chi_Minh]")
    days = local.dt.date if len(log) else pd.Series([], dtype=object)
    present = set(log["action"])
    actions = [a for a in ACTIONS if a in present] + sorted(present - set(ACTIONS))
    names = log.drop_duplicates("user_id", keep="last").set_index("user_id")["user_name"] if len(log) else {}
    users = {uid: (f"{names[uid]} ({uid})" if names[uid] and names[uid] != uid else uid)
             for uid in sorted(set(log["user_id"]))}
    keep = pd.Series(True, index=log.index)
    if filters.actions:
        keep &= log["action"].isin(filters.actions)
    if filters.users:
        keep &= log["user_id"].isin(filters.users)
    if filters.start is not None:
        keep &= days >= filters.start
    if filters.end is not None:
        keep &= days <= filters.end
    ids_text = log["ids"].map(lambda ids: ", ".join(ids) if isinstance(ids, list) else str(ids or ""))
    if filters.text.strip():
        needle = filters.text.strip().casefold()
        haystack = (log["what"].fillna("") + " " + ids_text).str.casefold()
        keep &= haystack.str.contains(needle, regex=False)
    shown = log[keep].sort_values("seq", ascending=False)
    table = pd.DataFrame({
        t("aud_col_time", lang): local[keep].loc[shown.index].dt.strftime("%Y-%m-%d %H:%M:%S"),
        t("aud_col_user", lang): [users.get(uid, uid) for uid in shown["user_id"]],
        t("aud_col_action", lang): [action_label(a, lang) for a in shown["action"]],
        t("aud_col_what", lang): shown["what"].fillna(""),
        t("aud_col_ids", lang): ids_text.loc[shown.index],
    }).reset_index(drop=True)
    return AuditView(table, len(log), actions, users,
                     min(days) if len(log) else None, max(days) if len(log) else None)


def audit_xlsx(view: AuditView, lang: str) -> bytes:
    return table_to_xlsx_bytes(view.table, t("aud_sheet_title", lang)[:31], t("aud_sheet_title", lang))


def audit_csv(view: AuditView) -> bytes:
    return csv_bytes(view.table)


def file_name(ext: str) -> str:
    return download_name("nhat-ky-he-thong", dt.datetime.now(VIETNAM).strftime("%Y%m%d_%H%M"), ext=ext)


# --------------------------------------------------------------------------- users and roles

def role_label(role: str, lang: str) -> str:
    return t(f"acc_role_{role}", lang) if role in ROLES else role


def role_choices() -> list[str]:
    return list(ROLES)


def scope_label(unit: str, units: pd.DataFrame | None, lang: str, inner: bool = False) -> str:
    """A grant's unit as people read it: 'Lào Cai (VN34-15)', or 'Lào Cai, VN34-15' inside
    parentheses (`inner`); the key alone when the units table does not know it; 'mọi đơn vị' for a
    grant without a unit."""
    if not unit:
        return t("acc_users_every_unit", lang)
    name = unit_name(units, unit, lang) if units is not None else unit
    if name == unit:
        return unit
    return f"{name}, {unit}" if inner else f"{name} ({unit})"


def grant_label(grant: RoleGrant, lang: str, units: pd.DataFrame | None = None) -> str:
    """'chuyenvien@demo.vn — nhập liệu (Lào Cai, VN34-15)': one current grant, as the revoke choice names it."""
    return f"{grant.email} — {role_label(grant.role, lang)} ({scope_label(grant.unit, units, lang, inner=True)})"


@dataclass
class GrantsView:
    table: pd.DataFrame                   # one row per current grant, headed in the page's language
    grants: list[RoleGrant]               # the same, in the table's order (what the revoke choice offers)
    count_text: str

    @property
    def empty(self) -> bool:
        return not self.grants


def grants_view(grants: list[RoleGrant], lang: str, units: pd.DataFrame | None = None) -> GrantsView:
    """The current grants (kpi.access.roles.current_grants) as the page shows them: by e-mail
    address, then role in the catalogue's order, then unit; times in Vietnam's time."""
    order = {role: i for i, role in enumerate(ROLES)}
    ordered = sorted(grants, key=lambda g: (g.email, order.get(g.role, len(order)), g.unit))
    times = _local_times(pd.Series([g.at for g in ordered], dtype=object))
    table = pd.DataFrame({
        t("acc_users_col_email", lang): [g.email for g in ordered],
        t("acc_users_col_role", lang): [role_label(g.role, lang) for g in ordered],
        t("acc_users_col_unit", lang): [scope_label(g.unit, units, lang) for g in ordered],
        t("acc_users_col_by", lang): [g.by_name or g.by_id for g in ordered],
        t("acc_users_col_at", lang): list(times.dt.strftime("%Y-%m-%d %H:%M")) if ordered else [],
    })
    people = len({g.email for g in ordered})
    count = t("acc_users_count", lang, n=fmt.number(len(ordered), 0, lang), people=fmt.number(people, 0, lang))
    return GrantsView(table, ordered, count)


def change_text(action: str, email: str, role: str, unit: str, lang: str, units: pd.DataFrame | None = None) -> str:
    """What the page (and the command line) says once a grant or revocation is written."""
    suffix = t("acc_users_unit_suffix", lang, unit=scope_label(unit, units, lang, inner=True)) if unit else ""
    key = "acc_users_granted" if action == "grant" else "acc_users_revoked"
    return t(key, lang, role=role_label(role, lang), email=email.strip().lower(), unit=suffix)
