"""Fetch by source name, and assemble a recipe's sources into one iData with provenance."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import SpecError
from ._derive import drop_empty_years, evaluate
from ._http import FetchOptions
from ._query import parse_countries, parse_years
from .provenance import Fetched, to_idata
from .recipe import Recipe, load_recipe

__all__ = ["SOURCES", "fetch", "assemble", "recipe_meta"]

#: Every source a recipe or ``innovindex data fetch`` can name.
SOURCES = ("worldbank", "oecd", "eurostat", "uis", "wipo")


def fetch(
    source: str,
    spec: dict[str, Any],
    *,
    years: tuple[int, int] | None = None,
    countries: list[str] | None = None,
    options: FetchOptions | None = None,
) -> Fetched:
    """Fetch one source described by a recipe entry (``series``, ``flow``/``key``, ``file``)."""
    if source not in SOURCES:
        raise SpecError(f"unknown source {source!r}; expected one of {list(SOURCES)}")
    years = parse_years(str(spec["years"])) if spec.get("years") else years
    if source in ("worldbank", "uis"):
        from .uis import fetch_uis
        from .worldbank import fetch_worldbank

        fetch = fetch_worldbank if source == "worldbank" else fetch_uis
        return fetch(
            list(spec["series"]),
            countries=spec.get("countries") or countries,
            years=years,
            options=options,
        )
    if source == "wipo":
        from .wipo import read_wipo, wipo_to_fetched

        return wipo_to_fetched([read_wipo(spec["file"])], str(spec.get("series") or "wipo"))
    from .sdmx import DEFAULT_SPECS, SdmxSpec, fetch_sdmx

    default = DEFAULT_SPECS[source]
    dims = spec.get("series_dims")
    sdmx_spec = SdmxSpec(
        unit=str(spec.get("unit", default.unit)),
        time=str(spec.get("time", default.time)),
        series=tuple(dims) if dims else None,
        prefix=spec.get("prefix"),
        iso3=default.iso3,
    )
    return fetch_sdmx(
        source,
        str(spec["flow"]),
        str(spec.get("key", "all")),
        years=years,
        spec=sdmx_spec,
        options=options,
    )


def assemble(
    recipe: Recipe | str,
    *,
    years: str | None = None,
    countries: str | Sequence[str] | None = None,
    options: FetchOptions | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fetch every source of ``recipe`` and compute its indicators.

    Returns the iData (``uCode``, ``uName``, ``Time``, the indicator columns in recipe
    order, then the denominators) and its provenance record. Nothing is written.

    Raises
    ------
    SpecError
        On a bad recipe, a series the sources did not return, or a framework indicator the
        recipe does not produce.
    InputError
        On any fetch failure (see the connectors).
    """
    rec = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
    span = parse_years(years if years is not None else rec.years)
    iso = parse_countries(countries if countries is not None else rec.countries)
    if rec.framework:
        _check_framework(rec)
    fetched: dict[str, Fetched] = {}
    for label, spec in rec.sources.items():
        fetched[label] = fetch(spec["source"], spec, years=span, countries=iso, options=options)
    series = _join(fetched)
    values = evaluate(rec, series.drop(columns=["uCode", "uName", "Time"]))
    frame = pd.concat([series[["uCode", "uName", "Time"]], values], axis=1)
    codes = [i.code for i in rec.indicators]
    frame = frame[frame[codes].notna().any(axis=1)].reset_index(drop=True)
    if span is not None:
        frame = frame[(frame["Time"] >= span[0]) & (frame["Time"] <= span[1])].reset_index(
            drop=True
        )
    if rec.empty_years == "drop":
        frame = drop_empty_years(frame, codes)
    if frame.empty:
        from ..errors import InputError

        raise InputError(f"recipe {rec.name!r}: no unit and year has a value for any indicator")
    provenance = {
        "source": "recipe",
        "recipe": rec.name,
        "recipe_file": rec.path,
        "query": {"years": list(span) if span else None, "countries": iso or "all"},
        "indicators": [_describe(i) for i in rec.indicators],
        "denominators": rec.denominators,
        "sources": {label: f.provenance for label, f in fetched.items()},
        "last_updated": {label: f.provenance.get("last_updated") for label, f in fetched.items()},
    }
    return frame, provenance


def recipe_meta(recipe: Recipe | str) -> pd.DataFrame:
    """An iMeta (framework) table for the recipe's indicators: each under its ``parent``
    (Level 2 aggregates), all under one index named after the recipe (Level 3)."""
    rec = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
    top = rec.name.upper()
    rows: list[dict[str, Any]] = []
    parents: list[str] = []
    for i in rec.indicators:
        parent = i.parent or f"{top}_PILLAR"
        parents.append(parent)
        rows.append(
            {
                "Level": 1,
                "iCode": i.code,
                "iName": i.name,
                "Direction": i.direction,
                "Weight": i.weight,
                "Parent": parent,
                "Type": "Indicator",
                "Denominator": i.denominator or "",
            }
        )
    for p in dict.fromkeys(parents):
        rows.append(
            {
                "Level": 2,
                "iCode": p,
                "iName": p,
                "Direction": 1,
                "Weight": 1.0,
                "Parent": top,
                "Type": "Aggregate",
                "Denominator": "",
            }
        )
    rows.append(
        {
            "Level": 3,
            "iCode": top,
            "iName": rec.description or rec.name,
            "Direction": 1,
            "Weight": 1.0,
            "Parent": "",
            "Type": "Aggregate",
            "Denominator": "",
        }
    )
    for d in rec.denominators:
        rows.append(
            {
                "Level": "",
                "iCode": d,
                "iName": d,
                "Direction": "",
                "Weight": "",
                "Parent": "",
                "Type": "Denominator",
                "Denominator": "",
            }
        )
    return pd.DataFrame(rows)


def _check_framework(rec: Recipe) -> None:
    from ..building import resolve_framework

    fw = resolve_framework(str(rec.framework))
    made = {i.code for i in rec.indicators}
    missing = [c for c in fw.indicators if c not in made]
    if missing:
        raise SpecError(
            f"recipe {rec.name!r} does not produce indicator(s) {missing[:5]} of framework {rec.framework!r}"
        )


def _join(fetched: dict[str, Fetched]) -> pd.DataFrame:
    """One row per unit and year; a column ``label:code`` per series, plus ``code`` when only
    one source has that code."""
    counts: dict[str, int] = {}
    for f in fetched.values():
        for s in f.series:
            counts[s] = counts.get(s, 0) + 1
    frames = []
    for label, f in fetched.items():
        wide = to_idata(f.data, f.series).set_index(["uCode", "Time"])
        names = wide.pop("uName")
        cols = {s: f"{label}:{s}" for s in f.series}
        wide = wide.rename(columns=cols)
        for s in f.series:
            if counts[s] == 1:
                wide[s] = wide[cols[s]]
        wide.insert(0, f"uName@{label}", names)
        frames.append(wide)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        joined = pd.concat(frames, axis=1, join="outer").sort_index()
    name_cols = [c for c in joined.columns if str(c).startswith("uName@")]
    joined.insert(0, "uName", joined[name_cols].bfill(axis=1).iloc[:, 0])
    joined = joined.drop(columns=name_cols).reset_index()
    return joined


def _describe(i: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": i.code, "name": i.name, "unit": i.unit, "direction": i.direction}
    if i.denominator:
        out["denominator"] = i.denominator
    if i.derive is not None:
        out["derive"] = {i.derive.op: list(i.derive.args)}
    else:
        out["from"] = i.source
        if i.scale != 1.0:
            out["scale"] = i.scale
    return out
