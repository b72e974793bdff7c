"""Users and roles in the catalogue (DESIGN section 10; issue 13): one list of grants for every replica.

The catalogue's `role_grants` table (SQLite or PostgreSQL, kpi.store.catalogue) holds grants and
revocations, append-only like the audit log: a person's current roles are the latest row of each
(e-mail, role, unit) that is a grant. A unit limits the role to that unit and what lies under it
(kpi.access.users scopes); no unit reaches every unit. Every grant and revocation is written with
its audit row in one transaction, and only by an admin (`require`).

A signed-in user's roles are the provider's claim when it carries one (it wins), else the
catalogue's grants for the verified e-mail address. The roles file (data/roles.toml or
$KPI_ROLES_FILE, format in data/roles.example.toml) is a seed: `python -m kpi users import FILE`
adds what it lists, and the app imports it on its first start when the catalogue holds no grant
row at all (said in the log).
"""
from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kpi.access.signin import (
    Grant,
    claimed_email,
    grant_from_claims,
    grant_from_entries,
    read_roles_file,
    roles_file_path,
    user_from_claims,
)
from kpi.access.users import ADMIN, ROLE_NAMES, ROLES, User, require
from kpi.store import catalogue

ROLE_GRANT, ROLE_REVOKE = "role_grant", "role_revoke"   # audit actions
GRANT, REVOKE = "grant", "revoke"                       # role_grants.action
SEED_USER = User(id="system:roles-file", name="tệp phân quyền", roles=frozenset({ADMIN}), local=True)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
LOG = logging.getLogger("kpi.access.roles")
_SEEDED: set[str] = set()       # catalogues this process has checked for a seed
_SEEDED_LOCK = threading.Lock()


class RoleError(catalogue.CatalogueError):
    """A grant or revocation refused (unknown role, bad address, nothing to revoke); the message says why."""


@dataclass(frozen=True)
class RoleGrant:
    """One current grant: `unit` '' reaches every unit."""
    email: str
    role: str
    unit: str
    by_id: str
    by_name: str
    at: str


def _row(row) -> RoleGrant:
    return RoleGrant(row["email"], row["role"], row["unit"] or "", row["by_id"], row["by_name"] or "", row["at"])


def normal_email(email: str) -> str:
    """The address as the catalogue keeps it (trimmed, lower case); refused when it is not one."""
    text = (email or "").strip().lower()
    if not _EMAIL.match(text):
        raise RoleError(f"'{email}' không phải một địa chỉ thư điện tử (e-mail)")
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise RoleError(f"Không có quyền '{role}'; các quyền: {', '.join(ROLES)}")
    return role


def current_grants(data_dir: Path | str | None = None) -> list[RoleGrant]:
    """Every current grant, by e-mail address, role (in ROLES' order) and unit: the same order on
    either database, whatever its collation."""
    with catalogue.connect(data_dir) as con:
        rows = [_row(r) for r in catalogue.run_sql(con, "roles_current")]
    order = {role: i for i, role in enumerate(ROLES)}
    return sorted(rows, key=lambda g: (g.email, order.get(g.role, len(order)), g.unit))


def grant_of(email: str, data_dir: Path | str | None = None, version: catalogue.Version | None = None) -> Grant:
    """The roles and scopes the catalogue grants one e-mail address (nothing when it grants none).
    With `version` (kpi.store.catalogue.version, read before this call) it is read once per version
    and address: a grant or revocation anywhere bumps the version, so it is read again."""
    email = (email or "").strip().lower()
    return _shared_grant(version, email, data_dir) if version is not None else _grant(email, data_dir)


@catalogue.per_version(maxsize=1024)
def _shared_grant(version: catalogue.Version | None, email: str, data_dir: Path | str | None) -> Grant:
    return _grant(email, data_dir)


def _grant(email: str, data_dir: Path | str | None) -> Grant:
    with catalogue.connect(data_dir) as con:
        rows = [_row(r) for r in catalogue.run_sql(con, "roles_of_email", email=email)]
    return grant_from_entries(f"{g.role}:{g.unit}" if g.unit else g.role for g in rows)


def _known_units(data_dir) -> set[str] | None:
    """The unit keys of the newest approved snapshot, or None when there is none yet (nothing to check)."""
    with catalogue.connect(data_dir) as con:
        head = catalogue.approved_head(con)
    units = catalogue.unit_parents(data_dir, head) if head else None
    return set(units["unit"]) if units is not None else None


def _held(con, email: str, role: str, unit: str) -> bool:
    return any(r["role"] == role and (r["unit"] or "") == unit
               for r in catalogue.run_sql(con, "roles_of_email", email=email))


def _write(con, action: str, email: str, role: str, unit: str, user: User, at: str) -> None:
    catalogue.run_sql(con, "roles_insert", email=email, role=role, unit=unit, action=action, by_id=user.id,
                      by_name=user.name, at=at)
    what = f"{email}: {role}" + (f" ({unit})" if unit else "")
    catalogue.append_audit(con, ROLE_GRANT if action == GRANT else ROLE_REVOKE, user, what, [email], at=at)


def grant(user: User, email: str, role: str, unit: str | None = None,
          data_dir: Path | str | None = None) -> RoleGrant:
    """Grant `role` (limited to `unit` when given) to an e-mail address; admins only. Refused when
    it is already held or the unit is not in the newest approved snapshot."""
    require(user, ADMIN)
    email, role, unit = normal_email(email), _check_role(role), (unit or "").strip()
    if unit:
        known = _known_units(data_dir)
        if known is not None and unit not in known:
            raise RoleError(f"Không có đơn vị '{unit}' trong bản dữ liệu đã duyệt mới nhất (mã đơn vị như VN34-15)")
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        if _held(con, email, role, unit):
            raise RoleError(f"{email} đã có quyền '{ROLE_NAMES[role]}'" + (f" ({unit})" if unit else ""))
        at = catalogue.now_text()
        _write(con, GRANT, email, role, unit, user, at)
        return RoleGrant(email, role, unit, user.id, user.name, at)


def revoke(user: User, email: str, role: str, unit: str | None = None,
           data_dir: Path | str | None = None) -> None:
    """Revoke a current grant (the same e-mail address, role and unit); admins only."""
    require(user, ADMIN)
    email, role, unit = normal_email(email), _check_role(role), (unit or "").strip()
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        if not _held(con, email, role, unit):
            raise RoleError(f"{email} không có quyền '{ROLE_NAMES[role]}'" + (f" ({unit})" if unit else "")
                            + " trong sổ phân quyền; không có gì để thu hồi")
        _write(con, REVOKE, email, role, unit, user, catalogue.now_text())


def _file_entries(grants: Mapping[str, Grant]) -> list[tuple[str, str, str]]:
    """(e-mail, role, unit) rows of a roles file: a scoped role once per unit, else once with ''."""
    rows = []
    for email, entry in sorted(grants.items()):
        scopes = dict(entry.scopes)
        for role in sorted(entry.roles):
            rows += [(email, role, unit) for unit in sorted(scopes[role])] if role in scopes else [(email, role, "")]
    return rows


def import_file(user: User, path: str | os.PathLike, data_dir: Path | str | None = None,
                only_if_empty: bool = False) -> int | None:
    """Grant what a roles file lists and the catalogue does not hold yet (nothing is revoked), in one
    transaction with an audit row per grant; admins only. Returns the grants written, or None when
    `only_if_empty` and the catalogue already holds grant rows (the seed of a first start)."""
    require(user, ADMIN)
    rows = _file_entries(read_roles_file(path))   # RolesFileError names the file and the entry
    with catalogue.connect(data_dir) as con, catalogue.transaction(con):
        if only_if_empty and catalogue.run_sql(con, "roles_count").fetchone()["n"]:
            return None
        at, written = catalogue.now_text(), 0
        for email, role, unit in rows:
            if not _held(con, email, role, unit):
                _write(con, GRANT, email, role, unit, user, at)
                written += 1
        return written


def seed_once(data_dir: Path | str | None = None) -> int | None:
    """On a process's first sign-in against a catalogue: when the catalogue holds no grant row and
    the roles file exists, import it (said in the log). Several replicas starting at once seed it
    once (the count is read inside the writing transaction). Returns the grants written, or None."""
    key = str(catalogue.dialect(data_dir).path(catalogue.folder_of(data_dir)))
    with _SEEDED_LOCK:
        if key in _SEEDED:
            return None
        _SEEDED.add(key)
    path = roles_file_path(data_dir)
    if not path.is_file():
        return None
    try:
        written = import_file(SEED_USER, path, data_dir, only_if_empty=True)
    except BaseException:
        with _SEEDED_LOCK:
            _SEEDED.discard(key)   # tried again on the next run
        raise
    if written is not None:
        LOG.warning("Sổ phân quyền của %s chưa có quyền nào: đã nhập %d quyền từ tệp %s "
                    "(từ nay quyền nằm trong sổ; 'python -m kpi users' để xem, cấp, thu hồi)", key, written, path)
    return written


def signed_in_user(claims: Mapping, data_dir: Path | str | None = None,
                   version: catalogue.Version | None = None) -> User | None:
    """The signed-in user of st.user's claims: the provider's roles when it names any, else the
    catalogue's grants for the verified e-mail address (signin.user_from_claims decides); with
    `version`, those grants are read once per catalogue version (grant_of)."""
    email = claimed_email(claims).lower() if claims else ""
    needs = bool(claims) and claims.get("is_logged_in") is True and bool(email) and grant_from_claims(claims) is None
    return user_from_claims(claims, {email: grant_of(email, data_dir, version)} if needs else {})
