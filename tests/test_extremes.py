"""Non-finite and huge numbers in a snapshot (one written directly, past the importer's bounds) never
take a page or an export down: every surface shows them, marked, and keeps working."""
from __future__ import annotations

import math
import shutil

import pytest
from conftest import run_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.figures import figures
from kpi.reports.deck import build_deck
from kpi.reports.exports import export_bytes
from kpi.reports.settings import load_settings

pytestmark = [pytest.mark.query, pytest.mark.slow]

UNIT, OLD_UNITS, PERIOD = "VN34-86", ["VN63-86", "VN63-83", "VN63-84"], "2025"
EXTREMES = [math.inf, -math.inf, math.nan, 1e300, -1e300, 1e28, 12345678901234567890123456789.0, 0.0, 5e-324]


def _extreme_snapshot(folder, values: dict[str, tuple[float, float]]) -> store.Snapshot:
    base = store.get_snapshot(None, folder)
    facts = store.read_table(base, "facts")
    own = facts["unit"].isin([UNIT, *OLD_UNITS]) & (facts["period"] == PERIOD)
    for code, (actual, plan) in values.items():
        rows = own & (facts["indicator"] == code)
        facts.loc[rows, "actual"], facts.loc[rows, "plan"] = actual, plan
        facts.loc[rows, ["numerator", "denominator"]] = math.nan
    return store.write_snapshot(facts, store.read_table(base, "units"), store.read_table(base, "indicators"),
                                created_by="test", parent=base.id, demo=True, data_dir=folder)


@pytest.fixture(scope="module")
def folder(demo_dir, tmp_path_factory):
    target = tmp_path_factory.mktemp("extremes") / "data"
    shutil.copytree(demo_dir, target)
    return target


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jobs=st.tuples(st.sampled_from(EXTREMES), st.sampled_from(EXTREMES)),
       poverty=st.tuples(st.sampled_from(EXTREMES), st.sampled_from(EXTREMES)))
def test_extreme_figures_never_break_a_figure_or_an_export(folder, jobs, poverty):
    snapshot = _extreme_snapshot(folder, {"jobs_created": jobs, "poor_household_rate": poverty})
    frame = figures(snapshot, [UNIT, "VN"], [PERIOD])
    assert len(frame) and frame["verdict"].notna().all()
    deck = build_deck(snapshot, UNIT, PERIOD, "vi", data_dir=folder)
    settings_ = load_settings()
    for kind in ("xlsx", "docx"):
        assert export_bytes(kind, deck, settings_)[:2] == b"PK"


def test_every_page_shows_extreme_figures(folder):
    _extreme_snapshot(folder, {"jobs_created": (1e300, math.inf), "poor_household_rate": (math.inf, 4.0),
                               "workers_abroad": (12345678901234567890123456789.0, 0.0)})
    for page in (None, "pages/compare.py", "pages/trends.py", "domain:employment", "domain:poverty",
                 "pages/present.py", "pages/ranking.py"):
        at = run_page(page, folder, {"unit": UNIT, "period": PERIOD})
        assert not at.exception, (page, [e.value for e in at.exception])
    deck = build_deck(store.get_snapshot(None, folder), UNIT, PERIOD, "vi", data_dir=folder)
    assert export_bytes("pptx", deck, load_settings())[:2] == b"PK"
