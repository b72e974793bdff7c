"""GSO tables (issue 10, items 4 and 6): headers on line 3 with column groups (Total / Male / Female
/ Urban / Rural, or years with sub-columns), the table's unit kept, Hà Tây imported by the date of
its year, and the whole country's and regions' published figures kept and read back beside the
computed ones. The files are GSO-shaped and built here; the real ones are read only when
../shared/reference is present."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from kpi import figures, store
from kpi.cli import main
from kpi.importing.gso import group_year
from kpi.importing.merge import commit_import, prepare_import
from kpi.importing.messages import Refused
from kpi.importing.readers import read_upload
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

TITLE = '\ufeff"Average population by province by Cities, provincies, Average population and Year"\r\n\r\n'
GROUPS = ("Total", "Male", "Female", "Urban", "Rural")
YEARS = ("2005", "2007", "2008", "Prel. 2016")
ROWS = {  # unit -> one value per (group, year); '..' where GSO has none
    " WHOLE COUNTRY": [82392.1, 84218.5, 85118.7, 92695.1],
    "Red River Delta": [18976.7, 19228.8, 19473.7, 21133.8],
    "Ha Noi": [3133.4, 3228.5, 6381.8, 7328.4],
    "Ha Tay": [2702.9, 2773.7, "..", ".."],
    "Vinh Phuc": [1157.0, 1174.1, 993.8, 1066.0],
    "Can Tho": [1149.0, 1172.0, 1180.9, 1257.9],
    "Dak Nong": [423.6, 457.3, 474.4, 605.4],
}


def _value(value, group: int):
    return value if isinstance(value, str) else round(value * (1, 0.49, 0.51, 0.3, 0.7)[group], 1)


def _population_csv(groups=GROUPS) -> bytes:
    """Like GSO's 'Average population by province': title, blank line, header on line 3."""
    header = ['"Cities, provincies"'] + [f'"{g} {y}"' for g in groups for y in YEARS]
    lines = [";".join(header)]
    for unit, values in ROWS.items():
        cells = [_value(v, GROUPS.index(g)) for g in groups for v in values]
        lines.append(";".join([f'"{unit}"'] + [str(c) for c in cells]))
    return (TITLE + "\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in store.FACT_COLUMNS})
    store.write_snapshot(empty, build_units(), load_indicators(), created_by="tests", note="base", data_dir=folder)
    return folder


@pytest.mark.unit
@pytest.mark.parametrize("cell, parsed", [
    ("2015", ("", 2015, False)), ("Prel. 2016", ("", 2016, True)), ("Total 1995", ("Total", 1995, False)),
    ("Total Prel. 2016", ("Total", 2016, True)), ("Total (Thous. pers.) 2005", ("Total (Thous. pers.)", 2005, False)),
    ("Structure (%) Prel. 2016", ("Structure (%)", 2016, True)), ("2005 Male", ("Male", 2005, False)),
    ("Sơ bộ 2020 Nữ", ("Nữ", 2020, True)), ("Cities, provincies", None), ("Total", None), ("2015 2016", None),
])
def test_group_year(cell, parsed):
    assert group_year(cell) == parsed


@pytest.mark.unit
def test_column_groups_on_line_3_read_the_named_group():
    upload = read_upload(_population_csv(), "pop.csv")
    assert upload.kind == "gso" and upload.column_group == "Total"
    got = upload.frame.set_index(["unit", "period"])
    assert got.loc[("Ha Noi", "2008"), "actual"] == "6381.8" and got.loc[("Ha Noi", "2008"), "_column"] == "Total 2008"
    assert got.loc[("Ha Noi", "2016"), "note"] == "Số liệu sơ bộ"
    assert len(upload.frame) == len(ROWS) * len(YEARS)
    assert [p.key for p in upload.notices] == ["imp_gso_group_read"]
    male = read_upload(_population_csv(), "pop.csv", column_group="male").frame.set_index(["unit", "period"])
    assert male.loc[("Ha Noi", "2008"), "actual"] == str(_value(6381.8, 1))
    assert read_upload(_population_csv(), "pop.csv", column_group="Thành thị").column_group == "Urban"
    with pytest.raises(Refused) as refused:
        read_upload(_population_csv(), "pop.csv", column_group="Kinh")
    assert refused.value.phrase.key == "imp_gso_column_group"
    assert "Total, Male, Female, Urban, Rural" in refused.value.phrase.text()
    assert "--column-group" in refused.value.phrase.text("en")


@pytest.mark.unit
def test_year_groups_with_sub_columns():
    """A header of years over merged cells, the sub-columns on the next line (a workbook export)."""
    text = ('"Dân số trung bình phân theo địa phương"\n\n'
            '"Tỉnh, thành phố";"2005";"";"2007";""\n'
            '"";"Tổng số";"Nữ";"Tổng số";"Nữ"\n'
            '"Ha Tay";2702,9;1378,5;2773,7;1414,6\n'
            '"Ha Noi";3133,4;1598,0;3228,5;1646,5\n')
    upload = read_upload(text.encode("utf-8"), "pop.csv", column_group="Tổng số")
    got = upload.frame.set_index(["unit", "period"])
    assert got.loc[("Ha Tay", "2007"), "actual"] == "2773,7" and got.loc[("Ha Tay", "2007"), "_column"] == "2007 Tổng số"
    assert len(upload.frame) == 4
    # 'Total' (the default) is GSO's 'Tổng số'; 'Thành thị' (urban) is not in this table
    assert read_upload(text.encode("utf-8"), "pop.csv").column_group == "Tổng số"
    assert read_upload(text.encode("utf-8"), "pop.csv", column_group="female").column_group == "Nữ"
    with pytest.raises(Refused):
        read_upload(text.encode("utf-8"), "pop.csv", column_group="Urban")


@pytest.mark.query
def test_population_table_imports_as_published_and_reads_back_cell_for_cell(data_dir):
    report = prepare_import([("pop.csv", _population_csv())], indicator="average_population", data_dir=data_dir)
    assert report.ok, [i.text() for i in report.errors]
    facts = report.facts.set_index(["unit", "period"])["actual"]
    assert facts[("VN64-28", "2005")] == 2702.9            # Hà Tây, a unit until 31 July 2008
    assert facts[("VN64-01", "2007")] == 3228.5 and facts[("VN-01", "2008")] == 6381.8
    assert facts[("VN64-26", "2007")] == 1174.1 and facts[("VN63-26", "2008")] == 993.8
    assert facts[("VN", "2005")] == 82392.1 and facts[("R63-RRD", "2016")] == 21133.8   # published, as printed
    assert ("VN64-28", "2008") not in facts.index           # '..' is missing, never zero
    keys = [i.key for i in report.notices]
    assert keys.count("imp_kept_published") == 2 and "imp_skipped_aggregate" not in keys
    snapshot = commit_import(report, note="GSO", data_dir=data_dir)
    units = ["VN", "R63-RRD", "VN64-01", "VN64-28", "VN-01", "VN64-26", "VN63-26", "VN63-92", "VN63-67"]
    frame = figures.figures(snapshot, units, ["2005", "2007", "2008", "2016"], ["average_population"])
    got = frame.set_index(["unit", "period"])
    for unit, values in ROWS.items():
        for year, value in zip(YEARS, values):
            if isinstance(value, str):
                continue
            period = year[-4:]
            key = {" WHOLE COUNTRY": "VN", "Red River Delta": "R63-RRD"}.get(unit)
            if key:   # the published figure is shown as published, never as the sum of a few provinces
                assert got.loc[(key, period), "published"] == value, (unit, year)
                continue
            keys = {"Ha Noi": ("VN64-01" if period < "2008" else "VN-01"), "Ha Tay": "VN64-28",
                    "Vinh Phuc": ("VN64-26" if period < "2008" else "VN63-26"), "Can Tho": "VN63-92",
                    "Dak Nong": "VN63-67"}
            assert got.loc[(keys[unit], period), "actual"] == value, (unit, year)
    assert np.isnan(got.loc[("VN-01", "2008"), "previous"]) and not got.loc[("VN-01", "2008"), "change_comparable"]
    indicator = figures.indicators(snapshot).set_index("code").loc["average_population"]
    assert indicator["unit_of_measure"] == "nghìn người"


@pytest.mark.unit
def test_a_table_stating_another_unit_is_refused(data_dir):
    header = '"Cities, provincies";"Total (Thous. pers.) 2005";"Total (Thous. pers.) 2007";"Structure (%) 2005"\n'
    text = '"Labour force"\n\n' + header + '"Ha Tay";1571,7;1575,2;5,0\n"Ha Noi";1553,1;1653,7;4,9\n'
    report = prepare_import([("lf.csv", text.encode("utf-8"))], indicator="urban_unemployment_rate",
                            data_dir=data_dir)
    assert not report.ok and report.errors[0].key == "imp_gso_unit_mismatch"
    assert "nghìn người" in report.errors[0].text() and report.facts is None
    report = prepare_import([("lf.csv", text.encode("utf-8"))], indicator="labour_force", data_dir=data_dir)
    assert report.ok, [i.text() for i in report.errors]
    assert report.facts.set_index(["unit", "period"]).loc[("VN64-28", "2007"), "actual"] == 1575.2


@pytest.mark.query
def test_employment_share_by_sector_as_a_column_group_of_a_workbook(data_dir):
    book = Workbook()
    sheet = book.active
    sheet.append(["Cơ cấu lao động có việc làm phân theo khu vực kinh tế (%)"])
    sheet.append([])
    sheet.append(["Cities, provincies", "Agriculture, forestry and fishing 2007", "Agriculture, forestry and fishing 2008",
                  "Services 2007", "Services 2008"])
    sheet.append([" WHOLE COUNTRY", 52.9, 52.3, 28.5, 28.9])
    sheet.append(["Ha Tay", 61.2, None, 20.1, None])
    sheet.append(["Ha Noi", 20.5, 35.1, 55.0, 42.2])
    buffer = io.BytesIO()
    book.save(buffer)
    report = prepare_import([("share.xlsx", buffer.getvalue())], indicator="employment_share_agriculture",
                            column_group="agriculture, forestry and fishing", data_dir=data_dir)
    assert report.ok, [i.text() for i in report.errors]
    snapshot = commit_import(report, note="GSO", data_dir=data_dir)
    frame = figures.figures(snapshot, ["VN", "VN64-28", "VN-01"], ["2007", "2008"], ["employment_share_agriculture"])
    got = frame.set_index(["unit", "period"])
    assert got.loc[("VN64-28", "2007"), "actual"] == 61.2 and got.loc[("VN-01", "2008"), "actual"] == 35.1
    # a rate over the provinces needs numerators and denominators: the computed one is missing, the published shown
    assert np.isnan(got.loc[("VN", "2008"), "actual"]) and got.loc[("VN", "2008"), "published"] == 52.3


@pytest.mark.slow
def test_command_line_column_group_and_published_facts(data_dir, tmp_path, capsys):
    path = tmp_path / "Average population by province.csv"
    path.write_bytes(_population_csv())
    assert main(["--data-dir", str(data_dir), "import", str(path), "--indicator", "average_population",
                 "--column-group", "Female"]) == 0
    out = capsys.readouterr().out
    assert "'Female'" in out
    assert main(["--data-dir", str(data_dir), "facts", "--unit", "Ha Tay", "--period", "2005", "--format", "json"]) == 0
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["average_population"]["unit"] == "VN64-28"
    assert rows["average_population"]["actual"] == _value(2702.9, 2)
    assert main(["--data-dir", str(data_dir), "facts", "--unit", "Cả nước", "--period", "2005", "--format", "json"]) == 0
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["average_population"]["published"] == _value(82392.1, 2)
    assert rows["average_population"]["complete"] is False   # 6 of 64 provinces in this small table


@pytest.mark.query
def test_reference_poverty_table_keeps_the_published_national_rate(reference_dir, data_dir):
    path = reference_dir / "gso" / "poverty_rate_by_province.csv"
    report = prepare_import([(path.name, path.read_bytes())], indicator="poor_household_rate", data_dir=data_dir)
    assert report.ok, [i.text() for i in report.errors]
    snapshot = commit_import(report, note="GSO", data_dir=data_dir)
    frame = figures.figures(snapshot, ["VN", "R63-RRD", "VN64-28"], ["2006", "2016"], ["poor_household_rate"])
    got = frame.set_index(["unit", "period"])
    assert got.loc[("VN", "2006"), "published"] == 15.5 and got.loc[("VN", "2016"), "published"] == 5.8
    assert got.loc[("R63-RRD", "2006"), "published"] == 10.0
    assert np.isnan(got.loc[("VN", "2006"), "actual"])      # no numerators: no honest ratio of sums
    assert got.loc[("VN64-28", "2006"), "actual"] == 12.4
