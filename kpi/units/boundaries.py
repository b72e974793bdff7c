"""Province boundary files (GeoJSON or TopoJSON) for the choropleth map, read offline.

Nothing here fetches anything: a boundary file is configured per geography with the
environment variable KPI_BOUNDARIES_34 / KPI_BOUNDARIES_63, or dropped into
<data folder>/boundaries/ as vn34_provinces.topo.json (or .geojson / .json), likewise vn63.
Provinces are joined to units by NAME, never by a code in the file (the codes of public
boundary files are rarely GSO codes), in the generation the file describes.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.paths import data_dir as default_data_dir
from kpi.units.resolve import UnitError, resolve_unit

NAME_PROPERTIES = ("ten_tinh", "name_vi", "ten", "tinh", "name", "NAME_1", "province", "Province")
SUFFIXES = (".topo.json", ".topojson", ".geojson", ".json")
SIMPLIFY_DEGREES = 0.004  # about 400 m: invisible at the size a province map is drawn


@dataclass
class BoundaryFeature:
    name: str
    properties: dict
    polygons: list[list[np.ndarray]]  # each polygon: outer ring, then holes; arrays of (lon, lat)

    @property
    def area(self) -> float:
        return sum(abs(_ring_area(p[0])) for p in self.polygons if len(p))


@dataclass
class BoundaryMatch:
    units: list[str | None]                  # the unit of each feature (None when no name fits)
    unmatched_features: list[str] = field(default_factory=list)  # names in the file that fit no province
    unmatched_units: list[str] = field(default_factory=list)     # provinces of the geography with no shape

    @property
    def complete(self) -> bool:
        return not self.unmatched_features and not self.unmatched_units


def boundary_file(geography: int, data_dir: str | os.PathLike | None = None) -> Path | None:
    """The configured boundary file of the 34- or 63-province geography, or None."""
    configured = os.environ.get(f"KPI_BOUNDARIES_{geography}")
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    folder = default_data_dir(data_dir) / "boundaries"
    for suffix in SUFFIXES:
        path = folder / f"vn{geography}_provinces{suffix}"
        if path.is_file():
            return path
    return None


def attribution() -> str:
    """Credit line of the configured boundaries (KPI_BOUNDARIES_ATTRIBUTION), shown under the map."""
    return os.environ.get("KPI_BOUNDARIES_ATTRIBUTION", "").strip()


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def simplify(points: np.ndarray, tolerance: float = SIMPLIFY_DEGREES) -> np.ndarray:
    """Douglas-Peucker, keeping both ends (so TopoJSON arcs shared by two provinces stay shared)."""
    if len(points) < 3 or tolerance <= 0:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        a, b = points[start], points[end]
        segment = points[start + 1:end]
        direction = b - a
        length = float(np.hypot(*direction))
        if length == 0:
            distances = np.hypot(*(segment - a).T)
        else:
            distances = np.abs(direction[0] * (segment[:, 1] - a[1]) - direction[1] * (segment[:, 0] - a[0])) / length
        index = int(np.argmax(distances))
        if distances[index] > tolerance:
            middle = start + 1 + index
            keep[middle] = True
            stack.extend([(start, middle), (middle, end)])
    return points[keep]


def _name_of(properties: dict) -> str:
    for key in NAME_PROPERTIES:
        if properties.get(key):
            return str(properties[key])
    return ""


def _topojson_features(topo: dict, tolerance: float) -> list[BoundaryFeature]:
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        points = np.asarray(arc, dtype=float)[:, :2]
        if transform:  # quantized: delta-encoded integers
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(simplify(points, tolerance))

    def ring(arc_ids: list[int]) -> np.ndarray:
        parts = []
        for i in arc_ids:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(points if not parts else points[1:])
        return np.vstack(parts)

    features = []
    for obj in topo["objects"].values():
        geometries = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
        for geometry in geometries:
            if geometry.get("type") == "Polygon":
                polygons = [[ring(r) for r in geometry["arcs"]]]
            elif geometry.get("type") == "MultiPolygon":
                polygons = [[ring(r) for r in polygon] for polygon in geometry["arcs"]]
            else:
                continue
            properties = geometry.get("properties") or {}
            features.append(BoundaryFeature(_name_of(properties), properties, polygons))
    return features


def _geojson_features(geo: dict, tolerance: float) -> list[BoundaryFeature]:
    features = []
    for feature in geo.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            raw = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            raw = geometry["coordinates"]
        else:
            continue
        polygons = [[simplify(np.asarray(r, dtype=float)[:, :2], tolerance) for r in polygon] for polygon in raw]
        properties = feature.get("properties") or {}
        features.append(BoundaryFeature(_name_of(properties), properties, polygons))
    return features


@lru_cache(maxsize=4)
def _load(path: str, mtime: float, tolerance: float) -> tuple[BoundaryFeature, ...]:
    document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    if document.get("type") == "Topology":
        return tuple(_topojson_features(document, tolerance))
    if document.get("type") == "FeatureCollection":
        return tuple(_geojson_features(document, tolerance))
    raise ValueError(f"{path}: không phải GeoJSON (FeatureCollection) hay TopoJSON (Topology)")


def load_boundaries(path: str | os.PathLike, tolerance: float = SIMPLIFY_DEGREES) -> list[BoundaryFeature]:
    """Province shapes from a GeoJSON or TopoJSON file (cached per file version)."""
    path = Path(path)
    return list(_load(str(path), path.stat().st_mtime, tolerance))


def match_provinces(features: list[BoundaryFeature], units: pd.DataFrame, geography: int) -> BoundaryMatch:
    """Join shapes to the provinces of a geography by name.

    Names are compared without diacritics, case, 'TP'/'Tỉnh' prefixes or Unicode form (so 'Khánh Hoà'
    with the old accent placement is 'Khánh Hòa', 'TP HCM' is Hồ Chí Minh), through kpi.resolve.
    """
    provinces = units[(units["level"] == "province") & units["generation"].isin([str(geography), "both"])]
    wanted = set(provinces["unit"])
    matched: list[str | None] = []
    for feature in features:
        try:
            unit = resolve_unit(feature.name, units, geography=geography) if feature.name else None
        except UnitError:
            unit = None
        matched.append(unit if unit in wanted else None)
    taken = [u for u in matched if u]
    unmatched_features = [f.name or "(không tên)" for f, u in zip(features, matched) if u is None]
    # two shapes claiming one province means one of them is wrong: report the later ones
    seen: set[str] = set()
    for i, unit in enumerate(matched):
        if unit in seen:
            unmatched_features.append(features[i].name)
            matched[i] = None
        elif unit:
            seen.add(unit)
    unmatched_units = sorted(wanted - set(taken))
    return BoundaryMatch(matched, unmatched_features, unmatched_units)
