"""Báo cáo (/bao-cao): the Sở report of one unit and period, its drafted assessments to review and
edit, the letterhead chosen, and the Word file (no Streamlit here).

The letterhead is kpi.reports.letterhead's choice (the unit's own department, its successor's for a
former province, the ministry for the nation or a region, the signed-in user's agency when
settings.toml names one); the drafts are kpi.reports.assessment's; the edited texts are kept by
kpi.store.report_texts (newest version wins) and are what the next export starts from.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from kpi.access.users import EDITOR, User, may
from kpi.figures import units as units_of
from kpi.periods import parse_period
from kpi.reports import assessment
from kpi.reports.deck import Deck, build_deck
from kpi.reports.letterhead import Letterhead, report_letterhead
from kpi.reports.word import build_docx, document_symbol
from kpi.store import report_texts
from kpi.store.report_texts import FIELDS, ReportTexts
from kpi.store.snapshots import Snapshot
from kpi.text.i18n import t
from kpi.units.names import unit_name


@dataclass
class ReportScreen:
    deck: Deck
    letterhead: Letterhead
    geography: int
    results: list[tuple[str, list[str]]]   # section I as the report says it
    drafted: ReportTexts                   # the draft in text-area form (version 0)
    texts: ReportTexts                     # what the text areas start from: the newest kept, else the draft
    may_save: bool
    lang: str
    domain: str = ""                       # '' for the whole sector
    domains: tuple[str, ...] = ()          # the domains with figures, a report of each can be asked for

    @property
    def unit(self) -> str:
        return self.deck.unit

    @property
    def period(self) -> str:
        return self.deck.period

    def key(self, field: str) -> str:
        """A text area's widget key: one per unit, period and geography, so another choice starts afresh."""
        return f"rep_{field}_{self.unit}_{self.period}_{self.geography}_{self.domain}"

    def subject(self) -> str:
        """The unit as the interface says it: the report's own words in Vietnamese, an English form otherwise."""
        subject = self.letterhead.subject
        if self.lang == "vi":
            return subject
        name = unit_name(units_of(self.deck.snapshot), self.unit, self.lang)
        if subject.endswith("(cũ)"):
            return t("rep_subject_former", self.lang, name=name)
        if "(địa bàn mới" in subject:
            return t("rep_subject_new", self.lang, name=name)
        return name

    def intro(self) -> str:
        period = parse_period(self.period).label(self.lang)
        return t("rep_intro", self.lang, subject=self.subject(), period=period[:1].lower() + period[1:])

    def domain_label(self, domain: str) -> str:
        return assessment.domain_name(domain, self.lang) if domain else t("rep_whole_sector", self.lang)

    def status(self) -> str:
        kept = self.texts
        if not kept.saved:
            return t("rep_drafted", self.lang)
        at = kept.saved_at.replace("T", " ")[:16]
        return t("rep_kept", self.lang, version=kept.version, author=kept.author_name, at=at + " UTC")

    def letterhead_lines(self, issued: dt.date | None = None) -> dict[str, list[str]]:
        """The preview of the document's head: the agency (left), the national title (right), the title."""
        agency = self.letterhead.agency
        issued = issued or dt.date.today()
        return {
            "left": [x for x in (agency.parent_agency.upper(), agency.agency.upper()) if x] + [document_symbol(agency)],
            "right": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      f"{agency.place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}"],
            "title": [t("rep_title_domain_line" if self.domain else "rep_title_line", "vi",
                        period=self.deck.period_label.lower(), subject=self.letterhead.subject,
                        domain=assessment.domain_name(self.domain).lower())],
        }

    def basis(self) -> str:
        return self.letterhead.basis_text(self.lang, self.subject())

    def edited(self, values: dict[str, str]) -> ReportTexts:
        """The texts as the user left them in the text areas (`values`: field -> text)."""
        return replace(self.drafted, **{f: str(values.get(f, getattr(self.texts, f)) or "") for f in FIELDS})

    def file_name(self) -> str:
        scope = f"-{self.domain.replace('_', '-')}" if self.domain else ""
        return f"bao-cao-{self.unit.lower()}-{self.period.lower()}-{self.geography}{scope}.docx"

    def docx(self, values: dict[str, str], issued: dt.date | None = None) -> bytes:
        """The Word report with the texts as edited."""
        return build_docx(self.deck, self.letterhead.agency, issued, texts=self.edited(values), domain=self.domain)


def report_screen(snapshot: Snapshot, unit: str, period: str, geography: int, lang: str = "vi",
                  user: User | None = None, data_dir=None, units: pd.DataFrame | None = None,
                  domain: str = "") -> ReportScreen:
    """Everything the page shows (raise kpi.reports.deck.DeckError when the unit has no figures); a
    `domain` makes it the report of that domain, by the department that holds it."""
    whole = build_deck(snapshot, unit, period, "vi", geography, data_dir=data_dir, user=user)
    with_figures = tuple(d for d in assessment.domains()["domain"]
                         if whole.figures.loc[whole.figures["domain"] == d, "actual"].notna().any())
    domain = domain if domain in with_figures else ""
    deck = assessment.domain_deck(whole, domain, user)
    geography = int(deck.geography or geography or parse_period(period).generation)
    head = report_letterhead(deck)
    draft = assessment.draft(snapshot, units if units is not None else units_of(snapshot), unit, period, deck.figures,
                             geography, "vi")
    drafted = assessment.drafted_texts(draft, unit, period, geography, snapshot.id, domain)
    kept = report_texts.newest(unit, period, geography, data_dir, domain)
    return ReportScreen(deck, head, geography, draft.results, drafted, kept or drafted,
                        may(user, EDITOR, [unit], units), lang, domain, with_figures)


def save(screen: ReportScreen, values: dict[str, str], user: User | None, data_dir=None,
         units: pd.DataFrame | None = None) -> ReportTexts:
    """Keep the edited texts as a new version (editor role for the unit; audited)."""
    return report_texts.save(screen.edited(values), user, data_dir, units)
