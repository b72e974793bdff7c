"""The English interface is English (issue 11 item 9): every page rendered with ?lang=en holds no
letter only Vietnamese writes (ạ ả ấ … đ ơ ư), except inside proper names and quoted sources: the
names of units, the sources and notes of the figures, what users typed into the snapshot notes.
That allow-list is read from the data the page shows, never written by hand.

Also: units of measure in English ('18,382 people'), the English number format in the ranking's
formulas, scorecard titles, criteria and award names in English.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, run_page
from google.protobuf.message import Message

from kpi.screens.domains import DOMAIN_PAGES

# letters of Vietnamese that no English (or French, German...) word has
VIETNAMESE_ONLY = re.compile("[ạảấầẩậắằẳặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơưẠẢẤẦẨẬẮẰẲẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐƠƯ]")
# pages/report.py edits the Sở's Word report, a Vietnamese document by design (Decree 30/2020): its
# drafted sections are Vietnamese in either interface language (text rep_vietnamese_only)
VIETNAMESE_DOCUMENTS = ("report.py",)
PAGE_FILES = sorted(f"pages/{p.name}" for p in (REPO / "pages").glob("*.py")
                    if not p.name.startswith("_") and p.name not in ("domain.py", "overview.py", *VIETNAMESE_DOCUMENTS))
EVERY_PAGE = [None, *PAGE_FILES, *(f"domain:{key}" for key in DOMAIN_PAGES)]
QUERY = {"lang": "en"}
# the language chooser names each language in itself, so that either reader finds it (pages/_shared.py)
LANGUAGE_CHOOSER = ("Ngôn ngữ / Language", "Tiếng Việt")


# --------------------------------------------------------------------------- what a page renders

def _json_strings(value, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _json_strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, out)


def _proto_strings(message: Message, out: list[str]) -> None:
    """Every text of an element's protobuf: bodies, labels, options, help, a chart's spec (JSON)."""
    for field, value in message.ListFields():
        values = list(value) if type(value).__name__.startswith("Repeated") else [value]
        for item in values:
            if isinstance(item, Message):
                _proto_strings(item, out)
            elif isinstance(item, str):
                if field.name == "spec":  # a Plotly or Vega-Lite chart: its texts, not its keys
                    try:
                        _json_strings(json.loads(item), out)
                        continue
                    except ValueError:
                        pass
                out.append(item)


def _frame_strings(frame: pd.DataFrame, out: list[str]) -> None:
    out.extend(str(c) for c in frame.columns)
    out.extend(str(i) for i in frame.index if isinstance(i, str))
    for column in frame.columns:
        out.extend(str(v) for v in frame[column].tolist() if isinstance(v, str))


def rendered_texts(at) -> list[str]:
    """Every text of the rendered page: markdown, captions, alerts, widget labels and options,
    table cells and headers, chart texts; markdown escapes and HTML entities undone."""
    out: list[str] = []

    def walk(node) -> None:
        if getattr(node, "type", "") in ("arrow_data_frame", "arrow_table", "table", "dataframe"):
            try:
                _frame_strings(node.value, out)
            except Exception:  # noqa: BLE001 - an element AppTest cannot decode: fall back on its proto
                _proto_strings(node.proto, out)
        elif getattr(node, "proto", None) is not None:
            _proto_strings(node.proto, out)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [_visible(text) for text in out]


def _visible(text: str) -> str:
    """What a reader sees of a text: no style sheet or script, no tags, no markdown escapes."""
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", " ", text)
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


# --------------------------------------------------------------------------- what may stay Vietnamese

def proper_names(data_dir: Path) -> list[str]:
    """The proper names and quotations the English interface shows as written, read from the data:
    the units' names (every text column of the units table, the maps' short names), the figures'
    sources and notes (report titles and what the report said), the snapshots' notes and authors,
    the letterhead agencies of the settings. Longest first, so that a name inside a longer one goes with it."""
    from kpi import store
    from kpi.figures import units

    names: set[str] = set()
    for snapshot in store.list_snapshots(data_dir):
        table = units(snapshot)
        for column in table.columns:
            names.update(v for v in table[column].dropna().tolist() if isinstance(v, str))
        facts = store.read_table(snapshot, "facts")
        for column in ("source", "note"):
            for value in facts[column].dropna().unique():
                names.update(part.strip() for part in re.split(r"; |\(|\)", str(value)) if part.strip())
                names.add(str(value))
        names.update(str(snapshot.manifest.get(k, "")) for k in ("note", "created_by"))
    for grid in (REPO / "data" / "catalogue").glob("tilegrid_*.csv"):  # the provinces' short names on the maps
        names.update(pd.read_csv(grid, dtype=str)["label"].dropna())
    settings = REPO / "data" / "settings.toml"
    if settings.exists():
        import tomllib

        _json_strings(tomllib.loads(settings.read_text(encoding="utf-8")), out := [])
        names.update(out)
    names.update(LANGUAGE_CHOOSER)
    return sorted((n for n in names if VIETNAMESE_ONLY.search(n)), key=len, reverse=True)


def leaks(texts: list[str], allowed: list[str]) -> list[str]:
    """The texts that still hold a Vietnamese-only letter once every allowed name is taken out."""
    found = []
    for text in texts:
        if not VIETNAMESE_ONLY.search(text):
            continue
        rest = text
        for name in allowed:
            if name in rest:
                rest = rest.replace(name, " ")
        if VIETNAMESE_ONLY.search(rest):
            found.append(text[:200])
    return sorted(set(found))


@pytest.fixture(scope="module")
def allowed(demo_dir):
    return proper_names(demo_dir)


# --------------------------------------------------------------------------- tests

@pytest.mark.unit
def test_the_check_finds_vietnamese_and_lets_names_pass():
    assert leaks(["Số liệu ước"], []) == ["Số liệu ước"]
    assert leaks(["Overview — Bến Tre — Year 2020"], ["Bến Tre"]) == []
    assert leaks(["Tổng quan — Bến Tre"], ["Bến Tre"]) == ["Tổng quan — Bến Tre"]
    assert leaks(["Plain English, café and naïve"], []) == []  # letters other languages share pass


@pytest.mark.page
@pytest.mark.parametrize("page", EVERY_PAGE)
def test_every_page_in_english_has_no_vietnamese(page, demo_dir, allowed):
    at = run_page(page, demo_dir, QUERY, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    texts = rendered_texts(at)
    assert len(texts) > 10  # the page rendered
    assert leaks(texts, allowed) == []


@pytest.mark.page
@pytest.mark.parametrize("query", [{"unit": "VN63-83", "period": "2020", "geo": "63"},
                                   {"unit": "VN34-86", "period": "2026-M09", "geo": "34"}])
def test_overview_in_english_for_quoted_and_estimated_figures(query, demo_dir, allowed):
    at = run_page(None, demo_dir, {**QUERY, **query}, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    texts = rendered_texts(at)
    assert leaks(texts, allowed) == []
    # units of measure in English: 'người' stays only in what a report said (allowed above, then checked)
    assert re.search(r"\d people", " ".join(texts))


@pytest.mark.page
def test_ranking_in_english(demo_dir, allowed):
    at = run_page("pages/ranking.py", demo_dir, QUERY, timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    texts = rendered_texts(at)
    joined = " ".join(texts)
    assert leaks(texts, allowed) == []
    assert "Excellent Labour Collective" in joined or "Advanced Labour Collective" in joined  # award names


@pytest.mark.unit
def test_english_formula_line_uses_english_numbers(demo_snapshot):
    from kpi import scoring

    card, inputs = scoring.load_inputs(scoring.load_scorecard(REPO / "data" / "scorecards" / "dbscl-2025.toml"),
                                       demo_snapshot)
    english = scoring.score(card, inputs, "en").breakdown
    vietnamese = scoring.score(card, inputs, "vi").breakdown
    jobs = english[english["indicator"] == "jobs_created"].iloc[0]
    jobs_vi = vietnamese[vietnamese["indicator"] == "jobs_created"].iloc[0]
    # thousands with a comma, decimals with a point; never the Vietnamese '50.530' or '103,76%'
    assert re.search(r"\d{1,3}(,\d{3})+ / \d{1,3}(,\d{3})+ × 100 = \d+\.\d+%", jobs["formula"]), jobs["formula"]
    assert not re.search(r"\d\.\d{3}(?!\d)|\d,\d{1,2}%", jobs["formula"]), jobs["formula"]
    assert re.search(r"\d{1,3}(\.\d{3})+ / \d{1,3}(\.\d{3})+ × 100 = \d+,\d+%", jobs_vi["formula"])
    assert " people" in jobs["inputs"] and "người" not in jobs["inputs"]
    assert jobs["label"] == "Jobs created" and jobs_vi["label"] == "Giải quyết việc làm"
    for text in english["formula"].tolist() + english["inputs"].tolist():
        assert not VIETNAMESE_ONLY.search(text), text


@pytest.mark.unit
def test_scorecards_have_english_names():
    from kpi.scoring.scorecard import load_scorecard

    for path in sorted((REPO / "data" / "scorecards").glob("*.toml")):
        card = load_scorecard(path)
        english = [card.title_in("en"), card.bloc_in("en"), card.issued_in("en"),
                   *(c.label_in("en") for c in card.criteria), *(tier.name_in("en") for tier in card.tiers),
                   *(a.reason_in("en") for a in card.adjustments)]
        # an English name for each, and none of them Vietnamese except the names of provinces
        assert card.title_en and all(tier.name_en for tier in card.tiers) and all(c.label_en for c in card.criteria)
        for text in english:
            assert not VIETNAMESE_ONLY.search(re.sub(r"Vĩnh Long|Bến Tre|Cần Thơ", "", text)), (path.name, text)
        assert card.title_in("vi") == card.title and card.tier_name(card.tiers[0].name, "en") == card.tiers[0].name_en


@pytest.mark.unit
def test_units_of_measure_in_english():
    from kpi.store.indicators import load_indicators
    from kpi.text import fmt

    catalogue = load_indicators()
    assert (catalogue["unit_of_measure_en"].str.strip() != "").all()
    for uom in catalogue["unit_of_measure"].unique():
        assert not VIETNAMESE_ONLY.search(fmt.unit_of_measure(uom, "en")), uom
        assert fmt.unit_of_measure(uom, "vi") == uom
    assert fmt.figure(18382, "người", 0, "en") == "18,382 people"
    assert fmt.figure(18382, "người", 0, "vi") == "18.382 người"
    assert fmt.figure(108.5, "tỷ đồng", 1, "en") == "108.5 billion VND"
    assert fmt.figure(102.14, "%", 1, "en") == "102.1%"
    assert fmt.unit_of_measure("đơn vị lạ", "en") == "đơn vị lạ"  # a unit the catalogue does not know: as written
