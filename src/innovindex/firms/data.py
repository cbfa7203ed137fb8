"""The firm-year input layout: one row per firm and fiscal year, validated like iData.

Columns (only ``firm_id`` and ``year`` are required; a rule or indicator that needs an
absent column says so):

==================  ======  ===================================================================
column              type    meaning
==================  ======  ===================================================================
firm_id             text    the firm's code (the unit code of firm-level indices)
year                int     fiscal year
name, country       text    display name; ISO 3166 two-letter country
applicant_id        text    harmonised applicant id (``innovindex patents applicants``) to fill
                            IP counts from the patent store
registered_on       date    registration date (YYYY-MM-DD), the same on every row of a firm
revenue             money   total revenue (收入总额)
sales_revenue       money   sales revenue (销售收入: main and other business income)
hightech_revenue    money   revenue from high-tech products and services
rd_total            money   R&D spending; when absent, the sum of the ``rd_*`` categories
rd_in_china         money   R&D incurred inside China (HNTE rule)
rd_personnel ...    money   R&D by category: ``rd_personnel``, ``rd_direct``, ``rd_depreciation``,
                            ``rd_amortisation``, ``rd_design``, ``rd_trials``,
                            ``rd_commissioned``, ``rd_other`` (the Guidelines' categories)
staff, st_staff     count   staff and S&T staff (annual averages)
net_assets          money   total assets minus liabilities at year end (may be negative)
ip_class1           count   Class I IP owned: invention patents, plant varieties, IC layouts ...
ip_class2           count   Class II IP owned: utility models, designs, software copyrights
ip_self_developed   0/1     1 if the firm's IP was developed in-house (not only acquired)
standards           count   national/industry standards the firm took part in drafting
transfers           count   transfers of S&T achievements into products in the year
violations          count   major safety/quality accidents or environmental violations
score_*             points  points an expert panel awarded to a rule-set score item (optional)
==================  ======  ===================================================================

Money is in one currency unit per file (yuan for the HNTE rules). Every problem is raised
as :class:`~innovindex.errors.InputError` naming the file, row (header = row 1) and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._identity import canonical
from ..errors import InputError
from ..io.readers import read_table

__all__ = ["TEXT_COLUMNS", "MONEY", "COUNTS", "RD_CATEGORIES", "read_firms", "check_firms"]

TEXT_COLUMNS = ("firm_id", "name", "country", "applicant_id", "registered_on")
RD_CATEGORIES = (
    "rd_personnel",
    "rd_direct",
    "rd_depreciation",
    "rd_amortisation",
    "rd_design",
    "rd_trials",
    "rd_commissioned",
    "rd_other",
)
MONEY = ("revenue", "sales_revenue", "hightech_revenue", "rd_total", "rd_in_china", *RD_CATEGORIES)
COUNTS = (
    "staff",
    "st_staff",
    "ip_class1",
    "ip_class2",
    "ip_self_developed",
    "standards",
    "transfers",
    "violations",
)
SIGNED = ("net_assets",)
# (part, whole): the part can never exceed the whole in the same row
_PARTS = (
    ("st_staff", "staff"),
    ("hightech_revenue", "revenue"),
    ("rd_in_china", "rd_total"),
)


def read_firms(path: str | Path) -> pd.DataFrame:
    """Read a firm-year file (CSV, XLSX or Parquet) and check it; see :func:`check_firms`."""
    return check_firms(read_table(path, text_columns=TEXT_COLUMNS), source=str(path))


def _fail(msg: str, source: str, i: int | None, col: str | None) -> InputError:
    return InputError(msg, file=source, row=None if i is None else i + 2, column=col)


def check_firms(data: pd.DataFrame, *, source: str = "<firms>") -> pd.DataFrame:
    """Check a firm-year table and return a clean copy.

    The copy has ``firm_id`` as text, ``year`` as int, ``registered_on`` as a date,
    numbers as float, and ``rd_total`` filled from the categories where it was missing.

    Raises
    ------
    InputError
        Missing ``firm_id``/``year`` column or value, a non-integer year, text in a number
        column, a negative amount or count, a part above its whole (S&T staff above staff,
        high-tech revenue above revenue, R&D in China above R&D), R&D categories adding
        up to more than ``rd_total``, a bad or inconsistent registration date, or a firm
        and year given twice.
    """
    if data.shape[0] == 0:
        raise InputError("no data rows: expected one row per firm and year", file=source)
    for col in ("firm_id", "year"):
        if col not in data.columns:
            raise _fail(
                f"missing column {col!r}; found {list(data.columns)[:8]}", source, None, col
            )
    df = data.reset_index(drop=True).copy()
    ids = df["firm_id"]
    blank = ids.isna() | (ids.astype(str).str.strip() == "")
    if blank.any():
        raise _fail("empty firm id", source, int(np.flatnonzero(blank.to_numpy())[0]), "firm_id")
    df["firm_id"] = [canonical(str(v)).strip() for v in ids]
    df["year"] = _numbers(df, "year", source)
    bad = df["year"].isna() | (df["year"] % 1 != 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(f"year must be a whole number; got {data['year'].iloc[i]!r}", source, i, "year")
    df["year"] = df["year"].astype(int)
    scores = [c for c in df.columns if str(c).startswith("score_")]  # points awarded by experts
    for col in (*MONEY, *COUNTS, *SIGNED, *scores):
        if col in df.columns:
            df[col] = _numbers(df, col, source)
            if col not in SIGNED:
                neg = df[col] < 0
                if neg.any():
                    i = int(np.flatnonzero(neg.to_numpy())[0])
                    raise _fail(f"must not be negative; got {df[col].iloc[i]:g}", source, i, col)
    for part, whole in _PARTS:
        if part in df.columns and whole in df.columns:
            over = df[part] > df[whole]
            if over.any():
                i = int(np.flatnonzero(over.to_numpy())[0])
                raise _fail(
                    f"{part} ({df[part].iloc[i]:g}) is above {whole} ({df[whole].iloc[i]:g})",
                    source,
                    i,
                    part,
                )
    cats = [c for c in RD_CATEGORIES if c in df.columns]
    if cats:
        total = df[cats].sum(axis=1, min_count=1)
        if "rd_total" in df.columns:
            over = total > df["rd_total"] * (1 + 1e-9) + 1e-6
            if over.any():
                i = int(np.flatnonzero(over.to_numpy())[0])
                raise _fail(
                    f"the R&D categories add up to {total.iloc[i]:g}, above rd_total ({df['rd_total'].iloc[i]:g})",
                    source,
                    i,
                    "rd_total",
                )
            df["rd_total"] = df["rd_total"].fillna(total)
        else:
            df["rd_total"] = total
    if "registered_on" in df.columns:
        _dates(df, source)
    dup = df.duplicated(["firm_id", "year"], keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise _fail(
            f"firm {df['firm_id'].iloc[i]!r} year {df['year'].iloc[i]} is given twice",
            source,
            i,
            "year",
        )
    return df


def _numbers(df: pd.DataFrame, col: str, source: str) -> pd.Series:
    raw = df[col]
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype(float)
    out = pd.to_numeric(raw, errors="coerce")
    text = out.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if text.any():
        i = int(np.flatnonzero(text.to_numpy())[0])
        raise _fail(f"expected a number; got {raw.iloc[i]!r}", source, i, col)
    bad = ~np.isfinite(out.fillna(0).to_numpy(dtype=float))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _fail(f"expected a finite number; got {raw.iloc[i]!r}", source, i, col)
    return out.astype(float)


def _dates(df: pd.DataFrame, source: str) -> None:
    raw = df["registered_on"]
    parsed = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise _fail(f"expected a date YYYY-MM-DD; got {raw.iloc[i]!r}", source, i, "registered_on")
    df["registered_on"] = parsed.dt.date
    for firm, grp in df.groupby("firm_id", sort=False):
        dates = grp["registered_on"].dropna().unique()
        if len(dates) > 1:
            i = int(grp.index[grp["registered_on"] != dates[0]][0])
            raise _fail(
                f"firm {firm!r} has two registration dates ({dates[0]} and {dates[1]})",
                source,
                i,
                "registered_on",
            )
