"""Emulation scoring: a hand-worked example, ties, missing figures, properties, CLI, export, page."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import os
import re
import shutil
import tomllib
import unicodedata

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import REPO, run_page
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi import figures, formulas, scoring
from kpi.access import audit
from kpi.access.users import LOCAL_USER
from kpi.cli import main as cli_main
from kpi.reports import ranking_workbook
from kpi.screens import ranking as scoring_view
from kpi.store import catalogue, write_snapshot
from kpi.store.indicators import load_indicators
from kpi.text import plain
from kpi.text.figure_text import achievement_text, rank_text
from kpi.units.table import build_units

CATALOGUE = pd.DataFrame({
    "code": ["jobs_created", "poor_household_rate", "procedures_on_time_rate", "gratitude_fund"],
    "direction": [1, -1, 1, 1],
    "unit_of_measure": ["người", "%", "%", "tỷ đồng"],
    "decimals": [0, 2, 2, 1],
}).set_index("code")

HAND_CARD = {
    "scorecard": {"title": "Ví dụ tính tay", "bloc": "Khối thử", "period": "2024", "units": ["A", "B", "C", "D"]},
    "criteria": [
        {"id": "K1", "label": "Việc làm", "indicator": "jobs_created", "points": 40, "method": "plan_ratio",
         "cap_pct": 110},
        {"id": "K2", "label": "Hộ nghèo", "indicator": "poor_household_rate", "points": 30, "method": "goalposts",
         "worst": 5.0, "best": 1.0},
        {"id": "K3", "label": "Hồ sơ đúng hạn", "indicator": "procedures_on_time_rate", "points": 20, "method": "rank"},
        {"id": "K4", "label": "Quỹ Đền ơn đáp nghĩa", "indicator": "gratitude_fund", "points": 10, "method": "leader"},
    ],
    "tiers": [{"min": 91, "name": "Tập thể lao động xuất sắc"}, {"min": 70, "name": "Tập thể lao động tiên tiến"}],
}
# unit -> indicator -> (actual, plan)
HAND_FIGURES = {
    "A": {"jobs_created": (1100, 1000), "poor_household_rate": (3.0, 3.5), "procedures_on_time_rate": (99.0, 98.0),
          "gratitude_fund": (5.0, 5.0)},
    "B": {"jobs_created": (990, 1000), "poor_household_rate": (1.0, 1.2), "procedures_on_time_rate": (97.0, 98.0),
          "gratitude_fund": (10.0, 9.0)},
    "C": {"jobs_created": (550, 1000), "poor_household_rate": (6.0, 5.5), "procedures_on_time_rate": (99.0, 98.0),
          "gratitude_fund": (8.0, 8.0)},
    "D": {"jobs_created": (1210, 1000), "poor_household_rate": (4.2, 4.0), "procedures_on_time_rate": (95.0, 98.0),
          "gratitude_fund": (2.0, 3.0)},
}


def make(card_dict: dict, figures: dict) -> tuple[scoring.Scorecard, pd.DataFrame]:
    """A scorecard whose units are already keys, and its inputs built from plain figures."""
    card = scoring.parse_scorecard(card_dict, "thử")
    rows = [{"unit": u, "indicator": code, "actual": a, "plan": p, "comparable": True, "complete": not np.isnan(a)}
            for u, codes in figures.items() for code, (a, p) in codes.items()]
    inputs = scoring.build_inputs(card, pd.DataFrame(rows), CATALOGUE, {u: f"Đơn vị {u}" for u in card.units})
    return card, inputs


def points_of(result: scoring.ScoreResult) -> dict:
    return {(r["unit"], r["criterion"]): r["points"] for _, r in result.breakdown.iterrows()}


@pytest.mark.unit
def test_hand_worked_example():
    card, inputs = make(HAND_CARD, HAND_FIGURES)
    result = scoring.score(card, inputs)
    p = points_of(result)
    # K1 jobs, plan_ratio capped at 110%, 40 points: points = 40 × min(TH/KH×100, 110) / 110
    #   A 1100/1000 = 110%  -> 40 × 110/110 = 40
    #   B  990/1000 =  99%  -> 40 ×  99/110 = 36
    #   C  550/1000 =  55%  -> 40 ×  55/110 = 20
    #   D 1210/1000 = 121%  -> capped at 110% -> 40
    assert p[("A", "K1")] == pytest.approx(40) and p[("B", "K1")] == pytest.approx(36)
    assert p[("C", "K1")] == pytest.approx(20) and p[("D", "K1")] == pytest.approx(40)
    # K2 poor-household rate (lower is better), goalposts worst 5%, best 1%, 30 points:
    #   points = 30 × (TH − 5) / (1 − 5), clipped to 0..30
    #   A 3,0% -> 30 × (−2)/(−4) = 15;  B 1,0% -> 30 × 1 = 30
    #   C 6,0% -> 30 × (1)/(−4) = −7,5 -> clipped to 0;  D 4,2% -> 30 × (−0,8)/(−4) = 6
    assert p[("A", "K2")] == pytest.approx(15) and p[("B", "K2")] == pytest.approx(30)
    assert p[("C", "K2")] == 0 and p[("D", "K2")] == pytest.approx(6)
    # K3 procedures on time (higher is better), rank-based, 20 points, n = 4:
    #   A 99 and C 99 tie for rank 1, B 97 is rank 3, D 95 rank 4; points = 20 × (4 − rank)/(4 − 1)
    #   A 20, C 20, B 20 × 1/3 = 6,6667, D 0
    assert p[("A", "K3")] == pytest.approx(20) and p[("C", "K3")] == pytest.approx(20)
    assert p[("B", "K3")] == pytest.approx(20 / 3) and p[("D", "K3")] == 0
    # K4 Gratitude Fund, relative to the leader (B, 10 tỷ đồng), 10 points: points = 10 × TH / 10
    #   A 5 -> 5;  B 10 -> 10;  C 8 -> 8;  D 2 -> 2
    assert [p[(u, "K4")] for u in "ABCD"] == pytest.approx([5, 10, 8, 2])
    # totals: A 40 + 15 + 20 + 5 = 80;  B 36 + 30 + 6,6667 + 10 = 82,6667
    #         C 20 + 0 + 20 + 8 = 48;   D 40 + 6 + 0 + 2 = 48 (6 is 6.000000000000005 in floating point)
    # ranks: B 1, A 2, C and D tie for 3 (competition ranking: no rank 4)
    # tiers: B and A >= 70 -> tiên tiến; C and D below 70 -> no tier
    ranking = result.ranking.set_index("unit")
    assert ranking.loc[["A", "B", "C", "D"], "total"].tolist() == pytest.approx([80, 82 + 2 / 3, 48, 48])
    assert ranking.loc[["B", "A", "C", "D"], "rank"].tolist() == [1, 2, 3, 3]
    assert ranking.loc[["C", "D"], "tied"].all() and not ranking.loc[["A", "B"], "tied"].any()
    assert ranking.loc["B", "tier"] == "Tập thể lao động tiên tiến" and ranking.loc["C", "tier"] == ""
    assert list(result.ranking["unit"]) == ["B", "A", "C", "D"]  # tied units by name
    formula = result.breakdown.set_index(["unit", "criterion"]).loc[("B", "K1"), "formula"]
    assert "990 / 1.000 × 100 = 99,0%" in formula and "= 36,00" in formula


@pytest.mark.unit
def test_bonus_penalty_with_cap_and_reason():
    data = dict(HAND_CARD, adjustments=[{"unit": "C", "points": 4.0, "reason": "Mô hình hay"},
                                        {"unit": "C", "points": 3.0, "reason": "Sáng kiến"},
                                        {"unit": "A", "points": -2.5, "reason": "Báo cáo chậm"}])
    data["scorecard"] = dict(data["scorecard"], max_bonus=5)
    card, inputs = make(data, HAND_FIGURES)
    ranking = scoring.score(card, inputs).ranking.set_index("unit")
    assert ranking.loc["C", "bonus"] == 5 and ranking.loc["C", "total"] == pytest.approx(53)  # 4 + 3 capped at 5
    assert ranking.loc["A", "penalty"] == -2.5 and ranking.loc["A", "total"] == pytest.approx(77.5)
    with pytest.raises(scoring.ScorecardError, match="lý do"):
        scoring.parse_scorecard(dict(HAND_CARD, adjustments=[{"unit": "A", "points": 1.0, "reason": " "}]))


@pytest.mark.unit
def test_missing_figure_is_flagged_not_zero():
    figures = {u: dict(v) for u, v in HAND_FIGURES.items()}
    figures["C"]["gratitude_fund"] = (np.nan, 8.0)
    card, inputs = make(HAND_CARD, figures)
    result = scoring.score(card, inputs)
    row = result.ranking.set_index("unit").loc["C"]
    assert not row["complete"] and "K4" in row["missing"] and row["tier"] == ""
    assert np.isnan(row["K4"])  # not 0
    detail = result.breakdown.set_index(["unit", "criterion"]).loc[("C", "K4")]
    assert np.isnan(detail["points"]) and detail["missing"] and detail["formula"].startswith("Không chấm")
    assert result.ranking.set_index("unit")["complete"].drop("C").all()
    # the leader is still B (10), so the other units' points do not move
    assert points_of(result)[("A", "K4")] == pytest.approx(5)


@pytest.mark.unit
def test_missing_plan_flagged_for_plan_ratio():
    figures = {u: dict(v) for u, v in HAND_FIGURES.items()}
    figures["D"]["jobs_created"] = (1210, np.nan)
    card, inputs = make(HAND_CARD, figures)
    row = scoring.score(card, inputs).breakdown.set_index(["unit", "criterion"]).loc[("D", "K1")]
    assert np.isnan(row["points"]) and row["missing"] == "thiếu kế hoạch"


@pytest.mark.unit
def test_competition_ranks_vectorised():
    totals = np.array([[3.0, 5.0, 5.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
    assert formulas.competition_ranks(totals).tolist() == [[3, 1, 1, 4], [1, 1, 1, 1]]



@pytest.mark.unit
def test_ties_agree_with_formulas_competition_ranks():
    card, inputs = make(HAND_CARD, HAND_FIGURES)
    result = scoring.score(card, inputs)
    ranking = result.ranking
    assert ranking["rank"].tolist() == formulas.competition_ranks(ranking["total"]).tolist()
    assert ranking["tied"].tolist() == formulas.tied(ranking["rank"]).tolist()
    # K3 (rank-based, higher is better): A and C tie at 99, as the one rule ranks them
    k3 = result.breakdown[result.breakdown["criterion"] == "K3"].set_index("unit")
    ranks = formulas.competition_ranks(k3.loc[list("ABCD"), "actual"], 1)
    assert ranks.tolist() == [1, 3, 1, 4]
    assert k3.loc["A", "inputs"].endswith(f"hạng {rank_text(1, True, 4)} trong khối")
    # lower is better, with a tie: the criterion's direction reaches competition_ranks
    rates = np.array([3.0, 1.0, 1.0, 5.0])
    crit = scoring.Criterion(id="X", label="X", points=9.0, method=scoring.RANK, indicator="x")
    expected = formulas.competition_ranks(rates, -1)
    assert expected.tolist() == [3, 1, 1, 4]
    fraction = scoring.method_fraction(scoring.RANK, rates, rates, np.full(4, -1), crit)
    assert fraction.tolist() == pytest.approx(((4 - expected) / 3).tolist())
    # every Monte Carlo draw is ranked by the same rule: unperturbed, C and D still tie for 3
    fractions, base, allowed = scoring.method_matrix(card, inputs)
    weights = np.array([c.points for c in card.criteria])
    draws = scoring.simulate_ranks(fractions, weights, base, allowed, np.zeros(4), draws=5, spread=0.0, switch=0.0)
    totals = ranking.set_index("unit").loc[list(card.units), "total"]
    assert all(row.tolist() == formulas.competition_ranks(totals).tolist() == [2, 1, 3, 3] for row in draws)


# --------------------------------------------------------------------------- properties

values = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def blocs(draw):
    n = draw(st.integers(min_value=2, max_value=8))
    actual = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    plan = np.array(draw(st.lists(positive, min_size=n, max_size=n)))
    worst, best = sorted(draw(st.lists(values, min_size=2, max_size=2, unique=True)))
    cap = draw(st.sampled_from([90.0, 100.0, 110.0, 150.0]))
    return actual, plan, worst, best, cap


def _criterion(method, direction, worst, best, cap):
    if direction < 0:
        worst, best = best, worst
    return scoring.Criterion(id="X", label="X", points=17.0, method=method, indicator="x", cap_pct=cap,
                             worst=worst, best=best)


@pytest.mark.unit
@settings(max_examples=150, deadline=None)
@given(blocs(), st.sampled_from(scoring.METHODS), st.sampled_from([1, -1]), st.integers(0, 7), positive)
def test_raising_actual_moves_score_by_direction(bloc, method, direction, index, delta):
    actual, plan, worst, best, cap = bloc
    i = index % len(actual)
    crit = _criterion(method, direction, worst, best, cap)
    before = scoring.method_fraction(method, actual, plan, np.full(len(actual), direction), crit)[i]
    raised = actual.copy()
    raised[i] += delta
    after = scoring.method_fraction(method, raised, plan, np.full(len(actual), direction), crit)[i]
    if direction > 0:
        assert after >= before
    else:
        assert after <= before


@pytest.mark.unit
@settings(max_examples=150, deadline=None)
@given(blocs(), st.sampled_from(scoring.METHODS), st.sampled_from([1, -1]))
def test_points_between_zero_and_maximum(bloc, method, direction):
    actual, plan, worst, best, cap = bloc
    crit = _criterion(method, direction, worst, best, cap)
    points = scoring.method_fraction(method, actual, plan, np.full(len(actual), direction), crit) * crit.points
    assert np.all((points >= 0) & (points <= crit.points))


@pytest.mark.unit
@settings(max_examples=40, deadline=None)
@given(st.permutations(list("ABCD")), st.lists(st.floats(0.5, 2.0), min_size=16, max_size=16))
def test_reordering_units_changes_nothing(order, factors):
    figures = {}
    k = iter(factors)
    for u in "ABCD":
        figures[u] = {code: (a * next(k), p) for code, (a, p) in HAND_FIGURES[u].items()}
    card, inputs = make(HAND_CARD, figures)
    shuffled = dict(HAND_CARD, scorecard=dict(HAND_CARD["scorecard"], units=list(order)))
    card2, inputs2 = make(shuffled, {u: figures[u] for u in order})
    first, second = scoring.score(card, inputs), scoring.score(card2, inputs2.iloc[::-1])
    cols = ["unit", "rank", "tied", "total", "complete", "tier", "K1", "K2", "K3", "K4"]
    a = first.ranking[cols].set_index("unit").sort_index()
    b = second.ranking[cols].set_index("unit").sort_index()
    pd.testing.assert_frame_equal(a, b)
    sa = scoring.sensitivity(first, inputs, draws=300, seed=7).table.set_index("unit").sort_index()
    sb = scoring.sensitivity(second, inputs2, draws=300, seed=7).table.set_index("unit").sort_index()
    pd.testing.assert_frame_equal(sa, sb)


@pytest.mark.unit
def test_same_seed_same_sensitivity():
    card, inputs = make(HAND_CARD, HAND_FIGURES)
    result = scoring.score(card, inputs)
    one = scoring.sensitivity(result, inputs, draws=2000, seed=11)
    two = scoring.sensitivity(result, inputs, draws=2000, seed=11)
    pd.testing.assert_frame_equal(one.table, two.table)
    assert one.sentence() == two.sentence()
    table = one.table.set_index("unit")
    assert (table["p5_rank"] <= table["median_rank"]).all() and (table["median_rank"] <= table["p95_rank"]).all()
    assert table["p_first"].between(0, 1).all()
    # no perturbation at all: every draw reproduces the scorecard's ranking
    still = scoring.sensitivity(result, inputs, draws=200, seed=3, spread=0.0, switch=0.0).table.set_index("unit")
    assert (still["p5_rank"] == still["base_rank"]).all() and (still["p95_rank"] == still["base_rank"]).all()
    assert still.loc["B", "p_first"] == 1.0


@pytest.mark.unit
def test_leader_sentence_says_robust_or_not():
    robust = pd.DataFrame({"unit": ["X", "Y"], "name": ["An Giang", "Cần Thơ"], "base_rank": [1, 2],
                           "p_first": [0.95, 0.05]})
    assert "vững chắc" in scoring.leader_sentence(robust, 10000)
    assert "95,0%" in scoring.leader_sentence(robust, 10000) and "10.000" in scoring.leader_sentence(robust, 10000)
    shaky = robust.assign(p_first=[0.4, 0.6])
    assert "không vững" in scoring.leader_sentence(shaky, 10000)


@pytest.mark.unit
def test_weights_trial_rescales_to_sheet():
    card, inputs = make(HAND_CARD, HAND_FIGURES)
    trial = scoring.with_points(card, {"K3": 60})  # K3 from 20 to 60, sheet rescaled to 100
    assert trial.sheet_points == pytest.approx(100)
    changes = scoring.rank_changes(scoring.score(card, inputs), scoring.score(trial, inputs))
    assert set(changes["unit"]) == set("ABCD") and changes["rank_change"].abs().sum() > 0


# --------------------------------------------------------------------------- files, demo, CLI, export, page

@pytest.mark.unit
def test_save_version_never_overwrites(tmp_path):
    source = tmp_path / "card.toml"
    shutil.copy(REPO / "data" / "scorecards" / "dbscl-2024.toml", source)
    original = source.read_bytes()
    card = scoring.load_scorecard(source)
    items = list(card.adjustments) + [scoring.Adjustment("Cà Mau", -1.5, "=Lý do có dấu bằng")]
    v2 = scoring.save_version(card, items, user=LOCAL_USER, data_dir=tmp_path)
    # v2 exists: the next free version
    v3 = scoring.save_version(card, items, user=LOCAL_USER, data_dir=tmp_path)
    assert (v2.name, v3.name) == ("card.v2.toml", "card.v3.toml")
    assert source.read_bytes() == original
    # rows of the catalogue, not files: listed after the files, and loaded by name as the files were
    assert not list(tmp_path.glob("*.v*.toml")) and not (tmp_path / "scorecards").exists()
    assert [s.name for s in scoring.list_scorecards(tmp_path)][-2:] == ["card.v2.toml", "card.v3.toml"]
    loaded = scoring.load_scorecard(tmp_path / "scorecards" / "card.v2.toml", tmp_path)
    assert loaded == v2 and loaded.version == 2 and loaded.adjustments[-1].reason == "=Lý do có dấu bằng"
    head = tomllib.loads(v2.text)["scorecard"]
    assert head["based_on"] == "card.toml" and head["based_on_sha256"] == scoring.file_sha256(source)
    assert v2.sha256 == hashlib.sha256(v2.text.encode("utf-8")).hexdigest() != v3.sha256
    # each version's audit row names it and its SHA-256, in the same catalogue
    log = audit.read_log(tmp_path)
    assert [ids[:2] for ids in log[log["action"] == audit.SCORECARD_VERSION]["ids"]] == [
        ["card.v2.toml", v2.sha256], ["card.v3.toml", v3.sha256]]


@pytest.mark.parametrize("name,units", [("dbscl-2024.toml", 13), ("dbscl-2025.toml", 5),
                                        ("so-vinh-long-don-vi-2024.toml", 6)])
@pytest.mark.query
def test_shipped_scorecards_on_demo(demo_snapshot, name, units):
    card, inputs = scoring.load_inputs(scoring.load_scorecard(REPO / "data" / "scorecards" / name), demo_snapshot)
    result = scoring.score(card, inputs)
    assert len(result.ranking) == units and card.sheet_points == 100
    assert result.ranking["total"].notna().all()
    if name.startswith("so-"):  # the demo's deliberate gap: one school's online procedures for 2024
        row = result.ranking.set_index("unit").loc["AG-86-TCN"]
        assert not row["complete"] and "C3" in row["missing"]
    else:
        assert result.ranking["complete"].all()


@pytest.mark.query
def test_demo_has_agencies(demo_snapshot):
    units = figures.units(demo_snapshot)
    agencies = units[units["level"] == "agency"]
    assert len(agencies) >= 5 and set(agencies["parent"]) == {"VN34-86"}
    frame = figures.figures(demo_snapshot, ["AG-86-TTDVVL"], ["2024"], ["jobs_created"], with_previous=False)
    assert frame["actual"].iloc[0] > 0 and frame["plan"].iloc[0] > 0


@pytest.mark.query
def test_cli_rank(demo_dir, capsys, tmp_path):
    card = str(REPO / "data" / "scorecards" / "dbscl-2025.toml")
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", card, "--format", "csv"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(out.columns[:5]) == ["rank", "unit", "name", "total", "tier"] and "C11" in out.columns
    assert len(out) == 5 and out["rank"].min() == 1
    bad = tmp_path / "bad.toml"
    bad.write_text((REPO / "data" / "scorecards" / "dbscl-2025.toml").read_text(encoding="utf-8")
                   .replace('method = "rank"', 'method = "average"'), encoding="utf-8")
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml" in err and "average" in err
    unknown = tmp_path / "unknown.toml"
    unknown.write_text((REPO / "data" / "scorecards" / "dbscl-2025.toml").read_text(encoding="utf-8")
                       .replace('"Cà Mau"]', '"Cà Mâu Xanh"]'), encoding="utf-8")
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", str(unknown)]) == 1
    assert "Cà Mâu Xanh" in capsys.readouterr().err
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", str(tmp_path / "none.toml")]) == 1
    broken = tmp_path / "broken.toml"
    broken.write_text("[scorecard\ntitle = 1", encoding="utf-8")
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", str(broken)]) == 1
    assert "broken.toml" in capsys.readouterr().err


@pytest.mark.query
def test_cli_rank_json_incomplete(demo_dir, capsys):
    card = str(REPO / "data" / "scorecards" / "so-vinh-long-don-vi-2024.toml")
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", card, "--format", "json"]) == 0
    rows = {r["unit"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["AG-86-TCN"]["complete"] is False and rows["AG-86-TCN"]["C3"] is None


@pytest.mark.query
def test_excel_export(demo_snapshot):
    card, inputs = scoring.load_inputs(scoring.load_scorecard(REPO / "data" / "scorecards" / "dbscl-2024.toml"),
                                       demo_snapshot)
    card = dataclasses.replace(card, adjustments=card.adjustments + (
        scoring.Adjustment("VN63-96", -1.0, "=HYPERLINK(\"http://x\")"), scoring.Adjustment("VN63-96", 1.0, "@cmd")))
    result = scoring.score(card, inputs)
    sens = scoring.sensitivity(result, inputs, draws=300)
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook.workbook_bytes(result, demo_snapshot, sens)))
    assert book.sheetnames == ["Xếp hạng", "Chi tiết điểm", "Điểm cộng, trừ", "Độ vững", "Bảng điểm", "Nguồn"]
    cells = [c for row in book["Điểm cộng, trừ"].iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "@"))]
    assert len(risky) == 2 and all(c.data_type == "s" for c in risky)
    for ws in book.worksheets:
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    source = {r[0]: r[1] for r in book["Nguồn"].iter_rows(values_only=True)}
    assert source["Bản dữ liệu (snapshot)"] == demo_snapshot.id
    assert book["Xếp hạng"].max_row == 14


@pytest.mark.page
def test_page_on_demo(demo_dir):
    at = run_page("pages/ranking.py", demo_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Xếp hạng thi đua"
    assert len(at.dataframe) >= 4 and len(at.table) == 1
    assert any("phương án" in m.value for m in list(at.warning) + list(at.success))


@pytest.mark.page
def test_page_weights_trial(demo_dir, demo_snapshot):
    at = run_page("pages/ranking.py", demo_dir, {"sc": "dbscl-2025.toml"})
    at.slider(key="rank_w_C7").set_value(10).run()  # unemployment (rank-based) from 5 to 10 points
    assert not at.exception, [e.value for e in at.exception]
    card, inputs = scoring.load_inputs(scoring.load_scorecard(REPO / "data" / "scorecards" / "dbscl-2025.toml"),
                                       demo_snapshot)
    expected = scoring.rank_changes(scoring.score(card, inputs),
                                    scoring.score(scoring.with_points(card, {"C7": 10}), inputs))
    assert any(i.value == scoring_view.plain(scoring_view.changes_sentence(expected)) for i in at.info)


@pytest.mark.page
def test_page_agency_bloc_shows_incomplete(demo_dir):
    at = run_page("pages/ranking.py", demo_dir, {"sc": "so-vinh-long-don-vi-2024.toml"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Trường Trung cấp nghề Vĩnh Long" in unescape(w.value) and "Thiếu số liệu" in w.value
               and "không được xếp hạng, được liệt kê riêng" in unescape(w.value) for w in at.warning)


@pytest.mark.page
def test_page_saves_adjustment_as_new_version(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    at = run_page("pages/ranking.py", data, {"sc": "dbscl-2025.toml"})
    at.number_input[0].set_value(-2.0)
    at.text_input[0].input("Chậm nộp báo cáo")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not (data / "scorecards").exists()  # a row of the catalogue, not a file of this replica
    saved = [s for s in scoring.list_scorecards(data) if isinstance(s, scoring.StoredVersion)]
    assert [s.name for s in saved] == ["dbscl-2025.v2.toml"]
    assert scoring.load_scorecard(saved[0]).adjustments[-1].points == -2.0
    assert any("dbscl-2025.v2.toml" in unescape(s.value) for s in at.success)
    assert at.selectbox(key="sc").value == "dbscl-2025.v2.toml"  # the saved version is now the choice


@pytest.mark.query
def test_zero_rate_is_unbounded_on_overview_and_in_ranking(tmp_path):
    """A poor-household rate of 0% against a plan: 'exceeded' on the overview, full points in the ranking."""
    facts = pd.DataFrame({"indicator": "poor_household_rate", "unit": ["VN-01", "VN-04", "VN-11"], "period": "2024",
                          "actual": [0.0, 1.2, 3.0], "plan": [0.5, 1.3, 2.5]})
    snapshot = write_snapshot(facts, build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    overview = figures.figures(snapshot, ["VN-01"], ["2024"], ["poor_household_rate"]).iloc[0]
    assert overview["achievement_pct"] == np.inf and overview["verdict"] == formulas.EXCEEDED
    card = scoring.parse_scorecard({
        "scorecard": {"title": "Thử", "period": "2024", "units": ["Hà Nội", "Cao Bằng", "Điện Biên"]},
        "criteria": [{"id": "K1", "label": "Hộ nghèo", "indicator": "poor_household_rate", "points": 10,
                      "method": "plan_ratio", "cap_pct": 120}]})
    card, inputs = scoring.load_inputs(card, snapshot)
    for lang in ("vi", "en"):
        result = scoring.score(card, inputs, lang)
        detail = result.breakdown.set_index("unit").loc["VN-01"]
        assert detail["points"] == 10 and detail["achievement_pct"] == overview["achievement_pct"]
        assert not detail["missing"] and achievement_text(np.inf, lang) in detail["formula"]
    assert result.ranking.iloc[0]["unit"] == "VN-01" and result.ranking.iloc[0]["total"] == 10


def unescape(text) -> str:
    """What a reader sees of a text escaped by kpi.screens.ranking.plain (escapes and word joiners undone)."""
    return re.sub(r"\\(.)", r"\1", str(text)).replace(plain.WORD_JOINER, "")


def _vietnamese(text: str) -> bool:
    """Letters only Vietnamese uses: đ, and any accent or tone mark (ă â ê ô ơ ư, à á ả ã ạ...)."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(ch in "đĐ" or "\u0300" <= ch <= "\u036f" for ch in decomposed)


@pytest.mark.page
@pytest.mark.parametrize("name,focus", [("dbscl-2024.toml", None), ("so-vinh-long-don-vi-2024.toml", "AG-86-TCN")])
def test_english_page_says_no_vietnamese_sentence(demo_dir, demo_snapshot, name, focus):
    at = run_page("pages/ranking.py", demo_dir, {"lang": "en", "sc": name})
    if focus:  # the unit with a missing figure: its 'not scored' reason is shown
        at.selectbox(key="rank_focus").set_value(focus).run()
    assert not at.exception, [e.value for e in at.exception]
    card = scoring.load_scorecard(REPO / "data" / "scorecards" / name)
    units = figures.units(demo_snapshot)
    data = (set(units["name_vi"]) | set(units["name_full_vi"])
            | set(figures.indicators(demo_snapshot)["unit_of_measure"]) | {c.label for c in card.criteria}
            | {tier.name for tier in card.tiers} | {a.reason for a in card.adjustments})

    def said(text) -> str:  # what remains once the data written in Vietnamese is taken out
        text = str(text)
        for word in sorted(data, key=len, reverse=True):
            text = text.replace(word, "")
        return text

    texts = [unescape(m.value) for m in list(at.warning) + list(at.success) + list(at.info) + list(at.error)]
    for element in list(at.dataframe) + list(at.table):
        frame = element.value
        texts += [unescape(c) for c in frame.columns] + [unescape(i) for i in frame.index]
        texts += [unescape(v) for column in frame.columns for v in frame[column]]
    breakdown = at.table[0].value.map(unescape)
    breakdown.columns = [unescape(c) for c in breakdown.columns]
    assert {"Method", "Formula"} <= set(breakdown.columns)
    if focus:
        assert any(f.startswith("Not scored: ") for f in breakdown["Formula"])
    assert any("Achievement of plan" in m for m in breakdown["Method"]) or name != "dbscl-2024.toml"
    assert [said(text) for text in texts if _vietnamese(said(text))] == []


@pytest.mark.unit
def test_scorecard_error_carries_a_key_said_in_either_language():
    bad = dict(HAND_CARD, criteria=[dict(HAND_CARD["criteria"][0], points="40")])
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.parse_scorecard(bad, "thử.toml")
    error = caught.value
    assert str(error) == error.message("vi")
    assert error.message("vi") == "thử.toml, [[criteria]] số 1 ('K1'): trường 'points' phải là số, đang là '40'"
    assert error.message("en") == "thử.toml, [[criteria]] no. 1 ('K1'): the field 'points' must be a number, not '40'"


@pytest.mark.page
def test_english_page_says_a_scorecard_error_in_english(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    (data / "scorecards").mkdir()
    (data / "scorecards" / "bad.toml").write_text(
        (REPO / "data" / "scorecards" / "dbscl-2025.toml").read_text(encoding="utf-8")
        .replace('method = "rank"', 'method = "average"'), encoding="utf-8")
    at = run_page("pages/ranking.py", data, {"lang": "en", "sc": "bad.toml"})
    assert not at.exception, [e.value for e in at.exception]
    assert [unescape(e.value) for e in at.error] == [
        f"{data / 'scorecards' / 'bad.toml'}, [[criteria]] no. 7 ('C7'): the method 'average' is not valid "
        "(choose one of: plan_ratio, goalposts, leader, rank)"]
    assert "bad.toml — (invalid scorecard)" in at.selectbox(key="sc").options


# --------------------------------------------------------------------------- scorecards validated as data (issue 15)

CARD_2025 = REPO / "data" / "scorecards" / "dbscl-2025.toml"


def _card_file(folder, name: str, old: str, new: str):
    """dbscl-2025.toml with one line changed, written to `folder/name`."""
    text = CARD_2025.read_text(encoding="utf-8")
    assert old in text
    path = folder / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# the issue's cases: each was accepted and ranked (all tied first, NaN totals ranked 1-13, everyone
# 0, 50 points off everyone) or broke every scorecard (version = "v2" raised a bare ValueError)
ISSUE_CASES = [
    ("points = 15", "points = inf", "[[criteria]] số 1 ('C1')", "points", "hữu hạn"),
    ("max_bonus = 5", "max_bonus = nan", "[scorecard]", "max_bonus", "hữu hạn"),
    ("cap_pct = 105", "cap_pct = inf", "[[criteria]] số 1 ('C1')", "cap_pct", "hữu hạn"),
    ("best = 75.0", "best = inf", "[[criteria]] số 4 ('C4')", "best", "hữu hạn"),
    ("max_bonus = 5", "max_bonus = -50", "[scorecard]", "max_bonus", "từ 0 đến tổng điểm"),
    ("version = 1", 'version = "v2"', "[scorecard]", "version", "số nguyên"),
]


@pytest.mark.unit
@pytest.mark.parametrize("old,new,table,key,says", ISSUE_CASES)
def test_issue_scorecards_refused_naming_file_table_and_key(tmp_path, old, new, table, key, says):
    path = _card_file(tmp_path, "hỏng.toml", old, new)
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.load_scorecard(path)
    vi, en = caught.value.message("vi"), caught.value.message("en")
    assert str(path) in vi and table in vi and f"'{key}'" in vi and says in vi
    assert str(path) in en and table.replace("số", "no.") in en and f"'{key}'" in en
    assert str(caught.value) == vi


def _base_card() -> dict:
    """HAND_CARD with a bonus cap, a version, the rule for incomplete units and one bonus item."""
    data = _deep_copy(dict(HAND_CARD, adjustments=[{"unit": "A", "points": 1.0, "reason": "Tốt"}]))
    data["scorecard"].update(max_bonus=5, version=1, incomplete="after")
    return data


def _mutated(where: tuple, value, data: dict | None = None) -> dict:
    """A copy of `data` (the base card) with the value at `where` replaced; None deletes it."""
    data = _deep_copy(data if data is not None else _base_card())
    target = data
    for step in where[:-1]:
        target = target[step]
    if value is None:
        del target[where[-1]]
    else:
        target[where[-1]] = value
    return data


def _deep_copy(value):
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


BAD_VALUES = [  # where, value, text key of the refusal
    (("criteria", 0, "points"), float("inf"), "score_err_not_finite"),
    (("criteria", 0, "points"), float("nan"), "score_err_not_finite"),
    (("criteria", 0, "points"), -1.0, "score_err_points"),
    (("criteria", 0, "points"), 0, "score_err_points"),
    (("criteria", 0, "points"), 10 ** 400, "score_err_not_finite"),
    (("criteria", 0, "points"), 20_000, "score_err_sheet_points"),
    (("criteria", 0, "cap_pct"), float("inf"), "score_err_not_finite"),
    (("criteria", 0, "cap_pct"), 0.0, "score_err_cap"),
    (("criteria", 0, "cap_pct"), 1e6, "score_err_cap"),
    (("criteria", 1, "worst"), float("-inf"), "score_err_not_finite"),
    (("criteria", 1, "best"), float("nan"), "score_err_not_finite"),
    (("criteria", 1, "best"), 5.0, "score_err_goalposts"),
    (("criteria", 1, "best"), None, "score_err_goalposts"),
    (("criteria", 0, "label"), 5, "score_err_field_type"),
    (("criteria", 0, "indicator"), ["jobs_created"], "score_err_field_type"),
    (("criteria", 0, "indicator"), " ", "score_err_indicator_code"),
    (("criteria", 0, "indicator_by_unit"), {"A": 1}, "score_err_indicator_choice"),
    (("criteria", 0), "K1", "score_err_table_list"),
    (("scorecard", "max_bonus"), float("nan"), "score_err_not_finite"),
    (("scorecard", "max_bonus"), float("inf"), "score_err_not_finite"),
    (("scorecard", "max_bonus"), -50, "score_err_max_bonus"),
    (("scorecard", "max_bonus"), 101, "score_err_max_bonus"),
    (("scorecard", "version"), "v2", "score_err_field_type"),
    (("scorecard", "version"), 2.0, "score_err_field_type"),
    (("scorecard", "version"), True, "score_err_field_type"),
    (("scorecard", "version"), 0, "score_err_version"),
    (("scorecard", "version"), 10 ** 5000, "score_err_version"),
    (("scorecard", "units"), ["A", 2], "score_err_units"),
    (("scorecard", "units"), "A, B", "score_err_field_type"),
    (("scorecard", "bloc"), ["Khối"], "score_err_field_type"),
    (("scorecard", "issued"), 2024, "score_err_field_type"),
    (("scorecard", "incomplete"), "before", "score_err_incomplete_rule"),
    (("scorecard", "incomplete"), 1, "score_err_field_type"),
    (("adjustments", 0, "points"), float("inf"), "score_err_not_finite"),
    (("adjustments", 0, "points"), float("nan"), "score_err_not_finite"),
    (("adjustments", 0, "points"), 1e308, "score_err_adjust_points"),
    (("adjustments", 0, "points"), -101.0, "score_err_adjust_points"),
    (("adjustments", 0, "unit"), 7, "score_err_field_type"),
    (("adjustments",), {"unit": "A"}, "score_err_table_list"),
    (("tiers", 0, "min"), float("inf"), "score_err_not_finite"),
    (("tiers", 0, "min"), float("nan"), "score_err_not_finite"),
    (("tiers", 0, "name"), "  ", "score_err_tier_name"),
    (("tiers",), [1, 2], "score_err_table_list"),
]


@pytest.mark.unit
@pytest.mark.parametrize("where,value,key", BAD_VALUES, ids=[f"{'.'.join(map(str, w))}-{i}"
                                                              for i, (w, _, _) in enumerate(BAD_VALUES)])
def test_every_number_finite_and_within_its_meaning(where, value, key):
    assert scoring.parse_scorecard(_base_card(), "thử.toml").incomplete == scoring.INCOMPLETE_AFTER
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.parse_scorecard(_mutated(where, value), "thử.toml")
    assert caught.value.phrase.key == key
    for lang in ("vi", "en"):
        message = caught.value.message(lang)
        assert message.startswith("thử.toml") and len(message) < 400
        if key not in ("score_err_table_list", "score_err_sheet_points"):
            table = {"scorecard": "[scorecard]"}.get(where[0], f"[[{where[0]}]]")
            assert table in message and (where[-1] in message or key == "score_err_goalposts")


# any value of any TOML type at any key: a Scorecard or a ScorecardError, never another exception
toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-10 ** 30, max_value=10 ** 30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
    | st.sampled_from(["2024", "2024-M06", "plan_ratio", "goalposts", "leader", "rank", "A", "after"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["A", "id", "min", "x"]), inner,
                                                                 max_size=3),
    max_leaves=6)
card_places = st.sampled_from(
    [("scorecard", k) for k in ("title", "bloc", "period", "units", "version", "issued", "max_bonus", "incomplete")]
    + [("criteria", i, k) for i in (0, 1, 2) for k in ("id", "label", "indicator", "indicator_by_unit", "points",
                                                       "method", "cap_pct", "worst", "best")]
    + [("adjustments", 0, k) for k in ("unit", "points", "reason")] + [("tiers", 0, k) for k in ("min", "name")]
    + [("criteria",), ("adjustments",), ("tiers",), ("scorecard",), ("criteria", 0), ("tiers", 0)])


@pytest.mark.unit
@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(card_places, toml_values), min_size=1, max_size=3))
def test_malformed_scorecards_raise_only_scorecard_error(changes):
    data = _base_card()
    for where, value in changes:
        try:
            data = _mutated(where, value, data)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced the place
    try:
        card = scoring.parse_scorecard(data, "thử.toml")
    except scoring.ScorecardError as exc:
        assert exc.message("en") and exc.message("vi")
        return
    numbers = [c.points for c in card.criteria] + [c.cap_pct for c in card.criteria] + [
        a.points for a in card.adjustments] + [tier.min_points for tier in card.tiers]
    assert all(np.isfinite(numbers)) and all(c.points > 0 for c in card.criteria)
    assert card.max_bonus is None or 0 <= card.max_bonus <= card.sheet_points <= scoring.MAX_SHEET_POINTS


@pytest.mark.unit
def test_unreadable_files_are_scorecard_errors(tmp_path):
    folder = tmp_path / "thư mục.toml"
    folder.mkdir()
    binary = tmp_path / "nhị phân.toml"
    binary.write_bytes(b"\xff\xfe\x00title = 1")
    for path in (folder, binary, tmp_path / "không có.toml"):
        with pytest.raises(scoring.ScorecardError) as caught:
            scoring.load_scorecard(path)
        assert str(path) in caught.value.message("en")


# --------------------------------------------------------------------------- one bad file never breaks the rest

def _data_with_bad_scorecards(demo_dir, tmp_path):
    """A copy of the demo data folder whose scorecards/ holds three malformed files beside a good one."""
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    folder = data / "scorecards"
    folder.mkdir()
    _card_file(folder, "hong-phien-ban.toml", "version = 1", 'version = "v2"')
    _card_file(folder, "hong-diem.toml", "points = 15", "points = inf")
    (folder / "hong-toml.toml").write_text("[scorecard\ntitle = 1", encoding="utf-8")
    _card_file(folder, "tot.toml", "version = 1", "version = 3")
    return data


@pytest.mark.unit
def test_entries_list_every_file_a_malformed_one_with_its_error(demo_dir, tmp_path):
    data = _data_with_bad_scorecards(demo_dir, tmp_path)
    entries = {e.name: e for e in scoring.scorecard_entries(data)}
    shipped = [p.name for p in (REPO / "data" / "scorecards").glob("*.toml")]
    assert set(entries) == set(shipped) | {"hong-phien-ban.toml", "hong-diem.toml", "hong-toml.toml", "tot.toml"}
    bad = {n for n, e in entries.items() if e.error is not None}
    assert bad == {"hong-phien-ban.toml", "hong-diem.toml", "hong-toml.toml"}
    assert "'version'" in entries["hong-phien-ban.toml"].error.message("en")
    assert all(entries[n].scorecard is not None for n in entries if n not in bad)
    assert entries["tot.toml"].scorecard.version == 3
    assert entries["hong-diem.toml"].title("en") == "(invalid scorecard)"
    assert [e.name for e in scoring.scorecard_entries(data)] == [p.name for p in scoring.list_scorecards(data)]


@pytest.mark.query
def test_deck_builds_with_a_malformed_scorecard_in_the_data_folder(demo_dir, demo_snapshot, tmp_path):
    deck_mod = pytest.importorskip("kpi.reports.deck")
    good = deck_mod.build_deck(demo_snapshot, "VN34-86", "2025", "vi", data_dir=demo_dir)
    data = _data_with_bad_scorecards(demo_dir, tmp_path)
    (data / "scorecards" / "tot.toml").unlink()  # only the malformed files beside the shipped ones
    deck = deck_mod.build_deck(demo_snapshot, "VN34-86", "2025", "vi", data_dir=data)
    assert deck.titles == good.titles and "Xếp hạng thi đua" in deck.titles
    assert deck.slides[-1].summary == good.slides[-1].summary


@pytest.mark.page
def test_page_lists_a_malformed_scorecard_and_the_others_still_work(demo_dir, tmp_path):
    data = _data_with_bad_scorecards(demo_dir, tmp_path)
    at = run_page("pages/ranking.py", data, {"sc": "dbscl-2024.toml"})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe) >= 4 and not at.error
    options = at.selectbox(key="sc").options
    assert "hong-phien-ban.toml — (bảng điểm không hợp lệ)" in options and "tot.toml — " + scoring.load_scorecard(
        data / "scorecards" / "tot.toml").title in options
    assert any("hong-phien-ban.toml" in unescape(c.value) and "hong-toml.toml" in unescape(c.value)
               for c in at.caption)
    for bad, key in (("hong-phien-ban.toml", "'version'"), ("hong-diem.toml", "'points'"),
                     ("hong-toml.toml", "TOML")):
        at = run_page("pages/ranking.py", data, {"sc": bad})
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.error) == 1 and bad in unescape(at.error[0].value) and key in unescape(at.error[0].value)
        assert any("Các bảng điểm khác không bị ảnh hưởng" in i.value for i in at.info)
    at = run_page("pages/ranking.py", data, {"sc": "tot.toml"})  # a good file in the data folder
    assert not at.exception and not at.error and len(at.dataframe) >= 4


# --------------------------------------------------------------------------- ranking rules (issue 12, point 4)

@pytest.mark.unit
def test_ranks_complete_first_keep_ties_as_ties():
    totals = np.array([5.0, 9.0, 5.0, 7.0, 9.0, 1.0])
    complete = np.array([True, False, True, True, False, True])
    ranks = scoring.ranks_complete_first(totals, complete)
    assert ranks.tolist() == [2, 5, 2, 1, 5, 4]
    assert formulas.tied(ranks).tolist() == [True, True, True, False, True, False]
    # complete units' ranks are those of kpi.formulas.competition_ranks among themselves
    assert ranks[complete].tolist() == formulas.competition_ranks(totals[complete]).tolist()
    # vectorised over draws, as the sensitivity analysis uses it
    draws = scoring.ranks_complete_first(np.vstack([totals, totals[::-1]]), complete)
    assert draws[0].tolist() == ranks.tolist() and draws[1].tolist() == [4, 5, 1, 2, 5, 2]


def _incomplete_leader():
    """C misses K4 but a big bonus lifts its partial total above every complete unit's."""
    data = dict(HAND_CARD, scorecard=dict(HAND_CARD["scorecard"], incomplete="after"),
                adjustments=[{"unit": "C", "points": 45.0, "reason": "Sáng kiến lớn"}])
    figs = {u: dict(v) for u, v in HAND_FIGURES.items()}
    figs["C"]["gratitude_fund"] = (np.nan, 8.0)
    return make(data, figs)


@pytest.mark.unit
def test_incomplete_unit_never_ranked_above_a_complete_unit():
    card, inputs = _incomplete_leader()
    result = scoring.score(card, inputs)
    ranking = result.ranking.set_index("unit")
    assert ranking.loc["C", "total"] > ranking["total"].drop("C").max()  # 40 + 45 = 85 > 82.67
    assert ranking.loc["C", "rank"] == 4 and ranking.loc[["B", "A", "D"], "rank"].tolist() == [1, 2, 3]
    assert list(result.ranking["unit"]) == ["B", "A", "D", "C"] and ranking.loc["C", "tier"] == ""
    assert card.incomplete == "after"
    for lang, words in (("vi", "xếp sau"), ("en", "after")):
        table = scoring_view.ranking_table(scoring.score(card, inputs, lang), lang)
        assert words in table.iloc[3, 0] and words not in table.iloc[0, 0]
        assert any(scoring.incomplete_rule(card, lang) in s for s in scoring_view.summary_sentences(result, lang))
    # every Monte Carlo draw follows the same rule: C is never first, never above a complete unit
    sens = scoring.sensitivity(result, inputs, draws=500, seed=5).table.set_index("unit")
    assert sens.loc["C", "p_first"] == 0 and sens.loc["C", "p5_rank"] == 4 and sens.loc["C", "base_rank"] == 4


@pytest.mark.query
def test_demo_agency_bloc_ranks_the_incomplete_school_last(demo_dir, demo_snapshot, capsys):
    """Trường Trung cấp nghề (missing C3) was 5th of 6 on a partial total, in the page and the Excel;
    the scorecard states no rule, so it is listed apart (the default): no rank, after the others."""
    path = REPO / "data" / "scorecards" / "so-vinh-long-don-vi-2024.toml"
    card, inputs = scoring.load_inputs(scoring.load_scorecard(path), demo_snapshot)
    assert card.incomplete == scoring.INCOMPLETE_APART
    result = scoring.score(card, inputs)
    ranking = result.ranking.set_index("unit")
    complete = ranking[ranking["complete"]]
    assert not ranking.loc["AG-86-TCN", "complete"] and np.isnan(ranking.loc["AG-86-TCN", "rank"])
    assert complete["rank"].tolist() == [1, 2, 3, 4, 5]
    assert result.ranking["unit"].iloc[-1] == "AG-86-TCN"
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook.workbook_bytes(result, demo_snapshot)))
    sheet = [row for row in book["Xếp hạng"].iter_rows(values_only=True)]
    school = next(row for row in sheet if row[1] == "AG-86-TCN")
    assert school[0] == "Không xếp hạng (thiếu số liệu)" and school[5] == "không"
    assert (scoring.incomplete_rule(card, "vi"),) == tuple(v for v in sheet[-1] if v is not None)
    info = {r[0]: r[1] for r in book["Bảng điểm"].iter_rows(values_only=True)}
    assert info["Đơn vị thiếu số liệu"] == scoring.incomplete_rule(card, "vi")
    # the command line's rank column follows the same rule
    assert cli_main(["--data-dir", str(demo_dir), "rank", "--scorecard", str(path), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1]["unit"] == "AG-86-TCN" and rows[-1]["rank"] is None
    assert [r["rank"] for r in rows[:-1]] == [1, 2, 3, 4, 5]
    # under the rule "after" it is ranked 6th, after every complete unit
    after = scoring.score(dataclasses.replace(card, incomplete=scoring.INCOMPLETE_AFTER), inputs).ranking
    assert after.set_index("unit").loc["AG-86-TCN", "rank"] == 6


@pytest.mark.unit
@pytest.mark.parametrize("points,reason,key", [
    (float("inf"), "Lý do", "score_err_not_finite"), (float("nan"), "Lý do", "score_err_not_finite"),
    (1e308, "Lý do", "score_err_adjust_points"), (-1e308, "Lý do", "score_err_adjust_points"),
    (100.5, "Lý do", "score_err_adjust_points"), (np.float64("inf"), "Lý do", "score_err_not_finite"),
    (2.0, "  ", "score_err_no_reason"), ("2", "Lý do", "score_err_field_type"),
])
def test_bonus_and_penalty_checked_in_scoring_before_any_write(tmp_path, points, reason, key):
    source = tmp_path / "card.toml"
    shutil.copy(REPO / "data" / "scorecards" / "dbscl-2024.toml", source)
    card = scoring.load_scorecard(source)
    item = scoring.Adjustment("Cà Mau", points, reason)
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.check_adjustment(card, item)
    assert caught.value.phrase.key == key
    with pytest.raises(scoring.ScorecardError):
        scoring.save_version(card, list(card.adjustments) + [item], user=LOCAL_USER, data_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.toml"]  # not even a catalogue
    scoring.check_adjustment(card, scoring.Adjustment("Cà Mau", -100.0, "Vi phạm nghiêm trọng"))  # within range


REFUSE_INSERTS = {  # a trigger that makes the SQLite catalogue abort every insert into the table
    "scorecard_versions": ("CREATE TRIGGER refuse_scorecard_versions BEFORE INSERT ON scorecard_versions "
                           "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END", "DROP TRIGGER refuse_scorecard_versions"),
    "audit_log": ("CREATE TRIGGER refuse_audit_log BEFORE INSERT ON audit_log "
                  "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END", "DROP TRIGGER refuse_audit_log"),
}


def _refuse_inserts(data_dir, table: str = "scorecard_versions") -> None:
    """Make the data folder's SQLite catalogue refuse every insert into `table` (a failing disk, a
    constraint added later): the database itself aborts the statement."""
    with catalogue.connect(data_dir) as con:
        con.execute(REFUSE_INSERTS[table][0])


def _versions(data_dir) -> list[str]:
    return [s.name for s in scoring.list_scorecards(data_dir) if isinstance(s, scoring.StoredVersion)]


@pytest.mark.unit
@pytest.mark.parametrize("table", ["scorecard_versions", "audit_log"])
def test_save_version_failed_insert_is_a_clear_message_and_writes_nothing(tmp_path, table):
    source = tmp_path / "card.toml"
    shutil.copy(REPO / "data" / "scorecards" / "dbscl-2024.toml", source)
    card = scoring.load_scorecard(source)
    items = [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")]
    _refuse_inserts(tmp_path, table)  # the version's row, or its audit row: neither is kept without the other
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.save_version(card, items, user=LOCAL_USER, data_dir=tmp_path)
    assert caught.value.phrase.key == "score_err_save"
    assert caught.value.message("vi") == (f"Không ghi được phiên bản mới vào {tmp_path / 'catalogue.sqlite'} "
                                          "(disk I/O error); không có tệp nào được ghi.")
    assert _versions(tmp_path) == [] and audit.SCORECARD_VERSION not in set(audit.read_log(tmp_path)["action"])
    with catalogue.connect(tmp_path) as con:
        con.execute(REFUSE_INSERTS[table][1])
    saved = scoring.save_version(card, items, user=LOCAL_USER, data_dir=tmp_path)
    assert _versions(tmp_path) == [saved.name] == ["card.v2.toml"]


@pytest.mark.unit
def test_save_version_on_a_read_only_catalogue(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root writes into a read-only file (the PostgreSQL read-only role: test_scorecard_versions)")
    source = tmp_path / "card.toml"
    shutil.copy(REPO / "data" / "scorecards" / "dbscl-2024.toml", source)
    card = scoring.load_scorecard(source)
    with catalogue.connect(tmp_path):
        pass
    (tmp_path / "catalogue.sqlite").chmod(0o400)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(scoring.ScorecardError) as caught:
            scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=LOCAL_USER,
                                 data_dir=tmp_path)
        assert caught.value.phrase.key == "score_err_save"
    finally:
        tmp_path.chmod(0o700)
        (tmp_path / "catalogue.sqlite").chmod(0o600)
    assert _versions(tmp_path) == []


@pytest.mark.page
def test_page_says_a_failed_save_and_writes_nothing(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    _refuse_inserts(data)  # the catalogue refuses the new version's row
    at = run_page("pages/ranking.py", data, {"sc": "dbscl-2025.toml"})
    at.number_input[0].set_value(2.0)
    at.text_input[0].input("Sáng kiến")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Không ghi được phiên bản mới" in unescape(e.value) and "disk I/O error" in unescape(e.value)
               for e in at.error)
    assert not at.success and _versions(data) == [] and not (data / "scorecards").exists()


# --------------------------------------------------------------------------- no HTML or markdown from data

HOSTILE_LABEL = "[x](http://evil.example) ![i](http://evil.example/i.png) <b>b</b>"
HOSTILE_TIER = "<img src=x onerror=alert(1)>"
HOSTILE_BLOC = "Khối [thi đua](http://evil.example) **đậm** :red[đỏ] <script>x</script>"
HOSTILE_REASON = "[lý do](http://evil.example) <b>b</b> ![i](http://evil.example/i.png)"
# markdown that would act: a link, an image, a tag, bold, a colour, or an address GFM links by itself
UNESCAPED_MARKUP = re.compile(r"(?<!\\)\]\(|(?<!\\)!(?<!\\)\[|(?<!\\)<|(?<!\\)\*\*|(?<!\\):red"
                              r"|(?i:https?\\?:|www\\?\.|@(?!\u2060))")


def _hostile_card(folder):
    # without its English names (title_en, label_en, name_en...), so that the hostile texts show in either language
    text = re.sub(r"(?m)^\w+_en = .*\n", "", CARD_2025.read_text(encoding="utf-8"))
    for old, new in (('label = "Giải quyết việc làm"', f'label = "{HOSTILE_LABEL}"'),
                     ('min = 70\nname = "Tập thể lao động tiên tiến"', f'min = 0\nname = "{HOSTILE_TIER}"'),
                     ("bloc = ", f'bloc = "{HOSTILE_BLOC}"\n# '),
                     ('title = "', 'title = "**Tiêu đề** [x](http://evil.example) ')):
        assert old in text
        text = text.replace(old, new, 1)
    text += f'\n[[adjustments]]\nunit = "Cà Mau"\npoints = 1.0\nreason = "{HOSTILE_REASON}"\n'
    folder.mkdir(exist_ok=True)
    (folder / "hostile.toml").write_text(text, encoding="utf-8")


@pytest.mark.page
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_shows_scorecard_text_as_written_never_as_markdown(demo_dir, tmp_path, lang):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    _hostile_card(data / "scorecards")
    at = run_page("pages/ranking.py", data, {"sc": "hostile.toml", "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    # every element that interprets markdown: data in it is escaped (no link, image, tag, bold, colour)
    marked = [e.value for kind in ("caption", "warning", "success", "info", "error", "markdown", "subheader", "title")
              for e in getattr(at, kind) if not str(e.value).startswith("<style>")]  # the layout's own style
    labels = [w.label for kind in ("slider", "selectbox", "number_input", "text_input", "button")
              for w in getattr(at, kind)]
    assert [text for text in marked + labels if UNESCAPED_MARKUP.search(str(text))] == []
    label = at.slider(key="rank_w_C1").label
    assert label == scoring_view.plain(f"C1. {HOSTILE_LABEL}") and unescape(label) == f"C1. {HOSTILE_LABEL}"
    assert any(HOSTILE_BLOC in unescape(c.value) for c in at.caption)
    # st.table interprets markdown in its cells, index and header: the breakdown's labels are escaped
    breakdown = at.table[0].value
    assert scoring_view.plain(f"C1. {HOSTILE_LABEL}") in list(breakdown.index)
    assert not any(UNESCAPED_MARKUP.search(str(v)) for v in list(breakdown.index) + list(breakdown.values.ravel()))
    # st.dataframe cells are plain text: the tier name and the reason are there exactly as written
    cells = {str(v) for frame in at.dataframe for column in frame.value.columns for v in frame.value[column]}
    assert HOSTILE_TIER in cells and HOSTILE_REASON in cells
    assert any(o.startswith("hostile.toml — **Tiêu đề**") for o in at.selectbox(key="sc").options)  # plain options
    # Plotly reads <b> and <a href>: chart labels from data are HTML-escaped
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    texts = [str(y) for spec in specs for trace in spec["data"] for y in list(trace.get("y") or []) + [trace.get("name")]]
    assert any("&lt;b&gt;b&lt;/b&gt;" in y for y in texts) and not any("<b>" in y or "<img" in y for y in texts)


# --------------------------------------------------------------------------- non-finite and huge figures

odd_figures = st.sampled_from([np.nan, np.inf, -np.inf, 1e300, -1e300, 1.7e308, 1e-300, 0.0, -1.0]) | st.floats(
    allow_nan=True, allow_infinity=True)
finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


@st.composite
def valid_cards(draw):
    """A random scorecard that parses: methods, points, caps, goalposts, tiers, bonus cap and items."""
    n = draw(st.integers(2, 6))
    units = [f"U{i}" for i in range(n)]
    criteria = []
    for j in range(draw(st.integers(1, 4))):
        method = draw(st.sampled_from(scoring.METHODS))
        c = {"id": f"K{j}", "label": f"Tiêu chí {j}", "indicator": draw(st.sampled_from(list(CATALOGUE.index))),
             "points": draw(st.floats(0.01, 2000)), "method": method}
        if method == scoring.PLAN_RATIO:
            c["cap_pct"] = draw(st.floats(0.01, scoring.MAX_CAP_PCT))
        if method == scoring.GOALPOSTS:
            c["worst"], c["best"] = draw(st.lists(finite, min_size=2, max_size=2, unique=True))
        criteria.append(c)
    sheet = math.fsum(c["points"] for c in criteria)  # as the parser adds them
    head = {"title": "Ngẫu nhiên", "period": "2024", "units": units}
    if draw(st.booleans()):
        head["incomplete"] = draw(st.sampled_from(scoring.INCOMPLETE_RULES))
    if draw(st.booleans()):
        head["max_bonus"] = draw(st.floats(0, sheet))
    adjustments = [{"unit": draw(st.sampled_from(units)), "points": draw(st.floats(-sheet, sheet)), "reason": "Lý do"}
                   for _ in range(draw(st.integers(0, 3)))]
    tiers = [{"min": draw(finite), "name": f"Mức {k}"} for k in range(draw(st.integers(0, 2)))]
    return {"scorecard": head, "criteria": criteria, "adjustments": adjustments, "tiers": tiers}


class _Snapshot:
    id, created, is_demo = "thử", "2025-01-01T00:00:00+07:00", False


@pytest.mark.unit
@settings(max_examples=120, deadline=None)
@given(valid_cards(), st.data())
def test_scoring_never_raises_on_non_finite_and_huge_figures(card_dict, data):
    card = scoring.parse_scorecard(card_dict, "ngẫu nhiên")
    codes = {c.indicator for c in card.criteria}
    figs = {u: {code: (data.draw(odd_figures), data.draw(odd_figures)) for code in codes} for u in card.units}
    card, inputs = make(card_dict, figs)
    for lang in ("vi", "en"):
        result = scoring.score(card, inputs, lang)
        ranking = result.ranking
        complete = ranking[ranking["complete"]]
        assert np.isfinite(complete["total"]).all() and np.isfinite(complete["rank"]).all()
        incomplete = ranking.loc[~ranking["complete"], "rank"]
        if card.incomplete == scoring.INCOMPLETE_APART:  # listed apart: no rank, after every ranked unit
            assert incomplete.isna().all() and ranking["complete"].tolist() == sorted(ranking["complete"])[::-1]
        else:
            assert np.isfinite(incomplete).all()
        ranked = ranking["rank"].dropna()
        assert ranked.between(1, len(card.units)).all()
        if len(complete) and incomplete.notna().any():
            assert complete["rank"].max() < incomplete.min()
        assert ranked.tolist() == sorted(ranked)
        assert (complete["tier"].isin([t.name for t in card.tiers] + [""])).all()
        for unit in card.units:  # every explanation and table is said without raising
            scoring_view.breakdown_table(result, unit, lang)
        scoring_view.ranking_table(result, lang)
        scoring_view.summary_sentences(result, lang)
    sens = scoring.sensitivity(result, inputs, draws=40, seed=1)
    assert sens.table["p_first"].between(0, 1).all() and sens.sentence("en")
    ranking_workbook.workbook_bytes(scoring.score(card, inputs), _Snapshot(), sens)
