"""Plotly charts of an audit: rank intervals and Sobol indices, as interactive HTML and PNG.

Figures are plain Plotly figure dicts (``{"data": [...], "layout": {...}}``): building them
costs nothing, and the HTML is the figure's JSON beside the plotly.js bundle that ships with
the ``plotly`` package (what :func:`plotly.io.write_html` writes), without importing plotly's
Python side: its validators take longer to import than the whole Monte Carlo run of a
typical audit. ``plotly.graph_objects.Figure(fig)`` turns one into a figure object when
wanted.

PNG export is opt-in (``innovindex audit --png``). It goes through kaleido 1.x, which drives
a Chrome/Chromium browser. When none is installed the HTML is still written and
:func:`write_chart` says why the PNG is missing (install e.g. the Debian package
``chromium``, or point ``BROWSER_PATH`` at a browser).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._extras import require

__all__ = ["ChartFiles", "find_browser", "rank_interval_chart", "sobol_chart", "write_chart"]

Figure = dict[str, Any]
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


_HTML = """<html>
<head><meta charset="utf-8" /><title>{title}</title></head>
<body>
<div id="chart" class="plotly-graph-div" style="height:100%; width:100%;"></div>
<script type="text/javascript">window.PlotlyConfig = {{MathJaxConfig: 'local'}};</script>
<script type="text/javascript">{plotly_js}</script>
<script type="text/javascript">
Plotly.newPlot("chart", {data}, {layout}, {{"responsive": true}});
</script>
</body>
</html>
"""


def _pio() -> Any:
    return require("plotly.io", "audit", "charts")


def _package_data(*parts: str) -> Path:
    """A file of the plotly package, found without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        require("plotly", "audit", "charts")  # raises the one-line install hint
        raise AssertionError("unreachable")
    return Path(next(iter(spec.submodule_search_locations)), "package_data", *parts)


@cache
def _template() -> dict[str, Any]:
    """Plotly's ``plotly_white`` template as a plain dict (read from plotly's package data)."""
    path = _package_data("templates", "plotly_white.json")
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _json(obj: Any) -> str:
    # "</" would end the <script> element early
    return json.dumps(obj, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")


def _list(values: Any) -> list[Any]:
    return [
        None if isinstance(v, float) and np.isnan(v) else v for v in np.asarray(values).tolist()
    ]


def rank_interval_chart(rank_stats: pd.DataFrame, *, title: str = "Rank uncertainty") -> Figure:
    """Units sorted by nominal rank: median rank with 5-95% whiskers, and the nominal rank."""
    df = rank_stats.dropna(subset=["nominal"]).sort_values(["nominal", "uCode"], kind="stable")
    units = _list(df["uCode"].astype(str))
    median = {
        "type": "scatter",
        "x": units,
        "y": _list(df["median"]),
        "mode": "markers",
        "name": "median (5-95%)",
        "marker": {"size": 8, "color": "#83af70"},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": _list(df["q95"] - df["median"]),
            "arrayminus": _list(df["median"] - df["q5"]),
            "color": "grey",
        },
    }
    nominal = {
        "type": "scatter",
        "x": units,
        "y": _list(df["nominal"]),
        "mode": "markers",
        "name": "nominal",
        "marker": {"symbol": "line-ew-open", "size": 10, "color": "black"},
    }
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": "unit (by nominal rank)"}},
        "yaxis": {"title": {"text": "rank"}, "autorange": "reversed"},
    }
    return {"data": [median, nominal], "layout": layout}


def sobol_chart(indices: pd.DataFrame, *, title: str = "Sobol sensitivity indices") -> Figure:
    """Stacked bars per assumption: first-order effect and interactions (ST - S1), with the
    bootstrap interval of ST. Negative estimates are shown as 0, as COINr does."""
    s1 = indices["S1"].clip(lower=0).to_numpy()
    st = indices["ST"].clip(lower=0).to_numpy()
    inter = np.clip(st - s1, 0, None)
    names = _list(indices["assumption"].astype(str))
    first = {"type": "bar", "x": names, "y": _list(s1), "name": "first order (S1)"}
    interactions = {
        "type": "bar",
        "x": names,
        "y": _list(inter),
        "name": "interactions (ST - S1)",
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": _list(np.clip(indices["ST_high"].to_numpy() - st, 0, None)),
            "arrayminus": _list(np.clip(st - indices["ST_low"].to_numpy(), 0, None)),
        },
    }
    layout = {
        "barmode": "stack",
        "title": {"text": title},
        "yaxis": {"title": {"text": "share of output variance"}},
    }
    return {"data": [first, interactions], "layout": layout}


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


def write_chart(fig: Figure, directory: str | Path, name: str, *, png: bool = False) -> ChartFiles:
    """Write ``<name>.html`` (self-contained) and, with ``png`` and a browser available,
    ``<name>.png``."""
    directory = Path(directory)
    html = directory / f"{name}.html"
    styled = _styled(fig)
    title = str(styled["layout"].get("title", {}).get("text", name))
    page = _HTML.format(
        title=title.replace("<", "&lt;"),
        plotly_js=_package_data("plotly.min.js").read_text(encoding="utf-8"),
        data=_json(styled["data"]),
        layout=_json(styled["layout"]),
    )
    html.write_text(page, encoding="utf-8")
    if not png:
        return ChartFiles(html, None, None)
    return ChartFiles(html, *write_png(fig, directory / f"{name}.png"))


def _styled(fig: Figure) -> Figure:
    return {**fig, "layout": {"template": _template(), **fig.get("layout", {})}}


def write_png(fig: Figure, path: Path) -> tuple[Path | None, str | None]:
    """Export ``fig`` as a PNG through kaleido: ``(path, None)`` or ``(None, why not)``."""
    browser = find_browser()
    if browser is None:
        return None, (
            "PNG unavailable: kaleido needs Chrome/Chromium and none was found "
            "(install the Debian package 'chromium' or set BROWSER_PATH); the HTML chart was written"
        )
    try:
        _pio().write_image(_styled(fig), path, width=1200, height=600, validate=False)
    except (RuntimeError, OSError, ValueError) as exc:
        msg = " ".join(str(exc).split())[:200]
        return None, f"PNG unavailable: kaleido failed with {browser}: {msg}"
    return path, None
