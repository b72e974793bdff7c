"""Tình hình báo cáo as data: for one period and geography (or one region), which provinces have
reported which indicators (counted as kpi.figures counts them: a figure is reported when it is
present and complete, partly when only some of the units that make it up reported), when and by
whom each province's figures for the period first came (the oldest snapshot of the current one's
chain in the snapshot catalogue, kpi/store/catalogue.py, holding one of them:
queries/reporting_first_seen.sql), the provinces with nothing yet, and one count of reporting
units, "x / y đơn vị đã báo cáo", said the same way on the page and in the Excel file."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from kpi import formulas
from kpi.figures import figures_cached, unreported
from kpi.periods import parse_period, period_label
from kpi.reports import spreadsheet
from kpi.store import queries
from kpi.store.catalogue import STATE_NAMES, STATE_NAMES_EN
from kpi.store.deltas import facts_layers
from kpi.store.indicators import domains as domain_catalogue
from kpi.store.snapshots import Snapshot, SnapshotError, catalogue_entries, list_snapshots, part_file
from kpi.text.i18n import t
from kpi.units.names import region_of, unit_name, units_of_geography

REPORTED, PARTIAL, MISSING, NOT_APPLICABLE = "reported", "partial", "missing", "not_applicable"
MARKS = {REPORTED: "✓", PARTIAL: "◐", MISSING: "–", NOT_APPLICABLE: "/"}


@dataclass(frozen=True)
class Arrival:
    """The snapshot that first brought a unit's figures for the period."""
    snapshot_id: str
    created_at: str    # 'YYYY-MM-DD HH:MM'
    author: str
    state: str         # the catalogue's state, in words
    note: str


@dataclass
class ReportingScreen:
    title: str
    lang: str
    codes: list[str]                  # the indicators expected in the period (some unit reported them)
    states: pd.DataFrame              # unit × indicator: REPORTED / PARTIAL / MISSING / NOT_APPLICABLE
    units: list[str]                  # the provinces expected to report (their figure can be built)
    names: dict[str, str]
    arrivals: dict[str, Arrival]
    not_applicable: list[tuple[str, str]]   # (name, why): provinces whose territory cannot be shown this period
    table: pd.DataFrame               # the units × domains matrix, display texts
    detail: pd.DataFrame              # units × indicators, marks
    domain_counts: list[tuple[str, int, int]]   # (domain name, units that reported any of it, units expected)
    snapshot_line: str
    no_one: list[str] = field(default_factory=list)          # indicators of the snapshot nobody reported this period
    never_reported: list[str] = field(default_factory=list)  # indicators the snapshot holds nothing of

    @property
    def reported_units(self) -> list[str]:
        """Provinces with at least one figure reported for the period."""
        return [u for u in self.units if (self.states.loc[u] == REPORTED).any()]

    @property
    def complete_units(self) -> list[str]:
        """Provinces that reported every expected indicator."""
        return [u for u in self.units if (self.states.loc[u] == REPORTED).all()]

    @property
    def nothing_yet(self) -> list[str]:
        """Provinces expected to report with nothing yet (no figure, not even part of one)."""
        return [u for u in self.units if not self.states.loc[u].isin([REPORTED, PARTIAL]).any()]

    @property
    def count_line(self) -> str:
        return t("vw_units_reported", self.lang, n=len(self.reported_units), total=len(self.units))

    @property
    def complete_line(self) -> str:
        return t("vw_units_complete", self.lang, n=len(self.complete_units), total=len(self.units),
                 k=len(self.codes))


def chain(snapshot: Snapshot) -> list:
    """The catalogue entries of the snapshot and its ancestors (parent links), oldest first."""
    entries = {e.id: e for e in catalogue_entries(snapshot.path.parent.parent)}
    found, current, seen = [], snapshot.id, set()
    while current and current in entries and current not in seen:
        seen.add(current)
        found.append(entries[current])
        current = entries[current].parent
    return found[::-1]


def _own_fact_files(found: Snapshot | None, snapshot_id: str) -> list[str]:
    """The facts files a snapshot of the chain wrote itself (its full file, or its delta on the base
    it shares), as local paths (on object storage: downloaded once into the cache)."""
    if found is None:
        return []
    try:
        return [str(part_file(found, snapshot_id, layer["file"], layer.get("sha256")))
                for layer in facts_layers(snapshot_id, found.manifest) if layer["snapshot"] == snapshot_id]
    except (OSError, SnapshotError):  # a file no longer there: that snapshot tells nothing
        return []


@lru_cache(maxsize=64)
def _arrivals(snapshot: Snapshot, period: str, targets: tuple[str, ...], lang: str) -> dict[str, Arrival]:
    entries = chain(snapshot)
    paths = {}
    listed = {s.id: s for s in list_snapshots(snapshot.path.parent.parent)}  # once for the whole chain
    for position, entry in enumerate(entries):
        for path in _own_fact_files(listed.get(entry.id), entry.id):
            paths[path] = (position, entry)
    if not paths:
        return {}
    seen = queries.run("reporting_first_seen", snapshot, paths=list(paths), period=period, targets=list(targets))
    out: dict[str, Arrival] = {}
    best: dict[str, int] = {}
    for unit, path in zip(seen["unit"], seen["path"]):
        position, entry = paths.get(str(path), (None, None))
        if entry is None or (unit in best and best[unit] <= position):
            continue
        best[unit] = position
        state = (STATE_NAMES if lang == "vi" else STATE_NAMES_EN).get(entry.state, entry.state)
        out[unit] = Arrival(entry.id, entry.created_at.replace("T", " ")[:16], entry.author_name or entry.created_by,
                            state, entry.note)
    return out


def _state(row) -> str:
    if row["verdict"] == formulas.NOT_COMPARABLE:
        return NOT_APPLICABLE
    if row["n_actual"] > 0 and (pd.isna(row["actual"]) or not row["complete"]):
        return PARTIAL
    return REPORTED if not pd.isna(row["actual"]) else MISSING


def _why_not(units: pd.DataFrame, unit: str, lang: str) -> str:
    """Why a province of the geography reports nothing for the period: merged, or not yet formed."""
    row = units.loc[units["unit"] == unit].iloc[0]
    successor = row["successor"]
    if isinstance(successor, str) and successor and not pd.isna(row["valid_to"]):
        ended = pd.Timestamp(row["valid_to"]) + pd.Timedelta(days=1)
        return t("vw_merged_into", lang, unit=unit_name(units, successor, lang), date=ended.strftime("%d/%m/%Y"))
    return t("vw_not_comparable_here", lang)


def reporting_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, geography: int, period: str,
                     region: str | None = None, lang: str = "vi") -> ReportingScreen:
    provinces = units_of_geography(units, geography, levels=("province",))
    if region:
        provinces = [u for u in provinces if region_of(units, u, geography) == region]
    all_codes = list(catalogue["code"])
    never = unreported(snapshot, all_codes)
    codes = [c for c in all_codes if c not in never]
    frame = figures_cached(snapshot, provinces, [period], codes, with_previous=False)
    frame["state"] = [_state(r) for r in frame.to_dict("records")]
    states = frame.pivot(index="unit", columns="indicator", values="state").reindex(index=provinces, columns=codes)
    states = states.fillna(MISSING)
    expected_codes = [c for c in codes if states[c].isin([REPORTED, PARTIAL]).any()]
    applicable = [u for u in provinces if not (states.loc[u] == NOT_APPLICABLE).all()]
    states = states.loc[applicable, expected_codes]
    names = {u: unit_name(units, u, lang) for u in provinces}
    arrivals = _arrivals(snapshot, period, tuple(applicable), lang) if applicable else {}
    meta = catalogue.set_index("code")
    indicator_names = meta["name_vi" if lang == "vi" else "name_en"]
    domain_rows = domain_catalogue()
    domain_codes = [(str(d["name_vi"] if lang == "vi" else d["name_en"]),
                     [c for c in expected_codes if meta.loc[c, "domain"] == d["domain"]])
                    for _, d in domain_rows.iterrows()]
    domain_codes = [(name, cs) for name, cs in domain_codes if cs]
    rows = []
    for u in applicable:
        line = states.loc[u]
        done = int((line == REPORTED).sum())
        arrival = arrivals.get(u)
        record = {t("unit", lang): names[u],
                  t("vw_status", lang): t("vw_status_complete" if done == len(expected_codes) else
                                          "vw_status_partial" if line.isin([REPORTED, PARTIAL]).any() else
                                          "vw_status_nothing", lang),
                  t("vw_indicators_reported", lang): f"{done}/{len(expected_codes)}"}
        record[t("vw_first_arrival", lang)] = arrival.created_at if arrival else ""
        record[t("vw_author", lang)] = arrival.author if arrival else ""
        for name, cs in domain_codes:
            record[name] = f"{int((line[cs] == REPORTED).sum())}/{len(cs)}"
        record[t("vw_partial", lang)] = int((line == PARTIAL).sum())
        record[t("snapshot", lang)] = f"{arrival.snapshot_id} ({arrival.state})" if arrival else ""
        rows.append(record)
    # the units still to report first (nothing yet, then partly), each group in alphabetical order
    order = {t(k, lang): i for i, k in enumerate(("vw_status_nothing", "vw_status_partial", "vw_status_complete"))}
    rows.sort(key=lambda r: order[r[t("vw_status", lang)]])
    table = pd.DataFrame(rows)
    detail = states.replace(MARKS).rename(columns=indicator_names.to_dict())
    detail.insert(0, t("unit", lang), [names[u] for u in detail.index])
    domain_counts = [(name, int(states[cs].isin([REPORTED]).any(axis=1).sum()), len(applicable))
                     for name, cs in domain_codes]
    created = snapshot.created.replace("T", " ")[:16]
    title = f"{t('vw_reporting', lang)} — {period_label(period, lang)} — {t(f'geo_{geography}', lang)}"
    if region:
        title += f" — {unit_name(units, region, lang)}"
    parse_period(period)  # a period code the page offers; raises on anything else
    return ReportingScreen(
        title=title, lang=lang, codes=expected_codes, states=states, units=applicable, names=names,
        arrivals=arrivals,
        not_applicable=[(names[u], _why_not(units, u, lang)) for u in provinces if u not in applicable],
        table=table, detail=detail.reset_index(drop=True), domain_counts=domain_counts,
        snapshot_line=t("snapshot_caption", lang, id=snapshot.id, created=created),
        no_one=[str(indicator_names[c]) for c in codes if c not in expected_codes],
        never_reported=[str(indicator_names[c]) for c in never])


def reporting_workbook(screen: ReportingScreen) -> bytes:
    """The view as an .xlsx file (kpi.reports.spreadsheet, the one safe writer): the units × domains
    sheet with the count line, the snapshot named and the units with nothing yet; the units ×
    indicators sheet with its marks explained."""
    lang = screen.lang
    workbook = spreadsheet.new_workbook()
    ws = workbook.active
    ws.title = spreadsheet.sheet_title(t("vw_reporting", lang))
    start = spreadsheet.write_titles(ws, [screen.title, screen.count_line, screen.complete_line, screen.snapshot_line])
    last = spreadsheet.write_table(ws, screen.table, start)
    notes = []
    if screen.nothing_yet:
        notes.append(t("vw_nothing_yet", lang, names=", ".join(screen.names[u] for u in screen.nothing_yet)))
    notes += [f"{name}: {why}" for name, why in screen.not_applicable]
    if screen.no_one:
        notes.append(t("vw_no_one", lang, names="; ".join(screen.no_one)))
    for i, note in enumerate(notes, start=last + 2):
        spreadsheet.set_cell(ws.cell(i, 1), note)
    detail = workbook.create_sheet(spreadsheet.sheet_title(t("vw_by_indicator", lang)))
    detail_start = spreadsheet.write_titles(detail, [screen.title, t("vw_marks", lang), screen.snapshot_line])
    spreadsheet.write_table(detail, screen.detail, detail_start)
    return spreadsheet.workbook_bytes(workbook)
