"""Rank intervals from an `innovindex audit` output folder, for the report and the workbook.

Audit results are not recorded in the store; ``innovindex report --audit DIR`` and
``innovindex export --audit DIR`` read the folder the audit wrote (``rank_stats.csv`` or the
``rank_stats`` sheet of ``results.xlsx``, and ``run.json`` for the audited year) and attach
its rank intervals (5th-95th percentiles) to the run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .data import RunData

__all__ = ["attach_audit", "read_rank_stats"]


def read_rank_stats(folder: str | Path) -> pd.DataFrame:
    """``uCode, nominal, median, low, high`` (and ``time`` when the audit names its year)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            "not an audit output folder (run `innovindex audit --out DIR`)", file=folder
        )
    csv, xlsx = folder / "rank_stats.csv", folder / "results.xlsx"
    if csv.is_file():
        df = pd.read_csv(csv, dtype={"uCode": str})
    elif xlsx.is_file():
        df = pd.read_excel(xlsx, sheet_name="rank_stats", dtype={"uCode": str})
    else:
        raise InputError(
            "no rank_stats.csv or results.xlsx: expected an audit's output", file=folder
        )
    need = {"uCode", "nominal", "q5", "q95"}
    if not need <= set(df.columns):
        raise InputError(
            f"rank_stats lacks columns {sorted(need - set(df.columns))}",
            file=csv if csv.is_file() else xlsx,
        )
    out = pd.DataFrame(
        {
            "uCode": df["uCode"].astype(str),
            "nominal": df["nominal"].astype(float),
            "median": df["median"].astype(float) if "median" in df else float("nan"),
            "low": df["q5"].astype(float),
            "high": df["q95"].astype(float),
        }
    )
    info = folder / "run.json"
    if info.is_file():
        times = [
            t
            for t in json.loads(info.read_text(encoding="utf-8")).get("times", [])
            if t is not None
        ]
        if len(times) == 1:
            out.insert(1, "time", int(times[0]))
    return out


def attach_audit(run: RunData, folder: str | Path) -> RunData:
    """A copy of ``run`` carrying the audit's rank intervals (its units must be the run's)."""
    unc = read_rank_stats(folder)
    known = set(run.scores["uCode"])
    if not set(unc["uCode"]) & known:
        raise InputError(
            f"the audit's units {sorted(unc['uCode'])[:3]} are not units of run {run.run_id}",
            file=folder,
        )
    if "time" in unc.columns and int(unc["time"].iloc[0]) not in run.years:
        raise InputError(
            f"the audit is of {int(unc['time'].iloc[0])}, a year run {run.run_id} does not have",
            file=folder,
        )
    return dataclasses.replace(run, uncertainty=unc)
