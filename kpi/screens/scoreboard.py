"""Bảng màu chỉ tiêu as data: the provinces of a geography (or one region) against the indicators
of the chosen domains for one period, each cell the figure coloured by its verdict (kpi.figures,
kpi.formulas.verdict_array: the same verdict every page shows; at 3, 6 or 9 months a count is judged
on its pace in the year), the national and regional aggregates on top (ratio of sums for rates),
sortable by any indicator with the rank rule of kpi.formulas, and its Excel workbook with the same
fills, a legend sheet and the snapshot and sources named (kpi.reports.spreadsheet)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.charts.theme import SCOREBOARD_COLOURS
from kpi.figures import figures_cached, unreported
from kpi.memo import shared
from kpi.periods import parse_period, period_label
from kpi.reports import spreadsheet
from kpi.reports.sheets import excel_format
from kpi.screens.tables import actual_text
from kpi.store.indicators import domains as domain_catalogue
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import achievement_text, plan_text, progress_text, rank_text, verdict_text
from kpi.text.i18n import t
from kpi.units.names import region_of, unit_name, units_of_geography
from kpi.units.table import NATION, fold

BY_NAME = "name"  # the sort key of the alphabetical order (every other key is an indicator code)


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    uom: str
    decimals: int
    direction: int

    @property
    def header(self) -> str:
        return f"{self.name} ({self.uom})"

    @property
    def meta(self) -> dict:
        """What kpi.screens.tables.actual_text reads of the catalogue row."""
        return {"decimals": self.decimals, "unit_of_measure": self.uom}


@dataclass(frozen=True)
class Row:
    unit: str
    name: str
    kind: str            # 'nation', 'region' or 'province'
    rank_text: str = ""  # the rank on the sort indicator (provinces only, when sorted by one)


@dataclass(frozen=True)
class Cell:
    value: float         # the figure at full precision (NaN when missing)
    text: str            # the figure in the language's number format, '–' when missing
    verdict: str         # kpi.formulas verdict
    word: str            # the verdict in words
    fg: str
    bg: str
    tooltip: str


@dataclass(frozen=True)
class LegendItem:
    words: str           # the verdicts of one colour: 'Vượt; Vượt tiến độ'
    fg: str
    bg: str
    verdicts: tuple[str, ...]


@dataclass
class ScoreboardScreen:
    title: str
    columns: list[Column]
    aggregates: list[Row]           # the nation and the regions, always on top
    provinces: list[Row]            # in the chosen order
    cells: dict[tuple[str, str], Cell]
    legend: list[LegendItem]
    frame: pd.DataFrame             # the figures behind the cells (kpi.figures rows)
    lang: str
    period: str
    snapshot_line: str
    sources: list[str]
    period_note: str = ""           # how a 3-, 6- or 9-month figure is judged
    not_this_period: list[str] = field(default_factory=list)   # indicators nobody has a figure of in the period
    never_reported: list[str] = field(default_factory=list)    # indicators the snapshot holds nothing of
    sort_by: str = BY_NAME
    best_first: bool = True

    @property
    def has_figures(self) -> bool:
        return bool(self.columns)

    @property
    def rows(self) -> list[Row]:
        return self.aggregates + self.provinces

    def column(self, code: str) -> Column | None:
        return next((c for c in self.columns if c.code == code), None)

    def sort_label(self) -> str:
        """What the order is, in words: 'Sắp xếp theo: Tỷ lệ ..., hạng 1 trước'."""
        column = self.column(self.sort_by)
        if column is None:
            return t("vw_sorted_by_name", self.lang)
        return t("vw_sorted_by", self.lang, indicator=column.name,
                 order=order_text(self.best_first, column.direction, self.lang).lower())


def order_text(best_first: bool, direction: int, lang: str = "vi") -> str:
    """'Tốt nhất trước' / 'Kém nhất trước' (a context indicator: 'Cao nhất trước' / 'Thấp nhất trước')."""
    if direction == 0:
        return t("vw_order_high" if best_first else "vw_order_low", lang)
    return t("vw_order_best" if best_first else "vw_order_worst", lang)


def domain_options() -> list[str]:
    """The domains of the catalogue, in their order (data/catalogue/domains.csv)."""
    return list(domain_catalogue()["domain"])


def domain_name(domain: str, lang: str = "vi") -> str:
    table = domain_catalogue().set_index("domain")
    return str(table.loc[domain, "name_vi" if lang == "vi" else "name_en"]) if domain in table.index else domain


def legend(lang: str = "vi") -> list[LegendItem]:
    """Every colour of the table with the verdicts it stands for, in words (kpi.formulas.VERDICTS order)."""
    items: dict[tuple[str, str], list[str]] = {}
    for verdict in formulas.VERDICTS:
        items.setdefault(SCOREBOARD_COLOURS[verdict], []).append(verdict)
    return [LegendItem("; ".join(verdict_text(v, lang) for v in verdicts), fg, bg, tuple(verdicts))
            for (fg, bg), verdicts in items.items()]


def _tooltip(unit_label: str, column: Column, r, lang: str) -> str:
    parts = [f"{unit_label} — {column.name}: {actual_text(r, column.meta, lang, with_unit=True)}",
             verdict_text(r["verdict"], lang)]
    if not pd.isna(r["plan"]):
        plan = plan_text(r["plan"], r["plan_kind"], r["plan_high"], column.uom, column.decimals, lang, with_unit=True)
        parts.append(f"{t('plan', lang)}: {plan} ({achievement_text(r['achievement_pct'], lang)})")
    if r["verdict"] in formulas.PROGRESS_STATUSES:
        progress = progress_text(r, column.uom, column.decimals, lang)
        if progress:
            parts.append(progress)
    return " · ".join(parts)


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def scoreboard_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, geography: int,
                      period: str, region: str | None = None, domains: list[str] | None = None,
                      lang: str = "vi") -> ScoreboardScreen:
    """Cells of every province of the geography (or of `region`) for the indicators of `domains`
    (None: all), in alphabetical order; sort them with sorted_screen()."""
    provinces = units_of_geography(units, geography, levels=("province",))
    regions = units_of_geography(units, geography, levels=("region",))
    if region:
        provinces = [u for u in provinces if region_of(units, u, geography) == region]
        regions = [region]
    wanted = catalogue[catalogue["domain"].isin(domains)] if domains is not None else catalogue
    codes = list(wanted["code"])
    never = unreported(snapshot, codes)
    codes = [c for c in codes if c not in never]
    aggregates = [NATION] + regions
    frame = figures_cached(snapshot, aggregates + provinces, [period], codes) if codes else pd.DataFrame(
        columns=["unit", "indicator", "actual", "published"])
    with_figure = set(frame.loc[frame["actual"].notna() | frame["published"].notna(), "indicator"])
    meta = catalogue.set_index("code")
    names = meta["name_vi" if lang == "vi" else "name_en"]
    columns = [Column(c, str(names[c]), fmt.unit_of_measure(meta.loc[c, "unit_of_measure"], lang),
                      int(meta.loc[c, "decimals"]), int(meta.loc[c, "direction"])) for c in codes if c in with_figure]
    by_code = {c.code: c for c in columns}
    name_of = {u: unit_name(units, u, lang) for u in aggregates + provinces}
    cells = {}
    for r in frame[frame["indicator"].isin(list(by_code))].to_dict("records"):
        column = by_code[r["indicator"]]
        fg, bg = SCOREBOARD_COLOURS[r["verdict"]]
        text = actual_text(r, column.meta, lang)
        cells[(r["unit"], r["indicator"])] = Cell(float(r["actual"]), text, r["verdict"],
                                                  verdict_text(r["verdict"], lang), fg, bg,
                                                  _tooltip(name_of[r["unit"]], column, r, lang))
    kind = {NATION: "nation", **{u: "region" for u in regions}}
    cumulative = not parse_period(period).is_whole_year
    created = snapshot.created.replace("T", " ")[:16]
    sources = sorted({s.strip() for value in frame.get("sources", pd.Series(dtype=object)).dropna()
                      for s in str(value).split(";") if s.strip()})
    title = f"{t('vw_scoreboard', lang)} — {period_label(period, lang)} — {t(f'geo_{geography}', lang)}"
    if region:
        title += f" — {name_of[region]}"
    return ScoreboardScreen(
        title=title, columns=columns,
        aggregates=[Row(u, name_of[u], kind[u]) for u in aggregates],
        provinces=[Row(u, name_of[u], "province") for u in provinces],
        cells=cells, legend=legend(lang), frame=frame, lang=lang, period=period,
        snapshot_line=t("snapshot_caption", lang, id=snapshot.id, created=created), sources=sources,
        period_note=t("vw_period_note", lang, period=period_label(period, lang).lower()) if cumulative else "",
        not_this_period=[str(names[c]) for c in codes if c not in with_figure],
        never_reported=[str(names[c]) for c in never])


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def sorted_screen(screen: ScoreboardScreen, sort_by: str = BY_NAME, best_first: bool = True) -> ScoreboardScreen:
    """The provinces ordered by an indicator with the rank rule of kpi.formulas (competition ranks,
    ties share the better rank and keep the alphabetical order, missing last), each with its rank;
    by name (the rank column empty) when `sort_by` is no column of the table."""
    column = screen.column(sort_by)
    alphabetical = sorted(screen.provinces, key=lambda r: fold(r.name))  # the order of units_of_geography
    if column is None:
        return replace(screen, provinces=[replace(r, rank_text="") for r in alphabetical], sort_by=BY_NAME,
                       best_first=True)
    values = np.array([screen.cells[(r.unit, sort_by)].value if (r.unit, sort_by) in screen.cells else np.nan
                       for r in alphabetical], dtype="float64")
    ranks = formulas.competition_ranks(values, column.direction or 1)
    is_tied = formulas.tied(ranks)
    total = int(np.sum(~np.isnan(ranks)))
    rows = [replace(r, rank_text=rank_text(rank, tie, total, screen.lang) if not math.isnan(rank) else rank_text(rank))
            for r, rank, tie in zip(alphabetical, ranks, is_tied)]
    position = np.arange(len(rows))
    key = np.where(np.isnan(ranks), np.inf, ranks if best_first else -ranks)
    # missing last in either direction; equal ranks keep the alphabetical order
    order = sorted(position, key=lambda i: (math.isinf(key[i]), key[i], i))
    return replace(screen, provinces=[rows[i] for i in order], sort_by=sort_by, best_first=best_first)


def missing_cell(lang: str = "vi") -> Cell:
    """A cell with no figure at all (no row in kpi.figures): missing, grey, '–'."""
    fg, bg = SCOREBOARD_COLOURS[formulas.MISSING]
    word = verdict_text(formulas.MISSING, lang)
    return Cell(float("nan"), fmt.MISSING, formulas.MISSING, word, fg, bg, word)


def cell(screen: ScoreboardScreen, unit: str, code: str) -> Cell:
    return screen.cells.get((unit, code)) or missing_cell(screen.lang)


def _argb(colour: str) -> str:
    """'#08519c' as openpyxl's opaque ARGB 'FF08519C'."""
    return "FF" + colour.lstrip("#").upper()


def scoreboard_workbook(screen: ScoreboardScreen) -> bytes:
    """The table as an .xlsx file (kpi.reports.spreadsheet, the one safe writer): the figures at full
    precision with the cells' fills and text colours, the rank column of the sort, the snapshot and
    sources named; a second sheet with the legend (colour and words) and how the table was sorted."""
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415 - heavy optional, loaded when a file is built

    lang = screen.lang
    workbook = spreadsheet.new_workbook()
    ws = workbook.active
    ws.title = spreadsheet.sheet_title(t("vw_scoreboard", lang))
    lines = [screen.title, screen.sort_label(), screen.snapshot_line]
    if screen.sources:
        lines.append(f"{t('source', lang)}: {'; '.join(screen.sources)}")
    if screen.period_note:
        lines.append(screen.period_note)
    start = spreadsheet.write_titles(ws, lines)
    header = [t("unit", lang), t("rank", lang)] + [c.header for c in screen.columns]
    rows = [[r.name, r.rank_text] + [cell(screen, r.unit, c.code).value for c in screen.columns]
            for r in screen.rows]
    last = spreadsheet.write_rows(ws, header, rows, start_row=start, widths={1: 30, 2: 12}, borders=True)
    for j, column in enumerate(screen.columns, start=3):
        ws.column_dimensions[ws.cell(start, j).column_letter].width = 16
        for i, r in enumerate(screen.rows, start=start + 1):
            target = ws.cell(i, j)
            found = cell(screen, r.unit, column.code)
            target.fill = PatternFill("solid", fgColor=_argb(found.bg))
            target.font = Font(color=_argb(found.fg), bold=r.kind != "province")
            target.number_format = excel_format(column.decimals)
            if math.isnan(found.value) and found.text != fmt.MISSING:
                spreadsheet.set_cell(target, found.text)  # a published figure, labelled, where none is computed
    for i, r in enumerate(screen.rows, start=start + 1):
        if r.kind != "province":
            ws.cell(i, 1).font = Font(bold=True)
    ws.freeze_panes = ws.cell(start + 1, 3)
    note_row = last + 2
    for note in ([t("vw_missing_note", lang)]
                 + ([t("vw_not_this_period", lang, names="; ".join(screen.not_this_period))] if screen.not_this_period else [])
                 + ([t("vw_never_reported", lang, names="; ".join(screen.never_reported))] if screen.never_reported else [])):
        spreadsheet.set_cell(ws.cell(note_row, 1), note)
        note_row += 1
    key = workbook.create_sheet(spreadsheet.sheet_title(t("vw_legend", lang)))
    key_start = spreadsheet.write_titles(key, [t("vw_legend", lang), screen.title, screen.snapshot_line])
    spreadsheet.write_rows(key, [t("vw_colour", lang), t("status", lang)],
                           [[t("vw_sample", lang), item.words] for item in screen.legend],
                           start_row=key_start, widths={1: 16, 2: 60}, borders=True)
    for i, item in enumerate(screen.legend, start=key_start + 1):
        key.cell(i, 1).fill = PatternFill("solid", fgColor=_argb(item.bg))
        key.cell(i, 1).font = Font(color=_argb(item.fg))
    return spreadsheet.workbook_bytes(workbook)
