"""`innovindex report`: one self-contained HTML file that works offline.

Plotly's JavaScript is inlined once in the page head; every chart is a JSON figure in a
``<script type="application/json">`` block drawn by a few lines of script: charts in view at
once, each economy's profile (a closed ``<details>``) when it is opened, so a report with
130 profiles opens quickly. The map draws the bundled Natural Earth geometry
(:mod:`innovindex.report.geo`); nothing is fetched from the network when the file is viewed.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..io._atomic import atomic_file
from . import charts
from ._text import cell_text
from .data import RunData
from .geo import geo_assets_js
from .reader import StoreReader

__all__ = ["render_report", "write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
.synthetic{background:#c53030;color:#fff;font-weight:700;padding:8px 24px;letter-spacing:.05em}
main{max-width:1200px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:12px 16px;margin:16px 0}
h2{font-size:18px;margin:4px 0 12px}table{border-collapse:collapse;font-size:13px;width:100%}
th,td{border-bottom:1px solid #edf2f7;padding:3px 6px;text-align:right}
th:nth-child(2),td:nth-child(2){text-align:left}thead th{position:sticky;top:0;background:#edf2f7}
.scroll{max-height:480px;overflow:auto}details{border-top:1px solid #e2e8f0;padding:6px 0}
summary{cursor:pointer;font-weight:600}.grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
nav a{margin-right:12px}.muted{color:#718096;font-size:12px}
"""

_DRAW = """
function drawIn(root){root.querySelectorAll('div.chart:not([data-drawn])').forEach(function(d){
 if(d.closest('details:not([open])'))return;
 var f=JSON.parse(document.getElementById(d.dataset.fig).textContent);
 d.setAttribute('data-drawn','1');Plotly.newPlot(d,f.data,f.layout,CONFIG);});}
document.addEventListener('DOMContentLoaded',function(){drawIn(document);
 document.querySelectorAll('details').forEach(function(el){
  el.addEventListener('toggle',function(){if(el.open)drawIn(el);});});});
"""


def write_report(
    db: str | Path, run: str, out: str | Path, *, audit: str | Path | None = None
) -> Path:
    """Write the report of ``run`` (an id or ``latest``) in store ``db`` to ``out``; with
    ``audit`` (an `innovindex audit` output folder) it includes the rank intervals.

    The file is written to a temporary name and moved into place, so a failure leaves no
    partial report.
    """
    data = StoreReader(db).run(run)
    if audit is not None:
        from .audit import attach_audit

        data = attach_audit(data, audit)
    text = render_report(data)
    out = Path(out)
    with atomic_file(out) as tmp:  # a failure names ``out``, never the temporary file
        tmp.write_text(text, encoding="utf-8")
    return out


class _Page:
    """Collects chart containers and their JSON figures."""

    def __init__(self) -> None:
        self.figs: list[str] = []

    def chart(self, fig: Any, height: int | None = None) -> str:
        import plotly.io as pio

        fid = f"fig{len(self.figs)}"
        payload = pio.to_json(fig, validate=False).replace("</", "<\\/")
        self.figs.append(f'<script type="application/json" id="{fid}">{payload}</script>')
        h = height or int(fig.layout.height or 420)
        return f'<div class="chart" data-fig="{fid}" style="min-height:{h}px"></div>'


def _esc(v: Any) -> str:
    return html.escape("" if v is None else str(v))


def _fmt(v: Any, digits: int = 1) -> str:
    return _esc(cell_text(v, digits))


def _table(df: pd.DataFrame, cols: list[str], heads: list[str]) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td>{_fmt(r[c], 0 if c == 'rank' else 1)}</td>" for c in cols) + "</tr>"
        for r in df.to_dict("records")
    )
    head = "".join(f"<th>{_esc(h)}</th>" for h in heads)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def render_report(run: RunData, profiles: list[str] | None = None) -> str:
    """The report of ``run`` as one HTML string (``profiles``: unit codes, default all)."""
    page = _Page()
    year = run.latest_year
    head = run.headline
    ranking = run.ranking(year)
    codes = [c for c in ranking.columns if c not in ("uCode", "uName", "rank", "group")]
    parts: list[str] = []
    parts.append(
        f'<section id="ranking"><h2>Ranking {year}: {_esc(run.name_of(head))}</h2>'
        + _table(ranking, ["rank", "uName", "uCode", *codes], ["Rank", "Economy", "Code", *codes])
        + page.chart(charts.ranking_bar(ranking, head, f"{head} {year}, top 30", top=30))
        + "</section>"
    )
    parts.append(
        '<section id="map"><h2>World map</h2>'
        + page.chart(charts.world_map(ranking, head, f"{head} {year}"))
        + f'<p class="muted">Country outlines: {_esc(_geo_source())}.</p></section>'
    )
    parts.append(
        '<section id="correlations"><h2>Correlations</h2>'
        + page.chart(
            charts.correlation_heatmap(
                run.correlations(year), f"Correlation of {head} and its pillars, {year}"
            )
        )
        + "</section>"
    )
    if run.uncertainty is not None:
        unc = _with_names(run, run.uncertainty)
        parts.append(
            '<section id="uncertainty"><h2>Rank intervals (uncertainty analysis)</h2>'
            + page.chart(charts.rank_interval(unc, f"{head}: nominal rank and interval"))
            + "</section>"
        )
    units = run.units(year)
    if profiles is not None:
        units = units[units["uCode"].isin(profiles)]
    order = ranking.set_index("uCode")["rank"]
    units = units.assign(_r=units["uCode"].map(order)).sort_values(["_r", "uCode"])
    prof_html = []
    for code, name in zip(units["uCode"], units["uName"], strict=True):
        prof_html.append(_profile_section(run, page, str(code), str(name), year))
    parts.append(
        f'<section id="profiles"><h2>Economy profiles ({len(prof_html)})</h2>'
        + "".join(prof_html)
        + "</section>"
    )
    title = f"innovindex report: {run.info.get('label') or run.run_id}"
    banner = (
        '<div class="synthetic">SYNTHETIC DATA: every number in this report is generated, '
        "not real statistics</div>"
        if run.synthetic
        else ""
    )
    meta = (
        f"run {_esc(run.run_id)} · recorded {_esc(run.info.get('created'))} · framework "
        f"{_esc(run.info.get('framework'))} · innovindex {_esc(run.info.get('innovindex_version'))}"
        f" · years {run.years[0]}-{run.years[-1]}"
    )
    nav = "".join(
        f'<a href="#{s}">{s.capitalize()}</a>'
        for s in ("ranking", "map", "correlations", "uncertainty", "profiles")
        if s != "uncertainty" or run.uncertainty is not None
    )
    config = json.dumps(charts.CONFIG)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_esc(title)}</title>'
        f"<style>{_CSS}</style><script>{charts.plotly_js()}</script><script>{geo_assets_js()}</script>"
        f"<script>var CONFIG={config};{_DRAW}</script></head><body>"
        f"<header><h1>{_esc(title)}</h1><p>{meta}</p></header>{banner}<main><nav>{nav}</nav>"
        + "".join(parts)
        + "</main>"
        + "".join(page.figs)
        + "</body></html>\n"
    )


def _geo_source() -> str:
    from .geo import SOURCE

    return SOURCE


def _with_names(run: RunData, unc: pd.DataFrame) -> pd.DataFrame:
    names = run.units().set_index("uCode")["uName"]
    return unc.assign(uName=unc["uCode"].map(names))


def _profile_section(run: RunData, page: _Page, code: str, name: str, year: int) -> str:
    prof = run.profile(code, year)
    scores = pd.DataFrame(prof["scores"])
    pillars = pd.DataFrame(prof["pillars"])
    ts = pd.DataFrame(prof["timeseries"])
    head = prof["headline"] or {}
    sw = "".join(
        f"<p><b>{label}:</b> "
        + ", ".join(f"{_esc(s['name'])} (rank {_fmt(s['rank'], 0)})" for s in prof[key])
        + "</p>"
        for key, label in (("strengths", "Strengths"), ("weaknesses", "Weaknesses"))
        if prof[key]
    )
    iv = prof.get("rank_interval")
    if iv:
        sw += (
            f"<p><b>Rank interval (audit, 5th-95th percentile):</b> {_fmt(iv.get('low'), 0)} to "
            f"{_fmt(iv.get('high'), 0)}, median {_fmt(iv.get('median'), 0)}</p>"
        )
    radar = page.chart(charts.radar({name: pillars}, f"{name}: pillars {year}"))
    line = page.chart(charts.timeseries({name: ts}, f"{name}: {run.headline} over the years"))
    table = _table(scores, ["code", "name", "score", "rank"], ["Code", "Element", "Score", "Rank"])
    return (
        f'<details id="profile-{_esc(code)}"><summary>{_fmt(head.get("rank"), 0)}. {_esc(name)} '
        f"({_esc(code)}): {run.headline} {_fmt(head.get('score'))}</summary>"
        f'<div class="grid"><div>{radar}</div><div>{line}</div></div>{sw}{table}</details>'
    )
