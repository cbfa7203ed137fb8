"""Validation of iMeta tables: one clear error naming the file, row and column."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .._identity import canonical
from ..errors import InputError, shown

REQUIRED_COLUMNS = ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type")
ELEMENT_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other", "Ratio")
TREE_TYPES = ("Indicator", "Aggregate")


def blank(v: Any) -> bool:
    """True for an empty cell (None, NaN or whitespace)."""
    return (
        v is None
        or (isinstance(v, float) and math.isnan(v))
        or (isinstance(v, str) and not v.strip())
    )


def validate(meta: pd.DataFrame, source: str) -> pd.DataFrame:
    if meta.empty:
        raise InputError("the framework table is empty: expected iMeta rows", file=source)
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise InputError(
            f"missing iMeta column(s) {missing}; expected columns {list(REQUIRED_COLUMNS)}",
            file=source,
        )
    meta = meta.reset_index(drop=True).copy()

    def row(i: int) -> int:  # 1-based file line (header is line 1)
        return i + 2

    for i, t in enumerate(meta["Type"]):
        if t not in ELEMENT_TYPES:
            raise InputError(
                f"Type {t!r} is not one of {list(ELEMENT_TYPES)}",
                file=source,
                row=row(i),
                column="Type",
            )
    codes = meta["iCode"].map(lambda v: canonical(v) if isinstance(v, str) else v)  # issue 8
    for i, c in enumerate(codes):
        if blank(c):
            raise InputError("empty iCode", file=source, row=row(i), column="iCode")
    meta["iCode"] = codes.astype(str).str.strip()
    dup = meta["iCode"].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        first = int((meta["iCode"] == meta["iCode"][i]).to_numpy().nonzero()[0][0])
        raise InputError(
            f"duplicate iCode {meta['iCode'][i]!r} (first defined at row {row(first)}); codes must be unique",
            file=source,
            row=row(i),
            column="iCode",
        )
    meta["Parent"] = pd.Series(
        [None if blank(p) else canonical(str(p)) for p in meta["Parent"]],
        index=meta.index,
        dtype=object,
    )

    tree = meta["Type"].isin(TREE_TYPES)
    for col in ("Level", "Weight", "Direction"):
        meta[col] = _numeric_column(meta, col, source, tree)
    for i in meta.index[tree]:
        lev = float(meta.at[i, "Level"])  # type: ignore[arg-type]
        if math.isnan(lev) or lev != int(lev) or lev < 1:
            raise InputError(
                f"Level must be a whole number >= 1, got {lev!r}",
                file=source,
                row=row(i),
                column="Level",
            )
        t = meta.at[i, "Type"]
        if t == "Indicator" and lev != 1:
            raise InputError(
                f"indicator {meta.at[i, 'iCode']!r} must be at Level 1, got {int(lev)}",
                file=source,
                row=row(i),
                column="Level",
            )
        if t == "Aggregate" and lev < 2:
            raise InputError(
                f"aggregate {meta.at[i, 'iCode']!r} must be at Level >= 2, got {int(lev)}",
                file=source,
                row=row(i),
                column="Level",
            )
        w = float(meta.at[i, "Weight"])  # type: ignore[arg-type]
        if math.isnan(w) or w < 0:
            raise InputError(
                f"Weight must be a number >= 0, got {w!r}", file=source, row=row(i), column="Weight"
            )
        if t == "Indicator" and meta.at[i, "Direction"] not in (1.0, -1.0):
            raise InputError(
                f"Direction must be 1 or -1, got {shown(meta.at[i, 'Direction'])}",
                file=source,
                row=row(i),
                column="Direction",
            )
    meta.loc[~tree & meta["Level"].isna(), "Level"] = float("nan")
    meta.loc[tree & meta["Direction"].isna(), "Direction"] = 1.0

    kinds = dict(zip(meta["iCode"], meta["Type"], strict=True))
    levels = dict(zip(meta["iCode"], meta["Level"], strict=True))
    for i in meta.index[tree]:
        code, p = meta.at[i, "iCode"], meta.at[i, "Parent"]
        if blank(p):
            if meta.at[i, "Type"] == "Indicator":
                raise InputError(
                    f"indicator {code!r} has no Parent", file=source, row=row(i), column="Parent"
                )
            continue
        if p not in kinds:
            raise InputError(
                f"Parent {p!r} of {code!r} is not an iCode in the framework",
                file=source,
                row=row(i),
                column="Parent",
            )
        if kinds[p] != "Aggregate":
            raise InputError(
                f"Parent {p!r} of {code!r} is a {kinds[p]}, expected an Aggregate",
                file=source,
                row=row(i),
                column="Parent",
            )
    _check_cycles(meta, source)
    for i in meta.index[tree]:
        code, p = meta.at[i, "iCode"], meta.at[i, "Parent"]
        if not blank(p) and levels[p] <= levels[code]:
            raise InputError(
                f"Parent {p!r} (Level {int(levels[p])}) of {code!r} (Level {int(levels[code])}) "
                "must be at a higher level",
                file=source,
                row=row(i),
                column="Parent",
            )
    has_child = set(meta.loc[tree, "Parent"].dropna())
    for i in meta.index[meta["Type"] == "Aggregate"]:
        if meta.at[i, "iCode"] not in has_child:
            raise InputError(
                f"aggregate {meta.at[i, 'iCode']!r} has no children",
                file=source,
                row=row(i),
                column="iCode",
            )
    child_weight = meta.loc[tree].groupby("Parent")["Weight"].sum()
    for i in meta.index[meta["Type"] == "Aggregate"]:
        code = meta.at[i, "iCode"]
        if child_weight.get(code, 0.0) <= 0:
            raise InputError(
                f"every child of aggregate {code!r} has weight 0, so it cannot be computed; "
                "give at least one child a positive Weight",
                file=source,
                row=row(i),
                column="Weight",
            )
    if not (meta["Type"] == "Indicator").any():
        raise InputError(
            "the framework has no rows of Type 'Indicator'", file=source, column="Type"
        )
    _check_ratios(meta, source, kinds)
    _check_scales(meta, source)
    return meta


def _numeric_column(meta: pd.DataFrame, col: str, source: str, rows: pd.Series) -> pd.Series:
    out = pd.to_numeric(meta[col], errors="coerce").astype(float)
    bad = rows & out.isna() & meta[col].notna() & (meta[col].astype(str).str.strip() != "")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            f"expected a number, found {shown(meta[col][i])}", file=source, row=i + 2, column=col
        )
    return out


def _check_cycles(meta: pd.DataFrame, source: str) -> None:
    parent = {
        c: (None if blank(p) else p) for c, p in zip(meta["iCode"], meta["Parent"], strict=True)
    }
    for i, code in enumerate(meta["iCode"]):
        seen = [code]
        p = parent.get(code)
        while p is not None:
            if p in seen:
                chain = " -> ".join([*seen[seen.index(p) :], p])
                raise InputError(
                    f"cycle in Parent links: {chain}", file=source, row=i + 2, column="Parent"
                )
            seen.append(p)
            p = parent.get(p)


def _check_ratios(meta: pd.DataFrame, source: str, kinds: dict[str, str]) -> None:
    for i in meta.index[meta["Type"] == "Ratio"]:
        for col in ("Numerator", "Denominator"):
            v = meta.at[i, col] if col in meta.columns else None
            if blank(v) or kinds.get(str(v)) != "Aggregate":
                raise InputError(
                    f"ratio {meta.at[i, 'iCode']!r} needs {col} naming an Aggregate, got {v!r}",
                    file=source,
                    row=i + 2,
                    column=col,
                )


def _check_scales(meta: pd.DataFrame, source: str) -> None:
    if "ScaleMin" not in meta.columns and "ScaleMax" not in meta.columns:
        return
    for col in ("ScaleMin", "ScaleMax"):
        if col not in meta.columns:
            raise InputError(
                "ScaleMin and ScaleMax must be given together", file=source, column=col
            )
        meta[col] = _numeric_column(meta, col, source, meta["Type"] == "Indicator")
    for i in meta.index:
        lo, hi = float(meta.at[i, "ScaleMin"]), float(meta.at[i, "ScaleMax"])  # type: ignore[arg-type]
        if math.isnan(lo) != math.isnan(hi) or (not math.isnan(lo) and not lo < hi):
            raise InputError(
                f"fixed scale needs ScaleMin < ScaleMax, got ({lo}, {hi})",
                file=source,
                row=i + 2,
                column="ScaleMin",
            )
