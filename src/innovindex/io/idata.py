"""Indicator data in COINr's iData layout, checked against a framework.

Layout: ``uCode``, optional ``uName`` and ``Time``, group columns, denominator columns, and one
column per indicator code. Long tables (unit, indicator, value, optional year) and published
variants (country names instead of codes, labelled columns) are brought into this layout
first (:mod:`innovindex.io.layout`). Every problem is reported with file, row and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._identity import canonical
from .._limits import INFINITE_VALUE, check_time, check_values
from ..errors import InputError, shown
from ..framework import Framework
from ..stage import Stage
from .layout import is_text_column, numeric_column, to_idata
from .readers import read_table

__all__ = ["check_data", "read_data", "split_by_time"]


def read_data(
    path: str | Path,
    framework: Framework,
    *,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read an iData file (CSV, XLSX or Parquet), wide or long, and check it.

    ``sep``, ``decimal`` and ``encoding`` apply to CSV and are detected when None (see
    :mod:`innovindex.io.sniff`). See :func:`check_data` for the checks.
    """
    groups = set(framework.groups)
    table = read_table(
        path,
        text_columns=lambda c: c in groups or is_text_column(c),
        sep=sep,
        decimal=decimal,
        encoding=encoding,
    )
    return check_data(table, framework, source=str(path))


def check_data(
    data: pd.DataFrame, framework: Framework, *, source: str = "<iData>"
) -> pd.DataFrame:
    """Check an iData table against ``framework`` and return a clean copy.

    ``data`` may be wide or long (see :func:`innovindex.io.layout.to_idata`). The copy has
    ``uCode`` and ``uName`` as str, ``Time`` as int (when present) and indicator and
    denominator columns as float.

    Raises
    ------
    InputError
        On a missing ``uCode`` column or value, duplicate unit (and time), an indicator
        missing from the data, a non-numeric value, or an indicator with no data at all.
        (A missing group or denominator column is reported by the step that needs it.)
    """
    if data.shape[0] == 0:
        raise InputError("no data rows: expected one row per unit (and time)", file=source)
    if "uCode" not in data.columns or not set(framework.indicators) <= set(data.columns):
        data = to_idata(data, framework, source=source)
    if "uCode" not in data.columns:
        raise InputError(
            "missing column 'uCode' (the unit code; or unit, iso3, country_code, or country "
            f"names in economy/country); found columns {list(data.columns)[:8]}...",
            file=source,
            column="uCode",
        )
    df = data.reset_index(drop=True).copy()
    codes = df["uCode"].map(lambda v: canonical(v) if isinstance(v, str) else v)  # issue 8
    blank = codes.isna() | (codes.astype(str).str.strip() == "")
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError("empty uCode", file=source, row=i + 2, column="uCode")
    df["uCode"] = _canonical(codes)
    if "Time" in df.columns:
        df["Time"] = _numeric(df, "Time", source)
        if df["Time"].isna().any():
            i = int(np.flatnonzero(df["Time"].isna().to_numpy())[0])
            raise InputError("empty Time", file=source, row=i + 2, column="Time")
        if (df["Time"] != df["Time"].round()).any():
            i = int(np.flatnonzero((df["Time"] != df["Time"].round()).to_numpy())[0])
            raise InputError(
                f"Time must be a whole year, got {df['Time'][i]!r}",
                file=source,
                row=i + 2,
                column="Time",
            )
        check_time(df["Time"], source)  # issue 8: 1e20 would wrap to -9.2e18
        df["Time"] = df["Time"].astype(int)
        key = ["uCode", "Time"]
    else:
        key = ["uCode"]
    dup = df.duplicated(key, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        what = " and ".join(f"{k}={shown(df[k].iloc[i])}" for k in key)
        raise InputError(
            f"duplicate unit: {what} appears more than once", file=source, row=i + 2, column="uCode"
        )

    needed = list(framework.indicators)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise InputError(
            f"indicator(s) {missing[:5]}{'...' if len(missing) > 5 else ''} of the framework are "
            "not columns of the data",
            file=source,
            column=missing[0],
        )
    used_denoms = {d for d in framework.attribute("Denominator").values() if d is not None}
    numeric = [c for c in (*framework.denominators, *sorted(used_denoms)) if c in df.columns]
    cols = list(dict.fromkeys([*needed, *numeric]))
    fast = [
        c
        for c in cols
        if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
    ]
    block = df[fast].to_numpy(dtype=float)
    if np.isinf(block).any():
        i, j = (int(v[0]) for v in np.nonzero(np.isinf(block)))
        raise InputError(INFINITE_VALUE, file=source, row=i + 2, column=fast[j])
    converted = {c: _numeric(df, c, source) for c in cols if c not in set(fast)}
    df = pd.concat(
        [
            df.drop(columns=cols),
            pd.DataFrame(block, columns=fast, index=df.index),
            pd.DataFrame(converted),
        ],
        axis=1,
    )
    check_values(df, cols, source)  # issue 8: values whose spread overflows
    for col in needed:
        if df[col].isna().all():
            raise InputError(
                f"indicator {col!r} has no data: every value is missing", file=source, column=col
            )
    if "uName" not in df.columns:
        df["uName"] = df["uCode"]
    else:
        names = df["uName"]
        df["uName"] = names.where(names.notna() & (names.astype(str) != ""), df["uCode"]).astype(
            str
        )
    return df


def _canonical(codes: pd.Series) -> pd.Series:
    """:func:`canonical` of each code, computed once per distinct code."""
    text = codes.astype(str)
    distinct = text.unique()
    # plain printable ASCII without surrounding spaces is already canonical (the usual case)
    mapping = {
        d: d if d.isascii() and d.isprintable() and d == d.strip() else canonical(d)
        for d in distinct
    }
    return text.map(mapping)


def _numeric(df: pd.DataFrame, col: str, source: str) -> pd.Series:
    return numeric_column(df[col], file=source, column=col)


def split_by_time(data: pd.DataFrame, framework: Framework) -> dict[int | None, Stage]:
    """One :class:`Stage` per ``Time`` value of a checked iData table (key None when no Time)."""
    used = {d for d in framework.attribute("Denominator").values() if d is not None}
    wanted = ["uName", "Time", *framework.groups, *framework.denominators, *sorted(used)]
    unit_cols = [c for c in dict.fromkeys(wanted) if c in data.columns]
    times = sorted(data["Time"].unique()) if "Time" in data.columns else [None]
    out: dict[int | None, Stage] = {}
    for t in times:
        part = data if t is None else data[data["Time"] == t]
        part = part.set_index("uCode")
        out[None if t is None else int(t)] = Stage(
            values=part[list(framework.indicators)].astype(float),
            units=part[unit_cols].copy(),
            framework=framework,
        )
    return out
