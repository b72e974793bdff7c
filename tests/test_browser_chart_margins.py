"""The domain charts' left margin, drawn by plotly.js in headless Chromium: wide enough that Plotly's
automargin pushes nothing (a pushed margin makes Plotly draw the whole figure a second time, half
the browser's cost of the chart over the years on a unit change), and not much wider than the tick
labels need."""
from __future__ import annotations

import json
from pathlib import Path

import plotly
import pytest

from kpi import figures
from kpi.charts import domain as domain_charts
from kpi.screens.domains import DOMAIN_PAGES, domain_trend, domain_view
from tests.browser_support import chromium, needs_chromium

pytestmark = [needs_chromium, pytest.mark.browser]

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
DRAW = """async ([spec, width]) => {
  const gd = document.getElementById('g'); gd.style.width = width + 'px'; Plotly.purge(gd);
  await Plotly.newPlot(gd, spec.data, spec.layout, {displaylogo: false});
  const pushed = Object.entries(gd._fullLayout._pushmargin).filter(([k]) => k.endsWith('.automargin'))
                       .map(([, m]) => m.l.size);
  return {left: gd._fullLayout._size.l, needed: Math.max(0, ...pushed)};
}"""


def _figures(snapshot):
    units, catalogue = figures.shared_tables(snapshot)
    periods = figures.available_periods(snapshot)
    for geography, unit, period in ((34, "VN34-86", "2025"), (34, "VN", "2025"), (63, "VN63-48", "2024"),
                                    (34, "VN34-01", "2026-M06")):
        for page in DOMAIN_PAGES.values():
            for lang in ("vi", "en"):
                view = domain_view(snapshot, units, catalogue, page.key, unit, period, geography, lang)
                focus = domain_trend(snapshot, units, unit, periods, period, view.focus, geography=geography, lang=lang)
                for builder in (domain_charts.combo, domain_charts.multiples):
                    yield f"{page.key} {builder.__name__} {unit} {period} {lang}", builder(focus.frame, catalogue,
                                                                                             view.focus, lang)


def test_the_domain_charts_left_margin_leaves_plotly_nothing_to_push(demo_snapshot):
    drawn = [(name, json.loads(fig.to_json())) for name, fig in _figures(demo_snapshot)]
    assert len(drawn) >= 40
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_content("<div id='g'></div>")
        page.add_script_tag(path=str(PLOTLY_JS))
        for name, spec in drawn:
            for width in (860, 1500):  # the chart beside the sidebar at 1366 px and at 1920 px
                result = page.evaluate(DRAW, [spec, width])
                base = spec["layout"]["margin"]["l"]
                assert result["left"] == base, f"{name} at {width} px: Plotly pushed the left margin {base} -> {result}"
                assert result["needed"] > 0, name  # the labels were measured
                assert base - result["needed"] <= 40, f"{name}: {base} px for labels needing {result['needed']:.0f}"
