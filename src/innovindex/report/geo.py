"""World country geometry for the maps, bundled so that nothing is fetched at view time.

Plotly's own choropleth fetches its country outlines from a CDN when the page is opened,
which an offline report cannot do. The geometry here is Natural Earth's 1:110m Admin 0
countries as redistributed by the npm package world-atlas 2.0.2 (TopoJSON, ids are ISO 3166-1
numeric codes), shipped in ``assets/``. It is decoded once to GeoJSON whose feature ``id`` is
the ISO3 code, for ``plotly.graph_objects.Choropleth(geojson=..., featureidkey="id")``.

Plotly.js looks up a string ``geojson`` and its base-map topology in
``window.PlotlyGeoAssets`` before fetching anything, so :func:`geo_assets_js` preloads both:
the countries under :data:`GEO_KEY` (once per page, however many maps) and an empty base map
(every base layer is switched off), so plotly.js never requests ``world_110m.json``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["GEO_KEY", "SOURCE", "geo_assets_js", "iso3_codes", "world_geojson"]

SOURCE = "Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas 2.0.2"

# The name under which the page preloads the geometry for Plotly (``geojson=GEO_KEY``).
GEO_KEY = "innovindex-world-110m"

# Features without an ISO numeric code in Natural Earth, by name.
_UNCODED = {"Kosovo": "XKX", "N. Cyprus": None, "Somaliland": None}


def _decode_arcs(topo: dict[str, Any]) -> list[list[list[float]]]:
    """Absolute lon/lat arcs from the quantised, delta-encoded TopoJSON arcs."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append([round(x * sx + tx, 4), round(y * sy + ty, 4)])
        arcs.append(pts)
    return arcs


def _ring(arcs: list[list[list[float]]], refs: list[int]) -> list[list[float]]:
    """One closed ring from arc references (``~i`` = arc ``i`` reversed), per the spec."""
    out: list[list[float]] = []
    for i in refs:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts[1:] if out else pts)
    return out


@lru_cache(maxsize=1)
def world_geojson() -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the world's countries, ``id`` = ISO3, ``properties.name``."""
    text = resources.files(__package__).joinpath("assets/countries-110m.json").read_text("utf-8")
    topo = json.loads(text)
    arcs = _decode_arcs(topo)
    geoms = topo["objects"]["countries"]["geometries"]
    by_numeric = _iso_numeric_to_iso3()
    iso3 = [by_numeric.get(int(g["id"])) if g.get("id") else None for g in geoms]
    features = []
    for g, code in zip(geoms, iso3, strict=True):
        name = g.get("properties", {}).get("name", "")
        code = _UNCODED.get(name, code) if not g.get("id") else code
        if not code or not isinstance(code, str) or len(code) != 3:
            continue
        if g["type"] == "Polygon":
            coords: Any = [_ring(arcs, r) for r in g["arcs"]]
        else:
            coords = [[_ring(arcs, r) for r in poly] for poly in g["arcs"]]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": name},
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _iso_numeric_to_iso3() -> dict[int, str]:
    """ISO 3166-1 numeric -> ISO3 (the geometry's ids are numeric)."""
    from ..io.countries import iso_numeric_to_iso3

    return iso_numeric_to_iso3()


def iso3_codes() -> frozenset[str]:
    """The ISO3 codes the bundled geometry can draw."""
    return frozenset(f["id"] for f in world_geojson()["features"])


_EMPTY_BASE = {
    "type": "Topology",
    "arcs": [],
    "objects": {
        name: {"type": "GeometryCollection", "geometries": []}
        for name in ("land", "ocean", "lakes", "rivers", "coastlines", "countries", "subunits")
    },
}


@lru_cache(maxsize=1)
def geo_assets_js() -> str:
    """JavaScript that preloads the geometry into ``window.PlotlyGeoAssets`` (after plotly.js)."""
    geo = json.dumps(world_geojson(), separators=(",", ":"))
    base = json.dumps(_EMPTY_BASE, separators=(",", ":"))
    return (
        "window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson.world_110m={base};"
        f"window.PlotlyGeoAssets[{json.dumps(GEO_KEY)}]={geo};"
    )
