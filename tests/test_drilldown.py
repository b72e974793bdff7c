"""Chi tiết (drill-down): a province down to its communes and agencies, on the demo data."""
import pytest
from conftest import run_page

from kpi import figures, store
from kpi.screens.compare import compare_screen
from kpi.screens.drilldown import children, drilldown_screen
from kpi.units.communes import commune_count, commune_units

LAO_CAI, VINH_LONG = "VN34-15", "VN34-86"


def _screen(snapshot, unit, period, indicator, lang="vi"):
    return drilldown_screen(snapshot, figures.units(snapshot), figures.indicators(snapshot), unit, period, indicator,
                            lang)


def _facts(snapshot):
    return store.read_table(snapshot, "facts")


@pytest.mark.unit
def test_commune_names_come_from_the_2025_list():
    assert commune_count() == 3321
    communes = commune_units([LAO_CAI, VINH_LONG])
    assert (communes["parent"] == LAO_CAI).sum() == 99
    assert (communes["parent"] == VINH_LONG).sum() == 124
    assert "Phường Lào Cai" in set(communes.loc[communes["parent"] == LAO_CAI, "name_vi"])
    assert set(communes["level"]) == {"commune"}


@pytest.mark.unit
def test_demo_communes_add_up_to_the_province(demo_snapshot):
    facts = _facts(demo_snapshot)
    units = figures.units(demo_snapshot)
    for province in (LAO_CAI, VINH_LONG):
        communes = set(children(units, province, "commune"))
        for period in ("2025", "2026-M06"):
            for code in ("jobs_created", "households_out_of_poverty", "poor_household_rate"):
                own = facts[(facts["unit"] == province) & (facts["period"] == period) & (facts["indicator"] == code)]
                parts = facts[facts["unit"].isin(communes) & (facts["period"] == period) & (facts["indicator"] == code)]
                assert len(parts) == len(communes)
                if code.endswith("_rate"):
                    assert parts["numerator"].sum() == own["numerator"].iloc[0]
                    assert parts["denominator"].sum() == own["denominator"].iloc[0]
                    assert (parts["numerator"] <= parts["denominator"]).all()
                else:
                    assert parts["actual"].sum() == own["actual"].iloc[0]
                    assert (parts["actual"] == parts["actual"].round()).all()  # whole people, households


@pytest.mark.unit
def test_the_province_figure_is_its_own_never_doubled_by_its_communes(demo_snapshot):
    facts = _facts(demo_snapshot)
    frame = figures.figures(demo_snapshot, [LAO_CAI, "VN", "R34-NMM"], ["2025"], ["jobs_created"])
    by_unit = frame.set_index("unit")["actual"]
    own = facts[(facts["unit"] == LAO_CAI) & (facts["period"] == "2025") & (facts["indicator"] == "jobs_created")]
    assert by_unit[LAO_CAI] == own["actual"].iloc[0]
    # the nation is the sum of the 34 provinces' own figures: the communes are not added a second time
    units = figures.units(demo_snapshot)
    provinces = units[(units["level"] == "province") & units["generation"].isin(["34", "both"])]["unit"]
    rows = facts[facts["unit"].isin(set(provinces)) & (facts["period"] == "2025") & (facts["indicator"] == "jobs_created")]
    assert len(rows) == 34
    assert by_unit["VN"] == pytest.approx(rows["actual"].sum())


@pytest.mark.unit
def test_vinh_long_communes_match_the_province(demo_snapshot):
    screen = _screen(demo_snapshot, VINH_LONG, "2026-M09", "jobs_created")
    assert screen.province == VINH_LONG and screen.n_communes == 124
    assert screen.check.adds_up and screen.check.reported == "124 / 124"
    assert screen.check.sum_value == screen.check.province_value
    assert "khớp" in screen.check.note
    assert len(screen.communes) == 124 and not screen.missing
    assert list(screen.communes.columns[:2]) == ["Hạng", "Xã, phường"]
    assert screen.communes["Hạng"].iloc[0] == "1"
    # a rate: the ratio of the communes' sums, the province's rate
    rate = _screen(demo_snapshot, VINH_LONG, "2026-M09", "poor_household_rate")
    assert rate.check.adds_up and rate.check.sum_basis
    assert rate.check.sum_value == rate.check.province_value
    # lower is better: the commune with the smallest poverty rate ranks first
    assert rate.communes["Hạng"].iloc[0] == "1"


@pytest.mark.unit
def test_lao_cai_communes_not_all_reported(demo_snapshot):
    screen = _screen(demo_snapshot, LAO_CAI, "2026-M09", "jobs_created")
    assert screen.check.reported == "95 / 99" and not screen.check.adds_up
    assert "95 / 99" in screen.check.note and "thiếu 4" in screen.check.note
    assert len(screen.missing) == 4
    # the communes without figures are listed last, as 'chưa có số liệu', without a rank
    tail = screen.communes.tail(4)
    assert set(tail["Thực hiện"]) == {"chưa có số liệu"} and set(tail["Hạng"]) == {"–"}
    assert set(tail["Xã, phường"]) == set(screen.missing)
    en = _screen(demo_snapshot, LAO_CAI, "2026-M09", "jobs_created", "en")
    assert en.check.reported == "95 of 99" and "do not add up" in en.check.note
    assert set(en.communes.tail(4)["Actual"]) == {"no data yet"}


@pytest.mark.unit
def test_agencies_listed_with_their_own_indicator(demo_snapshot):
    schools = _screen(demo_snapshot, VINH_LONG, "2026-M09", "vocational_enrolment")
    assert len(schools.agencies) == 3  # the two colleges and the vocational school
    assert "không cộng vào số của tỉnh" in schools.agency_message
    assert "Giải quyết việc làm" in schools.commune_message  # no commune figures: which indicators have them
    jobs = _screen(demo_snapshot, VINH_LONG, "2026-M09", "jobs_created")
    assert list(jobs.agencies["Cơ quan"]) == ["Trung tâm Dịch vụ việc làm tỉnh Vĩnh Long"]
    none = _screen(demo_snapshot, LAO_CAI, "2026-M09", "jobs_created")
    assert none.agencies.empty and not none.agency_message  # Lào Cai has no demo agencies


@pytest.mark.unit
def test_nothing_to_drill_into_says_why(demo_snapshot):
    hanoi = _screen(demo_snapshot, "VN-01", "2026-M09", "jobs_created")
    assert hanoi.province is None and "Lào Cai" in hanoi.message and "Vĩnh Long" in hanoi.message
    nation = _screen(demo_snapshot, "VN", "2026-M09", "jobs_created")
    assert nation.province is None and "Chọn một tỉnh" in nation.message
    before = _screen(demo_snapshot, VINH_LONG, "2024", "jobs_created")
    assert before.province == VINH_LONG and "01/7/2025" in before.commune_message and before.communes.empty


@pytest.mark.unit
def test_compare_links_the_provinces_with_details(demo_snapshot):
    screen = compare_screen(demo_snapshot, figures.units(demo_snapshot), figures.indicators(demo_snapshot), 34,
                            "2026-M09", "jobs_created", None, "vi", focus=VINH_LONG)
    assert set(screen.links) == {LAO_CAI, VINH_LONG}
    assert screen.links[LAO_CAI] == "chi-tiet?unit=VN34-15&ind=jobs_created&period=2026-M09&geo=34&lang=vi"
    column = screen.table[screen.link_column]
    assert (column != "").sum() == 2 and column.notna().all()  # no "None" in the other rows


@pytest.mark.page
def test_drilldown_page(demo_dir):
    at = run_page("pages/drilldown.py", demo_dir, {"unit": LAO_CAI, "ind": "jobs_created", "period": "2026-M09",
                                                    "geo": "34"})
    assert not at.exception, [e.value for e in at.exception]
    assert "Lào Cai" in at.subheader[0].value
    assert any("95 / 99" in w.value for w in at.warning)
    assert [m.value for m in at.metric] == ["41.384 người", "39.466 người", "95 / 99"]
    table = at.dataframe[0].value
    assert len(table) == 99
    missing = [c.value for c in at.caption if "4 xã, phường" in c.value]  # markdown-escaped parentheses
    assert missing and "Xã Bảo Ái" in missing[0]


@pytest.mark.page
def test_drilldown_page_english(demo_dir):
    at = run_page("pages/drilldown.py", demo_dir, {"unit": VINH_LONG, "ind": "poor_household_rate",
                                                    "period": "2026-M09", "geo": "34", "lang": "en"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("add up" in s.value for s in at.success)
    assert at.dataframe[0].value.columns[1] == "Commune"


@pytest.mark.page
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/compare.py", "domain:poverty"])
def test_pages_link_a_province_to_its_drilldown(page, demo_dir):
    at = run_page(page, demo_dir, {"unit": VINH_LONG, "period": "2026-M09", "geo": "34"})
    assert not at.exception, [e.value for e in at.exception]
    labels = [link.proto.label for link in at.get("page_link")]
    assert "Xem chi tiết xã, phường và cơ quan của Vĩnh Long" in labels, labels
    hanoi = run_page(page, demo_dir, {"unit": "VN-01", "period": "2026-M09", "geo": "34"})
    assert not [link for link in hanoi.get("page_link") if "chi tiết xã" in link.proto.label]
