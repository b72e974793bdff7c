"""Award decisions (DESIGN section 10, issue 12 item 4): locking a ranking, reproducing it exactly
after new imports and scorecard versions, who may lock, the Tờ trình and Biên bản built from the
stored decision, the ranking rules for units missing a figure and for out-of-range points, the
ranking page's lock flow and the command line."""
from __future__ import annotations

import dataclasses
import os
import shutil
import tomllib

import numpy as np
import pytest
from conftest import REPO, copy_data, run_page

from kpi import scoring, store
from kpi.access import audit
from kpi.access.users import COMMITTEE, LOCAL_USER, VIEWER, PermissionDenied, User
from kpi.cli import main as cli_main
from kpi.importing.merge import import_file
from kpi.reports import decision_docs
from kpi.reports.settings import load_settings
from kpi.scoring import decisions
from kpi.screens import ranking as view
from kpi.store import catalogue

SCORECARDS = REPO / "data" / "scorecards"
VIEWER_USER = User(id="xem@demo.vn", name="Người xem", roles=frozenset({VIEWER}))
COMMITTEE_USER = User(id="hoidong@demo.vn", name="Thư ký Hội đồng", roles=frozenset({COMMITTEE}))


@pytest.fixture
def data(demo_dir, tmp_path, backend):
    """A copy of the demo data folder with a scorecard of its own, on both deployments
    (conftest.backend): SQLite and the folder's snapshot files, or the catalogue copied into
    PostgreSQL and the snapshot files uploaded to SeaweedFS. A decision writes no file of its own:
    the scorecard's text, the results and the robustness are rows of the catalogue."""
    folder = copy_data(demo_dir, tmp_path / "data")
    (folder / "scorecards").mkdir(exist_ok=True)
    shutil.copy(SCORECARDS / "dbscl-2024.toml", folder / "scorecards" / "khoi-dbscl.toml")
    return folder


@pytest.fixture
def restore_env():
    saved = os.environ.get("KPI_DATA_DIR")
    yield
    if saved is None:
        os.environ.pop("KPI_DATA_DIR", None)
    else:
        os.environ["KPI_DATA_DIR"] = saved


def _import(folder, rows: list[str], pending: bool = False) -> store.Snapshot:
    source = folder.parent / f"nhap-{len(list(folder.parent.glob('nhap-*')))}.csv"
    source.write_text("unit,period,indicator,actual,plan\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report, snapshot = import_file(source, accept_warnings=True, data_dir=folder, user=LOCAL_USER, pending=pending)
    assert report.ok and snapshot is not None, [i.text() for i in report.errors]
    return snapshot


@pytest.mark.query
def test_lock_stores_the_scorecard_text_snapshot_results_sensitivity_who_and_when(data):
    card_path = data / "scorecards" / "khoi-dbscl.toml"
    snapshot = store.get_snapshot(None, data)
    decision = decisions.lock_decision(card_path, snapshot, COMMITTEE_USER, data, draws=2000)
    assert decision.scorecard_text == card_path.read_text(encoding="utf-8")
    assert decision.scorecard_sha256 == scoring.file_sha256(card_path) and decision.scorecard_name == "khoi-dbscl.toml"
    assert decision.snapshot_id == snapshot.id and decision.locked_by == COMMITTEE_USER.id
    assert decision.locked_by_name == "Thư ký Hội đồng" and decision.locked_at.startswith("20")
    ranking = decision.ranking
    assert list(ranking.columns[:5]) == ["rank", "unit", "name", "total", "tier"]
    assert len(ranking) == 13 and ranking["rank"].tolist() == list(range(1, 14))
    assert {f"C{i}" for i in range(1, 12)} <= set(ranking.columns) and ranking["tier"].iloc[0]
    sens = decision.sensitivity
    assert sens["draws"] == 2000 and len(sens["table"]) == 13 and "phương án" in sens["sentence"]
    assert {"p5_rank", "p95_rank", "p_first"} <= set(sens["table"][0])
    # as stored: the catalogue's row, append-only
    again = decisions.load_decision(decision.id, data)
    assert again == decision and [d.id for d in decisions.list_decisions(data)] == [decision.id]
    with catalogue.connect(data) as con, pytest.raises(catalogue.DB_ERRORS, match="append-only"):
        con.execute("DELETE FROM decisions")
    log = audit.read_log(data)
    row = log[log["action"] == audit.DECISION].iloc[-1]
    assert row["user_id"] == COMMITTEE_USER.id and decision.id in row["ids"] and snapshot.id in row["ids"]


@pytest.mark.query
def test_a_locked_decision_reproduces_after_a_new_import_and_a_new_scorecard_version(data):
    card_path = data / "scorecards" / "khoi-dbscl.toml"
    first = store.get_snapshot(None, data)
    decision = decisions.lock_decision(card_path, first, LOCAL_USER, data, draws=500)
    leader = decision.results["ranking"][0]
    # a new import: the leader's jobs figure falls far below its plan
    newer = _import(data, [f"{leader['unit']},2024,jobs_created,1000,{60000}"])
    assert newer.id != first.id and store.get_snapshot(None, data).id == newer.id
    # a new scorecard version: a large bonus for the last unit
    card = scoring.load_scorecard(card_path)
    last = decision.results["ranking"][-1]
    version = scoring.save_version(card, list(card.adjustments) + [scoring.Adjustment(last["name"], 20.0, "Sáng kiến")],
                                   user=LOCAL_USER, data_dir=data)
    # the version is the catalogue's (every replica's), named as the files of earlier releases were
    assert (version.version, version.name, version.path) == (2, "khoi-dbscl.v2.toml", None)
    assert not (data / "scorecards" / version.name).exists()
    assert scoring.load_scorecard(data / "scorecards" / version.name, data) == version
    assert card_path.read_text(encoding="utf-8") == decision.scorecard_text
    live_card, inputs = scoring.load_inputs(version, newer)
    live = scoring.score(live_card, inputs).ranking
    assert live["unit"].tolist() != [r["unit"] for r in decision.results["ranking"]]  # the live ranking moved
    # even the scorecard file itself edited in place changes nothing: the stored text is scored
    card_path.write_text(card_path.read_text(encoding="utf-8").replace("points = 15", "points = 1", 1),
                         encoding="utf-8")
    check = decisions.reproduce(decision.id, data)
    assert check.equal, check.differences[:5]
    assert check.ranking == decision.results["ranking"] and check.decision.snapshot_id == first.id
    log = audit.read_log(data)
    assert audit.SCORECARD_VERSION in set(log["action"]) and version.name in log["ids"].iloc[-1]


@pytest.mark.query
def test_a_decision_on_a_catalogue_version_stores_its_text_and_reproduces(data):
    card = scoring.load_scorecard(data / "scorecards" / "khoi-dbscl.toml")
    version = scoring.save_version(card, list(card.adjustments) + [scoring.Adjustment("Cà Mau", 3.0, "Sáng kiến")],
                                   user=COMMITTEE_USER, data_dir=data)
    stored = next(s for s in scoring.list_scorecards(data) if s.name == version.name)
    snapshot = store.get_snapshot(None, data)
    by_card = decisions.lock_decision(version, snapshot, COMMITTEE_USER, data, draws=200)
    by_name = decisions.lock_decision(str(data / "scorecards" / version.name), snapshot, COMMITTEE_USER, data,
                                      draws=200)  # a name as earlier releases' files had: the catalogue's version
    for decision in (by_card, by_name):
        assert (decision.scorecard_name, decision.scorecard_sha256) == (version.name, stored.sha256)
        assert decision.scorecard_text == stored.text and decision.card["version"] == 2
        assert decisions.reproduce(decision.id, data).equal
    assert by_card.results["ranking"] == by_name.results["ranking"]
    assert next(r for r in by_card.results["ranking"] if r["name"] == "Cà Mau")["bonus"] > 0  # the version's item


@pytest.mark.query
def test_reproduce_reports_each_difference():
    stored = [{"unit": "A", "rank": 1, "total": 90.0}, {"unit": "B", "rank": 2, "total": 80.0}]
    changed = [{"unit": "A", "rank": 1, "total": 90.0000001}, {"unit": "B", "rank": 2, "total": 80.0}]
    assert decisions.differences(stored, stored) == []
    assert decisions.differences(stored, changed) == ["A/total: 90.0 → 90.0000001"]
    assert decisions.differences(stored, changed[::-1])[0].startswith("order: A, B → B, A")


@pytest.mark.query
def test_a_viewer_refuses_to_lock_or_save_a_version_and_nothing_is_written(data):
    card_path = data / "scorecards" / "khoi-dbscl.toml"
    snapshot = store.get_snapshot(None, data)
    before = sorted(p.name for p in (data / "scorecards").iterdir())
    for user in (VIEWER_USER, None):
        with pytest.raises(PermissionDenied, match="Hội đồng thi đua"):
            decisions.lock_decision(card_path, snapshot, user, data)
        with pytest.raises(PermissionDenied):
            scoring.save_version(scoring.load_scorecard(card_path), [], user=user, data_dir=data)
    assert decisions.list_decisions(data) == [] and sorted(p.name for p in (data / "scorecards").iterdir()) == before
    assert [s for s in scoring.list_scorecards(data) if isinstance(s, scoring.StoredVersion)] == []
    assert audit.DECISION not in set(audit.read_log(data)["action"])


@pytest.mark.query
def test_only_an_approved_snapshot_is_locked(data):
    pending = _import(data, ["Cà Mau,2024,jobs_created,30000,29000"], pending=True)
    with catalogue.connect(data) as con:
        assert catalogue.entry(con, pending.id).state == catalogue.PENDING
    with pytest.raises(decisions.DecisionError, match="đã duyệt") as caught:
        decisions.lock_decision(SCORECARDS / "dbscl-2024.toml", pending.id, LOCAL_USER, data)
    assert "chờ duyệt" in str(caught.value) and "pending" in caught.value.message("en")
    assert decisions.list_decisions(data) == []
    with pytest.raises(decisions.DecisionError, match="QD-khong-co"):
        decisions.load_decision("QD-khong-co", data)


@pytest.mark.query
def test_documents_hold_the_ranking_table_and_the_robustness_paragraph_from_the_stored_decision(data):
    decision = decisions.lock_decision(SCORECARDS / "dbscl-2024.toml", store.get_snapshot(None, data), LOCAL_USER,
                                       data, draws=1000)
    settings = load_settings(data)
    first = decision.results["ranking"][0]
    for kind, title in ((decision_docs.TOTRINH, "TỜ TRÌNH"), (decision_docs.BIENBAN, "BIÊN BẢN")):
        text = decision_docs.document_text(decision_docs.decision_doc_bytes(kind, decision, settings))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert title in text and "Nơi nhận:" in text and "Vĩnh Long, ngày" in text
        assert ("/TTr-SNV" if kind == decision_docs.TOTRINH else "/BB-SNV") in text
        assert "Hạng | Đơn vị | Tổng điểm | Cộng, trừ | Danh hiệu đề xuất" in text
        for row in decision_docs.ranking_rows(decision):
            assert " | ".join(row) in text
        assert f"1 | {first['name']} | " in text
        assert decision_docs.robustness_paragraph(decision) in text.replace("\n", " ")
        assert f"{first['name']} đứng đầu trong" in text and "phương án trọng số" in text
        assert decision.scorecard_sha256 in text and decision.snapshot_id in text and decision.id in text
    # built from the stored decision, never from live data: an altered record shows in the document
    altered = dataclasses.replace(decision, results={**decision.results, "ranking": [
        {**first, "name": "Đơn vị đã lưu"}] + decision.results["ranking"][1:]})
    text = decision_docs.document_text(decision_docs.decision_doc_bytes(decision_docs.TOTRINH, altered, settings))
    assert "1 | Đơn vị đã lưu | " in text


@pytest.mark.query
def test_a_unit_missing_a_figure_is_listed_apart_by_default_in_the_decision_and_its_documents(data):
    path = SCORECARDS / "so-vinh-long-don-vi-2024.toml"
    assert "incomplete" not in tomllib.loads(path.read_text(encoding="utf-8"))["scorecard"]
    decision = decisions.lock_decision(path, store.get_snapshot(None, data), LOCAL_USER, data, draws=500)
    school = decision.results["ranking"][-1]
    assert school["unit"] == "AG-86-TCN" and school["rank"] is None and not school["complete"]
    assert [r["rank"] for r in decision.results["ranking"][:-1]] == [1, 2, 3, 4, 5]
    assert "AG-86-TCN" not in {r["unit"] for r in decision.sensitivity["table"]}
    text = decision_docs.document_text(decision_docs.decision_doc_bytes(decision_docs.TOTRINH, decision,
                                                                        load_settings(data)))
    assert "Đơn vị chưa xếp hạng (thiếu số liệu, liệt kê riêng)" in text
    assert "– | Trường Trung cấp nghề Vĩnh Long" in text and decision.card["rule"] in text
    assert "Chưa đề xuất danh hiệu (thiếu số liệu" in text
    table = view.decision_ranking_table(decision)
    assert table.iloc[-1, 0] == "Không xếp hạng (thiếu số liệu)"
    assert reproduced(decision.id, data)


def reproduced(decision_id, data) -> bool:
    return decisions.reproduce(decision_id, data).equal


@pytest.mark.unit
@pytest.mark.parametrize("points", [float("inf"), float("nan"), 1e308, -1e308, 101.0])
def test_out_of_range_bonus_or_penalty_refused_where_the_ranking_is_computed(points):
    card = scoring.load_scorecard(SCORECARDS / "dbscl-2024.toml")
    bad = dataclasses.replace(card, adjustments=card.adjustments + (scoring.Adjustment("Cà Mau", points, "Lý do"),))
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.score(bad, None)
    assert caught.value.phrase.key in ("score_err_not_finite", "score_err_adjust_points")
    assert "điểm cộng/trừ mới" in str(caught.value)


@pytest.mark.unit
@pytest.mark.parametrize("points", [float("inf"), float("nan"), 0.0, -5.0, 1e308])
def test_non_finite_or_out_of_range_criterion_points_refused_where_the_ranking_is_computed(points):
    card = scoring.load_scorecard(SCORECARDS / "dbscl-2024.toml")
    criteria = (dataclasses.replace(card.criteria[0], points=points),) + card.criteria[1:]
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.score(dataclasses.replace(card, criteria=criteria), None)
    assert caught.value.phrase.key in ("score_err_not_finite", "score_err_points", "score_err_sheet_points")
    assert "C1" in str(caught.value) or "10000" in str(caught.value)


@pytest.mark.query
def test_listed_apart_or_ranked_after_as_the_scorecard_states(demo_snapshot):
    card, inputs = scoring.load_inputs(scoring.load_scorecard(SCORECARDS / "so-vinh-long-don-vi-2024.toml"),
                                       demo_snapshot)
    apart = scoring.score(card, inputs)
    after = scoring.score(dataclasses.replace(card, incomplete=scoring.INCOMPLETE_AFTER), inputs)
    school = "AG-86-TCN"
    assert np.isnan(apart.ranking.set_index("unit").loc[school, "rank"])
    assert after.ranking.set_index("unit").loc[school, "rank"] == 6
    ranked, listed = view.ranked_and_apart(apart.ranking)
    assert list(listed["unit"]) == [school] and len(ranked) == 5
    assert len(view.ranking_table(apart)) == 5 and len(view.ranking_table(apart, apart=True)) == 1
    assert "liệt kê riêng" in scoring.incomplete_rule(card) and "listed apart" in scoring.incomplete_rule(card, "en")


@pytest.mark.page
def test_ranking_page_locks_lists_and_shows_a_stored_decision(data, restore_env):
    at = run_page("pages/ranking.py", data, {"sc": "dbscl-2025.toml"})
    assert not at.exception, [e.value for e in at.exception]
    assert any(c.value == "Chưa có kết quả nào được chốt." for c in at.caption)
    at.button(key="rank_lock").click().run()
    assert not at.exception, [e.value for e in at.exception]
    locked = decisions.list_decisions(data)
    assert len(locked) == 1 and locked[0].scorecard_name == "dbscl-2025.toml"
    assert any(s.value == view.plain(f"Đã chốt kết quả {locked[0].id}.") for s in at.success)
    labels = [b.label for b in at.get("download_button")]
    assert "Tải Tờ trình đề nghị khen thưởng (Word)" in labels and "Tải Biên bản họp xét thi đua (Word)" in labels
    assert at.selectbox(key="rank_decision").value == locked[0].id
    stored = at.dataframe[-2].value
    assert list(stored[stored.columns[1]]) == [r["name"] for r in locked[0].results["ranking"]]
    # another run of the page still shows the stored result
    at.run()
    assert not at.exception and at.selectbox(key="rank_decision").value == locked[0].id


@pytest.mark.slow
def test_cli_decide_list_reproduce_and_export(data, tmp_path, capsys):
    card = str(data / "scorecards" / "khoi-dbscl.toml")
    assert cli_main(["--data-dir", str(data), "decide", "--scorecard", card]) == 0
    out = capsys.readouterr().out
    assert "Đã chốt kết quả QD-" in out and "phương án" in out
    decision = decisions.list_decisions(data)[0]
    assert cli_main(["--data-dir", str(data), "decisions", "--format", "csv"]) == 0
    assert decision.id in capsys.readouterr().out
    assert cli_main(["--data-dir", str(data), "decision", decision.id, "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert '"rank": 1' in captured.out and "đúng như kết quả đã chốt" in captured.err
    for kind in decision_docs.KINDS:
        target = tmp_path / f"{kind}.docx"
        assert cli_main(["--data-dir", str(data), "decision", decision.id, "--export", kind, "-o", str(target)]) == 0
        assert decision.id in decision_docs.document_text(target.read_bytes())
    assert cli_main(["--data-dir", str(data), "decision", "QD-khong-co"]) == 1
    assert "QD-khong-co" in capsys.readouterr().err
    log = audit.read_log(data)
    assert list(log["action"]).count(audit.EXPORT) == 2 and audit.DECISION in set(log["action"])
