"""Scorecard versions in the catalogue (issue 13's leftover, issue 14 item 2): append-only rows of
`scorecard_versions` on SQLite and PostgreSQL, shared by every replica; two committee members saving
at once in two real processes (on PostgreSQL from two replicas' data folders) both land, listed from
a third; a taken number takes the next; a refused or read-only insert leaves nothing; earlier
releases' version files imported once; each version parsed once per process; a version named by
its file name on the command line, in an export and in a decision."""
from __future__ import annotations

import dataclasses
import io
import multiprocessing
import tomllib
import uuid
from pathlib import Path

import openpyxl
import psycopg
import pytest
import tomli_w
from conftest import copy_data

from kpi import scoring
from kpi.access import audit
from kpi.access.users import COMMITTEE, LOCAL_USER, User
from kpi.cli import main as cli_main
from kpi.reports import ranking_workbook
from kpi.scoring import versions
from kpi.store import catalogue, dialects

REPO = Path(__file__).resolve().parent.parent
CARD = REPO / "data" / "scorecards" / "dbscl-2025.toml"
BOTH = pytest.mark.parametrize("catalogue_db", ["sqlite", "postgresql"], indirect=True)
MEMBERS = [User(id=f"hoidong{i}@demo.vn", name=f"Ủy viên {i}", roles=frozenset({COMMITTEE})) for i in (1, 2)]


def stored(data_dir) -> list[scoring.StoredVersion]:
    return [s for s in scoring.list_scorecards(data_dir) if isinstance(s, scoring.StoredVersion)]


def version_rows(data_dir) -> list[list[str]]:
    log = audit.read_log(data_dir)
    return [list(ids) for ids in log[log["action"] == audit.SCORECARD_VERSION]["ids"]]


def _folders(tmp_path: Path, catalogue_db: str) -> list[Path]:
    """The data folders of two replicas and a third that lists: on PostgreSQL each its own (replicas on
    other machines share only the catalogue); with SQLite the one folder the catalogue lives in."""
    if catalogue_db == "sqlite":
        return [tmp_path] * 3
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        folder.mkdir()
    return folders


# --------------------------------------------------------------------------- saving at once

def _save_at_once(data_dir: str, member: int, barrier, results) -> None:
    """One committee member's save: both wait at the barrier, then save a version of the same card."""
    card = scoring.load_scorecard(CARD)
    item = scoring.Adjustment("Cà Mau", float(member + 1), f"Sáng kiến do ủy viên {member + 1} đề nghị")
    barrier.wait(timeout=60)
    saved = scoring.save_version(card, list(card.adjustments) + [item], user=MEMBERS[member], data_dir=data_dir)
    results.put((saved.name, saved.sha256, MEMBERS[member].id))


def _list_from_another_process(data_dir: str, results) -> None:
    results.put([(e.name, e.scorecard.sha256 if e.scorecard else None, e.error is None)
                 for e in scoring.scorecard_entries(data_dir)])


@pytest.mark.slow
@BOTH
def test_two_members_saving_at_once_in_two_processes_both_land(tmp_path, catalogue_db):
    first, second, lister = _folders(tmp_path, catalogue_db)
    with catalogue.connect(first):  # the schema exists before the race (as on a running deployment)
        pass
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as replicas are
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_save_at_once, args=(str(folder), i, barrier, results))
               for i, folder in enumerate((first, second))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    saved = sorted(results.get(timeout=5) for _ in workers)
    assert [name for name, _, _ in saved] == ["dbscl-2025.v2.toml", "dbscl-2025.v3.toml"]  # both, neither lost
    assert {who for _, _, who in saved} == {m.id for m in MEMBERS} and saved[0][1] != saved[1][1]
    listing = context.Process(target=_list_from_another_process, args=(str(lister), results))
    listing.start()
    listing.join(timeout=120)
    assert listing.exitcode == 0
    listed = {name: (sha, ok) for name, sha, ok in results.get(timeout=5)}
    for name, sha, _ in saved:
        assert listed[name] == (sha, True)
    # each member's version holds that member's item, and each has its audit row (name, SHA-256, based on)
    texts = {s.name: s.text for s in stored(lister)}
    reasons = {name: tomllib.loads(text)["adjustments"][-1]["reason"] for name, text in texts.items()}
    assert sorted(reasons.values()) == ["Sáng kiến do ủy viên 1 đề nghị", "Sáng kiến do ủy viên 2 đề nghị"]
    assert sorted(version_rows(lister)) == [[name, sha, "dbscl-2025.toml"] for name, sha, _ in saved]
    assert not list(tmp_path.rglob("*.v*.toml"))  # no replica wrote a file


class _Row:
    def __init__(self, row):
        self.row = row

    def fetchone(self):
        return self.row


@pytest.mark.unit
@BOTH
def test_a_number_taken_meanwhile_takes_the_next(tmp_path, catalogue_db, monkeypatch):
    """The insert finds the key taken (another replica's insert landed after this one read the highest
    number): it takes the next number, both versions kept."""
    card = scoring.load_scorecard(CARD)
    first = scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=MEMBERS[0],
                                 data_dir=tmp_path)
    real = catalogue.run_sql

    def stale(con, name, **params):  # a replica that read the highest number before the other's insert
        return _Row({"version": None}) if name == "scorecard_version_last" else real(con, name, **params)

    with monkeypatch.context() as patched:
        patched.setattr(catalogue, "run_sql", stale)
        second = scoring.save_version(card, [scoring.Adjustment("Cà Mau", -1.0, "Chậm báo cáo")], user=MEMBERS[1],
                                      data_dir=tmp_path)
    assert (first.name, second.name) == ("dbscl-2025.v2.toml", "dbscl-2025.v3.toml")
    assert second.version == 3 and tomllib.loads(second.text)["scorecard"]["version"] == 3
    assert [s.name for s in stored(tmp_path)] == [first.name, second.name]
    assert [ids[0] for ids in version_rows(tmp_path)] == [first.name, second.name]


@pytest.mark.unit
@BOTH
def test_scorecard_versions_are_append_only(tmp_path, catalogue_db):
    card = scoring.load_scorecard(CARD)
    scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=LOCAL_USER, data_dir=tmp_path)
    with catalogue.connect(tmp_path) as con:
        for statement in ("UPDATE scorecard_versions SET text = 'x'", "DELETE FROM scorecard_versions"):
            with pytest.raises(catalogue.DB_ERRORS, match="append-only"):
                con.execute(statement)
    assert [s.name for s in stored(tmp_path)] == ["dbscl-2025.v2.toml"]


@pytest.mark.unit
def test_a_read_only_catalogue_refuses_the_version_and_keeps_nothing(tmp_path, pg_catalogue, monkeypatch):
    """A PostgreSQL role that may only read (a replica given read-only credentials): the save is
    refused with today's message, and neither a version nor an audit row is written."""
    with catalogue.connect(tmp_path):  # the tables exist
        pass
    role = f"ro_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_catalogue, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        monkeypatch.setenv("KPI_CATALOGUE", pg_catalogue.replace("//kpi@", f"//{role}@", 1))
        card = scoring.load_scorecard(CARD)
        with pytest.raises(scoring.ScorecardError) as caught:
            scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=LOCAL_USER,
                                 data_dir=tmp_path)
        assert caught.value.phrase.key == "score_err_save" and role in caught.value.message("vi")
        assert caught.value.message("vi").endswith("; không có tệp nào được ghi.")  # today's message
        monkeypatch.setenv("KPI_CATALOGUE", pg_catalogue)
        assert stored(tmp_path) == [] and version_rows(tmp_path) == []
    finally:
        dialects.close_pools()  # the read-only role's connections, before it is dropped
        with psycopg.connect(pg_catalogue, autocommit=True) as admin:
            admin.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            admin.execute(f"DROP ROLE {role}")


# --------------------------------------------------------------------------- earlier releases' files

def _old_version_file(folder: Path, name: str = "dbscl-2025.v2.toml", reason: str = "Sáng kiến cũ") -> Path:
    """A version file as earlier releases wrote it into the data folder (save_version before the catalogue)."""
    data = tomllib.loads(CARD.read_text(encoding="utf-8"))
    data["scorecard"].update(version=int(name.rsplit(".v", 1)[1].removesuffix(".toml")),
                             based_on=CARD.name, based_on_sha256=scoring.file_sha256(CARD))
    data["adjustments"] = [{"unit": "Cà Mau", "points": 2.0, "reason": reason}]
    (folder / "scorecards").mkdir(parents=True, exist_ok=True)
    path = folder / "scorecards" / name
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


@pytest.mark.unit
@BOTH
def test_earlier_releases_version_files_are_imported_once_and_seen_by_every_replica(tmp_path, catalogue_db,
                                                                                    monkeypatch):
    own, other, _ = _folders(tmp_path, catalogue_db)
    with catalogue.connect(own):
        pass
    old = _old_version_file(own)
    (own / "scorecards" / "hong.v2.toml").write_text("[scorecard\n", encoding="utf-8")  # does not load
    (own / "scorecards" / "tot.toml").write_bytes(CARD.read_bytes())  # placed by hand: this folder's file
    monkeypatch.setattr(versions, "_IMPORTED", set())
    names = [s.name for s in scoring.list_scorecards(own)]
    assert names.count("dbscl-2025.v2.toml") == 1 and {"hong.v2.toml", "tot.toml"} <= set(names)
    listed = {e.name: e for e in scoring.scorecard_entries(own)}
    assert listed["hong.v2.toml"].error is not None and listed["tot.toml"].path == own / "scorecards" / "tot.toml"
    imported = listed["dbscl-2025.v2.toml"]
    assert imported.path is None and imported.scorecard.sha256 == scoring.file_sha256(old) and old.exists()
    assert version_rows(own) == [["dbscl-2025.v2.toml", scoring.file_sha256(old), "dbscl-2025.toml"]]
    # another replica (its own data folder, the same catalogue) lists it; its next version goes on after it
    assert "dbscl-2025.v2.toml" in [s.name for s in scoring.list_scorecards(other)]
    saved = scoring.save_version(scoring.load_scorecard(CARD), [], user=LOCAL_USER, data_dir=other)
    assert saved.name == "dbscl-2025.v3.toml"
    # once per process and folder: a new process imports nothing twice (no second row, no second audit row)
    monkeypatch.setattr(versions, "_IMPORTED", set())
    assert [s.name for s in stored(own)] == ["dbscl-2025.v2.toml", "dbscl-2025.v3.toml"]
    assert [ids[0] for ids in version_rows(own)] == ["dbscl-2025.v2.toml", "dbscl-2025.v3.toml"]


# --------------------------------------------------------------------------- parsed once, named by file name

@pytest.mark.unit
def test_a_version_is_parsed_once_per_process_and_a_changed_text_refused(tmp_path, monkeypatch):
    card = scoring.load_scorecard(CARD)
    saved = scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=LOCAL_USER,
                                 data_dir=tmp_path)
    calls = []
    real = versions.parse_text
    monkeypatch.setattr(versions, "parse_text", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(versions, "_PARSED", type(versions._PARSED)())
    runs = [{e.name: e.scorecard for e in scoring.scorecard_entries(tmp_path)} for _ in range(3)]
    assert calls == [saved.name]  # three listings (three page runs), one parse
    assert runs[0][saved.name] is runs[1][saved.name] is runs[2][saved.name]
    assert runs[0][saved.name] == saved and runs[0][saved.name].sha256 == saved.sha256
    row = stored(tmp_path)[0]
    changed = dataclasses.replace(row, text=row.text.replace("Sáng kiến", "Sáng kiến khác"))
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.load_scorecard(changed)
    assert caught.value.phrase.key == "score_err_version_sha" and saved.name in caught.value.message("en")


@pytest.mark.query
def test_a_version_by_its_file_name_on_the_command_line_and_in_the_workbook(demo_dir, demo_snapshot, tmp_path,
                                                                             capsys):
    data = copy_data(demo_dir, tmp_path / "data")
    card = scoring.load_scorecard(CARD)
    saved = scoring.save_version(card, list(card.adjustments) + [scoring.Adjustment("Cà Mau", 2.0, "Sáng kiến")],
                                 user=LOCAL_USER, data_dir=data)
    # the path earlier releases wrote it at: the command line finds the catalogue's version
    assert cli_main(["--data-dir", str(data), "rank", "--scorecard", str(data / "scorecards" / saved.name),
                     "--format", "csv"]) == 0
    assert "Cà Mau" in capsys.readouterr().out
    missing = data / "scorecards" / "dbscl-2025.v9.toml"
    with pytest.raises(scoring.ScorecardError) as caught:
        scoring.load_scorecard(missing, data)
    assert caught.value.message("vi") == f"Không tìm thấy tệp bảng điểm {missing}"  # today's message
    # the workbook's scorecard sheet names the version, its SHA-256 and its exact text
    scored, inputs = scoring.load_inputs(saved, demo_snapshot)
    book = openpyxl.load_workbook(io.BytesIO(ranking_workbook.workbook_bytes(scoring.score(scored, inputs),
                                                                             demo_snapshot)))
    cells = {row[0]: row[1] for row in book["Bảng điểm"].iter_rows(values_only=True) if row and row[0]}
    assert cells["Tệp"] == saved.name and cells["SHA-256 của tệp"] == saved.sha256
    column = [row[0] for row in book["Bảng điểm"].iter_rows(values_only=True) if row and row[0]]
    assert "Nội dung tệp bảng điểm (TOML)" in column and any('reason = "Sáng kiến"' in line for line in column)


@pytest.mark.unit
def test_versions_are_copied_with_the_catalogue(tmp_path, pg_catalogue, monkeypatch):
    monkeypatch.delenv("KPI_CATALOGUE")
    card = scoring.load_scorecard(CARD)
    saved = scoring.save_version(card, [scoring.Adjustment("Cà Mau", 1.0, "Sáng kiến")], user=LOCAL_USER,
                                 data_dir=tmp_path)
    with catalogue.connect(tmp_path) as old, catalogue.connect(
            tmp_path, catalogue.PostgresDialect(pg_catalogue)) as new:
        catalogue.copy_catalogue(old, new)
    monkeypatch.setenv("KPI_CATALOGUE", pg_catalogue)
    monkeypatch.setattr(versions, "_IMPORTED", set())
    assert [(s.name, s.sha256) for s in stored(tmp_path / "elsewhere")] == [(saved.name, saved.sha256)]
