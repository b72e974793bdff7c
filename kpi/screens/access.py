"""What the sidebar and the sign-in page say about the user (no Streamlit): names of roles and scopes,
which snapshots the user may view (pending ones for editors and approvers) and the banners about them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi import store
from kpi.access.users import ADMIN, APPROVER, EDITOR, ROLES, User, may
from kpi.store import catalogue
from kpi.text import fmt
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


def pending_items(lang: str, data_dir: Path | str | None = None, user: User | None = None) -> list[PendingItem]:
    """The snapshots waiting for approval, oldest first (approved in the order they were built);
    with `user`, only those the user may see (a scoped role: the imports within its units)."""
    with catalogue.connect(data_dir) as con:
        waiting = [e for e in catalogue.entries(con) if e.state == catalogue.PENDING]
    if user is not None:
        waiting = [e for e in waiting if may_see_pending(user, e, data_dir)]
    return [PendingItem(e.id, t("acc_pending_item", lang, id=markdown_escape(e.id),
                                who=markdown_escape(e.author_name or e.created_by),
                                when=e.created_at[:16].replace("T", " "),
                                note=markdown_escape(e.note) if e.note else "–"))
            for e in reversed(waiting)]


# --------------------------------------------------------------------------- pending snapshots

def sees_pending(user: User) -> bool:
    """Editors and approvers may view pending snapshots (DESIGN section 10); viewers approved ones only."""
    return user.has(EDITOR) or user.has(APPROVER)


def may_see_pending(user: User, entry: catalogue.Entry | None, data_dir=None) -> bool:
    """Whether `user` may view this pending snapshot: an editor or approver whose role reaches every
    unit the import wrote (a role without units reaches all)."""
    if not sees_pending(user):
        return False
    units = list(entry.units) if entry is not None and entry.units else None
    scoped = any(user.has(r) and user.scope(r) is not None for r in (EDITOR, APPROVER))
    table = catalogue.unit_parents(data_dir, entry.id) if scoped and units and entry is not None else None
    return may(user, EDITOR, units, table) or may(user, APPROVER, units, table)


@dataclass(frozen=True)
class SnapshotChoice:
    """The snapshots a user may view, newest commit first: the approved ones, and the pending ones
    for editors and approvers. `newest` is the newest approved one (what pages show by default)."""
    offered: list[store.Snapshot]
    damaged: list[tuple[store.Snapshot, store.Damage]]
    newest: store.Snapshot | None
    pending: list[catalogue.Entry]          # the pending ones offered, newest first
    entries: dict[str, catalogue.Entry]     # every catalogue row, by id

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.offered]

    @property
    def default_id(self) -> str | None:
        """The newest approved snapshot; the newest pending one only when nothing is approved yet."""
        return self.newest.id if self.newest else (self.offered[0].id if self.offered else None)


def snapshot_choice(user: User, data_dir: Path | str | None = None,
                    version: catalogue.Version | None = None) -> SnapshotChoice:
    """What the sidebar's snapshot selector offers `user` (DESIGN section 10). With `version` (the
    catalogue's, kpi.store.catalogue.version, read by the caller before this call) the choice is
    computed once per version and user, and shared read-only by every run that reads that version;
    damage is checked as before (kpi.store.damage: a definite verdict once per snapshot and process).
    A choice that passed over a snapshot only unreadable right now (S3 not answering) is not kept:
    the next run reads it again."""
    if version is None:
        return _choice(user, data_dir)
    try:
        return _shared_choice(version, user, data_dir)
    except _NotKept as passing:
        return passing.choice


class _NotKept(Exception):  # noqa: N818 - not an error: a choice per_version must not keep
    def __init__(self, choice: SnapshotChoice):
        super().__init__("a snapshot cannot be read right now")
        self.choice = choice


@catalogue.per_version(maxsize=256)
def _shared_choice(version: catalogue.Version | None, user: User, data_dir: Path | str | None) -> SnapshotChoice:
    choice = _choice(user, data_dir)
    if any(not found.definite for _, found in choice.damaged):
        raise _NotKept(choice)  # raised through per_version, which keeps only what is returned
    return choice


def _choice(user: User, data_dir: Path | str | None) -> SnapshotChoice:
    entries = {e.id: e for e in store.catalogue_entries(data_dir)}
    states = (catalogue.PENDING, catalogue.APPROVED) if sees_pending(user) else (catalogue.APPROVED,)
    intact, damaged = store.intact_and_damaged(data_dir, states)

    def shown(snapshot: store.Snapshot) -> bool:
        return snapshot.state != catalogue.PENDING or may_see_pending(user, entries.get(snapshot.id), data_dir)

    offered = [s for s in intact if shown(s)]
    newest = next((s for s in offered if s.state == catalogue.APPROVED), None)
    pending = [entries[s.id] for s in offered if s.state == catalogue.PENDING and s.id in entries]
    return SnapshotChoice(offered, [(s, d) for s, d in damaged if shown(s)], newest, pending, entries)


def snapshot_label(snapshot_id: str, choice: SnapshotChoice, lang: str) -> str:
    """The selector's label: '… (mới nhất)' for the newest approved one, '… (chờ duyệt)' for a pending one."""
    entry = choice.entries.get(snapshot_id)
    if entry is not None and entry.state == catalogue.PENDING:
        return f"{snapshot_id} ({t('acc_pending_label', lang)})"
    if choice.newest is not None and snapshot_id == choice.newest.id:
        return f"{snapshot_id} ({t('snapshot_latest', lang)})"
    return snapshot_id


def fallback_text(requested: str, choice: SnapshotChoice, lang: str) -> str:
    """Why a snapshot asked for (a link, a stale tab) is not shown, and which one is instead."""
    entry = choice.entries.get(requested)
    key = "acc_pending_hidden" if entry is not None and entry.state == catalogue.PENDING else "acc_snapshot_unavailable"
    return t(key, lang, id=requested, shown=choice.default_id or "–")


def _who_when(entry: catalogue.Entry) -> dict:
    return {"who": markdown_escape(entry.author_name or entry.created_by),
            "when": entry.created_at[:16].replace("T", " ") + " UTC"}


def pending_banner(choice: SnapshotChoice, lang: str) -> str:
    """'Có N bản dữ liệu chờ duyệt (mới nhất: …)' (markdown), or '' when none is offered."""
    if not choice.pending:
        return ""
    newest = choice.pending[0]
    return t("acc_pending_banner", lang, n=fmt.number(len(choice.pending), 0, lang), id=markdown_escape(newest.id),
             **_who_when(newest))


def viewing_pending_text(snapshot: store.Snapshot | None, choice: SnapshotChoice, lang: str) -> str:
    """The banner over a pending snapshot being viewed (markdown), or '' for an approved one."""
    if snapshot is None or snapshot.state != catalogue.PENDING:
        return ""
    entry = choice.entries.get(snapshot.id)
    who_when = _who_when(entry) if entry is not None else {"who": "–", "when": "–"}
    return t("acc_pending_viewing", lang, id=markdown_escape(snapshot.id),
             newest=markdown_escape(choice.newest.id) if choice.newest else "–", **who_when)
