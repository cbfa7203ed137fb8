"""The economy profile and compare pages of the dashboard."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..report import charts
from ..report.data import RunData, RunNotFound
from ..report.reader import StoreReader
from ._layout import esc, fmt, page, table, url

__all__ = ["profile_page", "compare_page"]


def _years(run: RunData, year: int) -> str:
    return "".join(
        f'<option value="{t}"{" selected" if t == year else ""}>{t}</option>'
        for t in reversed(run.years)
    )


def _flags(rows: list[dict[str, Any]], kind: str) -> str:
    if not rows:
        return f'<p class="muted">No {kind.lower()} flagged.</p>'
    items = "".join(
        f'<li><span class="tag {kind}">{esc(r["code"])}</span> {esc(r["name"])}: rank {fmt(r["rank"], 0)}'
        f" of {fmt(r['n_units'], 0)}, percentile {fmt(r['percentile'])}</li>"
        for r in rows[:12]
    )
    return f'<ul id="{kind.lower()}s">{items}</ul>'


def profile_page(
    store: StoreReader, run: RunData, unit: str, year: int | None, since: int | None
) -> str:
    """Scores, ranks, strengths and weaknesses, radar, time series, rank interval and the
    explanation of the change since an earlier year."""
    unit = run.check_unit(unit)
    y = run.check_year(year)
    p = run.profile(unit, y)
    name = p["uName"]
    head = p["headline"] or {}
    units = run.units(y)
    opts = "".join(
        f'<option value="{esc(u)}"{" selected" if u == unit else ""}>{esc(n)}</option>'
        for u, n in zip(units["uCode"], units["uName"], strict=True)
    )
    years = _years(run, y)
    switch = (
        '<div class="controls"><label>economy<select id="unit-select" '
        "onchange=\"location.href='/economy/'+encodeURIComponent(this.value)+location.search\">"
        f'{opts}</select></label><label>year<select id="year-select" data-nav="year">{years}</select></label>'
        f'<a href="{url("/compare", run=run.run_id, units=unit, year=y)}">compare with others</a></div>'
    )
    group = p.get("group")
    kpi = (
        '<div class="kpi" id="kpi">'
        f'<div>{esc(run.headline)} score<b id="headline-score">{fmt(head.get("score"))}</b></div>'
        f'<div>rank<b id="headline-rank">{fmt(head.get("rank"), 0)}</b>of {fmt(head.get("n_units"), 0)}</div>'
        + (f"<div>{esc(group['attribute'])}<b>{esc(group['value'])}</b></div>" if group else "")
        + _interval_kpi(p.get("rank_interval"))
        + "</div>"
    )
    pillars = pd.DataFrame(p["pillars"])
    radar = charts.figure_div(
        charts.radar({name: pillars}, f"{name}: pillars, {y}")
        if len(pillars)
        else _empty("no pillar scores"),
        "radar-chart",
    )
    ts = run.timeseries(unit, run.headline)
    line = charts.figure_div(
        charts.timeseries({name: ts}, f"{run.headline} score over the years"), "timeseries-chart"
    )
    rank_line = charts.figure_div(
        charts.timeseries({name: ts}, f"{run.headline} rank over the years", value="rank"),
        "rank-chart",
    )
    scores = pd.DataFrame(p["scores"])
    score_table = table(
        scores,
        [("code", "Code"), ("name", "Element"), ("level", "Level"), ("score", "Score"), ("rank", "Rank"),
         ("n_units", "of"), ("percentile", "Percentile"), ("flag", "Flag")],
        table_id="profile-scores",
    )  # fmt: skip
    interval = ""
    if run.uncertainty is not None:
        unc = run.uncertainty
        if "time" in unc.columns:
            unc = unc[unc["time"] == y]
        if len(unc):
            names = run.units().set_index("uCode")["uName"]
            fig = charts.rank_interval(
                unc.assign(uName=unc["uCode"].map(names)), "Rank intervals (audit)", unit
            )
            interval = f'<section id="rank-interval"><h2>Rank interval</h2>{charts.figure_div(fig, "interval-chart")}</section>'
    why = _why(run, unit, y, since)
    body = (
        f"{switch}<section>{kpi}</section>"
        f'<div class="grid"><section>{radar}</section><section>{line}</section></div>'
        f'<div class="grid"><section><h2>Strengths</h2>{_flags(p["strengths"], "Strength")}</section>'
        f"<section><h2>Weaknesses</h2>{_flags(p['weaknesses'], 'Weakness')}</section></div>"
        f'{why}<div class="grid"><section>{rank_line}</section><section><h2>Scores and ranks, {y}</h2>{score_table}</section></div>'
        f"{interval}"
    )
    return page(f"{name} ({unit}), {y}", body, active="economy", run=run, runs=store.runs())


def _interval_kpi(iv: dict[str, Any] | None) -> str:
    if not iv:
        return ""
    return (
        f'<div>rank interval (audit)<b id="rank-interval-text">{fmt(iv.get("low"), 0)}–'
        f"{fmt(iv.get('high'), 0)}</b>5th–95th percentile</div>"
    )


def _empty(text: str) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False)
    return fig


def _why(run: RunData, unit: str, year: int, since: int | None) -> str:
    earlier = [t for t in run.years if t < year]
    if not earlier:
        return '<section id="why"><h2>Why did it change?</h2><p class="muted">No earlier year in this run.</p></section>'
    start = since if since in earlier else earlier[-1]
    try:
        e = run.explain(unit, start, year)
    except RunNotFound as exc:
        return f'<section id="why"><h2>Why did it change?</h2><p class="muted">{esc(exc)}</p></section>'
    opts = "".join(
        f'<option value="{t}"{" selected" if t == start else ""}>{t}</option>'
        for t in reversed(earlier)
    )
    parts = pd.DataFrame(e["contributions"])
    chart = ""
    if len(parts):
        import plotly.graph_objects as go

        df = parts.dropna(subset=["contribution"]).iloc[::-1]
        fig = go.Figure(
            go.Bar(
                x=df["contribution"],
                y=df["code"] + " " + df["name"],
                orientation="h",
                marker_color=["#2f855a" if v >= 0 else "#c53030" for v in df["contribution"]],
            )
        )
        fig.update_layout(
            title=f"Contributions to the change of {e['code']}",
            height=320,
            margin={"l": 40, "r": 20, "t": 40, "b": 30},
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
        fig.update_yaxes(automargin=True)
        chart = charts.figure_div(fig, "why-chart")
    sign = "rose" if (e["change"] or 0) >= 0 else "fell"
    text = (
        f'<p id="why-summary">{esc(e["code"])} {sign} from {fmt(e["from_score"])} in {e["from"]} to '
        f"{fmt(e['to_score'])} in {e['to']} ({fmt(e['change'], 2)}); rank {fmt(e['from_rank'], 0)} → "
        f'{fmt(e["to_rank"], 0)}. <span class="muted">Method: {esc(e["method"])}.</span></p>'
    )
    if e.get("effects"):
        eff = e["effects"]
        text += (
            f'<p class="muted">Own data {fmt(eff.get("own_data"), 2)}, normalisation bounds (the others) '
            f"{fmt(eff.get('bounds'), 2)}, missing data {fmt(eff.get('missing'), 2)}.</p>"
        )
    return (
        f'<section id="why"><h2>Why did it change?</h2><div class="controls"><label>since<select id="since-select" '
        f'data-nav="since">{opts}</select></label></div>{text}{chart}</section>'
    )


def compare_page(store: StoreReader, run: RunData, units: str | None, year: int | None) -> str:
    """Radar, time series and the scores of two or more economies side by side."""
    y = run.check_year(year)
    codes = [u.strip() for u in (units or "").split(",") if u.strip()]
    ranking = run.ranking(y)
    for u in ranking["uCode"]:
        if len(codes) >= 2:
            break
        if u not in codes:
            codes.append(str(u))
    codes = [run.check_unit(u) for u in dict.fromkeys(codes)]
    names = {u: run.unit_name(u) for u in codes}
    pillars = {}
    for u in codes:
        prof = run.profile(u, y)
        pillars[names[u]] = pd.DataFrame(prof["pillars"])
    radar = charts.figure_div(charts.radar(pillars, f"Pillars, {y}"), "compare-radar")
    series = {names[u]: run.timeseries(u, run.headline) for u in codes}
    line = charts.figure_div(
        charts.timeseries(series, f"{run.headline} over the years"), "compare-timeseries"
    )
    wide = None
    for u in codes:
        us = run.unit_scores(u, y)[["code", "name", "score", "rank"]]
        us = us.rename(columns={"score": f"{u} score", "rank": f"{u} rank"})
        wide = us if wide is None else wide.merge(us, on=["code", "name"], how="outer", sort=False)
    assert wide is not None
    cols = [("code", "Code"), ("name", "Element")] + [
        (f"{u} {k}", f"{names[u]} {k}") for u in codes for k in ("score", "rank")
    ]
    all_units = run.units(y)
    opts = "".join(
        f'<option value="{esc(u)}"{" selected" if u in codes else ""}>{esc(n)}</option>'
        for u, n in zip(all_units["uCode"], all_units["uName"], strict=True)
    )
    picker = (
        '<div class="controls"><label>economies (ctrl-click for several)<select id="units-select" multiple size="6" '
        f'data-multi="units">{opts}</select></label>'
        f'<label>year<select id="year-select" data-nav="year">{_years(run, y)}</select></label></div>'
    )
    heads = "".join(
        f'<span class="tag" style="background:#ebf8ff" data-unit="{esc(u)}">{esc(names[u])}</span> '
        for u in codes
    )
    body = (
        f'<section>{picker}<p id="compared">{heads}</p></section>'
        f'<div class="grid"><section>{radar}</section><section>{line}</section></div>'
        f"<section>{table(wide, cols, table_id='compare-table')}</section>"
    )
    return page(
        f"Compare {len(codes)} economies, {y}", body, active="compare", run=run, runs=store.runs()
    )
