"""The REST API's read endpoints: runs, scores, time series, profiles, explanations, the
framework tree and audit results. Everything is served from the run cached by
:class:`~innovindex.report.data.StoreReader`: no request rebuilds an index."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from ..report.data import RunData, RunNotFound, clean
from ..report.reader import StoreReader
from . import schemas

router = APIRouter(prefix="/api", tags=["runs"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.Error, "description": "no such run, unit or year"},
    422: {"model": schemas.Error, "description": "invalid parameter (one line)"},
}

RunId = Annotated[
    str,
    Path(description="a run id, a unique prefix of one, or `latest`", min_length=1, max_length=64),
]


def reader(request: Request) -> StoreReader:
    """The app's store reader."""
    store: StoreReader = request.app.state.reader
    return store


async def get_run(run: RunId, store: Annotated[StoreReader, Depends(reader)]) -> RunData:
    """The run named in the path (404 when there is none): from memory on the event loop when
    it is loaded, else loaded in a worker thread."""
    hit = store.peek(run)
    if hit is not None:
        return hit
    return await run_in_threadpool(store.run, run)


RunDep = Annotated[RunData, Depends(get_run)]


async def cached(run: RunData, key: tuple[Any, ...], model: type[Any], build: Any) -> Response:
    """The JSON response for ``key``, validated against ``model`` and serialised once per
    loaded run (a run never changes once recorded; a reloaded store gives a new RunData).
    A hit is answered on the event loop; a miss is computed in a worker thread."""
    cache: dict[tuple[Any, ...], bytes] = run.__dict__.setdefault("_responses", {})
    body = cache.get(key)
    if body is None:

        def make() -> bytes:
            return bytes(model.model_validate(build()).model_dump_json(by_alias=True).encode())

        body = await run_in_threadpool(make)
        if len(cache) < 20_000:
            cache[key] = body
    return Response(body, media_type="application/json")


def _json(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return clean(v)


def summary(row: dict[str, Any]) -> dict[str, Any]:
    """The summary fields of one row of :meth:`StoreReader.runs` (no run is loaded)."""
    years: Any = row.get("years")
    n_units = row.get("n_units")
    return {
        "run_id": str(row["run_id"]),
        "created": clean(pd.Timestamp(row["created"]).isoformat())
        if pd.notna(row["created"])
        else None,
        "kind": clean(row.get("kind")),
        "label": clean(row.get("label")),
        "dataset": clean(row.get("dataset")),
        "framework": clean(row.get("framework")),
        "synthetic": bool(row.get("synthetic")),
        "years": [int(t) for t in years if t is not None] if hasattr(years, "__iter__") else [],
        "n_units": int(n_units) if n_units is not None and pd.notna(n_units) else 0,
        "innovindex_version": clean(row.get("innovindex_version")),
    }


@router.get("/runs", response_model=list[schemas.RunSummary], summary="Every recorded run")
def list_runs(store: Annotated[StoreReader, Depends(reader)]) -> list[dict[str, Any]]:
    """Every run in the store, newest first."""
    return [summary({str(k): v for k, v in r.items()}) for r in store.runs().to_dict("records")]


@router.get("/runs/{run}", response_model=schemas.RunDetail, responses=_ERRORS, summary="One run")
def get_run_detail(run: RunDep, store: Annotated[StoreReader, Depends(reader)]) -> dict[str, Any]:
    """A run's provenance and what it holds (years, levels, codes, groups, audit)."""
    runs = store.runs()
    row = {str(k): v for k, v in runs[runs["run_id"] == run.run_id].iloc[0].items()}
    out = summary(row)
    out.update(
        {
            "headline": run.headline,
            "levels": run.levels,
            "codes": {str(lev): run.codes_at(lev) for lev in run.levels},
            "group_attribute": run.group_attribute,
            "has_uncertainty": run.uncertainty is not None,
            "pipeline": clean(run.info.get("pipeline")),
            "seed": clean(run.info.get("seed")),
            "inputs": _json(run.info.get("inputs")),
            "warnings": _json(run.info.get("warnings")),
        }
    )
    return out


@router.get(
    "/runs/{run}/scores",
    response_model=schemas.Scores,
    responses=_ERRORS,
    summary="Scores and ranks",
)
async def get_scores(
    run: RunDep,
    level: Annotated[
        int | None, Query(description="aggregate level (default: all)", ge=0, le=99)
    ] = None,
    time: Annotated[
        int | None, Query(description="year (default: the latest)", ge=0, le=9999)
    ] = None,
    code: Annotated[str | None, Query(description="one aggregate code", max_length=64)] = None,
) -> Response:
    """Every unit's scores and ranks in one year, best first within each code."""
    year = run.check_year(time)
    return await cached(
        run, ("scores", year, level, code), schemas.Scores, lambda: _scores(run, year, level, code)
    )


def _scores(run: RunData, year: int, level: int | None, code: str | None) -> dict[str, Any]:
    df = run.scores[run.scores["time"] == year]
    if level is not None:
        if level not in run.levels:
            raise RunNotFound(f"run {run.run_id} has no level {level}; it has {run.levels}")
        df = df[df["level"] == level]
    if code is not None:
        if code not in set(df["code"]):
            raise RunNotFound(f"run {run.run_id} has no code {code!r} in {year}")
        df = df[df["code"] == code]
    df = df.sort_values(["code", "rank", "uCode"], na_position="last")
    rows = df[["uCode", "uName", "code", "level", "score", "rank"]].to_dict("records")
    if run.group_attribute is not None:
        g = run.unit_groups(year)
        for r in rows:
            r["group"] = g.get(r["uCode"])
    return {"run": run.run_id, "time": year, "level": level, "rows": clean(rows)}


@router.get(
    "/runs/{run}/timeseries",
    response_model=schemas.TimeSeries,
    responses=_ERRORS,
    summary="One unit over the years",
)
async def get_timeseries(
    run: RunDep,
    unit: Annotated[str, Query(description="unit code", min_length=1, max_length=64)],
    code: Annotated[str | None, Query(description="one code (default: all)", max_length=64)] = None,
) -> Response:
    """A unit's scores and ranks in every year of the run."""
    run.check_unit(unit)
    ts = run.timeseries(unit, code)
    if code is not None and not len(ts):
        raise RunNotFound(f"run {run.run_id} has no code {code!r}")
    return await cached(
        run,
        ("timeseries", unit, code),
        schemas.TimeSeries,
        lambda: {
            "run": run.run_id,
            "unit": unit,
            "uName": run.unit_name(unit),
            "rows": clean(ts.to_dict("records")),
        },
    )


@router.get(
    "/runs/{run}/units/{code}/profile",
    response_model=schemas.Profile,
    responses=_ERRORS,
    summary="Economy profile",
)
async def get_profile(
    run: RunDep,
    code: Annotated[str, Path(description="unit code", min_length=1, max_length=64)],
    time: Annotated[
        int | None, Query(description="year (default: the latest)", ge=0, le=9999)
    ] = None,
) -> Response:
    """Scores, ranks, percentiles, strengths and weaknesses of one economy in one year."""
    run.check_unit(code)
    year = run.check_year(time)
    return await cached(
        run, ("profile", code, year), schemas.Profile, lambda: run.profile(code, year)
    )


@router.get(
    "/runs/{run}/units/{code}/explain",
    response_model=schemas.Explanation,
    response_model_by_alias=True,
    responses=_ERRORS,
    summary="Why did it change",
)
def get_explain(
    run: RunDep,
    code: Annotated[str, Path(description="unit code", min_length=1, max_length=64)],
    from_: Annotated[
        int | None,
        Query(alias="from", description="first year (default: the one before `to`)", ge=0, le=9999),
    ] = None,
    to: Annotated[
        int | None, Query(description="second year (default: the latest)", ge=0, le=9999)
    ] = None,
) -> dict[str, Any]:
    """The change of the unit's headline score between two years, split by pillar."""
    return run.explain(code, from_, to)


@router.get(
    "/runs/{run}/framework",
    response_model=schemas.FrameworkTree,
    responses=_ERRORS,
    summary="Framework tree",
)
def get_framework(run: RunDep) -> dict[str, Any]:
    """The run's indicator tree: code, name, level, parent and weight of every element."""
    return {"run": run.run_id, "nodes": clean(run.tree.to_dict("records"))}


@router.get(
    "/runs/{run}/uncertainty",
    response_model=schemas.Uncertainty,
    responses=_ERRORS,
    summary="Audit: rank intervals",
)
def get_uncertainty(run: RunDep) -> dict[str, Any]:
    """The uncertainty analysis of the run (404 when the run has no audit recorded)."""
    if run.uncertainty is None:
        raise RunNotFound(f"run {run.run_id} has no audit results recorded")
    return {"run": run.run_id, "rows": clean(run.uncertainty.to_dict("records"))}
