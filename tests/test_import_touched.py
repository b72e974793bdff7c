"""An import reads of its parent only the rows it touches (kpi.importing.merge.merge_rows): the facts at
its rows' keys and their units' same periods a year before and after, with DuckDB over the chain's
Parquet files (base and deltas), and the count of the rest. It must give exactly what the whole-frame
merge gave before (kept here as the oracle): the same new snapshot, the same counts, the same changes
and the same warnings, and the commit the same delta (or, compacting, the same full file)."""
from __future__ import annotations

import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.access.users import local_user
from kpi.importing.merge import commit_import, facts_touched, import_file, merge_rows, prepare_import
from kpi.importing.readers import VALUE_COLUMNS
from kpi.importing.unusual import keys_compared, unusual_figures
from kpi.importing.validate import KEY
from kpi.store import deltas, snapshots
from kpi.store.indicators import load_indicators, with_bounds
from kpi.units.table import build_units

pytestmark = pytest.mark.query

UNITS = build_units()
INDICATORS = load_indicators()
PROVINCES = sorted(UNITS[(UNITS["level"] == "province") & UNITS["generation"].isin(["63", "both"])]["unit"])[:4]
CODES = ["jobs_created", "poor_households_rate"]
PERIODS = [f"{y}{m}" for y in range(2019, 2024) for m in ("", "-M06")]
COMPARED = [*VALUE_COLUMNS, "plan_kind"]


def oracle_upsert(parent: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """The whole-frame merge as prepare_import ran it over the parent's whole facts before it read only
    the touched rows (kpi.importing.merge.upsert of commit 6e93285), copied so that the comparison
    does not move with the code under test."""
    rows = rows.reindex(columns=KEY + COMPARED + ["source", "note", "estimate_status"])
    merged = rows.merge(parent[store.FACT_COLUMNS], on=KEY, how="left", suffixes=("", "_old"), indicator=True)
    existing = merged["_merge"].eq("both")
    measured = merged[["actual", "numerator", "denominator"]].notna().any(axis=1)
    no_plan = merged["plan"].isna()
    keep_old = {"actual": ~measured, "numerator": ~measured, "denominator": ~measured, "plan": no_plan,
                "plan_kind": no_plan, "plan_high": no_plan, "estimate_status": ~measured}
    for col, keep in keep_old.items():
        merged[col] = merged[col].where(~(keep & existing), merged[f"{col}_old"])
    same = existing.copy()
    for col in COMPARED:
        a, b = merged[col], merged[f"{col}_old"]
        same &= (a == b) | (a.isna() & b.isna())
    status, status_old = merged["estimate_status"], merged["estimate_status_old"]
    same &= status.isna() | (status == status_old)
    replaced = merged[~same][store.FACT_COLUMNS]
    keys = pd.MultiIndex.from_frame(replaced[KEY])
    kept = parent[~pd.MultiIndex.from_frame(parent[KEY]).isin(keys)]
    new = pd.concat([kept[store.FACT_COLUMNS], replaced], ignore_index=True)
    counts = {"added": int((~existing).sum()), "changed": int((existing & ~same).sum()),
              "unchanged": int(same.sum()), "facts_before": len(parent), "facts_after": len(new)}
    changes = merged[~same].rename(columns={c: f"{c}_new" for c in COMPARED})
    changes.insert(0, "change", np.where(existing[~same], "changed", "added"))
    changes = changes[["change"] + KEY + [f"{c}_{w}" for c in COMPARED for w in ("old", "new")]]
    return new, counts, changes.reset_index(drop=True)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=store.FACT_COLUMNS).copy()
    for col in (f.name for f in snapshots.FACT_SCHEMA if f.type == "string"):  # text, missing as None
        frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    for col in VALUE_COLUMNS:
        frame[col] = frame[col].astype("float64")
    return frame.sort_values(KEY).reset_index(drop=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Texts as objects, missing as None: pandas' string dtypes differ by where a frame was read from
    (a Parquet file's pandas metadata, DuckDB), not by what it holds."""
    frame = frame.copy()
    for col in frame.columns:
        if not pd.api.types.is_float_dtype(frame[col]):
            frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame


def _at(frame: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(keys[KEY].astype(object), on=KEY, how="inner")


number = st.one_of(st.none(), st.integers(0, 900).map(float))
fact_strategy = st.fixed_dictionaries({
    "indicator": st.sampled_from(CODES), "unit": st.sampled_from(PROVINCES), "period": st.sampled_from(PERIODS),
    "actual": number, "plan": number, "numerator": number, "denominator": number,
    "plan_kind": st.sampled_from([None, "min", "max"]), "estimate_status": st.sampled_from([None, "estimate", "official"]),
})
history_strategy = st.lists(st.lists(fact_strategy, min_size=1, max_size=25), min_size=1, max_size=4)
rows_strategy = st.lists(fact_strategy, min_size=1, max_size=25)


def _frame(drawn: list[dict], source: str) -> pd.DataFrame:
    frame = pd.DataFrame(drawn).drop_duplicates(KEY, keep="last").reset_index(drop=True)
    frame["plan_kind"] = frame["plan_kind"].where(frame["plan"].notna(), None)
    frame["plan_high"] = np.nan
    frame["source"], frame["note"] = source, ""
    return frame.astype({c: "float64" for c in VALUE_COLUMNS})


def _validated(rows: pd.DataFrame) -> pd.DataFrame:
    """The import's rows as kpi.importing.validate returns them (the columns a warning names)."""
    return rows.assign(file="f.csv", row=np.arange(2, len(rows) + 2), _actual_column="Thực hiện",
                       _plan_column="Kế hoạch")


def _chain(folder, layers: list[pd.DataFrame]) -> store.Snapshot:
    """A data folder whose head is a base and a delta per further layer (each upserted as an import)."""
    head = store.write_snapshot(layers[0], UNITS, INDICATORS, created_by="tests", data_dir=folder)
    whole = store.read_table(head, "facts")
    for layer in layers[1:]:
        whole, _counts, changes = oracle_upsert(whole, layer)
        if changes.empty:
            continue
        delta = whole.iloc[len(whole) - len(changes):]
        written = store.write_folder(whole, UNITS, INDICATORS, created_by="tests", parent=head.id, data_dir=folder,
                                     delta=delta, parent_manifest=head.manifest)
        assert store.commit_folder(written, user=local_user(), units=PROVINCES, approve=True, data_dir=folder).ok
        head = written
    return store.import_base(folder)[0]


def _issues(rows: pd.DataFrame, facts: pd.DataFrame) -> list[str]:
    issues = []
    unusual_figures(rows, facts, with_bounds(INDICATORS), issues)
    return [i.text() for i in issues]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=history_strategy, drawn=rows_strategy)
def test_merging_only_the_touched_rows_gives_what_the_whole_merge_gave(history, drawn):
    with tempfile.TemporaryDirectory() as folder:
        parent = _chain(folder, [_frame(layer, f"layer {i}") for i, layer in enumerate(history)])
        assert len(deltas.facts_layers(parent.id, parent.manifest)) >= 1
        whole_parent = store.read_table(parent, "facts")
        rows = _validated(_frame(drawn, "import"))
        want_new, want_counts, want_changes = oracle_upsert(whole_parent, rows)

        held, count = facts_touched(parent, rows)
        keys = keys_compared(rows)
        # only the touched rows are read, and all of them
        pd.testing.assert_frame_equal(_sorted(held), _sorted(_at(whole_parent, keys)))
        assert count == len(whole_parent)  # the manifest's count
        assert deltas.count_facts([str(p) for p in snapshots.facts_paths(parent)]) == len(whole_parent)  # counted

        touched, counts, changes, whole = merge_rows(parent, rows)
        assert counts == want_counts
        pd.testing.assert_frame_equal(_plain(changes), _plain(want_changes))
        pd.testing.assert_frame_equal(_sorted(touched), _sorted(_at(want_new, keys)))
        pd.testing.assert_frame_equal(_sorted(whole()), _sorted(want_new))
        # the delta a commit writes: the rows added or replaced, last, one per change
        pd.testing.assert_frame_equal(_plain(touched.iloc[len(touched) - len(changes):][KEY].reset_index(drop=True)),
                                      _plain(changes[KEY]))
        assert _issues(rows, touched) == _issues(rows, want_new)


def _history() -> pd.DataFrame:
    rows = [{"indicator": i, "unit": u, "period": p, "actual": 100.0 + k, "plan": 120.0 if "-M" not in p else None,
             "source": "base", "estimate_status": "estimate" if k % 3 == 0 else None}
            for k, (i, u, p) in enumerate((i, u, p) for i in CODES for u in PROVINCES for p in PERIODS)]
    return pd.DataFrame(rows)


CSV = ("unit,period,indicator,actual,plan\n"
       f"{PROVINCES[0]},2023,jobs_created,260,\n"          # more than double 2022: a warning
       f"{PROVINCES[1]},2023,jobs_created,,150\n"          # a plan only: the actual is kept
       f"{PROVINCES[2]},2024,jobs_created,180,200\n"       # a new year
       f"{PROVINCES[3]},2021-M06,jobs_created,135,\n")    # as held: unchanged


def _compare_import(folder, monkeypatch) -> tuple[store.Snapshot, store.Snapshot]:
    parent, _ = store.import_base(folder)
    whole_parent = store.read_table(parent, "facts")
    report = prepare_import([("f.csv", CSV.encode())], data_dir=folder)
    assert report.ok, [i.text() for i in report.errors]
    want_new, want_counts, want_changes = oracle_upsert(whole_parent, report.facts)
    assert report.counts == want_counts
    pd.testing.assert_frame_equal(_plain(report.changes), _plain(want_changes))
    assert [i.text() for i in report.warnings] == _issues(report.facts, want_new)
    assert report.warnings  # the 2023 figure more than doubles 2022
    read = []
    monkeypatch.setattr(store, "read_table", lambda s, t, _read=store.read_table: read.append(t) or _read(s, t))
    snapshot = commit_import(report, data_dir=folder, accept_warnings=True)
    monkeypatch.undo()
    assert snapshot.manifest["counts"]["facts"] == len(want_new)
    pd.testing.assert_frame_equal(_sorted(store.read_table(snapshot, "facts")), _sorted(want_new))
    return snapshot, read


def test_an_import_on_a_chain_commits_the_delta_the_whole_merge_gave(tmp_path, monkeypatch):
    store.write_snapshot(_history(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    first = tmp_path / "first.csv"
    first.write_text(f"unit,period,indicator,actual\n{PROVINCES[0]},2022,jobs_created,120\n", encoding="utf-8")
    _report, head = import_file(first, data_dir=tmp_path, accept_warnings=True)
    assert deltas.DELTA_FILE in head.manifest["files"]  # the parent is a chain: a base and a delta
    snapshot, read = _compare_import(tmp_path, monkeypatch)
    assert deltas.DELTA_FILE in snapshot.manifest["files"]
    assert snapshot.manifest["files"][deltas.DELTA_FILE]["rows"] == 3  # 2 changed and 1 added; 1 unchanged
    assert "facts" not in read  # the whole new history was never built


def test_a_compacting_import_writes_the_whole_new_history_the_whole_merge_gave(tmp_path, monkeypatch):
    store.write_snapshot(_history(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    monkeypatch.setattr(deltas, "MAX_DELTAS", 0)  # every import's snapshot a full base
    snapshot, read = _compare_import(tmp_path, monkeypatch)
    assert deltas.FULL_FILE in snapshot.manifest["files"] and read == ["facts"]


def test_an_import_into_an_empty_folder_reads_nothing(tmp_path):
    report = prepare_import([("f.csv", CSV.encode())], data_dir=tmp_path)
    assert report.ok and report.parent is None
    assert report.counts == {"added": 4, "changed": 0, "unchanged": 0, "facts_before": 0, "facts_after": 4}
    assert report.new_facts is report.touched and len(report.touched) == 4
