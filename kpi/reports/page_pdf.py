"""Each page's PDF as blocks of a kpi.reports.pdf.PageDocument, assembled from the same view models
the page shows (kpi/screens/*): the page hands over what it built, nothing is computed twice.

`PageInfo` is what every page's PDF names at the top (unit, period, geography, the page's own
filters, snapshot id and date, language); `page_document(info, blocks, frames)` is the one call a
new page needs. The charts are drawn again for paper with Altair (rendered by vl-convert in
kpi.reports.pdf) from the same frames as the page's Plotly charts: every number written on a chart
goes through kpi.text.fmt, and axes use the language's separators.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import altair as alt
import pandas as pd

from kpi import formulas
from kpi.charts.maps import STATE_STYLE, colour_of, load_tilegrid
from kpi.charts.theme import BASE, HIGHLIGHT, PALETTE, PLAN, target_marks
from kpi.periods import period_label
from kpi.reports.pdf import Chart, Heading, PageDocument, Table, Text
from kpi.text import fmt
from kpi.text.figure_text import change_text
from kpi.text.i18n import t
from kpi.units.names import unit_name

FONT = "DejaVu Sans"
INK = "#111111"
WIDTH = 640            # a chart's natural width in px (the PDF scales it to the frame)


@dataclass
class PageInfo:
    """What a page's PDF names at the top, in the page's language."""
    lang: str
    title: str
    unit: str = ""                  # the unit's name
    period: str = ""                # the period's label
    geography: str = ""             # '34 tỉnh (hiện hành)'
    snapshot_id: str = ""
    snapshot_created: str = ""      # 'YYYY-MM-DD HH:MM'
    demo: bool = False
    note: str = ""                  # the snapshot's own note (manifest)
    extra: list[tuple[str, str]] = field(default_factory=list)   # the page's own filters: (label, value)


def page_info(lang: str, title: str, snapshot=None, units: pd.DataFrame | None = None, unit: str | None = None,
              period: str | None = None, geography: int | None = None,
              extra: list[tuple[str, str]] | None = None) -> PageInfo:
    """The PageInfo of a page from its filters (codes, as the sidebar holds them) and its snapshot."""
    created = snapshot.created.replace("T", " ")[:16] if snapshot is not None else ""
    return PageInfo(lang, title,
                    unit_name(units, unit, lang) if unit and units is not None and len(units) else (unit or ""),
                    period_label(period, lang) if period else "",
                    t(f"geo_{geography}", lang) if geography else "",
                    snapshot.id if snapshot is not None else "", created,
                    bool(snapshot is not None and snapshot.is_demo),
                    str(snapshot.manifest.get("note", "")) if snapshot is not None else "",
                    [(label, value) for label, value in (extra or []) if value])


def filter_lines(info: PageInfo) -> list[str]:
    lang = info.lang
    lines = [f"{label}: {value}" for label, value in (
        (t("unit", lang), info.unit), (t("period", lang), info.period), (t("geography", lang), info.geography),
        *info.extra) if value]
    lines.append(f"{t('pdf_language', lang)}: {t('pdf_language_name', lang)}")
    return lines


def snapshot_line(info: PageInfo) -> str:
    if not info.snapshot_id:
        return ""
    return t("pdf_snapshot", info.lang, id=info.snapshot_id, created=info.snapshot_created)


def source_line(info: PageInfo, frames: Iterable[pd.DataFrame] = ()) -> str:
    """The sources of the figures shown (their `sources` column), else the snapshot's own note."""
    seen: list[str] = []
    for frame in frames:
        if frame is None or "sources" not in frame:
            continue
        for value in frame["sources"].dropna():
            for part in str(value).split(";"):
                part = part.strip()
                if part and part not in seen:
                    seen.append(part)
    named = "; ".join(seen) or info.note
    return t("pdf_source", info.lang, sources=named) if named else ""


def page_document(info: PageInfo, blocks: list, frames: Iterable[pd.DataFrame] = (), title: str = "",
                  landscape: bool | None = None) -> PageDocument:
    """The document of any page: its title, filters, snapshot, sources and blocks (the one call a page needs)."""
    return PageDocument(title or info.title, filter_lines(info), list(blocks), snapshot_line(info),
                        source_line(info, frames), info.demo, info.lang, landscape)


def notes(texts: Iterable[str]) -> list[Text]:
    return [Text(str(x), note=True) for x in texts if x]


# ---- charts for paper (Altair), from the frames the page's Plotly charts draw

def _configure(chart, lang: str):
    return (chart.configure(font=FONT, background="white")
            .configure_axis(labelFontSize=12, titleFontSize=12, labelColor=INK, titleColor=INK, gridColor="#e5e7eb",
                            labelLimit=260)
            .configure_legend(labelFontSize=12, titleFontSize=12, labelLimit=320, orient="top", title=None)
            .configure_title(fontSize=13, anchor="start", color=INK)
            .configure_view(stroke=None))


def ranked_bars(frame: pd.DataFrame, highlight: str | None, decimals: int, unit_of_measure: str, direction: int,
                lang: str = "vi"):
    """Provinces best first, the figure written after the bar, the plan as a black tick that never
    covers the figure (the text starts after the larger of the two)."""
    data = frame.dropna(subset=["actual"]).copy()
    data = data.sort_values("actual", ascending=direction < 0, kind="stable")
    data["plan_mark"] = target_marks(data).astype(float)
    data["text"] = [fmt.figure(v, unit_of_measure, decimals, lang) for v in data["actual"]]
    data["text_at"] = data[["actual", "plan_mark"]].max(axis=1, skipna=True)
    data["colour"] = ["highlight" if u == highlight else "other" for u in data["unit"]]
    top = float(data["text_at"].max()) if len(data) else 1.0
    scale = alt.Scale(domain=[min(0.0, float(data["actual"].min()) if len(data) else 0.0), top * 1.22], nice=False)
    colour = alt.Color("colour:N", scale=alt.Scale(domain=["highlight", "other"], range=[HIGHLIGHT, BASE]), legend=None)
    # more than 35 provinces: two panels side by side on one scale (1-32 | 33-63), readable on one page
    halves = [data] if len(data) <= 35 else [data.iloc[:(len(data) + 1) // 2], data.iloc[(len(data) + 1) // 2:]]
    panels = []
    for part in halves:
        y = alt.Y("name:N", sort=list(part["name"]), title=None, axis=alt.Axis(labelFontSize=11))
        layers = [alt.Chart(part).mark_bar(height={"band": 0.74}).encode(
            y=y, x=alt.X("actual:Q", scale=scale, title=unit_of_measure, axis=alt.Axis(format=",~f", tickCount=6)),
            color=colour)]
        if part["plan_mark"].notna().any():
            layers.append(alt.Chart(part.dropna(subset=["plan_mark"])).mark_tick(
                color=PLAN, thickness=2.5, size=13).encode(y=y, x=alt.X("plan_mark:Q", scale=scale)))
        layers.append(alt.Chart(part).mark_text(align="left", dx=6, fontSize=10.5, color=INK).encode(
            y=y, x=alt.X("text_at:Q", scale=scale), text="text:N"))
        width = (WIDTH - 160) if len(halves) == 1 else (WIDTH - 40)
        panels.append(alt.layer(*layers).properties(width=width, height=max(160, 16 * len(halves[0]))))
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels, spacing=24)
    return _configure(chart, lang)


def _palette(names: list[str], colours: dict | None = None) -> alt.Scale:
    """One colour per unit: the page's own (`colours`, by unit name) where it gives them, else the theme's."""
    given = colours or {}
    return alt.Scale(domain=names, range=[given.get(n) or PALETTE[i % len(PALETTE)] for i, n in enumerate(names)])


def _by_name(frame: pd.DataFrame, colours: dict | None, name_col: str) -> dict:
    """The page's colours (keyed by unit code or by name) keyed by the names the chart shows."""
    if not colours:
        return {}
    pairs = dict(zip(frame["unit"], frame[name_col])) if "unit" in frame else {}
    return {pairs.get(k, k): v for k, v in colours.items()}


def trend_lines(frame: pd.DataFrame, decimals: int, unit_of_measure: str, lang: str = "vi", show_plan: bool = True,
                name_col: str = "name", colours: dict | None = None):
    """Actual (solid, each point labelled) and plan (dashed) over the years, one colour per unit."""
    data = frame.copy()
    data["plan_mark"] = target_marks(data).astype(float) if show_plan else float("nan")
    data["text"] = [fmt.number(v, decimals, lang) for v in data["actual"]]
    names = list(dict.fromkeys(data[name_col]))
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    colour = alt.Color(f"{name_col}:N", scale=_palette(names, _by_name(data, colours, name_col)), title=None)
    actual = data.dropna(subset=["actual"])
    base = alt.Chart(actual).encode(x=x, y=alt.Y("actual:Q", title=unit_of_measure, axis=alt.Axis(format=",~f")),
                                    color=colour)
    layers = [base.mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=50, filled=True)),
              base.mark_text(dy=-10, fontSize=10, color=INK).encode(text="text:N")]
    plans = data.dropna(subset=["plan_mark"])
    if show_plan and len(plans):
        plans = plans.assign(series=[f"{n} – {t('plan', lang)}" for n in plans[name_col]])
        layers.append(alt.Chart(plans).mark_line(strokeDash=[6, 4], strokeWidth=1.8).encode(
            x=x, y="plan_mark:Q", color=colour, detail="series:N"))
    return _configure(alt.layer(*layers).properties(width=WIDTH, height=260), lang)


def change_bars(frame: pd.DataFrame, lang: str = "vi", name_col: str = "name", colours: dict | None = None):
    """Change on the same period last year per unit and year (percent for counts, points for rates)."""
    rows = frame.copy()
    rows["change"] = [formulas.change_value(r) for _, r in rows.iterrows()]
    rows["text"] = [change_text(r, lang) for _, r in rows.iterrows()]
    rows = rows.dropna(subset=["change"])
    names = list(dict.fromkeys(frame[name_col]))
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(rows).encode(x=x, xOffset=alt.XOffset(f"{name_col}:N", sort=names),
                                  color=alt.Color(f"{name_col}:N", scale=_palette(names, _by_name(frame, colours, name_col)),
                                                  title=None))
    bars = base.mark_bar().encode(y=alt.Y("change:Q", title=t("change", lang), axis=alt.Axis(format=",~f")))
    text = base.mark_text(fontSize=9.5, color=INK, dy=-7).encode(y="change:Q", text="text:N")
    return _configure(alt.layer(bars, text).properties(width=WIDTH, height=220), lang)


def year_bars(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], lang: str = "vi"):
    """One panel per indicator: the figure per year as bars (written above), the plan as a black tick."""
    meta = catalogue.set_index("code")
    panels = []
    for code in codes:
        m = meta.loc[code]
        part = frame[frame["indicator"] == code].copy()
        if part["actual"].notna().sum() == 0:
            continue
        part["plan_mark"] = target_marks(part).astype(float)
        part["text"] = [fmt.number(v, int(m["decimals"]), lang) for v in part["actual"]]
        # the figure above the higher of the bar and its plan tick: the tick never covers it
        part["text_at"] = part[["actual", "plan_mark"]].max(axis=1, skipna=True)
        top = float(part["text_at"].max())
        scale = alt.Scale(domain=[0, top * 1.2 if top > 0 else 1], nice=False)
        x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
        y = alt.Y("actual:Q", title=None, scale=scale, axis=alt.Axis(format=",~f", tickCount=4))
        layers = [alt.Chart(part).mark_bar(color=BASE, width={"band": 0.6}).encode(x=x, y=y)]
        if part["plan_mark"].notna().any():
            layers.append(alt.Chart(part.dropna(subset=["plan_mark"])).mark_tick(
                color=PLAN, thickness=2.5, size=30).encode(x=x, y=alt.Y("plan_mark:Q", scale=scale)))
        layers.append(alt.Chart(part).mark_text(dy=-8, fontSize=10, color=INK).encode(
            x=x, y=alt.Y("text_at:Q", scale=scale), text="text:N"))
        name = m["name_vi"] if lang == "vi" else m["name_en"]
        panels.append(alt.layer(*layers).properties(
            width=WIDTH, height=120, title=alt.TitleParams(f"{name} ({m['unit_of_measure']})")))
    if not panels:
        return None
    return _configure(alt.vconcat(*panels, spacing=18), lang)


def tile_map(values, geography: int, highlight: list[str], lang: str = "vi"):
    """The tile grid of the page's map (kpi.charts.maps layout and colours): each province one tile, its
    figure written on it; a province without a figure grey, never coloured as zero."""
    grid = load_tilegrid(geography).set_index("unit")
    frame = values.frame.copy()
    frame["row"] = frame["unit"].map(grid["row"])
    frame["col"] = frame["unit"].map(grid["col"])
    shown = frame["value"].dropna()
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    frame["fill"] = [colour_of(v, low, high, values.direction) if s == "ok" else STATE_STYLE[s][0]
                     for v, s in zip(frame["value"], frame["state"])]
    frame["ink"] = [_ink(c) for c in frame["fill"]]
    frame["edge"] = [HIGHLIGHT if u in highlight else "white" for u in frame["unit"]]
    frame["width"] = [3.5 if u in highlight else 1.0 for u in frame["unit"]]
    cols, rows = int(frame["col"].max()) + 1, int(frame["row"].max()) + 1
    size = min(58, int((WIDTH - 20) / cols))
    x = alt.X("col:O", axis=None, scale=alt.Scale(domain=list(range(cols)), paddingInner=0.06))
    y = alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(rows)), paddingInner=0.06))
    tiles = alt.Chart(frame).mark_rect().encode(x=x, y=y, fill=alt.Fill("fill:N", scale=None),
                                                stroke=alt.Stroke("edge:N", scale=None),
                                                strokeWidth=alt.StrokeWidth("width:Q", scale=None))
    label = alt.Chart(frame).mark_text(fontSize=8.5, dy=-6, fontWeight="bold").encode(
        x=x, y=y, text="label:N", color=alt.Color("ink:N", scale=None))
    figure = alt.Chart(frame).mark_text(fontSize=8.5, dy=7).encode(x=x, y=y, text="text:N",
                                                                    color=alt.Color("ink:N", scale=None))
    return _configure(alt.layer(tiles, label, figure).properties(width=size * cols, height=size * rows), lang)


def _ink(fill: str) -> str:
    if fill.startswith("rgb"):
        r, g, b = (int(float(c)) for c in fill[fill.index("(") + 1:fill.index(")")].split(","))
    else:
        r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 else "#ffffff"


def points_bars(frame: pd.DataFrame, lang: str = "vi"):
    """Units of an emulation bloc by total points, rank in the label (the ranking table's order)."""
    data = frame.copy()
    order = list(data["label"])
    top = float(data["total"].max()) if data["total"].notna().any() else 1.0
    scale = alt.Scale(domain=[0, top * 1.15], nice=False)
    y = alt.Y("label:N", sort=order, title=None)
    bars = alt.Chart(data).mark_bar(color=BASE).encode(
        y=y, x=alt.X("total:Q", scale=scale, title=t("pdf_points", lang), axis=alt.Axis(format=",~f")))
    text = alt.Chart(data).mark_text(align="left", dx=5, fontSize=10.5, color=INK).encode(
        y=y, x=alt.X("total:Q", scale=scale), text="text:N")
    return _configure(alt.layer(bars, text).properties(width=WIDTH - 180, height=max(120, 18 * len(data))), lang)


# ---- the pages

def _cards_table(cards, lang: str) -> pd.DataFrame:
    """Focus or overview cards as rows: indicator, figure, verdict, what the card says under it."""
    return pd.DataFrame({t("indicator", lang): [c.title for c in cards], t("actual", lang): [c.value for c in cards],
                         t("status", lang): [c.verdict_text for c in cards],
                         t("pdf_details", lang): ["\n".join(x for x in (c.caption.replace("  \n", "\n"),
                                                                          getattr(c, "source", "")) if x)
                                                  for c in cards]})


def overview_document(info: PageInfo, screen) -> PageDocument:
    """Tổng quan (kpi.screens.overview.OverviewScreen): the summary, each domain's figures, the sources."""
    lang = info.lang
    blocks: list = []
    if not screen.has_figures:
        return page_document(info, [Text(t("no_figures", lang))], title=screen.title)
    blocks.append(Heading(screen.summary, 2))
    blocks += [Text(f"• {s}") for s in screen.sentences]
    if screen.cumulative:
        blocks += notes([t("progress_note", lang)])
    for section in screen.sections:
        blocks += [Heading(section.title), Table(_cards_table(section.cards, lang))]
    blocks += notes([screen.unreported])
    if screen.table is not None:
        blocks += [Heading(t("source", lang)), Table(screen.table)]
    return page_document(info, blocks, [screen.figures], title=screen.title)


def compare_document(info: PageInfo, screen) -> PageDocument:
    """So sánh (kpi.screens.compare.CompareScreen): aggregates, the ranked chart, every province's row."""
    lang = info.lang
    blocks: list = [Heading(screen.title)] + notes([getattr(screen, "geography_note", "")])
    if not screen.has_figures:
        return page_document(info, blocks + [Text(t("no_figures", lang))])
    for aggregate in screen.aggregates:
        blocks.append(Text(f"{aggregate.name}: {aggregate.value}" + (f" — {aggregate.note}" if aggregate.note else "")))
    meta = screen.meta
    blocks.append(Chart(ranked_bars(screen.provinces, screen.highlight, int(meta["decimals"]),
                                    str(meta["unit_of_measure"]), int(meta["direction"]), lang), lang=lang))
    blocks += notes([screen.chart_note])
    if screen.missing:
        blocks += notes([f"{t('missing', lang)}: {', '.join(screen.missing)}"])
    links = getattr(screen, "link_column", None)  # the drill-down links of the page: no use on paper
    blocks.append(Table(screen.table.drop(columns=[links]) if links in screen.table.columns else screen.table))
    blocks += notes([getattr(screen, "rank_note", ""), screen.highlight_note])
    return page_document(info, blocks, [screen.provinces])


def trends_document(info: PageInfo, screen) -> PageDocument:
    """Xu hướng (kpi.screens.trends.TrendScreen): the lines, the changes, every row of the table. The
    page's own units and length of period replace the sidebar's unit and period at the top."""
    lang = info.lang
    info = replace(info, unit="", period="")
    blocks: list = [Heading(screen.title)]
    if not screen.has_figures:
        return page_document(info, blocks + [Text(t("no_figures", lang))])
    meta = screen.meta
    colours = getattr(screen, "colours", None)
    blocks.append(Chart(trend_lines(screen.frame, int(meta["decimals"]), str(meta["unit_of_measure"]), lang,
                                    colours=colours), lang=lang))
    blocks += notes(screen.notes)
    blocks += [Heading(t("change", lang), 2), Chart(change_bars(screen.frame, lang, colours=colours), lang=lang),
               Table(screen.table)]
    return page_document(info, blocks, [screen.frame])


def domain_document(info: PageInfo, page_title: str, cards, table: pd.DataFrame, table_notes: list[str],
                    focus_frame: pd.DataFrame, catalogue: pd.DataFrame, focus: list[str], trend_notes: list[str],
                    map_shown=None, geography: int = 34, indicator_trend=None, indicator_meta=None) -> PageDocument:
    """A domain page (kpi.screens.domains): focus cards, every indicator with ranks, the years, the map
    (as tiles, every province's figure written on it), the chosen indicator's trend."""
    lang = info.lang
    blocks: list = [Heading(t("dom_focus", lang)), Table(_cards_table(cards, lang)),
                    Heading(t("dom_all_indicators", lang)), Table(table)]
    blocks += notes(table_notes)
    blocks.append(Heading(t("dom_over_years", lang)))
    years = year_bars(focus_frame[focus_frame["unit"] == focus_frame["unit"].iloc[0]] if len(focus_frame)
                      else focus_frame, catalogue, focus, lang)
    if years is not None:
        blocks.append(Chart(years, lang=lang))
    blocks += notes(trend_notes)
    frames = [focus_frame]
    if map_shown is not None:
        values = map_shown.values
        blocks += [Heading(t("dom_map", lang)), Chart(tile_map(values, geography, map_shown.highlight, lang),
                                                      title=f"{values.title} ({values.unit_of_measure})", lang=lang)]
        blocks += notes([*map_shown.notes, t("pdf_map_tiles", lang) if map_shown.kind != "tiles" else ""])
    if indicator_trend is not None and indicator_meta is not None:
        frame = indicator_trend.trend.frame
        blocks.append(Heading(indicator_trend.title))
        if frame["actual"].notna().sum() == 0:
            blocks.append(Text(t("no_figures", lang)))
        else:
            blocks.append(Chart(trend_lines(frame, int(indicator_meta["decimals"]),
                                            str(indicator_meta["unit_of_measure"]), lang,
                                            show_plan=not indicator_trend.rate), lang=lang))
        blocks += notes(indicator_trend.notes)
        frames.append(frame)
    return page_document(info, blocks, frames, title=page_title)


def ranking_document(info: PageInfo, ranking: pd.DataFrame, ranking_table: pd.DataFrame, apart: pd.DataFrame,
                     sentences: list[str], robustness: str = "", sensitivity_table: pd.DataFrame | None = None,
                     caption: str = "") -> PageDocument:
    """Xếp hạng thi đua (kpi.screens.ranking tables): the ranking, the units listed apart, the points
    chart, the robustness sentence and table. The scorecard's bloc and period replace the sidebar's
    unit and period at the top."""
    lang = info.lang
    info = replace(info, unit="", period="")
    blocks: list = notes([caption]) + [Heading(t("rank_result", lang))]
    ranked = ranking[ranking["rank"].notna()].copy()
    if len(ranked):
        # the rank as the table says it (ties marked), the table's rows being the ranked units in order
        ranked["label"] = [f"{r}. {n}" for r, n in zip(ranking_table[t("rank", lang)], ranked["name"])]
        ranked["text"] = [fmt.number(v, 2, lang) for v in ranked["total"]]
        blocks.append(Chart(points_bars(ranked, lang), lang=lang))
    blocks.append(Table(ranking_table))
    if len(apart):
        blocks += [Heading(t("rank_apart", lang), 2), Table(apart)]
    blocks += [Text(s) for s in sentences]
    if robustness:
        blocks += [Heading(t("rank_robustness", lang)), Text(robustness)]
    if sensitivity_table is not None and len(sensitivity_table):
        blocks.append(Table(sensitivity_table))
    return page_document(info, blocks)



def scoreboard_document(info: PageInfo, screen, words: bool = False, per_table: int = 8) -> PageDocument:
    """Bảng màu chỉ tiêu (kpi.screens.scoreboard.ScoreboardScreen): the legend, then the provinces ×
    indicators table in parts of `per_table` indicators (the unit and rank repeated), every cell in its
    verdict's colours, every row."""
    lang = info.lang
    blocks: list = [Heading(screen.title)]
    if not screen.columns:
        return page_document(info, blocks + [Text(t("vw_no_columns", lang))])
    legend = pd.DataFrame({t("vw_legend", lang): [i.words for i in screen.legend]})
    blocks.append(Table(legend, colours=[[(i.bg, i.fg)] for i in screen.legend]))
    blocks += notes([screen.sort_label(), screen.period_note])
    ranked = screen.column(screen.sort_by) is not None
    rows = list(screen.rows)
    for start in range(0, len(screen.columns), per_table):
        part = screen.columns[start:start + per_table]
        frame = {t("unit", lang): [r.name for r in rows]}
        if ranked:
            frame[t("rank", lang)] = [r.rank_text for r in rows]
        colours = [[None] * len(frame) for _ in rows]
        for column in part:
            cells = [screen.cells.get((r.unit, column.code)) for r in rows]
            frame[column.header] = [(c.text + (f"\n{c.word}" if words else "")) if c else fmt.MISSING for c in cells]
            for n, c in enumerate(cells):
                colours[n].append((c.bg, c.fg) if c else None)
        blocks.append(Table(pd.DataFrame(frame), colours=colours))
    blocks += notes([t("vw_missing_note", lang), t("vw_aggregates", lang)])
    if screen.not_this_period:
        blocks += notes([t("vw_not_this_period", lang, names="; ".join(screen.not_this_period))])
    if screen.never_reported:
        blocks += notes([t("vw_never_reported", lang, names="; ".join(screen.never_reported))])
    return page_document(info, blocks, [screen.frame], landscape=True)


def reporting_document(info: PageInfo, screen) -> PageDocument:
    """Tình hình báo cáo (kpi.screens.reporting): counts, who has not reported, by domain, every unit's row
    and, per indicator, who has reported what."""
    lang = info.lang
    blocks: list = [Heading(screen.title), Text(f"{screen.count_line}; {screen.complete_line}.")]
    if screen.nothing_yet:
        blocks.append(Text(t("vw_nothing_yet", lang, names=", ".join(screen.names[u] for u in screen.nothing_yet))))
    if screen.domain_counts:
        blocks.append(Heading(t("vw_by_domain", lang), 2))
        blocks += [Text(f"• {name}: {t('vw_domain_count', lang, n=n, total=total)}")
                   for name, n, total in screen.domain_counts]
    if not screen.table.empty:
        blocks += [Table(screen.table)] + notes([t("vw_when_note", lang)])
    if screen.not_applicable:
        blocks.append(Heading(f"{t('vw_not_applicable', lang)} ({len(screen.not_applicable)})", 2))
        blocks += [Text(f"• {name}: {why}") for name, why in screen.not_applicable]
    if not screen.detail.empty:
        blocks += [Heading(t("vw_by_indicator", lang), 2)] + notes([t("vw_marks", lang)]) + [Table(screen.detail)]
    if screen.no_one:
        blocks += notes([t("vw_no_one", lang, names="; ".join(screen.no_one))])
    if screen.never_reported:
        blocks += notes([t("vw_never_reported", lang, names="; ".join(screen.never_reported))])
    return page_document(info, blocks)


REPORT_FIELDS = {"strengths": "rep_strengths", "weaknesses": "rep_weaknesses", "directions": "rep_directions",
                 "proposals": "rep_proposals"}


def report_document(info: PageInfo, screen, values: dict[str, str]) -> PageDocument:
    """Báo cáo (kpi.screens.report.ReportScreen): the letterhead, section I as drafted from the figures,
    and the four texts as the user left them on the page (`values`)."""
    lang = info.lang
    lines = screen.letterhead_lines()
    blocks: list = notes([screen.intro()]) + [Heading(t("rep_letterhead", lang), 2)]
    blocks += [Text(x) for x in lines["left"] + lines["right"]] + [Heading(lines["title"][0], 2)]
    blocks += notes([screen.basis()])
    blocks.append(Heading(t("rep_results", lang)))
    for number, (title, sentences) in enumerate(screen.results, start=1):
        blocks.append(Heading(f"{number}. {title}", 2))
        blocks += [Text(f"• {s}") for s in sentences]
    blocks += notes([screen.status()])
    for field_name, key in REPORT_FIELDS.items():
        text = str(values.get(field_name, "") or "").strip()
        blocks += [Heading(t(key, lang), 2)] + [Text(x) for x in text.splitlines() if x.strip()]
    return page_document(info, blocks)
