"""What the sidebar and the sign-in page say about the user (no Streamlit): names of roles and scopes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.access.users import ADMIN, ROLES, User
from kpi.store import catalogue
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape


def role_text(user: User, lang: str) -> str:
    """'xem, nhập liệu (VN34-15)': the roles in the catalogue's order, each with its units when scoped."""
    parts = []
    for role in ROLES:
        if not user.has(role):
            continue
        name = t(f"acc_role_{role}", lang)
        scope = user.scope(role)
        parts.append(t("acc_role_scoped", lang, role=name, units=", ".join(sorted(scope))) if scope else name)
    return ", ".join(parts) or "–"


def signed_in_lines(user: User, lang: str) -> list[str]:
    """The sidebar's lines about a signed-in user (markdown)."""
    return [t("acc_signed_in_as", lang, name=markdown_escape(user.name), email=markdown_escape(user.email or user.id)),
            t("acc_roles", lang, roles=role_text(user, lang))]


def shows_audit_log(user: User) -> bool:
    """The audit-log page is an admin's (DESIGN section 10)."""
    return user.has(ADMIN)


@dataclass(frozen=True)
class PendingItem:
    id: str
    line: str          # markdown: who imported it, when, with what note


def pending_items(lang: str, data_dir: Path | str | None = None) -> list[PendingItem]:
    """The snapshots waiting for approval, oldest first (approved in the order they were built)."""
    with catalogue.connect(data_dir) as con:
        waiting = [e for e in catalogue.entries(con) if e.state == catalogue.PENDING]
    return [PendingItem(e.id, t("acc_pending_item", lang, id=markdown_escape(e.id),
                                who=markdown_escape(e.author_name or e.created_by),
                                when=e.created_at[:16].replace("T", " "),
                                note=markdown_escape(e.note) if e.note else "–"))
            for e in reversed(waiting)]
