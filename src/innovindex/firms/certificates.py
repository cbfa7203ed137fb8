"""Counts over time from a certificate register, done right.

A register has one row per certificate: ``firm_id``, ``issued`` (date) and ``expires``
(date; when empty, ``issued`` plus the validity, 3 years for HNTE certificates). From it:

* **stock**: certificates valid at each year end (issued on or before 31 December and
  expiring after it);
* **flow**: certificates issued during the year (``new``), and those lapsing in it;
* **growth** between two years as three different numbers that are often confused:
  the *fold* (level ratio), the *percent increase* ((fold - 1) x 100) and the *CAGR*
  (fold ** (1 / years) - 1). "49,000 in 2012 to 330,000 in 2021" is a 6.73-fold level,
  an increase of 573%, and 23.6% a year;
* a **comparison** of quoted figures with the register, so that a claim that does not
  match the data is shown rather than repeated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, SpecError
from ..io.readers import read_table

__all__ = ["Growth", "growth", "read_register", "check_register", "counts", "compare_quotes"]


@dataclass(frozen=True)
class Growth:
    """Growth from ``start`` (year ``y0``) to ``end`` (year ``y1``)."""

    y0: int
    y1: int
    start: float
    end: float

    @property
    def fold(self) -> float:
        """Level ratio end / start."""
        return self.end / self.start

    @property
    def increase_pct(self) -> float:
        """Percent increase: (fold - 1) x 100."""
        return (self.fold - 1.0) * 100.0

    @property
    def cagr_pct(self) -> float:
        """Compound annual growth rate in percent: (fold ** (1 / years) - 1) x 100."""
        return float((self.fold ** (1.0 / (self.y1 - self.y0)) - 1.0) * 100.0)

    def sentence(self) -> str:
        """``"49,000 in 2012 to 330,000 in 2021: 6.73-fold (+573%), 23.6% a year"``."""
        return (
            f"{self.start:,.0f} in {self.y0} to {self.end:,.0f} in {self.y1}: {self.fold:.2f}-fold "
            f"({self.increase_pct:+.0f}%), {self.cagr_pct:.1f}% a year"
        )


def growth(start: float, end: float, y0: int, y1: int) -> Growth:
    """Growth between two levels; raises :class:`SpecError` when it is undefined."""
    if y1 <= y0:
        raise SpecError(f"growth needs a later end year; got {y0} -> {y1}")
    if not (start > 0 and math.isfinite(start)) or not (end >= 0 and math.isfinite(end)):
        raise SpecError(
            f"growth needs a positive start level and a non-negative end level; got {start} -> {end}"
        )
    return Growth(y0, y1, float(start), float(end))


def read_register(path: str | Path, *, validity_years: int = 3) -> pd.DataFrame:
    """Read a certificate register file and check it (see :func:`check_register`)."""
    raw = read_table(path, text_columns=("firm_id", "issued", "expires"))
    return check_register(raw, validity_years=validity_years, source=str(path))


def check_register(
    data: pd.DataFrame, *, validity_years: int = 3, source: str = "<register>"
) -> pd.DataFrame:
    """Checked register: ``firm_id``, ``issued``, ``expires`` as dates (filled from the validity).

    Raises
    ------
    InputError
        A missing column or firm id, a date that is not YYYY-MM-DD, an expiry not after issue.
    """
    if validity_years < 1:
        raise SpecError(f"validity must be at least 1 year; got {validity_years}")
    for col in ("firm_id", "issued"):
        if col not in data.columns:
            raise InputError(
                f"missing column {col!r}; found {list(data.columns)[:6]}", file=source, column=col
            )
    df = data.reset_index(drop=True).copy()
    blank = df["firm_id"].isna() | (df["firm_id"].astype(str).str.strip() == "")
    if blank.any():
        raise InputError(
            "empty firm id",
            file=source,
            row=int(np.flatnonzero(blank.to_numpy())[0]) + 2,
            column="firm_id",
        )
    if "expires" not in df.columns:
        df["expires"] = None
    for col in ("issued", "expires"):
        raw = df[col]
        parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        if col == "issued":
            bad |= parsed.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"expected a date YYYY-MM-DD; got {raw.iloc[i]!r}",
                file=source,
                row=i + 2,
                column=col,
            )
        df[col] = parsed
    default = df["issued"] + pd.DateOffset(years=validity_years)
    df["expires"] = df["expires"].fillna(default)
    early = df["expires"] <= df["issued"]
    if early.any():
        i = int(np.flatnonzero(early.to_numpy())[0])
        raise InputError(
            "expires on or before its issue date", file=source, row=i + 2, column="expires"
        )
    return df[["firm_id", "issued", "expires"]]


def counts(register: pd.DataFrame, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Stock at each year end, flows and growth: ``year, valid_at_year_end, new, lapsed,
    valid_yoy_pct, fold_vs_first, increase_pct_vs_first, cagr_pct_vs_first``.

    A certificate is valid at a year end when issued on or before 31 December and expiring
    after it; ``lapsed`` counts expiries within the year.
    """
    if register.empty:
        raise InputError("the register has no certificates")
    y0 = int(register["issued"].dt.year.min()) if years is None else years[0]
    y1 = int(register["issued"].dt.year.max()) if years is None else years[1]
    rows = []
    for y in range(y0, y1 + 1):
        end = pd.Timestamp(date(y, 12, 31))
        start = pd.Timestamp(date(y, 1, 1))
        valid = int(((register["issued"] <= end) & (register["expires"] > end)).sum())
        new = int(register["issued"].between(start, end).sum())
        lapsed = int(register["expires"].between(start, end).sum())
        rows.append({"year": y, "valid_at_year_end": valid, "new": new, "lapsed": lapsed})
    out = pd.DataFrame(rows)
    v = out["valid_at_year_end"].astype(float)
    first = v.iloc[0]
    out["valid_yoy_pct"] = (v / v.shift(1) - 1.0).where(v.shift(1) > 0) * 100.0
    fold = v / first if first > 0 else pd.Series(np.nan, index=v.index)
    out["fold_vs_first"] = fold
    out["increase_pct_vs_first"] = (fold - 1.0) * 100.0
    span = (out["year"] - out["year"].iloc[0]).astype(float)
    out["cagr_pct_vs_first"] = ((fold ** (1.0 / span.where(span > 0))) - 1.0) * 100.0
    return out


def compare_quotes(
    table: pd.DataFrame,
    quotes: Mapping[int, float],
    *,
    column: str = "valid_at_year_end",
    tolerance_pct: float = 1.0,
) -> pd.DataFrame:
    """Quoted figures against the data: ``year, quoted, data, difference, difference_pct,
    matches`` (within ``tolerance_pct``), then one ``growth`` row per basis comparing the
    quoted growth (first to last quoted year) with the data's over the same years."""
    if not quotes:
        raise SpecError("give at least one quoted figure, e.g. 2012=49000")
    have = dict(zip(table["year"].astype(int), table[column].astype(float), strict=True))
    rows = []
    for y, q in sorted(quotes.items()):
        if y not in have:
            raise SpecError(f"quoted year {y} is outside the data ({min(have)}-{max(have)})")
        d = have[y]
        diff = d - q
        pct = diff / q * 100.0 if q else float("nan")
        rows.append(
            {
                "year": y,
                "measure": column,
                "quoted": float(q),
                "data": d,
                "difference": diff,
                "difference_pct": pct,
                "matches": bool(abs(pct) <= tolerance_pct),
            }
        )
    ys = sorted(quotes)
    if len(ys) >= 2:
        a, b = ys[0], ys[-1]
        gq = growth(quotes[a], quotes[b], a, b)
        gd = growth(have[a], have[b], a, b) if have[a] > 0 else None
        for name, attr in (
            ("fold", "fold"),
            ("increase_pct", "increase_pct"),
            ("cagr_pct", "cagr_pct"),
        ):
            q = getattr(gq, attr)
            d = getattr(gd, attr) if gd else float("nan")
            rows.append(
                {
                    "year": b,
                    "measure": f"{name} {a}-{b}",
                    "quoted": q,
                    "data": d,
                    "difference": d - q,
                    "difference_pct": (d - q) / q * 100.0 if q else float("nan"),
                    "matches": bool(
                        gd is not None and abs(d - q) <= abs(q) * tolerance_pct / 100.0
                    ),
                }
            )
    return pd.DataFrame(rows)
