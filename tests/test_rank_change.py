"""Rank change on the same period last year (So sánh): the rule in kpi.formulas, its words, the view model."""
import math

import numpy as np
import pytest

from kpi import figures, formulas
from kpi.screens.compare import compare_screen
from kpi.text.figure_text import rank_change_text

NAN = math.nan


@pytest.mark.unit
def test_moves_up_down_and_same():
    # A 30 (1st), B 20 (2nd), C 10 (3rd); last year C 40, A 30, B 5 -> C 1st, A 2nd, B 3rd
    moves = formulas.rank_changes([30, 20, 10], [30, 5, 40], [True, True, True], direction=1)
    assert list(moves["rank"]) == [1, 2, 3]
    assert list(moves["previous_rank"]) == [2, 3, 1]
    assert list(moves["change"]) == [1, 1, -2]
    assert list(moves["kind"]) == [formulas.RANK_UP, formulas.RANK_UP, formulas.RANK_DOWN]
    same = formulas.rank_changes([3, 2], [30, 20], [True, True])
    assert list(same["kind"]) == [formulas.RANK_SAME, formulas.RANK_SAME]
    assert list(same["change"]) == [0, 0]


@pytest.mark.unit
def test_lower_is_better_ranks_the_smallest_first():
    # a poverty rate: 1,2% is first, 3,4% second; last year the other way round
    moves = formulas.rank_changes([1.2, 3.4], [3.0, 2.0], [True, True], direction=-1)
    assert list(moves["rank"]) == [1, 2]
    assert list(moves["previous_rank"]) == [2, 1]
    assert list(moves["kind"]) == [formulas.RANK_UP, formulas.RANK_DOWN]


@pytest.mark.unit
def test_ties_share_the_better_rank_in_both_years():
    # now A = B (both 1st), C 3rd; last year A 1st, B = C (both 2nd)
    moves = formulas.rank_changes([50, 50, 10], [90, 20, 20], [True, True, True])
    assert list(moves["rank"]) == [1, 1, 3]
    assert list(moves["previous_rank"]) == [1, 2, 2]
    assert list(moves["kind"]) == [formulas.RANK_SAME, formulas.RANK_UP, formulas.RANK_DOWN]
    assert list(moves["change"]) == [0, 1, -1]


@pytest.mark.unit
def test_missing_last_year_is_new_and_missing_now_has_no_rank():
    moves = formulas.rank_changes([30, 20, NAN], [NAN, 10, 50], [True, True, True])
    assert list(moves["kind"]) == [formulas.RANK_NEW, formulas.RANK_SAME, formulas.RANK_NONE]
    assert np.isnan(moves["change"][0]) and np.isnan(moves["change"][2])
    # the unit without a figure now still ranks last year (50 was first): B was second, stays second
    assert np.isnan(moves["previous_rank"][0])
    assert list(moves["previous_rank"][1:]) == [2, 1]


@pytest.mark.unit
def test_a_territory_not_comparable_gets_no_made_up_change():
    # B's figure last year covered another territory (a merger): no change, and it does not push A down
    moves = formulas.rank_changes([30, 20], [10, 99], [True, False])
    assert list(moves["kind"]) == [formulas.RANK_SAME, formulas.RANK_NOT_COMPARABLE]
    assert moves["previous_rank"][0] == 1
    assert np.isnan(moves["previous_rank"][1]) and np.isnan(moves["change"][1])


@pytest.mark.unit
def test_rank_change_words():
    assert rank_change_text(formulas.RANK_UP, 2) == "▲2"
    assert rank_change_text(formulas.RANK_DOWN, -1) == "▼1"
    assert rank_change_text(formulas.RANK_SAME, 0) == "="
    assert rank_change_text(formulas.RANK_NEW, NAN) == "mới"
    assert rank_change_text(formulas.RANK_NEW, NAN, "en") == "new"
    assert rank_change_text(formulas.RANK_NOT_COMPARABLE, NAN) == "không so sánh được"
    assert rank_change_text(formulas.RANK_NOT_COMPARABLE, NAN, "en") == "not comparable"
    assert rank_change_text(formulas.RANK_NONE, NAN) == "–"


def _screen(snapshot, geography, period, indicator, lang="vi", focus="VN34-86"):
    return compare_screen(snapshot, figures.units(snapshot), figures.indicators(snapshot), geography, period,
                          indicator, None, lang, focus=focus)


@pytest.mark.unit
def test_compare_table_and_sheet_carry_the_rank_a_year_earlier(demo_snapshot):
    screen = _screen(demo_snapshot, 34, "2026-M09", "jobs_created")
    table = screen.table
    assert list(table.columns[:4]) == ["Hạng", "Hạng cùng kỳ", "Thay đổi hạng", "Đơn vị"]
    provinces = screen.provinces
    # the rank a year earlier is the rank of last year's figures (same territory) among the same provinces
    expected = formulas.competition_ranks(provinces["previous"].to_numpy(), 1)
    assert np.array_equal(provinces["previous_rank"].to_numpy(), expected, equal_nan=True)
    for _, row in provinces.iterrows():
        change = row["previous_rank"] - row["rank"]
        text = row["rank_change_text"]
        assert text == ("=" if change == 0 else f"▲{int(change)}" if change > 0 else f"▼{int(-change)}")
    sheet = screen.sheet()
    assert list(sheet.columns[:4]) == ["Hạng", "Hạng cùng kỳ", "Thay đổi hạng", "Đơn vị"]
    assert list(sheet["Thay đổi hạng"]) == list(table["Thay đổi hạng"])
    assert "9 tháng năm 2025" in screen.rank_note and "34 tỉnh" in screen.rank_note
    en = _screen(demo_snapshot, 34, "2026-M09", "jobs_created", "en")
    assert list(en.table.columns[:4]) == ["Rank", "Rank a year earlier", "Rank change", "Unit"]


@pytest.mark.unit
def test_across_the_merger_re_expressed_provinces_keep_their_rank_a_year_earlier(demo_snapshot):
    # the whole year 2025 against 2024: the 34 provinces' 2024 figures are sums of their former provinces
    screen = _screen(demo_snapshot, 34, "2025", "jobs_created")
    kinds = set(screen.provinces["rank_change_kind"])
    assert formulas.RANK_NOT_COMPARABLE not in kinds
    assert screen.provinces["previous_rank"].notna().sum() == 34


@pytest.mark.unit
def test_a_change_of_poverty_standard_is_not_comparable(demo_snapshot):
    # 2021 begins the multidimensional standard: 2021 against 2020 is not comparable for every province
    screen = _screen(demo_snapshot, 63, "2021", "poor_household_rate", focus="VN63-83")
    ranked = screen.provinces[screen.provinces["rank"].notna()]
    assert len(ranked) and set(ranked["rank_change_kind"]) == {formulas.RANK_NOT_COMPARABLE}
    assert set(ranked["rank_change_text"]) == {"không so sánh được"}
    assert "không so sánh được" in screen.rank_note
