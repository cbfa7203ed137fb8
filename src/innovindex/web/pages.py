"""The dashboard: server-rendered pages with Plotly charts, served at ``/``.

Rankings (sortable, filterable, year and group selectors), a world map, an economy's profile
(scores, ranks, strengths and weaknesses, radar, time series, rank interval, why it changed),
a comparison of two or more economies, the framework tree and the list of runs. Every page
takes ``?run=`` (default: the latest run) and reads the same cached run as the REST API.
Plotly and the map geometry are served from ``/static`` (from the installed plotly package
and the bundled Natural Earth file), so the dashboard works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import pandas as pd
from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import InnovindexError
from ..report import charts
from ..report.data import RunData, clean
from ..report.reader import StoreReader
from ._layout import APP_CSS, APP_JS, esc, fmt, page, table, url
from .routes import reader

router = APIRouter(include_in_schema=False)

Store = Annotated[StoreReader, Depends(reader)]
RunQ = Annotated[str, Query(max_length=64)]
YearQ = Annotated[int | None, Query(ge=0, le=9999)]


@lru_cache(maxsize=1)
def _plotly() -> bytes:
    return charts.plotly_js().encode("utf-8")


@lru_cache(maxsize=1)
def _geo() -> bytes:
    from ..report.geo import geo_assets_js

    return geo_assets_js().encode("utf-8")


_STATIC: dict[str, tuple[Callable[[], bytes], str]] = {
    "plotly.min.js": (_plotly, "text/javascript"),
    "geo.js": (_geo, "text/javascript"),
    "app.js": (lambda: APP_JS.encode(), "text/javascript"),
    "app.css": (lambda: APP_CSS.encode(), "text/css"),
}


@router.get("/static/{name}")
def static(name: str) -> Response:
    """Plotly, the map geometry, the dashboard's script and style (cached by the browser)."""
    if name not in _STATIC:
        return Response("not found", 404, media_type="text/plain")
    body, media = _STATIC[name]
    return Response(body(), media_type=media, headers={"Cache-Control": "public, max-age=3600"})


def _html(render: Callable[[], str | Response]) -> Response:
    """Render a page; a missing run, unit or year becomes a 404 page, bad input a 422 page."""
    from ..report.data import RunNotFound

    try:
        out = render()
    except RunNotFound as exc:
        body = f'<p id="error">{esc(exc)}</p>'
        return HTMLResponse(page("Not found", body, active="", run=None), 404)
    except InnovindexError as exc:
        body = f'<p id="error">{esc(exc)}</p>'
        return HTMLResponse(page("Invalid request", body, active="", run=None), 422)
    return out if isinstance(out, Response) else HTMLResponse(out)


def _no_runs() -> str:
    return page(
        "No runs yet",
        '<p id="error">The store has no recorded run. Record one with <code>innovindex demo</code>, '
        "<code>innovindex build --db</code>, <code>innovindex results import</code> or POST /api/builds.</p>",
        active="",
        run=None,
    )


@router.get("/", response_class=HTMLResponse)
def home(store: Store) -> Response:
    """The rankings of the latest run."""
    if not len(store.runs()):
        return HTMLResponse(_no_runs())
    return RedirectResponse("/rankings", status_code=307)


def _code_options(run: RunData, selected: str) -> str:
    opts = []
    for lev in run.levels:
        for c in run.codes_at(lev):
            sel = " selected" if c == selected else ""
            opts.append(f'<option value="{esc(c)}"{sel}>{esc(c)} {esc(run.name_of(c))}</option>')
    return "".join(opts)


def _year_select(run: RunData, year: int) -> str:
    opts = "".join(
        f'<option value="{y}"{" selected" if y == year else ""}>{y}</option>'
        for y in reversed(run.years)
    )
    return f'<label>year<select id="year-select" data-nav="year">{opts}</select></label>'


@router.get("/rankings", response_class=HTMLResponse)
def rankings(
    store: Store,
    run: RunQ = "latest",
    year: YearQ = None,
    code: Annotated[str | None, Query(max_length=64)] = None,
    group: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Every economy of a year, ranked; sortable by any column, filterable by text and group."""

    def render() -> str:
        if not len(store.runs()):
            return _no_runs()
        r = store.run(run)
        y = r.check_year(year)
        key = code or r.headline
        df = r.ranking(y)
        if key not in df.columns:
            df = r.ranking(y, code=key)
        df = df.sort_values(key, ascending=False, na_position="last")
        df["rank"] = df["uCode"].map(
            r.scores[(r.scores["time"] == y) & (r.scores["code"] == key)].set_index("uCode")["rank"]
        )
        groups = ""
        if "group" in df.columns:
            values = sorted(v for v in df["group"].dropna().unique())
            opts = '<option value="">all</option>' + "".join(
                f'<option value="{esc(v)}"{" selected" if v == group else ""}>{esc(v)}</option>'
                for v in values
            )
            groups = f'<label>{esc(r.group_attribute)}<select id="group-select" data-nav="group">{opts}</select></label>'
            if group:
                df = df[df["group"] == group]
        codes = [c for c in df.columns if c not in ("uCode", "uName", "rank", "group")]
        cols = [("rank", "Rank"), ("uName", "Economy"), ("uCode", "Code")]
        cols += [("group", "Group")] if "group" in df.columns else []
        cols += [(c, c) for c in codes]
        link = ("uName", lambda row: url(f"/economy/{row['uCode']}", run=r.run_id, year=y))
        controls = (
            f'<div class="controls">{_year_select(r, y)}'
            f'<label>score<select id="code-select" data-nav="code">{_code_options(r, key)}</select></label>'
            f'{groups}<label>filter<input id="filter" data-filter="ranking" placeholder="economy or code"></label>'
            f'<span class="muted"><span id="ranking-count">{len(df)}</span> economies</span></div>'
        )
        bar = charts.figure_div(
            charts.ranking_bar(df, key, f"{key} {y}, top 25", top=25), "ranking-chart"
        )
        names = {c: r.name_of(c) for c in codes}
        ranking_table = table(df, cols, table_id="ranking", link=link, titles=names)
        body = f"<section>{controls}{ranking_table}</section><section>{bar}</section>"
        return page(
            f"Rankings {y}: {r.name_of(key)}", body, active="rankings", run=r, runs=store.runs()
        )

    return _html(render)


@router.get("/map", response_class=HTMLResponse)
def world(
    store: Store,
    run: RunQ = "latest",
    year: YearQ = None,
    code: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A choropleth of a score by ISO3 code on the bundled Natural Earth outlines."""

    def render() -> str:
        r = store.run(run)
        y = r.check_year(year)
        key = code or r.headline
        df = r.ranking(y, code=key)
        fig = charts.world_map(df, key, f"{r.name_of(key)} ({key}), {y}")
        controls = (
            f'<div class="controls">{_year_select(r, y)}'
            f'<label>score<select id="code-select" data-nav="code">{_code_options(r, key)}</select></label></div>'
        )
        body = f'<section>{controls}{charts.figure_div(fig, "map-chart")}<p class="muted">Country outlines: Natural Earth 1:110m (public domain) via world-atlas 2.0.2, bundled.</p></section>'
        return page(f"Map {y}", body, active="map", run=r, runs=store.runs(), geo=True)

    return _html(render)


@router.get("/economy", response_class=HTMLResponse)
def economy_index(store: Store, run: RunQ = "latest", year: YearQ = None) -> Response:
    """The top-ranked economy's profile (pick another from the rankings or the list)."""

    def render() -> Response:
        r = store.run(run)
        top = r.ranking(r.check_year(year)).iloc[0]["uCode"]
        query = urlencode(
            {k: v for k, v in {"run": r.run_id, "year": year}.items() if v is not None}
        )
        return RedirectResponse(f"/economy/{quote(str(top))}?{query}", 307)

    return _html(render)


@router.get("/economy/{unit}", response_class=HTMLResponse)
def economy(
    store: Store, unit: str, run: RunQ = "latest", year: YearQ = None, since: YearQ = None
) -> Response:
    """An economy's profile and why its score changed."""
    from ._profile import profile_page

    return _html(lambda: profile_page(store, store.run(run), unit, year, since))


@router.get("/compare", response_class=HTMLResponse)
def compare(
    store: Store,
    run: RunQ = "latest",
    units: Annotated[str | None, Query(max_length=2000)] = None,
    year: YearQ = None,
) -> Response:
    """Two or more economies side by side (default: the top two)."""
    from ._profile import compare_page

    return _html(lambda: compare_page(store, store.run(run), units, year))


@router.get("/framework", response_class=HTMLResponse)
def framework(store: Store, run: RunQ = "latest") -> Response:
    """The run's indicator tree."""

    def render() -> str:
        r = store.run(run)
        tree = r.tree
        kids: dict[Any, list[dict[str, Any]]] = {}
        nodes: list[dict[str, Any]] = clean(tree.to_dict("records"))
        for n in nodes:
            p = n["parent"] if isinstance(n["parent"], str) else None
            kids.setdefault(p, []).append(n)
        scored = (
            set(r.scores["code"]) | set(r.indicators["code"])
            if len(r.indicators)
            else set(r.scores["code"])
        )

        def branch(parent: str | None) -> str:
            items = []
            for n in kids.get(parent, []):
                w = (
                    f' <span class="muted">weight {fmt(n["weight"], 2)}</span>'
                    if pd.notna(n["weight"])
                    else ""
                )
                mark = (
                    "" if n["code"] in scored else ' <span class="muted">(not in this run)</span>'
                )
                label = f"<b>{esc(n['code'])}</b> {esc(n['name'])}{w}{mark}"
                sub = branch(n["code"])
                if sub:
                    items.append(
                        f"<li><details{' open' if (n['level'] or 0) >= 3 else ''}><summary>{label}</summary>{sub}</details></li>"
                    )
                else:
                    items.append(f"<li>{label}</li>")
            return f'<ul class="tree">{"".join(items)}</ul>' if items else ""

        body = f'<section id="framework-tree">{branch(None)}</section>'
        return page(
            f"Framework: {r.info.get('framework')}",
            body,
            active="framework",
            run=r,
            runs=store.runs(),
        )

    return _html(render)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(store: Store, run: RunQ = "latest") -> Response:
    """Every recorded run."""

    def render() -> str:
        runs = store.runs()
        if not len(runs):
            return _no_runs()
        r = store.run(run)
        df = runs[
            [
                c
                for c in ("run_id", "created", "kind", "label", "dataset", "framework", "synthetic")
                if c in runs.columns
            ]
        ].copy()
        df["created"] = df["created"].astype(str)
        df["synthetic"] = df["synthetic"].map({True: "SYNTHETIC", False: ""})
        link = ("run_id", lambda row: url("/rankings", run=row["run_id"]))
        cols = [(c, c) for c in df.columns]
        return page(
            "Runs",
            f"<section>{table(df, cols, table_id='runs', link=link)}</section>",
            active="runs",
            run=r,
            runs=runs,
        )

    return _html(render)
