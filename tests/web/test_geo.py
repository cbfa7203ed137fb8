"""The bundled world geometry decodes to valid GeoJSON keyed by ISO3."""

from __future__ import annotations

import hashlib
from importlib import resources

from innovindex.report.geo import geo_assets_js, iso3_codes, world_geojson

SHA256 = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"


def test_the_bundled_file_is_world_atlas_2_0_2() -> None:
    data = resources.files("innovindex.report").joinpath("assets/countries-110m.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256


def _bbox(feature: dict) -> tuple[float, float, float, float]:
    geom = feature["geometry"]
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    pts = [p for poly in polys for ring in poly for p in ring]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def test_countries_decode_to_closed_rings_in_the_right_places() -> None:
    geo = world_geojson()
    by = {f["id"]: f for f in geo["features"]}
    assert len(by) == len(geo["features"]) >= 170
    assert {"CHN", "USA", "CHE", "BRA", "IND", "ZAF", "AUS", "FRA", "NOR", "XKX"} <= iso3_codes()
    for f in geo["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            for ring in poly:
                assert ring[0] == ring[-1] and len(ring) >= 4, f["id"]
    # bounding boxes against the countries' known extents (degrees, 110m generalisation)
    x0, y0, x1, y1 = _bbox(by["CHE"])
    assert 5.5 < x0 < 6.5 and 10 < x1 < 11 and 45.5 < y0 < 46.2 and 47.4 < y1 < 48.2
    x0, y0, x1, y1 = _bbox(by["CHN"])
    assert 73 < x0 < 74.5 and 133 < x1 < 135.5 and 18 < y0 < 19 and 53 < y1 < 54
    assert by["NOR"]["properties"]["name"] == "Norway"


def test_the_page_preloads_geometry_and_an_empty_base_map() -> None:
    js = geo_assets_js()
    assert js.startswith("window.PlotlyGeoAssets=")
    assert "topojson.world_110m=" in js and '"innovindex-world-110m"' in js
    assert "http" not in js
