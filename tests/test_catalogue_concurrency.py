"""Many imports at once into one data folder (issue 12, item 1): N real processes (`python -m kpi
import`) and N threads (import_file), N = 2, 5, 10, 20, each importing its own rows; N = 2, 5, 10
processes with the catalogue on PostgreSQL. Every import
that reports success has its rows in the newest snapshot (before the catalogue, 28 of 32 were lost
at 10 at once), and none ends in a traceback."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from kpi import store
from kpi.importing.merge import ImportFailed, import_file
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SIZES = [2, 5, 10, 20]
PG_SIZES = [2, 5, 10]
FIGURES = {}  # (kind, n) -> (attempted, succeeded, landed), printed at the end of the module


def _provinces() -> list[str]:
    """GSO codes of provinces reporting in 2021 and 2022 (the 63-province list)."""
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["63", "both"])]
    start = pd.to_datetime(provinces["valid_from"])
    end = pd.to_datetime(provinces["valid_to"])
    reporting = provinces[(start.isna() | (start <= "2021-01-01")) & (end.isna() | (end >= "2022-12-31"))]
    return sorted(reporting["gso_code"].dropna().unique())


def _data_dir(folder: Path) -> Path:
    base = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": "2020", "actual": 150000.0,
                          "plan": 160000.0, "source": "test"}])
    store.write_snapshot(base, build_units(), load_indicators(), created_by="tests", note="base", data_dir=folder)
    return folder


def _files(folder: Path, n: int) -> list[tuple[Path, dict]]:
    """n files, each with its own two figures (a province's jobs created in 2021 and 2022)."""
    codes = _provinces()
    assert len(codes) >= n
    files = []
    for i in range(n):
        rows = {(codes[i], "2021"): 1000.0 + i, (codes[i], "2022"): 2000.0 + i}
        text = "unit,period,indicator,actual\n" + "".join(f"{u},{p},jobs_created,{int(v)}\n"
                                                         for (u, p), v in rows.items())
        path = folder / f"import_{i:02d}.csv"
        path.write_text(text, encoding="utf-8")
        files.append((path, rows))
    return files


def _landed(data_dir: Path, rows: dict) -> bool:
    facts = store.read_table(store.get_snapshot(None, data_dir), "facts")
    facts = facts[facts["indicator"] == "jobs_created"]
    units = store.read_table(store.get_snapshot(None, data_dir), "units").set_index("unit")["gso_code"]
    by_key = {(units.get(u), p): a for u, p, a in zip(facts["unit"], facts["period"], facts["actual"])}
    return all(by_key.get(key) == value for key, value in rows.items())


@pytest.mark.parametrize("n", SIZES)
def test_imports_in_processes_at_once_all_land(tmp_path, n):
    _processes_at_once(tmp_path, n, "processes")


@pytest.mark.parametrize("n", PG_SIZES)
def test_imports_in_processes_at_once_all_land_on_postgresql(tmp_path, n, pg_catalogue):
    """The same N processes with the catalogue in PostgreSQL (KPI_CATALOGUE, inherited by each)."""
    _processes_at_once(tmp_path, n, "processes on PostgreSQL")


def _processes_at_once(tmp_path: Path, n: int, kind: str) -> None:
    data_dir = _data_dir(tmp_path / "data")
    files = _files(tmp_path, n)
    children = [subprocess.Popen([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), "import", str(path)],
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for path, _rows in files]
    results = [(child, *child.communicate(timeout=600)) for child in children]
    for child, _out, err in results:
        assert "Traceback" not in err, err
        assert child.returncode == 0, err
    landed = [_landed(data_dir, rows) for (_path, rows), (child, _o, _e) in zip(files, results)
              if child.returncode == 0]
    FIGURES[(kind, n)] = (n, sum(c.returncode == 0 for c, _o, _e in results), sum(landed))
    assert all(landed)
    newest = store.get_snapshot(None, data_dir)
    assert newest.state == "approved" and len(store.list_snapshots(data_dir)) == n + 1
    # the chain is linear: each import built on the one before it
    chain = {s.id: s.manifest.get("parent") for s in store.list_snapshots(data_dir)}
    assert len(set(chain.values())) == len(chain)


@pytest.mark.parametrize("n", SIZES)
def test_imports_in_threads_at_once_all_land(tmp_path, n):
    data_dir = _data_dir(tmp_path / "data")
    files = _files(tmp_path, n)
    barrier = threading.Barrier(n)
    outcome: dict[int, object] = {}

    def run(i: int, path: Path) -> None:
        barrier.wait()
        try:
            report, snapshot = import_file(path, data_dir=data_dir)
            outcome[i] = snapshot if snapshot is not None else report
        except ImportFailed as exc:  # a clear refusal, counted as not successful
            outcome[i] = exc
        except Exception as exc:  # noqa: BLE001 - any other exception fails the test below
            outcome[i] = exc

    threads = [threading.Thread(target=run, args=(i, path)) for i, (path, _rows) in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    crashes = [o for o in outcome.values() if isinstance(o, Exception) and not isinstance(o, ImportFailed)]
    assert crashes == []
    succeeded = [i for i, o in outcome.items() if isinstance(o, store.Snapshot)]
    landed = [_landed(data_dir, files[i][1]) for i in succeeded]
    FIGURES[("threads", n)] = (n, len(succeeded), sum(landed))
    assert len(succeeded) == n and all(landed)


def test_zz_report_the_figures(capsys):
    """Prints attempted / succeeded / landed per size (run with -s to see them)."""
    with capsys.disabled():
        for (kind, n), (attempted, succeeded, landed) in sorted(FIGURES.items()):
            print(f"\n{kind:24} N={n:2}: attempted {attempted}, succeeded {succeeded}, landed {landed}")
