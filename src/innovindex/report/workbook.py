"""`innovindex export`: a recorded run as an Excel workbook to send.

One sheet per table (scores, ranks, indicator data at each stored stage, statistics,
uncertainty results, profiles, the framework tree, and any further per-run table the store
holds, such as a treatment log), each with a frozen header row, number formats and column
widths; a cover sheet gives the run's provenance and says SYNTHETIC when the data is.
Written with openpyxl in write-only mode (fast and memory-light), to a temporary name that is
moved into place, so a failure leaves no partial file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..dbfile import connect_store
from ..io._atomic import atomic_file
from .data import RunData, clean
from .reader import StoreReader

__all__ = ["write_workbook", "SHEETS"]

#: The sheets every workbook has, in order (more follow when the store has them).
SHEETS = ("Cover", "Scores", "Ranks", "Statistics", "Profiles", "Framework")

_SCORE = "0.00"
_RANK = "0"
_KNOWN = {"index_runs", "index_scores", "index_indicators", "index_uncertainty"}


def write_workbook(
    db: str | Path, run: str, out: str | Path, *, audit: str | Path | None = None
) -> Path:
    """Write run ``run`` (an id or ``latest``) of store ``db`` to the workbook ``out``; with
    ``audit`` (an `innovindex audit` output folder) an Uncertainty sheet is added."""
    from openpyxl import Workbook

    reader = StoreReader(db)
    data = reader.run(run)
    if audit is not None:
        from .audit import attach_audit

        data = attach_audit(data, audit)
    out = Path(out)
    # the temporary file first: an unwritable --out fails at once, naming ``out``, before
    # the sheets are built (and before write-only sheets hold temporary files open)
    with atomic_file(out) as tmp:
        wb = Workbook(write_only=True)
        _cover(wb, data)
        _sheet(wb, "Scores", _wide(data, "score"), {"*": _SCORE}, freeze=3)
        _sheet(wb, "Ranks", _wide(data, "rank"), {"*": _RANK}, freeze=3)
        for stage in ("raw", "treated", "normalised"):
            if len(data.indicators) and stage in data.indicators.columns:
                _sheet(
                    wb, f"Indicators {stage}", _indicators(data, stage), {"*": "0.000"}, freeze=2
                )
        _sheet(wb, "Statistics", _statistics(data), {"*": _SCORE, "n": "0", "time": "0"}, freeze=2)
        if data.uncertainty is not None:
            _sheet(wb, "Uncertainty", data.uncertainty, {"*": "0.0"}, freeze=1)
        _sheet(wb, "Profiles", _profiles(data), {"score": _SCORE, "rank": _RANK}, freeze=2)
        _sheet(wb, "Framework", data.tree, {"weight": "0.00", "level": "0"}, freeze=1)
        for table, df in _extra_tables(db, data.run_id).items():
            _sheet(
                wb, table.removeprefix("index_").replace("_", " ").capitalize(), df, {}, freeze=1
            )
        wb.save(tmp)
    return out


def _wide(data: RunData, value: str) -> pd.DataFrame:
    """time, uCode, uName, then one column per code (framework order, top first)."""
    present = set(data.scores["code"])
    order = [c for c in data.tree["code"] if c in present]
    order += sorted(present - set(order))
    wide = data.scores.pivot_table(
        index=["time", "uCode", "uName"], columns="code", values=value, aggfunc="first"
    )
    return wide.reindex(columns=order).reset_index().sort_values(["time", "uCode"])


def _indicators(data: RunData, stage: str) -> pd.DataFrame:
    present = set(data.indicators["code"])
    order = [c for c in data.tree["code"] if c in present][::-1]
    wide = data.indicators.pivot_table(
        index=["time", "uCode"], columns="code", values=stage, aggfunc="first", dropna=False
    )
    return wide.reindex(columns=order or None).reset_index().sort_values(["time", "uCode"])


def _statistics(data: RunData) -> pd.DataFrame:
    g = data.scores.groupby(["time", "code"])["score"]
    stats = g.agg(["count", "mean", "std", "min", "median", "max"]).reset_index()
    return stats.rename(columns={"count": "n"})


def _profiles(data: RunData) -> pd.DataFrame:
    year = data.latest_year
    rows = []
    for unit in data.units(year)["uCode"]:
        p = data.profile(str(unit), year)
        head = p["headline"] or {}
        rows.append(
            {
                "uCode": unit,
                "uName": p["uName"],
                "time": year,
                "code": data.headline,
                "score": head.get("score"),
                "rank": head.get("rank"),
                "strengths": "; ".join(f"{s['code']} {s['name']}" for s in p["strengths"]),
                "weaknesses": "; ".join(f"{s['code']} {s['name']}" for s in p["weaknesses"]),
            }
        )
    return pd.DataFrame(rows).sort_values(["rank", "uCode"], na_position="last")


def _extra_tables(db: str | Path, run_id: str) -> dict[str, pd.DataFrame]:
    """Further ``index_*`` tables keyed by run (e.g. a treatment log recorded by later work)."""
    out: dict[str, pd.DataFrame] = {}
    with connect_store(db, read_only=True) as con:
        rows = con.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'run_id' "
            "AND table_name LIKE 'index_%' ORDER BY table_name"
        ).fetchall()
        for (table,) in rows:
            if table in _KNOWN:
                continue
            df = con.execute(f'SELECT * FROM "{table}" WHERE run_id = ?', [run_id]).df()
            if len(df):
                out[str(table)] = df.drop(columns="run_id")
    return out


def _cover(wb: Any, data: RunData) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet("Cover")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    title = WriteOnlyCell(ws, value="innovindex run")
    title.font = Font(bold=True, size=16)
    ws.append([title])
    if data.synthetic:
        mark = WriteOnlyCell(ws, value="SYNTHETIC")
        mark.font = Font(bold=True, size=14, color="FFFFFF")
        mark.fill = PatternFill("solid", fgColor="C53030")
        ws.append([mark, "every number in this workbook is generated, not real statistics"])
    info = dict(data.info)
    pipeline = info.pop("pipeline", None)
    inputs = info.pop("inputs", None)
    for key, value in info.items():
        ws.append([key, _cell(value)])
    ws.append(["years", f"{data.years[0]}-{data.years[-1]} ({len(data.years)})"])
    ws.append(["units", int(data.scores["uCode"].nunique())])
    if inputs:
        parsed = json.loads(inputs) if isinstance(inputs, str) else inputs
        for name, item in (parsed or {}).items():
            if isinstance(item, dict):
                ws.append([f"input {name}", f"{item.get('path')}  sha256 {item.get('sha256')}"])
            else:
                ws.append([f"input {name}", _cell(item)])
    ws.append(["pipeline", json.dumps(pipeline, sort_keys=True) if pipeline is not None else ""])
    ws.append([])
    ws.append(["sheets", "one table per sheet; header row frozen; scores 2 decimals"])


def _cell(value: Any) -> Any:
    value = clean(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _sheet(wb: Any, title: str, df: pd.DataFrame, formats: dict[str, str], freeze: int) -> None:
    """One table: bold frozen header, per-column number formats (``"*"`` = every numeric
    column not named), widths from the longest value (capped)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title[:31])
    cols = [str(c) for c in df.columns]
    ws.freeze_panes = f"{get_column_letter(freeze + 1)}2"
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) for c in df.columns}
    fmts = [formats.get(str(c), formats.get("*")) if numeric[c] else None for c in df.columns]
    for i, c in enumerate(cols, start=1):
        sample = df.iloc[:200, i - 1].astype(str).str.len().max() if len(df) else 0
        width = min(max(len(c), int(sample) if pd.notna(sample) else 0, 6) + 2, 48)
        if numeric[df.columns[i - 1]]:
            width = min(width, 14)
        ws.column_dimensions[get_column_letter(i)].width = width
    header = []
    for c in cols:
        cell = WriteOnlyCell(ws, value=c)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2E8F0")
        header.append(cell)
    ws.append(header)
    for row in df.itertuples(index=False, name=None):
        out = []
        for v, f in zip(row, fmts, strict=True):
            v = _cell(v)
            if f is not None and v is not None:
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = f
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
