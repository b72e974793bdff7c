"""The Dữ liệu page (issue 10): the column group of GSO tables chosen beside the decimal mark, shown
only when an uploaded table has column groups, and the indicator catalogue in its own tab."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import run_page
from test_gso_tables import _population_csv, _value
from test_published import _share_xlsx

from kpi import store
from kpi.importing.merge import prepare_import
from kpi.screens import data as view
from kpi.store.indicators import load_indicators
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.units.table import build_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def base_dir(tmp_path):
    folder = tmp_path / "data"
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in store.FACT_COLUMNS})
    store.write_snapshot(empty, build_units(), load_indicators(), created_by="tests", note="base", data_dir=folder)
    return folder


def _new_values(at) -> pd.DataFrame:
    """The preview of the changes: (unit, period) -> new actual, as displayed."""
    new = f"{t('actual', 'vi')} ({t('imp_new', 'vi')})"
    preview = next(d.value for d in at.main.dataframe if new in d.value.columns)
    return preview.set_index([t("unit", "vi"), t("period", "vi")])[new]


@pytest.mark.unit
def test_column_group_choices_and_upload_key(base_dir):
    report = prepare_import([("pop.csv", _population_csv())], indicator="average_population", data_dir=base_dir)
    assert report.files[0]["column_group"] == "Total"
    assert view.column_group_choices(report) == ["", "Male", "Female", "Urban", "Rural"]
    assert view.column_group_label("", "vi") == "Tổng số (mặc định)" and view.column_group_label("Male") == "Male"
    # a table lacking the default group: its groups are still offered (the refusal names them too)
    refused = prepare_import([("share.xlsx", _share_xlsx())], indicator="employment_share_agriculture",
                             data_dir=base_dir)
    assert refused.errors[0].key == "imp_gso_column_group"
    assert view.column_group_choices(refused) == ["", "Agriculture, forestry and fishing", "Services"]
    plain = prepare_import([("pop.csv", _population_csv(groups=("Total",)).replace(b"Total ", b""))],
                           indicator="average_population", data_dir=base_dir)
    assert plain.ok and view.column_group_choices(plain) == []   # no groups: no choice shown
    files = [("pop.csv", _population_csv())]
    assert view.upload_key(files, "x", "", None) != view.upload_key(files, "x", "", None, "Female")


@pytest.mark.page
def test_page_offers_the_column_group_beside_the_decimal_mark(base_dir):
    at = run_page("pages/data.py", base_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert "imp_column_group" not in [s.key for s in at.selectbox]   # nothing uploaded: no choice
    at.selectbox(key="imp_indicator").set_value("average_population").run()
    at.file_uploader[0].set_value(("pop.csv", _population_csv(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    group = at.selectbox(key="imp_column_group")
    assert group.options == ["Tổng số (mặc định)", "Male", "Female", "Urban", "Rural"]
    assert group.value == ""
    assert _new_values(at)[("Hà Nội", "Năm 2008")] == "6.381,8"        # Total read by default
    group.set_value("Female").run()
    assert not at.exception, [e.value for e in at.exception]
    female = _value(6381.8, 2)
    assert _new_values(at)[("Hà Nội", "Năm 2008")] == fmt.number(female, 1, "vi") == "3.254,7"
    at.button(key="imp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    facts = store.read_table(store.get_snapshot(None, base_dir), "facts").set_index(["unit", "period"])
    assert facts.loc[("VN-01", "2008"), "actual"] == female      # the group chosen was written


@pytest.mark.page
def test_page_a_table_without_the_default_group_is_refused_then_chosen(base_dir):
    at = run_page("pages/data.py", base_dir)
    at.selectbox(key="imp_indicator").set_value("employment_share_agriculture").run()
    at.file_uploader[0].set_value(("share.xlsx", _share_xlsx(), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.main.error   # the default group (Total) is not in the table
    at.selectbox(key="imp_column_group").set_value("Agriculture, forestry and fishing").run()
    assert not at.exception and not at.main.error
    assert _new_values(at)[("Cả nước", "Năm 2008")] == "52,3"


@pytest.mark.page
def test_page_shows_no_group_choice_for_a_plain_import_file(base_dir):
    at = run_page("pages/data.py", base_dir)
    rows = "unit,period,indicator,actual\nBến Tre,2020,jobs_created,18382\n".encode()
    at.file_uploader[0].set_value(("tot.csv", rows, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "imp_column_group" not in [s.key for s in at.selectbox]


@pytest.mark.page
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_catalogue_tab(base_dir, lang):
    at = run_page("pages/data.py", base_dir, {"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert t("imp_tab_catalogue", lang) in [tab.label for tab in at.tabs]
    table = next(d.value for d in at.dataframe if t("cat_code", lang) in d.value.columns)
    catalogue = load_indicators()
    assert len(table) == len(catalogue) and set(table[t("cat_code", lang)]) == set(catalogue["code"])
    assert list(table.columns) == [t(k, lang) for k in ("cat_code", "indicator", "domain", "uom", "cat_direction",
                                                        "cat_aggregation", "cat_agency", "cat_definition")]
    row = table.set_index(t("cat_code", lang)).loc["poor_household_rate"]
    assert row[t("cat_direction", lang)] == t("cat_direction_down", lang)
    assert row[t("cat_aggregation", lang)] == t("cat_aggregation_ratio", lang)
    assert any(str(len(catalogue)) in c.value for c in at.caption)
