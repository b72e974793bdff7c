"""Maps: tile layouts, boundary files matched by name, colours by direction, missing data, pages."""
import json
import unicodedata

import numpy as np
import pandas as pd
import pytest
from conftest import run_page

from kpi.charts import maps
from kpi.figures import figures, shared_tables
from kpi.screens.domains import domain_view, map_view
from kpi.store.indicators import load_indicators
from kpi.units import boundaries
from kpi.units.names import units_of_geography
from kpi.units.table import build_units

DOMAIN_PAGES = ["domain:employment", "domain:training", "domain:poverty",
                "domain:merit", "domain:social"]


# --- tile grids ---------------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("geography", [34, 63])
def test_tile_grid_covers_exactly_the_provinces_without_overlap(geography):
    grid = maps.load_tilegrid(geography)
    provinces = units_of_geography(build_units(), geography, levels=("province",))
    assert len(grid) == geography
    assert set(grid["unit"]) == set(provinces)
    assert grid["unit"].is_unique
    assert maps.tile_overlaps(geography) == []
    assert not grid[["row", "col"]].duplicated().any()
    assert grid["label"].str.len().between(2, 10).all()


@pytest.mark.unit
@pytest.mark.parametrize("geography", [34, 63])
def test_tiles_sit_roughly_where_the_provinces_are(geography):
    grid = maps.load_tilegrid(geography).join(build_units().set_index("unit")[["lat", "lon"]], on="unit")
    def spearman(a, b):
        return a.rank().corr(b.rank())
    assert spearman(grid["row"], -grid["lat"]) > 0.95   # north at the top
    # west-east only within a band of latitude (the country bends): the north and the Mekong delta
    for band in (grid[grid["lat"] > 20.5], grid[grid["lat"] < 11]):
        assert spearman(band["col"], band["lon"]) > 0.6


@pytest.mark.unit
def test_overlap_is_detected(monkeypatch, tmp_path):
    bad = pd.DataFrame({"unit": ["A", "B", "C"], "row": [0, 0, 1], "col": [1, 1, 1], "label": ["a", "b", "c"]})
    (tmp_path / "tilegrid_34.csv").write_text(bad.to_csv(index=False), encoding="utf-8")
    monkeypatch.setattr(maps, "CATALOGUE_DIR", tmp_path)
    maps.load_tilegrid.cache_clear()
    try:
        assert maps.tile_overlaps(34) == [(0, 1)]
    finally:
        maps.load_tilegrid.cache_clear()


# --- boundary files -----------------------------------------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("geography", [34, 63])
def test_reference_topojson_matches_every_province_by_name(reference_dir, geography):
    path = reference_dir / "geo" / f"vn{geography}_provinces.topo.json"
    features = boundaries.load_boundaries(path)
    match = boundaries.match_provinces(features, build_units(), geography)
    assert len(features) == geography
    assert match.unmatched_features == [] and match.unmatched_units == []
    assert match.complete and len(set(match.units)) == geography
    by_name = dict(zip([f.name for f in features], match.units))
    assert by_name["Khánh Hoà"] == ("VN34-56" if geography == 34 else "VN63-56")  # old accent placement
    assert by_name["TP HCM"] == ("VN34-79" if geography == 34 else "VN63-79")
    assert by_name["Lào Cai"] == ("VN34-15" if geography == 34 else "VN63-10")   # the code-reuse trap


@pytest.mark.unit
def test_reference_topojson_decodes_to_vietnam(reference_dir):
    features = boundaries.load_boundaries(reference_dir / "geo" / "vn34_provinces.topo.json")
    points = np.vstack([r for f in features for p in f.polygons for r in p])
    assert points[:, 0].min() == pytest.approx(102.14, abs=0.05)    # westernmost: Điện Biên
    assert points[:, 1].max() == pytest.approx(23.39, abs=0.05)     # northernmost: Hà Giang (Lũng Cú)
    hanoi = next(f for f in features if f.name == "TP Hà Nội")
    outer = hanoi.polygons[0][0]
    assert np.allclose(outer[0], outer[-1])                           # rings close
    assert 105.2 < outer[:, 0].mean() < 106.1 and 20.6 < outer[:, 1].mean() < 21.4


def _square_topology():
    """Two unit squares side by side sharing one arc, quantized (delta-encoded)."""
    return {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [100.0, 10.0]},
        "arcs": [
            [[1, 0], [0, 1]],                       # shared edge x=1, from y=0 to y=1
            [[1, 1], [-1, 0], [0, -1], [1, 0]],     # left square, the rest
            [[1, 0], [1, 0], [0, 1], [-1, 0]],      # right square, the rest
        ],
        "objects": {"p": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"ten_tinh": "Tỉnh Bến Tre"}},
            {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"ten_tinh": "Trà Vinh"}},
        ]}},
    }


@pytest.mark.unit
def test_topojson_decoding_by_hand(tmp_path):
    path = tmp_path / "two.topo.json"
    path.write_text(json.dumps(_square_topology()), encoding="utf-8")
    left, right = boundaries.load_boundaries(path, tolerance=0)
    assert left.polygons[0][0].tolist() == [[101, 10], [101, 11], [100, 11], [100, 10], [101, 10]]
    assert right.polygons[0][0].tolist() == [[101, 10], [102, 10], [102, 11], [101, 11], [101, 10]]
    assert left.area == pytest.approx(1.0) and right.area == pytest.approx(1.0)


@pytest.mark.unit
def test_geojson_names_are_normalised_and_unmatched_ones_reported(tmp_path):
    def square(x):
        return {"type": "Polygon", "coordinates": [[[x, 10], [x + 1, 10], [x + 1, 11], [x, 11], [x, 10]]]}
    names = [unicodedata.normalize("NFD", "Khánh Hoà"), "TP HCM", "Thanh Hoá", "Atlantis"]
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten_tinh": n}, "geometry": square(i)} for i, n in enumerate(names)]}
    path = tmp_path / "four.geojson"
    path.write_text(json.dumps(geo, ensure_ascii=False), encoding="utf-8")
    match = boundaries.match_provinces(boundaries.load_boundaries(path), build_units(), 34)
    assert match.units == ["VN34-56", "VN34-79", "VN-38", None]
    assert match.unmatched_features == ["Atlantis"]
    assert len(match.unmatched_units) == 31 and "VN-01" in match.unmatched_units


@pytest.mark.unit
def test_boundary_file_is_configured_by_environment_or_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KPI_BOUNDARIES_34", raising=False)
    assert boundaries.boundary_file(34, tmp_path) is None
    (tmp_path / "boundaries").mkdir()
    dropped = tmp_path / "boundaries" / "vn34_provinces.geojson"
    dropped.write_text("{}", encoding="utf-8")
    assert boundaries.boundary_file(34, tmp_path) == dropped
    assert boundaries.boundary_file(63, tmp_path) is None
    configured = tmp_path / "elsewhere.topo.json"
    configured.write_text("{}", encoding="utf-8")
    monkeypatch.setenv("KPI_BOUNDARIES_34", str(configured))
    assert boundaries.boundary_file(34, tmp_path) == configured


@pytest.mark.unit
def test_simplify_keeps_the_ends_and_the_shape():
    line = np.column_stack([np.linspace(0, 1, 101), np.zeros(101)])
    line[50, 1] = 0.5
    kept = boundaries.simplify(line, 0.01)
    assert kept[0].tolist() == [0, 0] and kept[-1].tolist() == [1, 0]
    assert kept.tolist() == [[0, 0], [0.49, 0], [0.5, 0.5], [0.51, 0], [1, 0]]  # the spike and its feet


# --- colours and missing data -------------------------------------------------------------------

@pytest.mark.unit
def test_better_is_always_the_dark_end():
    darkest = maps.VIRIDIS[0]
    assert maps.colour_scale(+1)[-1] == darkest and maps.colour_scale(-1)[0] == darkest
    best_high = maps.colour_of(10, 0, 10, +1)   # higher is better: the highest value
    best_low = maps.colour_of(0, 0, 10, -1)     # lower is better: the lowest value
    worst_high = maps.colour_of(0, 0, 10, +1)
    assert best_high == best_low != worst_high
    assert best_high == maps.colour_of(1, 0, 1, +1)


def _values(demo_snapshot, geography, period, indicator):
    units, catalogue = build_units(), load_indicators()
    provinces = units_of_geography(units, geography, levels=("province",))
    frame = figures(demo_snapshot, provinces, [period], [indicator])
    return maps.map_values(frame, units, geography, indicator, catalogue), units


@pytest.mark.query
def test_poverty_map_darkest_where_poverty_is_lowest(demo_snapshot):
    values, units = _values(demo_snapshot, 34, "2025", "poor_household_rate")
    fig = maps.tile_grid(values, units, 34)
    frame = values.frame
    lowest = frame.loc[frame["value"].idxmin(), "unit"]
    colours = {tr.name: tr.fillcolor for tr in fig.data if tr.fill == "toself"}
    fills = [tr.fillcolor for tr in fig.data if tr.fill == "toself"]
    order = list(maps.load_tilegrid(34)["unit"])
    assert fills[order.index(lowest)] == maps.colour_of(frame["value"].min(), frame["value"].min(),
                                                          frame["value"].max(), -1)
    assert fills[order.index(lowest)] == "rgb(68, 1, 84)"  # viridis' dark end
    assert colours  # tiles were drawn


@pytest.mark.query
def test_missing_is_grey_and_labelled_never_zero(demo_snapshot):
    values, units = _values(demo_snapshot, 63, "2025-M09", "jobs_created")  # former provinces after the merger
    frame = values.frame.set_index("unit")
    assert frame.loc["VN63-83", "state"] == "not_comparable" and np.isnan(frame.loc["VN63-83", "value"])
    assert frame.loc["VN63-83", "text"] == "–"
    assert frame.loc["VN-01", "state"] == "ok"
    for figure in (maps.tile_grid(values, units, 63), maps.bubbles(values, units)):
        legend = {tr.name for tr in figure.data if tr.showlegend is not False and tr.name}
        assert "Không so sánh được" in legend
    fig = maps.tile_grid(values, units, 63)
    grey = [tr for tr in fig.data if tr.fill == "toself" and tr.fillcolor == maps.STATE_STYLE["not_comparable"][0]]
    assert len(grey) == (values.frame["state"] == "not_comparable").sum() > 40


@pytest.mark.query
def test_missing_figure_shows_missing(demo_snapshot):
    units, catalogue = build_units(), load_indicators()
    provinces = units_of_geography(units, 34, levels=("province",))
    frame = figures(demo_snapshot, provinces, ["2025"], ["jobs_created"])
    frame.loc[frame["unit"] == "VN-01", ["actual", "complete", "verdict"]] = [np.nan, False, "missing"]
    values = maps.map_values(frame, units, 34, "jobs_created", catalogue)
    row = values.frame.set_index("unit").loc["VN-01"]
    assert row["state"] == "missing" and row["text"] == "–" and "Chưa có số liệu" in row["hover"]
    fig = maps.tile_grid(values, units, 34)
    assert "Chưa có số liệu" in {tr.name for tr in fig.data if tr.showlegend}


@pytest.mark.query
@pytest.mark.parametrize("geography", [34, 63])
def test_maps_are_plain_cartesian_figures_without_urls(demo_snapshot, reference_dir, geography):
    """Offline by construction: no geo/mapbox traces (plotly.js would fetch outlines or tiles)."""
    values, units = _values(demo_snapshot, geography, "2023", "jobs_created")
    features = boundaries.load_boundaries(reference_dir / "geo" / f"vn{geography}_provinces.topo.json")
    match = boundaries.match_provinces(features, units, geography)
    for fig in (maps.tile_grid(values, units, geography), maps.bubbles(values, units, outline=features),
                maps.choropleth(values, features, match)):
        assert {tr.type for tr in fig.data} == {"scatter"}
        text = fig.to_json()
        assert "http" not in text and "mapbox" not in text


# --- pages --------------------------------------------------------------------------------------

@pytest.mark.page
@pytest.mark.parametrize("page", DOMAIN_PAGES)
def test_domain_page_renders_on_demo(page, demo_dir):
    at = run_page(page, demo_dir, {"unit": "VN34-86", "geo": "34"})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1 and "Vĩnh Long" in at.title[0].value
    assert len(at.dataframe) == 1


@pytest.mark.page
@pytest.mark.parametrize("kind", ["tiles", "bubbles", "choropleth"])
def test_every_map_kind_on_a_page(kind, demo_dir, reference_dir, monkeypatch):
    monkeypatch.setenv("KPI_BOUNDARIES_63", str(reference_dir / "geo" / "vn63_provinces.topo.json"))
    at = run_page("domain:poverty", demo_dir, {"geo": "63", "unit": "VN63-83", "period": "2020", "map": kind})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning or all("Dữ liệu minh họa" in w.value for w in at.warning)  # nothing left unmatched


@pytest.mark.page
def test_choropleth_without_boundaries_says_how_to_configure(demo_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_BOUNDARIES_34", str(tmp_path / "absent.topo.json"))
    at = run_page("domain:employment", demo_dir, {"map": "choropleth"})
    assert not at.exception
    assert any("KPI_BOUNDARIES_34" in i.value.replace("\\", "") for i in at.info)


@pytest.mark.page
def test_domain_page_in_english(demo_dir):
    at = run_page("domain:merit", demo_dir, {"lang": "en", "unit": "VN-01"})
    assert not at.exception
    assert at.title[0].value.startswith("People with meritorious service")


@pytest.mark.page
def test_ben_tre_2020_on_the_employment_page(demo_dir):
    at = run_page("domain:employment", demo_dir, {"geo": "63", "unit": "VN63-83", "period": "2020"})
    assert not at.exception
    table = at.dataframe[0].value.set_index("Chỉ tiêu")
    assert table.loc["Giải quyết việc làm", "Thực hiện"] == "18.382"
    assert table.loc["Giải quyết việc làm", "% so với KH"] == "102,1%"
    assert table.loc["Giải quyết việc làm", "Đánh giá"] == "Vượt"
    assert table.loc["Tỷ lệ thất nghiệp khu vực thành thị", "Đánh giá"] == "Đạt"
    assert table.loc["Giải quyết việc làm", "Hạng cả nước"].split(" ")[0].endswith("/63")
    assert table.loc["Giải quyết việc làm", "Hạng trong vùng"].split(" ")[0].endswith("/13")


@pytest.mark.unit
def test_map_highlight_of_a_province_and_a_region():
    from kpi.screens.domains import map_highlight
    units = build_units()
    assert map_highlight(units, "VN34-92", 34) == ["VN34-92"]
    assert set(map_highlight(units, "R34-MRD", 34)) == {"VN34-82", "VN34-86", "VN34-91", "VN34-92", "VN34-96"}
    assert len(map_highlight(units, "R63-MRD", 63)) == 13
    assert map_highlight(units, "VN", 34) == []


@pytest.mark.query
def test_the_views_of_one_period_share_the_provinces_rows_and_the_map_values(demo_snapshot):
    units, catalogue = shared_tables(demo_snapshot)
    views = [domain_view(demo_snapshot, units, catalogue, "employment", unit, "2025", 34, "vi")
             for unit in ("VN34-86", "VN34-01")]
    assert views[0].peers is views[1].peers  # one object for the period: what is drawn from it is shared
    shown = [map_view(view, units, catalogue, 34, "jobs_created", "tiles", unit, "vi")
             for view, unit in zip(views, ("VN34-86", "VN34-01"))]
    assert shown[0].values is shown[1].values and shown[0].highlight != shown[1].highlight
    other = domain_view(demo_snapshot, units, catalogue, "employment", "VN34-86", "2024", 34, "vi")
    assert other.peers is not views[0].peers and set(other.peers["period"]) == {"2024"}


@pytest.mark.query
def test_a_units_tile_map_outlines_only_its_tiles_over_the_shared_tiles(demo_snapshot):
    units, catalogue = shared_tables(demo_snapshot)
    view = domain_view(demo_snapshot, units, catalogue, "employment", "VN34-86", "2025", 34, "vi")
    values = map_view(view, units, catalogue, 34, "jobs_created", "tiles", "VN34-86", "vi").values
    plain = maps.tile_grid(values, units, 34)
    one = maps.tile_grid(values, units, 34, ["VN34-86"])
    region = maps.tile_grid(values, units, 34, ["VN34-82", "VN34-86", "VN34-91"])
    order = list(values.frame["unit"])
    tiles = [tr for tr in one.data if tr.fill == "toself"]
    assert len(tiles) == len(order) and [tr.line.width for tr in tiles] == [1] * len(order)
    outline = [tr for tr in one.data if tr.line.width == 5]
    assert len(outline) == 1 and len(plain.data) == len(one.data) - 1
    corners = tiles[order.index("VN34-86")]
    assert list(outline[0].x) == list(corners.x) + [None] and list(outline[0].y) == list(corners.y) + [None]
    outlines = [tr for tr in region.data if tr.line.width == 5][0]
    assert sum(x is None for x in outlines.x) == 3
    # drawn over the tiles and under their labels (the text trace comes after)
    assert region.data.index(outlines) == len(order) and region.data[len(order) + 1].mode == "text"
    one.update_traces(fillcolor="blue")  # a figure changed by its caller leaves the shared tiles alone
    assert maps.tile_grid(values, units, 34, ["VN34-86"]).data[0].fillcolor != "blue"


@pytest.mark.query
def test_a_focus_indicators_trend_is_the_domain_trends_rows_of_it(demo_snapshot):
    from kpi.figures import available_periods
    from kpi.screens.domains import domain_trend, indicator_trend

    units, catalogue = shared_tables(demo_snapshot)
    periods = available_periods(demo_snapshot)
    compared = 0
    for unit, period in (("VN34-86", "2025"), ("VN34-01", "2025-M09"), ("VN", "2024")):
        view = domain_view(demo_snapshot, units, catalogue, "employment", unit, period, 34, "vi")
        within = domain_trend(demo_snapshot, units, unit, periods, period, view.focus, geography=34, lang="vi")
        for indicator in view.focus:
            narrowed = indicator_trend(demo_snapshot, units, catalogue, unit, periods, period, indicator, 34, "vi",
                                       within=within)
            alone = indicator_trend(demo_snapshot, units, catalogue, unit, periods, period, indicator, 34, "vi")
            assert narrowed.title == alone.title and narrowed.notes == alone.notes and narrowed.rate == alone.rate
            a, b = narrowed.trend.frame, alone.trend.frame
            assert list(a.columns) == list(b.columns) and len(a) == len(b)
            compared += len(a)
            for column in a.columns:  # a text column with nothing in it may be None or NaN: both missing
                assert (a[column].isna().to_numpy() == b[column].isna().to_numpy()).all(), column
                assert list(a[column].dropna()) == list(b[column].dropna()), column
            assert narrowed.trend.not_comparable == alone.trend.not_comparable
            if not narrowed.rate and len(a):
                assert narrowed.trend is not alone.trend  # taken from the focus trend, not queried again
    assert compared > 20
