"""Across the 1 July 2025 merger: re-expressing periods in the 34 provinces, the code-reuse trap,
and the six regions of both generations."""
import math

import pandas as pd
import pytest
from conftest import run_page

from kpi import store
from kpi.figures import figures
from kpi.periods import parse_period
from kpi.screens.domains import domain_trend, domain_view, indicator_table
from kpi.store.indicators import load_indicators
from kpi.units.resolve import UnitError, resolve_unit
from kpi.units.table import build_units, name_key

CAN_THO_PARTS = {"VN63-92": "Cần Thơ", "VN63-93": "Hậu Giang", "VN63-94": "Sóc Trăng"}
REUSED_CODES = ["15", "24", "44", "52", "80", "82", "91"]  # new GSO code = old code of another province


@pytest.fixture(scope="module")
def merger_dir(tmp_path_factory):
    """A small snapshot: the three former provinces of new Cần Thơ in 2022 and 2023.

    jobs_created and poor_household_rate are complete (with numerator and denominator);
    near_poor_household_rate has only the provinces' own rates, no numerator/denominator.
    """
    folder = tmp_path_factory.mktemp("merger_data")
    rows = []
    jobs = {"VN63-92": (21000, 20000), "VN63-93": (9500, 9000), "VN63-94": (16000, 17000)}
    poor = {"VN63-92": (1800, 360000), "VN63-93": (8200, 205000), "VN63-94": (9800, 340000)}
    near_poor = {"VN63-92": 1.9, "VN63-93": 3.4, "VN63-94": 4.8}
    for year, factor in (("2022", 0.9), ("2023", 1.0)):
        for unit in CAN_THO_PARTS:
            actual, plan = jobs[unit]
            rows.append({"indicator": "jobs_created", "unit": unit, "period": year, "actual": actual * factor,
                         "plan": plan, "source": f"fixture {unit}"})
            households_poor, households = poor[unit]
            rows.append({"indicator": "poor_household_rate", "unit": unit, "period": year,
                         "actual": households_poor * factor / households * 100, "numerator": households_poor * factor,
                         "denominator": households, "source": f"fixture {unit}"})
            rows.append({"indicator": "near_poor_household_rate", "unit": unit, "period": year,
                         "actual": near_poor[unit] * factor, "source": f"fixture {unit}"})
    facts = pd.DataFrame(rows)
    store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests/test_merger.py", data_dir=folder)
    return folder


@pytest.fixture(scope="module")
def merger_snapshot(merger_dir):
    return store.get_snapshot(None, merger_dir)


def _one(frame, indicator, unit="VN34-92"):
    row = frame[(frame["unit"] == unit) & (frame["indicator"] == indicator)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.query
def test_new_province_counts_are_the_sum_of_its_three_predecessors(merger_snapshot):
    frame = figures(merger_snapshot, ["VN34-92", *CAN_THO_PARTS], ["2023"], ["jobs_created"])
    parts = frame[frame["unit"].isin(CAN_THO_PARTS)]
    row = _one(frame, "jobs_created")
    assert row["actual"] == parts["actual"].sum() == 46500
    assert row["plan"] == parts["plan"].sum() == 46000
    assert bool(row["complete"]) and bool(row["comparable"]) and row["n_atoms"] == 3
    assert row["status"] == "exceeded"
    assert row["change_pct"] == pytest.approx((46500 / (0.9 * 46500) - 1) * 100)


@pytest.mark.query
def test_new_province_rate_is_the_ratio_of_summed_numerators_and_denominators(merger_snapshot):
    frame = figures(merger_snapshot, ["VN34-92", *CAN_THO_PARTS], ["2023"], ["poor_household_rate"])
    parts = frame[frame["unit"].isin(CAN_THO_PARTS)]
    row = _one(frame, "poor_household_rate")
    expected = (1800 + 8200 + 9800) / (360000 + 205000 + 340000) * 100
    assert row["actual"] == pytest.approx(expected, rel=1e-12)
    assert row["actual"] == pytest.approx(parts["numerator"].sum() / parts["denominator"].sum() * 100)
    # not the average of the three rates, which would weigh small Hậu Giang like Cần Thơ
    assert abs(row["actual"] - parts["actual"].mean()) > 0.1
    assert row["numerator"] == 19800 and row["denominator"] == 905000
    assert bool(row["comparable"]) and bool(row["complete"])


@pytest.mark.query
def test_rate_without_numerator_and_denominator_is_not_comparable(merger_snapshot):
    frame = figures(merger_snapshot, ["VN34-92", "VN63-92"], ["2023"], ["near_poor_household_rate"])
    row = _one(frame, "near_poor_household_rate")
    assert not bool(row["comparable"])
    assert math.isnan(row["actual"])  # missing, never an average of the rates
    assert _one(frame, "near_poor_household_rate", "VN63-92")["actual"] == pytest.approx(1.9)


@pytest.mark.query
def test_domain_page_logic_says_not_comparable(merger_snapshot):
    units, catalogue = build_units(), load_indicators()
    view = domain_view(merger_snapshot, units, catalogue, "poverty", "VN34-92", "2023", 34)
    assert view.converted
    table = indicator_table(view, catalogue, "vi").set_index("Chỉ tiêu")
    assert table.loc["Tỷ lệ hộ cận nghèo", "Ghi chú"] == "Không so sánh được"
    assert table.loc["Tỷ lệ hộ cận nghèo", "Thực hiện"] == "–"
    assert table.loc["Tỷ lệ hộ nghèo", "Thực hiện"] == "2,19"
    assert table.loc["Tỷ lệ hộ nghèo", "Ghi chú"] == ""


@pytest.mark.page
def test_domain_page_shows_not_comparable_and_predecessors(merger_dir):
    at = run_page("domain:poverty", merger_dir, {"geo": "34", "unit": "VN34-92", "period": "2023"})
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert "Không so sánh được" in set(table["Ghi chú"])
    captions = " ".join(c.value for c in at.caption)
    assert "Cần Thơ, Hậu Giang, Sóc Trăng" in captions  # the pre-2025 trend is built from predecessors
    assert any("quy đổi" in i.value for i in at.info)


@pytest.mark.query
def test_trend_of_a_new_province_is_labelled_with_its_predecessors(merger_snapshot):
    trend = domain_trend(merger_snapshot, build_units(), "VN34-92", ["2023", "2022"], "2023",
                         ["jobs_created", "near_poor_household_rate"])
    assert trend.notes == ["Số liệu trước 1/7/2025 của Cần Thơ được tổng hợp từ các tỉnh cũ: Cần Thơ, Hậu Giang, Sóc Trăng."]
    assert trend.not_comparable == ["Năm 2022", "Năm 2023"]
    jobs = trend.frame[trend.frame["indicator"] == "jobs_created"].set_index("year")["actual"]
    assert jobs[2022] == pytest.approx(0.9 * 46500) and jobs[2023] == 46500


@pytest.mark.query
def test_vinh_long_2023_in_the_demo_equals_its_three_former_provinces(demo_snapshot):
    parts = ["VN63-86", "VN63-83", "VN63-84"]  # Vĩnh Long, Bến Tre, Trà Vinh
    frame = figures(demo_snapshot, ["VN34-86", *parts], ["2023"], ["jobs_created", "poor_household_rate"])
    old = frame[frame["unit"].isin(parts)]
    jobs = old[old["indicator"] == "jobs_created"]
    poor = old[old["indicator"] == "poor_household_rate"]
    assert _one(frame, "jobs_created", "VN34-86")["actual"] == pytest.approx(jobs["actual"].sum(), rel=1e-12)
    assert _one(frame, "poor_household_rate", "VN34-86")["actual"] == pytest.approx(
        poor["numerator"].sum() / poor["denominator"].sum() * 100, rel=1e-12)


# --- the code-reuse trap: new 15 is Lào Cai, old 15 was Yên Bái (and six more) ---------------

@pytest.mark.unit
@pytest.mark.parametrize("code", REUSED_CODES)
def test_reused_code_resolves_by_generation(code):
    units = build_units().set_index("unit")
    new_key, old_key = f"VN34-{code}", f"VN63-{code}"
    assert new_key in units.index and old_key in units.index
    assert name_key(units.loc[new_key, "name_vi"]) != name_key(units.loc[old_key, "name_vi"])
    table = build_units()
    assert resolve_unit(code, table, geography=34) == new_key
    assert resolve_unit(code, table, geography=63) == old_key
    assert resolve_unit(code, table, parse_period("2025-M09")) == new_key
    assert resolve_unit(code, table, parse_period("2025-M06")) == old_key
    assert resolve_unit(code, table, parse_period("2019")) == old_key
    # the old province went into the new one that took its code, under another name
    assert units.loc[old_key, "successor"] == new_key


@pytest.mark.unit
def test_lao_cai_and_yen_bai_by_name_and_period():
    units = build_units()
    assert resolve_unit("Lào Cai", units, parse_period("2023")) == "VN63-10"
    assert resolve_unit("Tỉnh Lào Cai", units, parse_period("2026")) == "VN34-15"
    assert resolve_unit("yen bai", units, geography=63) == "VN63-15"
    with pytest.raises(UnitError, match="Lào Cai"):
        resolve_unit("Yên Bái", units, parse_period("2025-M09"))


@pytest.mark.unit
def test_unit_keys_are_unique_and_unchanged_provinces_are_one_unit():
    units = build_units()
    assert units["unit"].is_unique
    provinces = units[units["level"] == "province"]
    assert (provinces["generation"].isin(["63", "both"])).sum() == 63
    assert (provinces["generation"].isin(["34", "both"])).sum() == 34
    both = provinces[provinces["generation"] == "both"]
    assert all(u == f"VN-{c}" for u, c in zip(both["unit"], both["gso_code"]))
    assert len(both) == 11  # Hà Nội, Huế, and nine provinces whose territory did not change


@pytest.mark.unit
def test_old_to_new_mapping_matches_the_resolution(reference_dir):
    mapping = pd.read_csv(reference_dir / "admin" / "province_old63_to_new34.csv", dtype=str)
    units = build_units()
    old = units[units["generation"].isin(["63", "both"]) & (units["level"] == "province")].set_index("gso_code")
    new = units[units["generation"].isin(["34", "both"]) & (units["level"] == "province")].set_index("gso_code")
    for _, row in mapping.iterrows():
        former = old.loc[row["old_code"]]
        assert name_key(former["name_full_vi"]) == name_key(row["old_name"])
        target = former["successor"] if isinstance(former["successor"], str) else former["unit"]
        target_row = new.loc[row["new_code"]]
        assert target == target_row["unit"]
        assert name_key(target_row["name_full_vi"]) == name_key(row["new_name"])
    old_names = {r["old_code"]: name_key(r["old_name"]) for _, r in mapping.iterrows()}
    reused = sorted({r["new_code"] for _, r in mapping.iterrows()
                     if r["new_code"] in old_names and old_names[r["new_code"]] != name_key(r["new_name"])})
    assert reused == REUSED_CODES


# --- the six socio-economic regions ----------------------------------------------------------

@pytest.mark.unit
def test_regions_of_the_63_match_gso(reference_dir):
    reference = pd.read_csv(reference_dir / "admin" / "regions6_63provinces.csv", dtype=str)
    units = build_units()
    regions = units[units["level"] == "region"]
    code_of_region = {name_key(n): r for n, r in zip(regions["name_vi"], regions["region_63"]) if isinstance(r, str)}
    assert len(reference) == 63
    for _, row in reference.iterrows():
        unit = resolve_unit(row["province_en_gso"], units, geography=63)
        region = units.set_index("unit").loc[unit, "region_63"]
        assert region == code_of_region[name_key(row["region_vi"])], row["province_en_gso"]


@pytest.mark.unit
def test_a_new_province_takes_the_region_of_the_province_whose_name_it_keeps(reference_dir):
    mapping = pd.read_csv(reference_dir / "admin" / "province_old63_to_new34.csv", dtype=str)
    units = build_units()
    old = units[units["generation"].isin(["63", "both"]) & (units["level"] == "province")].set_index("gso_code")
    new = units[units["generation"].isin(["34", "both"]) & (units["level"] == "province")].set_index("gso_code")
    for new_code, group in mapping.groupby("new_code"):
        keeper = [c for c, n in zip(group["old_code"], group["old_name"]) if name_key(n) == name_key(group["new_name"].iloc[0])]
        assert len(keeper) == 1, group
        assert new.loc[new_code, "region_34"] == old.loc[keeper[0], "region_63"]
    sizes = new.groupby("region_34").size().to_dict()
    assert sum(sizes.values()) == 34 and len(sizes) == 6


@pytest.mark.query
def test_region_aggregates_follow_the_generation(demo_snapshot):
    """Long An belongs to the Mekong delta among the 63 but, inside Tây Ninh, to the South East among the 34."""
    units = build_units()
    frame = figures(demo_snapshot, ["R63-MRD", "R34-MRD", "R34-SE", "VN63-80"], ["2023"], ["jobs_created"])
    by_unit = frame.set_index("unit")["actual"]
    members_34 = units[(units["region_34"] == "MRD") & units["generation"].isin(["63", "both"])
                       & (units["level"] == "province")]["unit"]
    parts = figures(demo_snapshot, list(members_34), ["2023"], ["jobs_created"])["actual"]
    assert by_unit["R34-MRD"] == pytest.approx(parts.sum(), rel=1e-12)
    assert by_unit["R63-MRD"] == pytest.approx(by_unit["R34-MRD"] + by_unit["VN63-80"], rel=1e-12)


# --- ranks on the domain pages ----------------------------------------------------------------

@pytest.mark.unit
def test_ranks_share_ties_and_skip_figures_that_cannot_be_ranked():
    from kpi.screens.domains import rank_in
    peers = pd.DataFrame({
        "unit": ["A", "B", "C", "D", "E"], "indicator": "x", "actual": [5.0, 7.0, 7.0, 3.0, 9.0],
        "comparable": [True, True, True, True, True], "complete": [True, True, True, True, False]})
    members = ["A", "B", "C", "D", "E"]
    assert rank_in(peers, "x", "B", members, +1)[2] == "1/4 (đồng hạng)"   # E's partial sum is not ranked
    assert rank_in(peers, "x", "C", members, +1)[:2] == (1.0, 4)
    assert rank_in(peers, "x", "A", members, +1)[2] == "3/4"
    assert rank_in(peers, "x", "D", members, -1)[2] == "1/4"
    assert rank_in(peers, "x", "E", members, +1)[2] == "–"
    assert rank_in(peers, "x", "A", members, 0)[2] == "–"         # context indicators are not ranked
    assert rank_in(peers, "x", "A", ["A", "D"], +1)[2] == "1/2"  # within a region


@pytest.mark.query
def test_rank_in_region_on_the_demo(demo_snapshot):
    units, catalogue = build_units(), load_indicators()
    view = domain_view(demo_snapshot, units, catalogue, "employment", "VN34-86", "2025", 34)
    row = view.own.set_index("indicator").loc["jobs_created"]
    assert row["rank_nation"].split(" ")[0].endswith("/34") and row["rank_region"].split(" ")[0].endswith("/5")
    peers = view.peers[view.peers["indicator"] == "jobs_created"]
    better = (peers["actual"] > peers.set_index("unit").loc["VN34-86", "actual"]).sum()
    assert row["rank_nation"].split("/")[0] == str(better + 1)
