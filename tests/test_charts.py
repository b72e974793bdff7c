"""Charts never cover their numbers, keep one colour per unit across a page, wrap their titles and
keep legends off the panels: checked on the built Plotly figures (traces, axes, layout)."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from plotly.graph_objects import Figure

from kpi import figures, scoring
from kpi.charts import domain as domain_charts
from kpi.charts import maps, spec
from kpi.charts import ranking as ranking_charts
from kpi.charts import screen as charts
from kpi.charts.theme import PALETTE, characters_in, unit_colours, wrap
from kpi.screens.compare import compare_screen
from kpi.screens.domains import DOMAIN_PAGES, domain_trend, domain_view, indicator_trend, map_view
from kpi.screens.trends import trend_screen
from kpi.store.indicators import load_indicators
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.units import boundaries
from kpi.units.table import build_units

YEARS = list(range(2021, 2027))


def _years(code: str, actual: list, plan: list | None = None) -> pd.DataFrame:
    return pd.DataFrame({"indicator": code, "year": YEARS, "actual": actual,
                         "plan": plan if plan is not None else [np.nan] * len(YEARS)})


def _domain(fig, axis: str) -> tuple[float, float]:
    name = axis.replace("x", "xaxis").replace("y", "yaxis")
    return tuple(fig.layout[name if name[-1].isdigit() else name].domain)


# --- one colour per unit ------------------------------------------------------------------------

@pytest.mark.unit
def test_unit_colours_follow_the_order_of_the_units_chosen_on_the_page():
    colours = unit_colours(["VN34-86", "VN34-15", "VN34-86", "VN34-79"])
    assert colours == {"VN34-86": PALETTE[0], "VN34-15": PALETTE[1], "VN34-79": PALETTE[2]}
    assert unit_colours(["VN34-15", "VN34-86"]) == {"VN34-15": PALETTE[0], "VN34-86": PALETTE[1]}
    assert len(set(unit_colours([f"u{i}" for i in range(len(PALETTE))]).values())) == len(PALETTE)


def _line_colours(fig, frame) -> dict[str, str]:
    names = dict(zip(frame["name"], frame["unit"]))
    return {names[tr.name]: tr.line.color for tr in fig.data if tr.name in names}


def _bar_colours(fig, frame) -> dict[str, str]:
    names = dict(zip(frame["name"], frame["unit"]))
    return {names[tr.name]: tr.marker.color for tr in fig.data if tr.name in names}


@pytest.mark.query
def test_every_chart_of_xu_huong_draws_a_unit_in_the_same_colour(demo_snapshot):
    units, catalogue = build_units(), load_indicators()
    targets = ["VN34-86", "VN34-15", "VN34-79"]
    screen = trend_screen(demo_snapshot, units, catalogue, targets, figures.available_periods(demo_snapshot), 12,
                          "jobs_created", "vi")
    assert screen.colours == unit_colours(targets)
    frame = screen.frame
    lines = charts.trend_lines(frame, name_col="name", decimals=0, unit_of_measure="người", colours=screen.colours)
    bars = charts.change_bars(frame, name_col="name", colours=screen.colours)
    assert _line_colours(lines, frame) == _bar_colours(bars, frame) == screen.colours
    # a unit keeps its colour when another chart of the page lacks a unit or lists them in another order
    fewer = frame[frame["unit"] != "VN34-86"]
    assert _bar_colours(charts.change_bars(fewer, name_col="name", colours=screen.colours), fewer) == \
        {u: screen.colours[u] for u in ("VN34-15", "VN34-79")}
    backwards = frame.iloc[::-1]
    assert _line_colours(charts.trend_lines(backwards, name_col="name", decimals=0, unit_of_measure="người",
                                            colours=screen.colours), backwards) == screen.colours
    # each plan line is in its unit's colour too
    plans = [tr for tr in lines.data if tr.name.endswith("Kế hoạch năm")]
    assert plans and all(tr.line.color == screen.colours[dict(zip(frame["name"], frame["unit"]))[tr.name.split(" – ")[0]]]
                         for tr in plans)


# --- labels where no mark covers them -------------------------------------------------------------

def _compare_frame(n: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    actual = rng.integers(10_000, 100_000, n).astype(float)
    return pd.DataFrame({"unit": [f"VN34-{i:02d}" for i in range(n)], "name": [f"Tỉnh {i}" for i in range(n)],
                         "actual": actual, "plan": actual * rng.uniform(0.9, 1.3, n)})


@pytest.mark.unit
def test_compare_values_stand_in_their_own_lane_apart_from_bars_and_plan_markers():
    frame = _compare_frame()
    fig = charts.ranked_bars(frame, name_col="name", highlight="VN34-03", decimals=0, unit_of_measure="người",
                             direction=1, lang="vi")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    plans = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "markers"]
    lane = [tr for tr in fig.data if tr.name == charts.VALUE_LANE]
    assert len(bars) == len(plans) == len(lane) == 1
    assert bars[0].text is None, "no number is written on a bar, where a plan marker could cross it"
    assert bars[0].xaxis == plans[0].xaxis != lane[0].xaxis
    plot, values = _domain(fig, bars[0].xaxis), _domain(fig, lane[0].xaxis)
    assert plot[1] < values[0], "the lane lies right of the plotting area, not over it"
    assert list(lane[0].y) == list(bars[0].y)  # a value beside its own province
    assert sorted(lane[0].text) == sorted(fmt.figure(v, "người", 0, "vi") for v in frame["actual"])
    assert fig.layout.legend.y > 1  # the key above the plot
    assert list(fig.layout.yaxis.range) == [-0.6, len(frame) - 0.4]  # no blank rows padded around the bars


@pytest.mark.unit
def test_domain_combo_draws_rates_apart_from_counts_and_writes_every_figure_under_its_year():
    catalogue = load_indicators()
    frame = pd.concat([
        _years("jobs_created", [39413, 48000, 49416, 48837, 51945, 52272], [56000, 64000, 66000, 68000, 70000, 69500]),
        _years("workers_abroad", [1948, 4456, 4882, 4561, 4905, 5937], [3000, 6000, 7000, 6500, 6800, 7800]),
        _years("urban_unemployment_rate", [3.6, 3.03, 2.87, 2.85, 2.9, 2.99])])
    fig = domain_charts.combo(frame, catalogue, ["jobs_created", "workers_abroad", "urban_unemployment_rate"])
    assert all(tr.text is None for tr in fig.data), "no number is drawn on a mark"
    bars = [tr for tr in fig.data if tr.type == "bar"]
    lines = [tr for tr in fig.data if tr.type == "scatter"]
    assert {tr.yaxis for tr in bars} == {"y2"} and {tr.yaxis for tr in lines} == {"y"}
    rate_panel, count_panel = _domain(fig, "y"), _domain(fig, "y2")
    assert count_panel[1] < rate_panel[0], "the rate line has its own panel above the bars: it never crosses them"
    ticks = list(fig.layout.xaxis2.ticktext)
    assert list(fig.layout.xaxis2.tickvals) == YEARS
    assert "52.272" in ticks[-1] and "5.937" in ticks[-1] and "2,99%" in ticks[-1] and "<b>2026</b>" in ticks[-1]
    assert "39.413" in ticks[0] and "3,60%" in ticks[0]
    missing = frame.copy()
    missing.loc[(missing["indicator"] == "workers_abroad") & (missing["year"] == 2023), "actual"] = np.nan
    gap = domain_charts.combo(missing, catalogue, ["jobs_created", "workers_abroad", "urban_unemployment_rate"])
    assert fmt.MISSING in gap.layout.xaxis2.ticktext[2] and "0<" not in gap.layout.xaxis2.ticktext[2]


@pytest.mark.unit
def test_domain_multiples_wrap_titles_within_the_panel_and_keep_the_legend_above_them():
    catalogue = load_indicators()
    codes = ["social_assistance_recipients", "child_friendly_commune_rate", "children_u6_insured_rate",
             "procedures_on_time_rate"]
    frame = pd.concat([_years(c, [90.4 + i, 92.4, 95.8, 96.8, 95.8, 97.9], [np.nan] * 4 + [96.0, 97.0])
                       for i, c in enumerate(codes)])
    fig = domain_charts.multiples(frame, catalogue, codes)
    meta = catalogue.set_index("code")
    titles = [a for a in fig.layout.annotations]
    assert len(titles) == len(codes)
    columns = max(int(a.x > 0.5) for a in titles) + 1
    width = characters_in(domain_charts.CHART_PX / columns * 0.9, domain_charts.TITLE_PX)
    for a, code in zip(titles, codes):
        assert "…" not in a.text and "..." not in a.text
        assert all(len(line) <= width for line in a.text.split("<br>")), a.text
        assert a.text.replace("<br>", " ") == f"{meta.loc[code, 'name_vi']} ({meta.loc[code, 'unit_of_measure']})"
    assert any("<br>" in a.text for a in titles), "the long names (thẻ bảo hiểm y tế) are wrapped"
    # the legend stands above the first row's titles, outside every panel
    legend = fig.layout.legend
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    top_title_lines = max(a.text.count("<br>") + 1 for a in titles if a.y == max(t.y for t in titles))
    assert legend.yanchor == "bottom"
    assert legend.y >= max(a.y for a in titles) + top_title_lines * domain_charts.TITLE_PX / plot_px
    assert all(tr.text is None for tr in fig.data)
    assert "97,90%" in fig.layout.xaxis3.ticktext[-1] and "<b>2026</b>" in fig.layout.xaxis3.ticktext[-1]


@pytest.mark.unit
def test_wrap_never_cuts_a_word():
    text = "Tỷ lệ trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế (%)"
    wrapped = wrap(text, 20)
    assert wrapped.replace("<br>", " ") == text
    assert all(len(line) <= 20 for line in wrapped.split("<br>"))
    assert wrap("Siêu-dài-không-có-chỗ-ngắt-dòng nào", 10).split("<br>")[0] == "Siêu-dài-không-có-chỗ-ngắt-dòng"


@pytest.mark.unit
def test_change_labels_keep_their_size_and_have_room_beyond_the_bars():
    frame = pd.DataFrame({"unit": ["A"] * 3 + ["B"] * 3, "name": ["An"] * 3 + ["Bình"] * 3, "year": [2023, 2024, 2025] * 2,
                          "aggregation": "sum", "change_pct": [np.nan, 18.2, -15.5, np.nan, 8.6, -11.9],
                          "change_pp": np.nan, "change_comparable": True})
    fig = charts.change_bars(frame, name_col="name")
    assert all(tr.constraintext == "none" and tr.textposition == "outside" for tr in fig.data)
    low, high = fig.layout.yaxis.range
    assert high > 18.2 * 1.3 and low < -15.5 * 1.3
    crowded = pd.concat([frame.assign(unit=f"U{i}", name=f"Tỉnh {i}") for i in range(8)])
    crowded = pd.concat([crowded.assign(year=crowded["year"] - 3 * k) for k in range(3)])
    assert all(tr.text is None for tr in charts.change_bars(crowded, name_col="name").data)


@pytest.mark.unit
def test_ranking_points_are_written_beside_the_maximum_bar_not_over_it():
    breakdown = pd.DataFrame({"unit": "VN63-91", "name": "Kiên Giang", "criterion": ["C1", "C2", "C3"],
                              "label": ["Giải quyết việc làm", "Tỷ lệ hộ nghèo (giảm)", "Nhà tình nghĩa"],
                              "max_points": [15.0, 10.0, 5.0], "points": [13.71, 10.0, np.nan]})
    fig = ranking_charts.breakdown_chart(SimpleNamespace(breakdown=breakdown), "VN63-91")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    labels = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text"]
    assert all(tr.text is None for tr in bars) and len(labels) == 1
    assert list(labels[0].x) == [15.0, 10.0, 5.0] and labels[0].textposition == "middle right"
    assert list(labels[0].text) == ["13,71", "10,00", t("missing", "vi")]
    assert fig.layout.xaxis.range[1] >= 15.0 * 1.12


@pytest.mark.unit
def test_bubble_map_names_stand_below_their_own_circle():
    units = build_units()
    chosen = ["VN-01", "VN-38", "VN34-79"]  # provinces unchanged by the merger keep their code
    values = maps.MapValues(pd.DataFrame({"unit": chosen, "name": chosen, "label": ["Hà Nội", "Thanh Hóa", "TP.HCM"],
                                          "value": [80.0, 100.0, 20.0], "state": "ok", "text": "",
                                          "hover": ""}), 1, "người", 0, "Giải quyết việc làm")
    fig = maps.bubbles(values, units)
    circles = next(tr for tr in fig.data if tr.mode == "markers" and tr.marker.size is not None
                   and not isinstance(tr.marker.size, (int, float)))
    radius = {lat: size / 2 for lat, size in zip(circles.y, circles.marker.size)}
    names = next(tr for tr in fig.data if tr.mode == "text")
    lat = units.set_index("unit")["lat"]
    for label, unit in zip(["Hà Nội", "Thanh Hóa", "TP.HCM"], chosen):
        y = list(names.y)[list(names.text).index(label)]
        assert y < lat[unit] - radius[lat[unit]] / maps.PX_PER_DEGREE, label
    assert names.textfont.shadow  # a white halo where a name meets a neighbour's circle


# --- figures built as dicts (kpi.charts.spec) ------------------------------------------------------

@pytest.mark.unit
def test_a_figure_built_as_dicts_is_still_checked_against_plotlys_schema_by_these_tests():
    fine = spec.figure([dict(type="bar", x=[1, 2], y=[3, 4], marker=dict(color="#4c78a8"))], dict(height=300))
    assert fine.data[0].type == "bar" and fine.layout.height == 300
    assert fine.layout.template == Figure().layout.template  # the default template, as for any figure
    Figure(fine.to_dict())  # passes the full validation
    misspelt = spec.figure([dict(type="bar", x=[1], y=[2], colour="red")], {})
    with pytest.raises(ValueError):
        Figure(misspelt.to_dict())  # what _validate_all below would catch


def _validate_all(*figures_built) -> None:
    for fig in figures_built:
        Figure(fig.to_dict())  # raises ValueError on any property plotly does not know, or a wrong value


@pytest.mark.query
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_figure_built_as_dicts_passes_plotlys_full_validation(demo_snapshot, lang):
    units, catalogue = figures.shared_tables(demo_snapshot)
    periods = figures.available_periods(demo_snapshot)
    for geography, unit, period in ((34, "VN34-86", "2025"), (63, "VN63-48", "2024"), (34, "VN", "2026-M06")):
        for page in DOMAIN_PAGES.values():
            view = domain_view(demo_snapshot, units, catalogue, page.key, unit, period, geography, lang)
            focus = domain_trend(demo_snapshot, units, unit, periods, period, view.focus, geography=geography, lang=lang)
            _validate_all(domain_charts.combo(focus.frame, catalogue, view.focus, lang),
                          domain_charts.multiples(focus.frame, catalogue, view.focus, lang))
            shown = map_view(view, units, catalogue, geography, view.focus[0], "tiles", unit, lang,
                             boundaries.boundary_file(geography))
            _validate_all(maps.tile_grid(shown.values, units, geography, shown.highlight, lang))
        for indicator in ("jobs_created", "poor_household_rate", "urban_unemployment_rate"):
            trend = indicator_trend(demo_snapshot, units, catalogue, unit, periods, period, indicator, geography, lang)
            fig = charts.trend_lines(trend.trend.frame, name_col="name", decimals=2, unit_of_measure="%", lang=lang)
            _validate_all(fig)
            if indicator == "poor_household_rate" and geography == 34 and unit != "VN":
                assert fig.layout.shapes and fig.layout.annotations, "the change of the poverty standard is drawn"
            screen = compare_screen(demo_snapshot, units, catalogue, geography, period, indicator, None, lang, focus=unit)
            if screen.has_figures:
                _validate_all(charts.ranked_bars(screen.provinces, name_col="name", highlight=screen.highlight,
                                                 decimals=int(screen.meta["decimals"]),
                                                 unit_of_measure=screen.meta["unit_of_measure"],
                                                 direction=int(screen.meta["direction"]), lang=lang))


@pytest.mark.query
def test_every_ranking_chart_built_as_dicts_passes_plotlys_full_validation(demo_snapshot):
    checked = 0
    for entry in scoring.scorecard_entries():
        if entry.error is not None:
            continue
        card, inputs = scoring.load_inputs(entry.scorecard, demo_snapshot)
        if inputs["actual"].isna().all():
            continue
        for lang in ("vi", "en"):
            result = scoring.score(card, inputs, lang)
            units = list(result.ranking["unit"])
            sens = scoring.sensitivity(result, inputs, spread=0.2, switch=0.1)
            _validate_all(ranking_charts.breakdown_chart(result, units[0], lang),
                          ranking_charts.two_units_chart(result, units[0], units[-1], lang),
                          ranking_charts.rank_band_chart(sens, lang))
            checked += 1
    assert checked
