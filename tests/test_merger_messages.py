"""Merger-aware messages: where a former province went, counts of units with data that agree with
themselves, the 63-province geography after 30 June 2025, and links whose unit or period fall back."""
import re

import pytest
from conftest import run_page

from kpi import figures
from kpi.screens.compare import compare_screen
from kpi.screens.drilldown import fallback_unit, merger_notices
from kpi.units.mergers import geography_ended, merged_into

BEN_TRE, VINH_LONG = "VN63-83", "VN34-86"


@pytest.mark.unit
def test_ben_tre_says_where_it_went(demo_snapshot):
    units = figures.units(demo_snapshot)
    notices = merger_notices(units, BEN_TRE, "2026-M09", 63)
    assert notices[0].text == "Bến Tre đã hợp nhất vào tỉnh Vĩnh Long từ 01/7/2025."
    assert notices[0].params == {"unit": VINH_LONG, "geo": "34"} and notices[0].link_label == "Xem Vĩnh Long"
    assert "30/6/2025" in notices[1].text and not notices[1].link_label  # the button above leads there
    assert merger_notices(units, "VN-01", "2026-M09", 63)[0].params == {"geo": "34"}
    english = merger_notices(units, BEN_TRE, "2026-M09", 63, "en")
    assert english[0].text == "Bến Tre merged into Vĩnh Long on 01/7/2025."
    # before the merger, or a province that did not change: nothing to say
    assert merger_notices(units, BEN_TRE, "2024", 63) == []
    assert merger_notices(units, VINH_LONG, "2026-M09", 34) == []
    assert merger_notices(units, "VN-01", "2026-M09", 34) == []
    assert merged_into(units, BEN_TRE, "2025-M06") is None  # 30 June 2025: still Bến Tre
    assert geography_ended(63, "2025-M09") and not geography_ended(63, "2025-M06") and not geography_ended(34, "2026")


@pytest.mark.unit
def test_a_link_to_a_former_province_falls_back_to_its_successor(demo_snapshot):
    units = figures.units(demo_snapshot)
    options = ["VN", VINH_LONG, "VN-01"]
    assert fallback_unit(units, BEN_TRE, options, "VN") == VINH_LONG
    assert fallback_unit(units, "VN64-28", options, "VN") == "VN-01"  # Hà Tây -> Hà Nội
    assert fallback_unit(units, "NOWHERE", options, "VN") == "VN"
    assert fallback_unit(units, VINH_LONG, ["VN", BEN_TRE], "VN") == "VN"  # a new province in the old list


@pytest.mark.unit
def test_63_provinces_after_the_merger_say_why_they_are_few(demo_snapshot):
    screen = compare_screen(demo_snapshot, figures.units(demo_snapshot), figures.indicators(demo_snapshot), 63,
                            "2026-M09", "jobs_created", None, "vi", focus=BEN_TRE)
    assert len(screen.provinces) == 11 and screen.provinces["actual"].notna().all()
    assert screen.missing == []  # no more "52 provinces without data"
    assert "52 tỉnh cũ" in screen.geography_note
    assert "11 tỉnh" in screen.geography_note


def _counts_agree(text: str) -> bool:
    """'chưa đủ số liệu: n / total đơn vị có số liệu' only ever with n < total."""
    return all(int(n) < int(total) for n, total in re.findall(r"(\d+) / (\d+) đơn vị có số liệu", text))


@pytest.mark.unit
def test_counts_of_units_with_data_are_consistent(demo_snapshot):
    units, catalogue = figures.units(demo_snapshot), figures.indicators(demo_snapshot)
    # the Mekong Delta in the 63-province list at 9 months of 2026 used to say "chưa đủ số liệu: 5 / 5"
    screen = compare_screen(demo_snapshot, units, catalogue, 63, "2026-M09", "jobs_created", None, "vi", focus=BEN_TRE)
    region = [a for a in screen.aggregates if a.name == "Vùng Đồng bằng sông Cửu Long"][0]
    assert region.value == "–" and "5 / 5" not in region.note
    assert region.note.startswith("Không tính được theo địa giới 63 tỉnh")
    for geography, period, focus in ((63, "2026-M09", BEN_TRE), (63, "2025", "VN63-15"), (34, "2024", VINH_LONG),
                                     (63, "2019", BEN_TRE), (34, "2026-M09", "VN34-15")):
        for code in ("jobs_created", "poor_household_rate", "merit_records_digitised"):
            screen = compare_screen(demo_snapshot, units, catalogue, geography, period, code, None, "vi", focus=focus)
            for aggregate in screen.aggregates:
                assert _counts_agree(aggregate.value + aggregate.note), (geography, period, code, aggregate)


@pytest.mark.page
def test_ben_tre_after_the_merger_links_to_vinh_long(demo_dir):
    # every page's header says it (pages/_shared.py); So sánh here
    at = run_page("pages/compare.py", demo_dir, {"unit": BEN_TRE, "period": "2026-M09", "geo": "63"})
    assert not at.exception, [e.value for e in at.exception]
    texts = [i.value for i in at.info]
    assert any("Bến Tre đã hợp nhất vào tỉnh Vĩnh Long từ 01/7/2025" in v for v in texts), texts
    assert any("30/6/2025" in v for v in texts)
    button = [b for b in at.button if b.label == "Xem Vĩnh Long"][0]
    button.click().run()
    assert not at.exception
    assert at.session_state["unit"] == VINH_LONG and at.session_state["geo"] == "34"
    assert not any("đã hợp nhất" in i.value for i in at.info)
    assert "Vĩnh Long" in at.subheader[0].value or any("Vĩnh Long" in c.value for c in at.caption)


@pytest.mark.page
def test_a_link_whose_period_cannot_be_shown_says_what_it_fell_back_to(demo_dir):
    at = run_page("pages/compare.py", demo_dir, {"period": "2030", "unit": VINH_LONG})
    assert not at.exception, [e.value for e in at.exception]
    notes = [i.value for i in at.info if "2030" in i.value]
    assert notes and "9 tháng năm 2026" in notes[0], [i.value for i in at.info]
    assert at.selectbox(key="period").value == "2026-M09"


@pytest.mark.page
def test_a_link_to_a_former_province_in_the_34_province_view_says_so(demo_dir):
    at = run_page("pages/compare.py", demo_dir, {"unit": BEN_TRE, "period": "2026-M09", "geo": "34"})
    assert not at.exception, [e.value for e in at.exception]
    notes = [i.value for i in at.info if "Bến Tre" in i.value]
    assert notes and "Vĩnh Long" in notes[0] and "34" in notes[0], [i.value for i in at.info]
    assert at.selectbox(key="unit").value == VINH_LONG
    unknown = run_page("pages/compare.py", demo_dir, {"unit": "VN99-99", "ind": "no_such_indicator"})
    assert not unknown.exception
    texts = [i.value for i in unknown.info]
    assert any("VN99\\-99" in v or "VN99-99" in v for v in texts) and any("Cả nước" in v for v in texts), texts
    assert any("no\\_such\\_indicator" in v or "no_such_indicator" in v for v in texts), texts


@pytest.mark.page
def test_a_valid_link_says_nothing(demo_dir):
    at = run_page("pages/compare.py", demo_dir, {"unit": VINH_LONG, "period": "2026-M09", "geo": "34"})
    assert not at.exception
    assert not [i.value for i in at.info if "Liên kết" in i.value]
