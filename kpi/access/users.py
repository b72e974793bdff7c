"""Users and roles (DESIGN section 10), checked in kpi/ by every write, not only hidden in a page.

A user holds roles, each optionally scoped to units (an editor for Lào Cai and its communes; a
ministry viewer for all). `require` raises PermissionDenied with a Vietnamese message; every
function that writes (import, approve, reject, scorecard version, decision, settings) calls it
with the user it acts for. Without an [auth] configuration the app runs in local mode as
LOCAL_USER (every role, bound to 127.0.0.1); the command line acts as a named local user.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

import pandas as pd

VIEWER, EDITOR, APPROVER, COMMITTEE, ADMIN = "viewer", "editor", "approver", "committee", "admin"
ROLES = (VIEWER, EDITOR, APPROVER, COMMITTEE, ADMIN)
ROLE_NAMES = {VIEWER: "Xem", EDITOR: "Nhập liệu", APPROVER: "Duyệt số liệu", COMMITTEE: "Hội đồng thi đua",
              ADMIN: "Quản trị"}


class PermissionDenied(PermissionError):
    """The user lacks the role (or the role does not reach the unit); the message says which."""


@dataclass(frozen=True)
class User:
    id: str                                   # the provider's subject or e-mail; 'local' in local mode
    name: str
    email: str = ""
    roles: frozenset[str] = frozenset()
    # role -> unit keys it is limited to; a role absent here reaches every unit
    scopes: tuple[tuple[str, frozenset[str]], ...] = field(default_factory=tuple)
    local: bool = False                       # local mode / the command line

    def has(self, role: str) -> bool:
        return role in self.roles

    def scope(self, role: str) -> frozenset[str] | None:
        """The units `role` is limited to, or None for every unit."""
        return dict(self.scopes).get(role)


def local_user(name: str | None = None) -> User:
    """The one user of local mode, or the command line's named user: every role, every unit."""
    who = name or os.environ.get("KPI_USER") or _os_user()
    return User(id=f"local:{who}", name=who, roles=frozenset(ROLES), local=True)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


LOCAL_USER = local_user("local")


def _reaches(scope: frozenset[str], unit: str, units: pd.DataFrame | None) -> bool:
    """A unit is in scope when it or one of its ancestors (a commune's province, an agency's
    department) is listed."""
    if unit in scope:
        return True
    if units is None or "parent" not in units:
        return False
    parents = units.set_index("unit")["parent"]
    seen = set()
    current = unit
    while current in parents.index and current not in seen:
        seen.add(current)
        current = parents.get(current)
        if not isinstance(current, str) or not current:
            return False
        if current in scope:
            return True
    return False


def may(user: User | None, role: str, units: list[str] | None = None, unit_table: pd.DataFrame | None = None) -> bool:
    """True when `user` holds `role` and it reaches every unit of `units` (None: no unit involved)."""
    if user is None or not user.has(role):
        return False
    scope = user.scope(role)
    if scope is None or units is None:
        return True
    return all(_reaches(scope, u, unit_table) for u in units)


def require(user: User | None, role: str, units: list[str] | None = None,
            unit_table: pd.DataFrame | None = None) -> None:
    """Raise PermissionDenied unless may(user, role, units)."""
    if user is None:
        raise PermissionDenied(f"Cần đăng nhập với quyền '{ROLE_NAMES[role]}' để làm việc này.")
    if not user.has(role):
        raise PermissionDenied(f"Người dùng {user.name} không có quyền '{ROLE_NAMES[role]}'.")
    if not may(user, role, units, unit_table):
        scope = user.scope(role) or frozenset()
        outside = [u for u in (units or []) if not _reaches(scope, u, unit_table)]
        raise PermissionDenied(f"Quyền '{ROLE_NAMES[role]}' của {user.name} không gồm đơn vị: "
                               + ", ".join(outside[:5]) + ("…" if len(outside) > 5 else ""))
