"""Plotly charts of an audit: rank intervals and Sobol indices, as interactive HTML and PNG.

PNG export goes through kaleido 1.x, which drives a Chrome/Chromium browser. When none is
installed the HTML is still written and :func:`write_chart` says why the PNG is missing
(install e.g. the Debian package ``chromium``, or point ``BROWSER_PATH`` at a browser).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # plotly is an optional dependency (extra "audit")
    import plotly.graph_objects as go

__all__ = ["ChartFiles", "find_browser", "rank_interval_chart", "sobol_chart", "write_chart"]

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def _go() -> object:
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - depends on the environment
        from ..errors import SpecError

        raise SpecError("charts need plotly: pip install 'innovindex[audit]'") from None
    return go


def rank_interval_chart(rank_stats: pd.DataFrame, *, title: str = "Rank uncertainty") -> go.Figure:
    """Units sorted by nominal rank: median rank with 5-95% whiskers, and the nominal rank."""
    go = _go()
    df = rank_stats.dropna(subset=["nominal"]).sort_values(["nominal", "uCode"], kind="stable")
    fig = go.Figure()  # type: ignore[attr-defined]
    fig.add_trace(
        go.Scatter(  # type: ignore[attr-defined]
            x=df["uCode"],
            y=df["median"],
            mode="markers",
            name="median (5-95%)",
            marker={"size": 8, "color": "#83af70"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (df["q95"] - df["median"]).to_numpy(),
                "arrayminus": (df["median"] - df["q5"]).to_numpy(),
                "color": "grey",
            },
        )
    )
    fig.add_trace(
        go.Scatter(  # type: ignore[attr-defined]
            x=df["uCode"],
            y=df["nominal"],
            mode="markers",
            name="nominal",
            marker={"symbol": "line-ew-open", "size": 10, "color": "black"},
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="unit (by nominal rank)",
        yaxis_title="rank",
        yaxis={"autorange": "reversed"},
        template="plotly_white",
    )
    return fig


def sobol_chart(indices: pd.DataFrame, *, title: str = "Sobol sensitivity indices") -> go.Figure:
    """Stacked bars per assumption: first-order effect and interactions (ST - S1), with the
    bootstrap interval of ST. Negative estimates are shown as 0, as COINr does."""
    go = _go()
    s1 = indices["S1"].clip(lower=0).to_numpy()
    st = indices["ST"].clip(lower=0).to_numpy()
    inter = np.clip(st - s1, 0, None)
    fig = go.Figure()  # type: ignore[attr-defined]
    fig.add_trace(go.Bar(x=indices["assumption"], y=s1, name="first order (S1)"))  # type: ignore[attr-defined]
    fig.add_trace(
        go.Bar(  # type: ignore[attr-defined]
            x=indices["assumption"],
            y=inter,
            name="interactions (ST - S1)",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": np.clip(indices["ST_high"].to_numpy() - st, 0, None),
                "arrayminus": np.clip(st - indices["ST_low"].to_numpy(), 0, None),
            },
        )
    )
    fig.update_layout(
        barmode="stack",
        title=title,
        yaxis_title="share of output variance",
        template="plotly_white",
    )
    return fig


def find_browser() -> str | None:
    """Path of a Chrome/Chromium kaleido can use (``BROWSER_PATH`` first), or None."""
    env = os.environ.get("BROWSER_PATH")
    if env and Path(env).exists():
        return env
    for name in _BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass(frozen=True)
class ChartFiles:
    """What :func:`write_chart` wrote: the HTML path, the PNG path or why there is none."""

    html: Path
    png: Path | None
    png_note: str | None


def write_chart(
    fig: go.Figure, directory: str | Path, name: str, *, png: bool = True
) -> ChartFiles:
    """Write ``<name>.html`` (self-contained) and, when a browser is available, ``<name>.png``."""
    directory = Path(directory)
    html = directory / f"{name}.html"
    fig.write_html(html, include_plotlyjs=True, full_html=True)
    if not png:
        return ChartFiles(html, None, None)
    browser = find_browser()
    if browser is None:
        return ChartFiles(
            html,
            None,
            "PNG unavailable: kaleido needs Chrome/Chromium and none was found "
            "(install the Debian package 'chromium' or set BROWSER_PATH); the HTML chart was written",
        )
    path = directory / f"{name}.png"
    try:
        fig.write_image(path, width=1200, height=600)
    except (RuntimeError, OSError, ValueError) as exc:
        msg = " ".join(str(exc).split())[:200]
        return ChartFiles(html, None, f"PNG unavailable: kaleido failed with {browser}: {msg}")
    return ChartFiles(html, path, None)
