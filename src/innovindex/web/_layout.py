"""Page layout, assets and small HTML helpers of the dashboard (no template engine: every
value goes through :func:`esc`)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from ..report._text import cell_text
from ..report.data import RunData

__all__ = ["APP_CSS", "APP_JS", "esc", "fmt", "page", "table", "url"]

APP_CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1a202c;background:#f7fafc}
header{background:#1a365d;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header a{color:#e2e8f0;text-decoration:none;font-weight:500}header a.active{color:#fff;border-bottom:2px solid #90cdf4}
header .brand{font-weight:700;font-size:18px;color:#fff}header form{margin-left:auto}
.synthetic{background:#c53030;color:#fff;font-weight:700;padding:6px 20px;letter-spacing:.04em}
main{max-width:1280px;margin:0 auto;padding:12px 20px}h1{font-size:22px;margin:8px 0}
section{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:12px 16px;margin:12px 0}
h2{font-size:17px;margin:2px 0 10px}.controls{display:flex;gap:14px;flex-wrap:wrap;align-items:end;margin:6px 0}
label{font-size:12px;color:#4a5568;display:flex;flex-direction:column;gap:2px}
select,input{font-size:14px;padding:4px 6px;border:1px solid #cbd5e0;border-radius:4px;background:#fff}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{border-bottom:1px solid #edf2f7;padding:4px 6px;text-align:right}
td.t,th.t{text-align:left}thead th{position:sticky;top:0;background:#edf2f7;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}
.scroll{max-height:70vh;overflow:auto}.grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media(max-width:900px){.grid{grid-template-columns:1fr}}.muted{color:#718096;font-size:12px}
.tag{display:inline-block;padding:1px 6px;border-radius:10px;font-size:11px}.Strength{background:#c6f6d5}.Weakness{background:#fed7d7}
.kpi{display:flex;gap:16px;flex-wrap:wrap}.kpi div{background:#ebf8ff;border-radius:6px;padding:8px 14px}.kpi b{display:block;font-size:20px}
ul.tree{list-style:none;padding-left:18px}ul.tree li{margin:2px 0}
"""

APP_JS = """
function navTo(name, value){var u=new URL(location.href);if(value===''||value===null){u.searchParams.delete(name);}else{u.searchParams.set(name,value);}location.href=u.toString();}
document.addEventListener('DOMContentLoaded',function(){
 document.querySelectorAll('select[data-nav]').forEach(function(s){s.addEventListener('change',function(){navTo(s.dataset.nav,s.value);});});
 document.querySelectorAll('select[data-multi]').forEach(function(s){s.addEventListener('change',function(){
  var v=Array.from(s.selectedOptions).map(function(o){return o.value;}).join(',');navTo(s.dataset.multi,v);});});
 document.querySelectorAll('input[data-filter]').forEach(function(inp){var t=document.getElementById(inp.dataset.filter);
  inp.addEventListener('input',function(){var q=inp.value.toLowerCase();var n=0;t.querySelectorAll('tbody tr').forEach(function(r){
   var show=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=show?'':'none';if(show)n++;});
   var c=document.getElementById(inp.dataset.filter+'-count');if(c)c.textContent=n;});});
 document.querySelectorAll('table.sortable').forEach(function(t){t.querySelectorAll('thead th').forEach(function(th,i){
  th.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending';
   t.querySelectorAll('thead th').forEach(function(h){h.removeAttribute('aria-sort');});th.setAttribute('aria-sort',asc?'ascending':'descending');
   var body=t.tBodies[0];var rows=Array.from(body.rows);rows.sort(function(a,b){
    var x=a.cells[i].dataset.v!==undefined?a.cells[i].dataset.v:a.cells[i].textContent;var y=b.cells[i].dataset.v!==undefined?b.cells[i].dataset.v:b.cells[i].textContent;
    var nx=parseFloat(x),ny=parseFloat(y);var c;if(!isNaN(nx)&&!isNaN(ny)){c=nx-ny;}else if(isNaN(nx)&&!isNaN(ny)){c=1;}else if(!isNaN(nx)&&isNaN(ny)){c=-1;}else{c=x.localeCompare(y);}
    return asc?c:-c;});rows.forEach(function(r){body.appendChild(r);});});});});
});
"""


def esc(v: Any) -> str:
    """HTML-escaped text ('' for None)."""
    return html.escape("" if v is None else str(v))


def fmt(v: Any, digits: int = 1) -> str:
    """A number for display ('' when missing), HTML-escaped."""
    return esc(cell_text(v, digits))


def url(path: str, **params: Any) -> str:
    """``path?params`` with the None-valued ones dropped, escaped for an attribute."""
    q = {k: v for k, v in params.items() if v is not None and v != ""}
    return esc(path + ("?" + urlencode(q) if q else ""))


def table(
    df: pd.DataFrame,
    cols: list[tuple[str, str]],
    *,
    table_id: str,
    link: tuple[str, Any] | None = None,
    digits: int = 1,
    titles: dict[str, str] | None = None,
) -> str:
    """A sortable table; ``cols`` = (column, heading); ``link`` = (column, row -> href);
    ``titles`` = column -> tooltip (e.g. an element's name under its code)."""
    tips = titles or {}
    head = "".join(
        f'<th class="{"t" if not _numeric(df, c) else ""}"'
        + (f' title="{esc(tips[c])}"' if c in tips else "")
        + f">{esc(h)}</th>"
        for c, h in cols
    )
    rows = []
    for r in df.to_dict("records"):
        cells = []
        for c, _ in cols:
            v = r.get(c)
            text = fmt(v, 0 if c == "rank" else digits)
            if link is not None and c == link[0]:
                text = f'<a href="{link[1](r)}">{text}</a>'
            cls = "" if _numeric(df, c) else ' class="t"'
            sort = (
                f' data-v="{esc(v)}"'
                if _numeric(df, c) and v is not None and not pd.isna(v)
                else ""
            )
            cells.append(f"<td{cls}{sort}>{text}</td>")
        rows.append(f'<tr data-unit="{esc(r.get("uCode", ""))}">' + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _numeric(df: pd.DataFrame, c: str) -> bool:
    return c in df.columns and pd.api.types.is_numeric_dtype(df[c])


_NAV = (("rankings", "Rankings"), ("map", "Map"), ("economy", "Economy"), ("compare", "Compare"),
        ("framework", "Framework"), ("runs", "Runs"))  # fmt: skip


def page(
    title: str,
    body: str,
    *,
    active: str,
    run: RunData | None,
    runs: pd.DataFrame | None = None,
    geo: bool = False,
) -> str:
    """A full dashboard page: header with navigation and run selector, SYNTHETIC banner when
    the run is synthetic, Plotly (and the map geometry when ``geo``) from /static."""
    rid = run.run_id if run is not None else None
    links = "".join(
        f'<a href="{url("/" + key, run=rid)}" class="{"active" if key == active else ""}">{label}</a>'
        for key, label in _NAV
    )
    selector = ""
    if runs is not None and len(runs):
        opts = "".join(
            f'<option value="{esc(r["run_id"])}"{" selected" if r["run_id"] == rid else ""}>'
            f"{esc(r['run_id'])} · {esc(r.get('label'))}{' (synthetic)' if r.get('synthetic') else ''}</option>"
            for r in runs.to_dict("records")
        )
        selector = f'<form><label style="color:#e2e8f0">run<select data-nav="run" id="run-select">{opts}</select></label></form>'
    banner = (
        '<div class="synthetic" id="synthetic-banner">SYNTHETIC DATA: generated by innovindex, '
        "not real statistics</div>"
        if run is not None and run.synthetic
        else ""
    )
    geo_js = '<script src="/static/geo.js"></script>' if geo else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · innovindex</title>"
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/app.css">'
        f'<script src="/static/plotly.min.js"></script>{geo_js}<script src="/static/app.js"></script>'
        f'</head><body><header><a class="brand" href="/">innovindex</a>{links}{selector}</header>'
        f"{banner}<main><h1>{esc(title)}</h1>{body}</main></body></html>"
    )
