"""The Plotly figures every view shares: ranking, world map, radar, time series, rank
interval and correlation heatmap.

Each function takes plain frames or dicts (from :mod:`innovindex.report.data`) and returns a
``plotly.graph_objects.Figure``; the report and the dashboard decide how to embed them.
Plotly is imported lazily with an install hint (the ``audit`` extra brings it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import InnovindexError

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "CONFIG",
    "correlation_heatmap",
    "figure_div",
    "plotly_js",
    "radar",
    "rank_interval",
    "ranking_bar",
    "timeseries",
    "world_map",
]

# No logo link, no "edit in Chart Studio", no topojson fetched from a CDN.
CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "topojsonURL": "/"}
_FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}


def _go() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - depends on the environment
        raise InnovindexError("charts need Plotly: pip install 'innovindex[dashboard]'") from None
    return go


def plotly_js() -> str:
    """Plotly's JavaScript bundle (from the installed Python package), for inlining or serving."""
    _go()
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def figure_div(fig: go.Figure, div_id: str) -> str:
    """The figure as an HTML ``<div>`` plus its drawing script, without Plotly's bundle."""
    return str(fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG))


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01},
        font=_FONT,
        height=height,
        margin={"l": 40, "r": 20, "t": 50, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    return fig


def ranking_bar(ranking: pd.DataFrame, code: str, title: str, top: int | None = None) -> go.Figure:
    """Horizontal bars of ``code``'s score, best on top (``top`` first units only)."""
    go = _go()
    df = ranking.dropna(subset=[code]).sort_values(code, ascending=False)
    if top is not None:
        df = df.head(top)
    df = df.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=df[code],
            y=df["uName"],
            orientation="h",
            marker_color="#2b6cb0",
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
    )
    _layout(fig, title, height=max(300, 18 * len(df) + 80))
    fig.update_yaxes(automargin=True, tickfont={"size": 10})
    return fig


def world_map(ranking: pd.DataFrame, code: str, title: str) -> go.Figure:
    """A choropleth of ``code`` by ISO3 unit code on the bundled Natural Earth geometry.

    Every country is drawn (grey when the run has no score for it), so the map is a map even
    when no unit code is an ISO3 code (the synthetic demo world). The page must load
    :func:`innovindex.report.geo.geo_assets_js` after plotly.js.
    """
    go = _go()
    from .geo import GEO_KEY, world_geojson

    geo = world_geojson()
    ids = [f["id"] for f in geo["features"]]
    names = {f["id"]: f["properties"]["name"] for f in geo["features"]}
    df = ranking[ranking["uCode"].isin(ids)].dropna(subset=[code])
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=GEO_KEY,
            featureidkey="id",
            locations=ids,
            z=[0] * len(ids),
            colorscale=[[0, "#e2e8f0"], [1, "#e2e8f0"]],
            showscale=False,
            marker_line_color="white",
            marker_line_width=0.5,
            text=[names[i] for i in ids],
            hovertemplate="%{text}: no score<extra></extra>",
            name="no data",
        )
    )
    fig.add_trace(
        go.Choropleth(
            geojson=GEO_KEY,
            featureidkey="id",
            locations=df["uCode"],
            z=df[code],
            text=df["uName"],
            colorscale="Blues",
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={"title": {"text": code}},
            hovertemplate="%{text}: %{z:.1f}<extra></extra>",
            name=code,
        )
    )
    fig.update_geos(
        visible=False,
        showframe=False,
        showcoastlines=False,
        showland=False,
        showcountries=False,
        showlakes=False,
        showocean=False,
        showrivers=False,
        projection_type="natural earth",
        lataxis_range=[-58, 85],
    )
    note = "" if len(df) else " (no unit code is an ISO3 country code: nothing to colour)"
    return _layout(fig, title + note, height=460)


def radar(series: dict[str, pd.DataFrame], title: str) -> go.Figure:
    """Pillar scores of one or more units on a radar; ``series`` maps a label to a frame with
    ``code, name, score``."""
    go = _go()
    fig = go.Figure()
    for label, df in series.items():
        names = [
            _short(f"{c} {n}" if n != c else str(c))
            for c, n in zip(df["code"], df["name"], strict=True)
        ]
        fig.add_trace(
            go.Scatterpolar(
                r=list(df["score"]) + list(df["score"])[:1],
                theta=names + names[:1],
                name=label,
                fill="toself",
                opacity=0.6,
            )
        )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}}, showlegend=True)
    _layout(fig, title, height=440)
    fig.update_layout(margin={"l": 110, "r": 110, "t": 60, "b": 40})
    return fig


def _short(text: str, n: int = 22) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def timeseries(series: dict[str, pd.DataFrame], title: str, value: str = "score") -> go.Figure:
    """Lines over the years; ``series`` maps a label to a frame with ``time`` and ``value``
    (ranks are drawn with rank 1 on top)."""
    go = _go()
    fig = go.Figure()
    for label, df in series.items():
        fig.add_trace(go.Scatter(x=df["time"], y=df[value], mode="lines+markers", name=label))
    fig.update_xaxes(dtick=1, title="year")
    fig.update_yaxes(title=value)
    if value == "rank":
        fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=360)


def rank_interval(unc: pd.DataFrame, title: str, highlight: str | None = None) -> go.Figure:
    """Nominal rank and the audit's rank interval per unit (``uCode, nominal, low, high``,
    optionally ``median`` and ``uName``), sorted by nominal rank."""
    go = _go()
    df = unc.sort_values("nominal")
    labels = df["uName"] if "uName" in df.columns else df["uCode"]
    colors = ["#c53030" if u == highlight else "#2b6cb0" for u in df["uCode"]]
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=df["nominal"],
            mode="markers",
            marker={"color": colors, "size": 6},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": df["high"] - df["nominal"],
                "arrayminus": df["nominal"] - df["low"],
                "color": "#90cdf4",
            },
            name="nominal rank",
            hovertemplate="%{x}: rank %{y}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title="rank")
    fig.update_xaxes(showticklabels=len(df) <= 40)
    return _layout(fig, title, height=380)


def correlation_heatmap(corr: pd.DataFrame, title: str) -> go.Figure:
    """A correlation matrix as an annotated heatmap (-1 to 1)."""
    go = _go()
    labels = [str(c) for c in corr.columns]
    fig = go.Figure(
        go.Heatmap(
            z=corr.to_numpy(),
            x=labels,
            y=labels,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            text=corr.round(2).to_numpy(),
            texttemplate="%{text}",
            hovertemplate="%{y} / %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, title, height=460)
