"""Loading a snapshot (kpi.store.database, issue 14 item 5): built once into a DuckDB cache file keyed
by what it is built from, reopened read only afterwards (an "as of" reopen is a file open, not a
rebuild), the same tables as a build in memory; the target sums in one pass give what joining every
fact to every target it counts towards gives; the benchmark generator's Arrow facts write the same
file as a DataFrame does."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpi import store
from kpi.importing.merge import commit_import, prepare_import
from kpi.store import database
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.query

TABLES = ("facts", "units", "indicators", "periods", "unit_atoms", "target_cover", "target_sums")
ORDER = {"facts": "period, indicator, unit", "units": "unit", "indicators": "code", "periods": "period",
         "unit_atoms": "target, generation, atom", "target_cover": "target, generation",
         "target_sums": "target, generation, period, indicator"}

# The definition the one-pass queries/build_target_sums.sql must agree with: every fact joined to
# every target of several atoms it counts towards in its period's generation, then grouped; the sums
# exact, of the figures to 12 decimals (DECIMAL), made a DOUBLE once.
JOIN_EVERY_FACT = """
SELECT a.target, a.generation, f.period, f.indicator,
       count(f.actual) AS n_actual, count(f.plan) AS n_plan, count(f.numerator) AS n_num,
       count(f.denominator) AS n_den,
       count(f.plan) FILTER (WHERE coalesce(f.plan_kind, 'level') = 'level') AS n_plan_level,
       sum(f.actual::DECIMAL(38, 12))::DOUBLE AS sum_actual, sum(f.plan::DECIMAL(38, 12))::DOUBLE AS sum_plan,
       sum(f.numerator::DECIMAL(38, 12))::DOUBLE AS sum_num, sum(f.denominator::DECIMAL(38, 12))::DOUBLE AS sum_den,
       string_agg(DISTINCT f.source, '; ' ORDER BY f.source) AS sources,
       string_agg(DISTINCT f.note, '; ' ORDER BY f.note) AS notes,
       string_agg(DISTINCT f.estimate_status, ';' ORDER BY f.estimate_status) AS estimate_statuses
FROM unit_atoms AS a
JOIN target_cover AS c ON c.target = a.target AND c.generation = a.generation AND c.n_atoms > 1
JOIN periods AS p ON p.generation = a.generation
JOIN facts AS f ON f.unit = a.atom AND f.period = p.period
GROUP BY ALL
ORDER BY a.target, a.generation, f.period, f.indicator
"""


@pytest.fixture
def fresh(monkeypatch):
    """No snapshot loaded in this process; the cache folder is the data folder's."""
    monkeypatch.setattr(database, "_LOADED", type(database._LOADED)())
    monkeypatch.delenv("KPI_LOAD_CACHE", raising=False)
    return database


def _tables(con) -> dict[str, pd.DataFrame]:
    return {name: con.execute(f"SELECT * FROM {name} ORDER BY {ORDER[name]}").df() for name in TABLES}  # noqa: S608


def _same(a: pd.DataFrame, b: pd.DataFrame, rtol: float = 0.0) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for column in a.columns:
        x, y = a[column].reset_index(drop=True), b[column].reset_index(drop=True)
        if x.dtype.kind == "f":
            assert np.allclose(x, y, rtol=rtol, atol=0.0, equal_nan=True), column
        else:
            assert x.astype(object).where(x.notna(), None).tolist() == y.astype(object).where(y.notna(), None).tolist(), column


def _drop(snapshot) -> None:
    """Evict the snapshot from this process (as another process, or a later reopen, finds it)."""
    with database._LOCK:
        entry = database._LOADED.pop(snapshot, None)
    if entry is not None:
        database._close([entry])


def _cache_files(snapshot) -> list:
    """The cache files of the snapshot's data folder (cache/loaded, the default cache folder)."""
    return sorted((snapshot.path.parent.parent / "cache" / "loaded").glob(f"*{database.CACHE_SUFFIX}"))


def test_a_reopen_opens_the_cache_file_read_only_and_builds_nothing(fresh, demo_dir, tmp_path, monkeypatch):
    snapshot = store.get_snapshot_at(str(_copy_of(demo_dir, tmp_path)), store.get_snapshot(None, demo_dir).id)
    first = _tables(database.load(snapshot))
    files = _cache_files(snapshot)
    assert len(files) == 1 and files[0].stat().st_size > 0
    assert not list(files[0].parent.glob(".tmp-*")) and not list(files[0].parent.glob(".spill-*"))
    _drop(snapshot)

    def no_build(*_args, **_kwargs):
        raise AssertionError("a cached snapshot was built again")

    monkeypatch.setattr(database, "_fill", no_build)
    con = database.load(snapshot)
    for name, frame in _tables(con).items():
        _same(frame, first[name])
    with pytest.raises(Exception, match="read-only|read only"):
        con.execute("CREATE TABLE scratch AS SELECT 1 AS x")
    assert _cache_files(snapshot) == files


def _copy_of(demo_dir, tmp_path):
    """The demo snapshot's folder in a data folder of this test (hard links: never written)."""
    source = store.get_snapshot(None, demo_dir)
    target = tmp_path / "data" / "snapshots" / source.id
    target.mkdir(parents=True)
    for path in source.path.iterdir():
        os.link(path, target / path.name)
    return target


def test_the_cache_file_holds_what_a_build_in_memory_holds(fresh, demo_dir, tmp_path, monkeypatch):
    snapshot = store.get_snapshot_at(str(_copy_of(demo_dir, tmp_path)), store.get_snapshot(None, demo_dir).id)
    cached = _tables(database.load(snapshot))
    _drop(snapshot)
    monkeypatch.setenv("KPI_LOAD_CACHE", "off")
    in_memory = _tables(database.load(snapshot))
    assert len(_cache_files(snapshot)) == 1  # the build in memory wrote nothing
    for name in TABLES:
        _same(cached[name], in_memory[name])  # bit for bit: the target sums are exact (DECIMAL)
    assert len(cached["facts"]) == snapshot.manifest["counts"]["facts"]


def test_the_one_pass_target_sums_are_the_join_of_every_fact(fresh, demo_snapshot):
    con = database.load(demo_snapshot)
    ours = con.execute("SELECT * FROM target_sums ORDER BY target, generation, period, indicator").df()
    reference = con.execute(JOIN_EVERY_FACT).df()
    assert len(ours) > 1000  # regions, the nation and merged provinces over many periods
    assert set(ours["generation"]) >= {63, 34}
    assert ours.dtypes.equals(reference.dtypes)
    _same(ours, reference)  # bit for bit: exact sums do not depend on the order of the additions
    # against summing the doubles: each figure taken to 12 decimals moves a sum by at most 5e-13 (1e-12 with
    # the casts), and each addition of doubles by about an ulp of the sum
    doubles = con.execute(JOIN_EVERY_FACT.replace("::DECIMAL(38, 12))::DOUBLE", ")")).df()
    for column, count in (("sum_actual", "n_actual"), ("sum_plan", "n_plan"), ("sum_num", "n_num"), ("sum_den", "n_den")):
        bound = ours[count] * (1e-12 + doubles[column].abs() * 4.5e-16)
        off = (ours[column] - doubles[column]).abs().fillna(0) > bound
        assert not off.any(), (column, ours[off].head(3).to_dict("records"), doubles[off][column].head(3).tolist())


def test_the_facts_are_read_from_the_parquet_file_not_copied(fresh, demo_snapshot, tmp_path):
    """facts is a view over the snapshot's own facts.parquet (nothing of it in the cache file): the
    file's rows, columns and types; the names queries/lookup_published.sql reads (facts_coded, fact_unit)
    give the same rows."""
    con = database.load(demo_snapshot)
    tables = {row[0]: row[1] for row in con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'snap'").fetchall()}
    assert tables["facts"] == "VIEW" and tables["facts_coded"] == "VIEW" and "facts_stored" not in tables
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_catalog = 'snap' AND table_name = $t", {"t": "facts"}).fetchall())
    texts = ["indicator", "unit", "period", "plan_kind", "source", "note", "estimate_status"]
    assert [types[c] for c in texts] == ["VARCHAR"] * len(texts)
    loaded = con.execute("SELECT * FROM facts ORDER BY indicator, unit, period").df()
    written = store.read_table(demo_snapshot, "facts").sort_values(["indicator", "unit", "period"])
    assert list(loaded.columns) == list(written.columns)
    columns = ["indicator", "unit", "period", "actual", "numerator", "denominator", "source", "note", "estimate_status"]
    _same(loaded[columns], written[columns])  # the plans differ only where a year's plan was spread
    assert loaded["unit"].map(type).eq(str).all() and loaded["source"].dropna().map(type).eq(str).all()
    stored = dict(con.execute("SELECT table_name, estimated_size FROM duckdb_tables() WHERE database_name = 'snap'").fetchall())
    assert set(stored) == {"units", "indicators", "unit_atoms", "target_cover", "periods", "target_sums",
                           "fact_columns", "fact_overrides", "load_info"}  # no table of the facts
    assert stored["fact_columns"] == stored["fact_overrides"] == 0
    unit = loaded["unit"].iloc[0]
    assert con.execute("SELECT count(*) FROM facts_coded WHERE unit = TRY_CAST($u AS fact_unit)",
                       {"u": unit}).fetchone()[0] == (loaded["unit"] == unit).sum() > 0
    cursor = database.cursor(demo_snapshot)  # a cursor reads the view too (its own connection)
    try:
        assert cursor.execute("SELECT count(*) FROM facts").fetchone()[0] == len(loaded)
    finally:
        cursor.close()


def test_a_moved_data_folder_still_reads_its_cache_file(fresh, demo_dir, tmp_path, monkeypatch):
    """The cache file names no path: the view reads the facts file the snapshot has now."""
    first = store.get_snapshot_at(str(_copy_of(demo_dir, tmp_path / "a")), store.get_snapshot(None, demo_dir).id)
    expected = _tables(database.load(first))
    [built] = _cache_files(first)
    _drop(first)
    moved = tmp_path / "b"
    (tmp_path / "a").rename(moved)
    snapshot = store.get_snapshot_at(str(moved / "data" / "snapshots" / first.id), first.id)
    monkeypatch.setattr(database, "_fill", lambda *_args: pytest.fail("a cached snapshot was built again"))
    for name, frame in _tables(database.load(snapshot)).items():
        _same(frame, expected[name])
    assert _cache_files(snapshot) == [moved / built.relative_to(tmp_path / "a")]


def test_a_change_to_any_loading_query_names_a_new_cache_file(fresh, demo_snapshot, monkeypatch):
    """Old cache files are never read after the loading SQL changes: every query a build runs is
    in BUILD_QUERIES, whose texts the key covers."""
    source = Path(database.__file__).read_text(encoding="utf-8")
    run = set(re.findall(r'load_sql\("([a-z_]+)"\)', source)) | set(re.findall(r'"((?:load|delta|build)_[a-z_]+)"', source))
    opening = {"load_attach", "load_attach_file", "load_use", "load_use_memory", "load_checkpoint", "load_detach",
               "load_open_file", "load_info", "load_units_frame"}  # open or write the file, or the atom map's input
    assert run - opening <= set(database.BUILD_QUERIES)
    assert {"load_facts_create", "load_facts_view", "load_facts_plan_fill", "build_target_sums"} <= set(database.BUILD_QUERIES)
    sources = database._sources(demo_snapshot, None)
    key = database.cache_key(demo_snapshot, sources)
    real = database.load_sql
    for name in ("load_facts_view", "build_target_sums"):
        monkeypatch.setattr(database, "load_sql", lambda n, name=name: real(n) + ("\n-- changed" if n == name else ""))
        assert database.cache_key(demo_snapshot, sources) != key, name
    monkeypatch.setattr(database, "load_sql", real)
    assert database.cache_key(demo_snapshot, sources) == key


def test_plans_of_a_year_spread_to_its_months_in_one_update(fresh, tmp_path):
    facts = pd.DataFrame([
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021", "actual": 100.0, "plan": 120.0},
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021-M06", "actual": 50.0},
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021-M09", "actual": 70.0, "plan": 90.0},
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2022-M06", "actual": 40.0},
        {"indicator": "jobs_created", "unit": "VN-02", "period": "2021-M06", "actual": 10.0},
    ])
    snapshot = store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests", data_dir=tmp_path)
    rows = database.load(snapshot).execute("SELECT unit, period, plan FROM facts ORDER BY unit, period").fetchall()
    assert rows == [("VN-01", "2021", 120.0), ("VN-01", "2021-M06", 120.0), ("VN-01", "2021-M09", 90.0),
                    ("VN-01", "2022-M06", None), ("VN-02", "2021-M06", None)]


def test_a_file_written_before_plan_kinds_reads_them_as_null(fresh, tmp_path):
    """A facts.parquet without plan_kind, plan_high and estimate_status (written before them) loads:
    the view gives those columns as NULL (level plans), the year's plan still spread to its months."""
    import hashlib
    import json

    from kpi.store import snapshot_read

    facts = pd.DataFrame([
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021", "actual": 100.0, "plan": 120.0},
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021-M06", "actual": 50.0},
    ])
    snapshot = store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests", data_dir=tmp_path)
    path = snapshot.path / "facts.parquet"
    old = pq.read_table(path).drop_columns(["plan_kind", "plan_high", "estimate_status"])
    path.unlink()
    pq.write_table(old, path)
    manifest = json.loads((snapshot.path / "manifest.json").read_text())
    manifest["files"]["facts.parquet"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    for layer in manifest.get("facts_layers", []):
        layer["sha256"] = manifest["files"]["facts.parquet"]["sha256"]
    (snapshot.path / "manifest.json").write_text(json.dumps(manifest))
    snapshot_read._MANIFESTS.clear()
    store.damage.cache_clear()
    legacy = store.get_snapshot(None, tmp_path)
    rows = database.load(legacy).execute(
        "SELECT period, plan, plan_kind, plan_high, estimate_status FROM facts ORDER BY period").fetchall()
    assert rows == [("2021", 120.0, None, None, None), ("2021-M06", 120.0, None, None, None)]


def test_many_overrides_store_the_facts_and_read_the_same(fresh, tmp_path, monkeypatch):
    """Past OVERRIDES_MAX rows replacing the file's (months given their year's plan), the facts are
    written into the database once (facts_stored) instead of an anti-join on every read: same rows."""
    facts = pd.DataFrame([
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021", "actual": 100.0, "plan": 120.0},
        {"indicator": "jobs_created", "unit": "VN-01", "period": "2021-M06", "actual": 50.0},
        {"indicator": "jobs_created", "unit": "VN-02", "period": "2021-M06", "actual": 10.0},
    ])
    snapshot = store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests", data_dir=tmp_path)
    viewed = _tables(database.load(snapshot))
    assert database.load(snapshot).execute("SELECT count(*) FROM fact_overrides").fetchone()[0] == 1
    _drop(snapshot)
    monkeypatch.setattr(database, "OVERRIDES_MAX", 0)
    monkeypatch.setenv("KPI_LOAD_CACHE", "off")
    con = database.load(snapshot)
    assert con.execute("SELECT count(*) FROM facts_stored").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM fact_overrides").fetchone()[0] == 0
    for name, frame in _tables(con).items():
        _same(frame, viewed[name])
    assert con.execute("SELECT plan FROM facts WHERE unit = 'VN-01' AND period = '2021-M06'").fetchone()[0] == 120.0


def test_target_sums_are_exact_decimal_sums(fresh, tmp_path):
    """A sum over several atoms is the exact sum of the figures as written (0,1 x 63 = 6,3), made a
    DOUBLE once: not the sum of doubles, which depends on the order of the additions."""
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]["unit"].tolist()
    rows = [{"indicator": "jobs_created", "unit": unit, "period": "2021", "actual": 0.1, "plan": 0.7,
             "numerator": 1e15 if i == 0 else 0.3, "denominator": 1.0}
            for i, unit in enumerate(provinces)]
    snapshot = store.write_snapshot(pd.DataFrame(rows), units, load_indicators(), created_by="tests", data_dir=tmp_path)
    con = database.load(snapshot)
    nation = con.execute("SELECT target FROM target_cover WHERE generation = 63 ORDER BY n_atoms DESC LIMIT 1").fetchone()[0]
    found = con.execute("SELECT n_actual, sum_actual, sum_plan, sum_num FROM target_sums "
                        "WHERE target = $t AND period = '2021'", {"t": nation}).fetchone()
    n = found[0]
    assert n == len(provinces) > 60
    from decimal import Decimal
    assert found[1] == float(Decimal("0.1") * n) and found[2] == float(Decimal("0.7") * n)
    assert found[3] == float(Decimal(10) ** 15 + Decimal("0.3") * (n - 1))
    in_order = 0.0
    for _ in range(n):
        in_order += 0.1
    assert in_order != found[1]  # what a sum of doubles gives: the test tells them apart


def test_target_sums_with_a_value_beyond_decimals_are_double_sums(fresh, tmp_path):
    """A value no DECIMAL(38, 12) holds (1e300, an infinity: no import accepts one, a snapshot written by
    other means may) makes its sums double sums, as before the exact sums; the other columns stay exact."""
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]["unit"].tolist()
    rows = [{"indicator": "jobs_created", "unit": unit, "period": "2021", "actual": 1e300 if i == 0 else 1.0,
             "plan": float("inf") if i == 1 else 0.1} for i, unit in enumerate(provinces)]
    snapshot = store.write_snapshot(pd.DataFrame(rows), units, load_indicators(), created_by="tests", data_dir=tmp_path)
    con = database.load(snapshot)
    nation = con.execute("SELECT target FROM target_cover WHERE generation = 63 ORDER BY n_atoms DESC LIMIT 1").fetchone()[0]
    sum_actual, sum_plan = con.execute("SELECT sum_actual, sum_plan FROM target_sums WHERE target = $t AND period = '2021'",
                                       {"t": nation}).fetchone()
    assert sum_actual == 1e300 and sum_plan == float("inf")


def test_a_delta_snapshot_cached_and_in_memory_agree_and_have_their_own_files(fresh, tmp_path, monkeypatch):
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]
    rows = [{"indicator": "jobs_created", "unit": unit, "period": str(year), "actual": 1000.0 + i + year,
             "source": "test"} for i, unit in enumerate(provinces["unit"]) for year in (2021, 2022, 2023)]
    base = store.write_snapshot(pd.DataFrame(rows), units, load_indicators(), created_by="tests", data_dir=tmp_path)
    gso = provinces.iloc[0]["gso_code"]
    csv = tmp_path / "a.csv"
    csv.write_text(f"indicator,unit,period,actual\njobs_created,{gso},2022,5\njobs_created,{gso},2024,7\n",
                   encoding="utf-8")
    report = prepare_import([(csv.name, csv.read_bytes())], data_dir=tmp_path)
    assert report.ok, [e.text() for e in report.errors]
    child = commit_import(report, note="test", created_by="tests", data_dir=tmp_path, accept_warnings=True)
    assert len(child.manifest["facts_layers"]) == 2
    cached = _tables(database.load(child))
    database.load(base)
    assert len(_cache_files(child)) == 2  # one file per snapshot
    _drop(child)
    monkeypatch.setenv("KPI_LOAD_CACHE", "off")
    in_memory = _tables(database.load(child))
    for name in TABLES:
        _same(cached[name], in_memory[name])
    figures = cached["facts"].set_index(["unit", "period"])["actual"]
    first = provinces.iloc[0]["unit"]
    assert figures[(first, "2022")] == 5.0 and figures[(first, "2024")] == 7.0 and figures[(first, "2021")] == 3021.0


def test_an_incomplete_or_foreign_cache_file_is_built_again(fresh, demo_dir, tmp_path):
    snapshot = store.get_snapshot_at(str(_copy_of(demo_dir, tmp_path)), store.get_snapshot(None, demo_dir).id)
    expected = _tables(database.load(snapshot))
    [path] = _cache_files(snapshot)
    _drop(snapshot)
    path.write_bytes(b"not a database")  # a file cut short, or not what its name says
    for name, frame in _tables(database.load(snapshot)).items():  # built again: the same bits
        _same(frame, expected[name])
    assert path.stat().st_size > 1000


def test_a_cache_folder_that_cannot_be_written_loads_in_memory(fresh, demo_snapshot, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        folder = tmp_path / "a-file-not-a-folder"
        folder.write_text("x")  # root writes anywhere: a folder that cannot be created instead
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.setenv("KPI_LOAD_CACHE", str(folder / "loaded"))
    con = database.load(demo_snapshot)
    assert con.execute("SELECT count(*) FROM facts").fetchone()[0] == demo_snapshot.manifest["counts"]["facts"]


def test_a_damaged_snapshot_is_refused_even_with_its_cache_file(fresh, demo_dir, tmp_path):
    folder = _copy_of(demo_dir, tmp_path)
    snapshot = store.get_snapshot_at(str(folder), store.get_snapshot(None, demo_dir).id)
    database.load(snapshot)
    _drop(snapshot)
    facts = folder / "facts.parquet"
    payload = bytearray(facts.read_bytes())
    facts.unlink()  # a hard link: the demo's own file stays intact
    payload[len(payload) // 2] ^= 0xFF
    facts.write_bytes(bytes(payload))
    damaged = store.get_snapshot_at(str(folder), snapshot.id)
    store.damage.cache_clear()
    with pytest.raises(store.SnapshotError, match="bị hỏng"):
        database.load(damaged)


def test_only_the_most_recently_opened_cache_files_are_kept(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr(database, "MAX_CACHED", 2)
    snapshots = []
    for i in range(4):
        facts = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": "2021", "actual": float(i)}])
        snapshots.append(store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests",
                                              note=f"{i}", data_dir=tmp_path))
    for i, snapshot in enumerate(snapshots):
        database.load(snapshot)
        [path] = [p for p in _cache_files(snapshot) if database.cache_key(snapshot, database._sources(snapshot, None))
                  in p.name]
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    assert len(_cache_files(snapshots[0])) == 2
    kept = {p.name for p in _cache_files(snapshots[0])}
    for snapshot in snapshots[2:]:
        assert f"{database.cache_key(snapshot, database._sources(snapshot, None))}{database.CACHE_SUFFIX}" in kept


@pytest.mark.unit
def test_arrow_facts_with_dictionary_strings_write_the_same_file_as_a_dataframe(tmp_path):
    frame = pd.DataFrame({
        "indicator": pd.Categorical(["poor_household_rate", "jobs_created", "jobs_created", "jobs_created"]),
        "unit": pd.Categorical(["VN-02", "VN-01", "VN-02", "VN-01"]),
        "period": pd.Categorical(["2021", "2022", "2021", "2021-M06"]),
        "actual": [1.5, 2.0, 3.0, np.nan], "plan": [2.0, np.nan, 4.0, 5.0],
        "numerator": [3.0, np.nan, np.nan, np.nan], "denominator": [200.0, np.nan, np.nan, np.nan],
        "source": pd.Categorical(["Báo cáo", "Báo cáo", None, "Cục Thống kê"]),
        "note": pd.Categorical([None, None, None, None], categories=["-"]),
    })
    units, indicators = build_units(), load_indicators()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    from_arrow = store.write_snapshot(pa.Table.from_pandas(frame, preserve_index=False), units, indicators,
                                      created_by="tests", data_dir=tmp_path / "a")
    from_frame = store.write_snapshot(frame, units, indicators, created_by="tests", data_dir=tmp_path / "b")
    a = pq.read_table(from_arrow.path / "facts.parquet")
    b = pq.read_table(from_frame.path / "facts.parquet")
    assert a.schema.equals(b.schema, check_metadata=True)
    assert a.equals(b)
    keys = list(zip(*(a.column(name).to_pylist() for name in ("period", "indicator", "unit")), strict=True))
    assert keys == sorted(keys) and len(keys) == 4
    assert from_arrow.manifest["counts"] == from_frame.manifest["counts"]


@pytest.mark.slow
def test_the_load_benchmark_runs_every_part_on_a_small_dataset(tmp_path):
    """benchmarks/bench_load_snapshot.py --quick: every part prints its figure and the load average,
    and --json holds them (no timing asserted)."""
    import json
    import subprocess
    import sys

    from kpi.paths import REPO_DIR

    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(REPO_DIR / "benchmarks" / "bench_load_snapshot.py"), "--quick",
                           "--in-memory", "--json", str(out)], cwd=REPO_DIR, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    for part in ("floor: DuckDB read_parquet count", "load from the full file, cold", "reopen (its cache file there)",
                 "load base + 3 deltas, cold", "'as of'", "load from the full file in memory"):
        line = next((row for row in done.stdout.splitlines() if row.startswith(part)), None)
        assert line is not None and "load average" in line, part
    keys = {row["key"] for row in json.loads(out.read_text())["figures"]}
    assert {"load_cold_full_s_x1", "load_cold_full_mb_x1", "load_reopen_s_x1", "load_cold_deltas_s_x1",
            "load_as_of_s_x1", "load_in_memory_s_x1", "load_floor_scan_x1", "load_cache_file_mb_x1"} <= keys
    size = next(row["value"] for row in json.loads(out.read_text())["figures"] if row["key"] == "load_cache_file_mb_x1")
    assert size > 0 and any(row.startswith("cache file: ") for row in done.stdout.splitlines())
