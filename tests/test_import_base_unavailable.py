"""An upload while the newest snapshot cannot be read right now (object storage down): the import is
refused with the import's own message (the files named, the refusal's reason, nothing written), by
prepare_import and on the Dữ liệu page, never an exception box; once the storage answers, the same
upload is checked as usual. A fault-injecting storage (tests/test_snapshot_damage.py's _Flaky) makes
the newest snapshot's reads fail."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import run_page
from test_snapshot_damage import _Flaky

from kpi import store
from kpi.importing.merge import ImportFailed, commit_import, prepare_import
from kpi.store import snapshot_integrity, snapshots
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

ROWS = "unit,period,indicator,actual\nBến Tre,2020,jobs_created,18382\n".encode()


def _write(folder, note, parent=None) -> store.Snapshot:
    facts = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-83", "period": "2019", "actual": 1000.0,
                           "source": note}])
    return store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests", note=note,
                                parent=parent, data_dir=folder)


@pytest.fixture
def newest_unreadable(tmp_path, monkeypatch):
    """A folder of two snapshots whose newer one's files cannot be read (connection refused) until
    `flaky.failures` is set to 0; yields (folder, older, newer, flaky)."""
    folder = tmp_path / "data"
    older = _write(folder, "older")
    newer = _write(folder, "newer", parent=older.id)
    flaky = _Flaky(snapshots.snapshot_storage(newer), failures=10**6, error=ConnectionRefusedError("refused"))
    real = snapshot_integrity.snapshot_storage
    monkeypatch.setattr(snapshot_integrity, "snapshot_storage",
                        lambda snapshot: flaky if snapshot.id == newer.id else real(snapshot))
    store.damage.cache_clear()
    yield folder, older, newer, flaky
    store.damage.cache_clear()


def _snapshot_ids(folder) -> list[str]:
    return [s.id for s in store.list_snapshots(folder)]


@pytest.mark.unit
def test_prepare_import_refuses_with_the_import_message(newest_unreadable):
    folder, older, newer, flaky = newest_unreadable
    report = prepare_import([("tot.csv", ROWS), ("hai.csv", ROWS)], data_dir=folder)
    assert not report.ok and report.facts is None and report.touched is None
    assert [f["file"] for f in report.files] == ["tot.csv", "hai.csv"] and flaky.reads >= 1
    [issue] = report.errors
    assert issue.key == "imp_base_unavailable"
    text = issue.text("vi")
    assert text.startswith("tệp tot.csv, hai.csv: chưa kiểm tra được tệp: Bản dữ liệu ")
    assert newer.id in text and "lúc này chưa đọc được" in text and "không có gì được ghi" in text
    english = issue.text("en")
    assert "tot.csv, hai.csv" in english and "cannot be read right now" in english
    assert "nothing was written" in english
    with pytest.raises(ImportFailed) as refused:  # such a report cannot be committed
        commit_import(report, data_dir=folder)
    assert refused.value.issues == [issue]
    assert _snapshot_ids(folder) == [newer.id, older.id]  # nothing written

    flaky.failures = 0  # the storage answers again: the same upload is checked on the newest snapshot
    report = prepare_import([("tot.csv", ROWS)], data_dir=folder)
    assert report.ok and report.parent.id == newer.id and report.counts["added"] == 1


@pytest.mark.page
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_data_page_shows_the_refusal_not_an_exception(newest_unreadable, lang):
    folder, older, newer, flaky = newest_unreadable
    at = run_page("pages/data.py", folder, query={"lang": lang} if lang == "en" else None)
    assert not at.exception, [e.value for e in at.exception]
    at.file_uploader[0].set_value(("tot.csv", ROWS, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(str(d.value.to_csv()) for d in at.main.dataframe) + " ".join(e.value for e in at.main.error)
    said = "chưa kiểm tra được tệp" if lang == "vi" else "the file cannot be checked yet"
    assert said in shown and newer.id in shown and "tot.csv" in shown
    assert at.main.error  # blocked, no preview and no confirm button
    assert "imp_confirm" not in [b.key for b in at.button]
    assert _snapshot_ids(folder) == [newer.id, older.id]
    flaky.failures = 0  # the storage answers again: the upload is checked again on the newest snapshot
    at.run()
    assert not at.exception and not at.main.error, [e.value for e in at.main.error]
    assert "imp_confirm" in [b.key for b in at.button]
