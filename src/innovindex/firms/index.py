"""Firms as units of the index engine: the built-in ``firm_innovation`` framework.

:func:`firm_idata` turns a checked firm-year table (:mod:`.data`) into iData (``uCode`` =
firm id, ``Time`` = fiscal year, one column per indicator); :func:`build_firms` runs it
through :func:`innovindex.build_panel` with the framework's default pipeline, so profiles,
panels and audits work as for economies.

Indicators (all from the firm-year layout):

=================  ==========================================================
rd_intensity       rd_total / revenue x 100
st_share           st_staff / staff x 100
ip_per_100_staff   (ip_class1 + ip_class2) / staff x 100
class1_share       ip_class1 / (ip_class1 + ip_class2) x 100
standards          standards drafted
hightech_share     hightech_revenue / revenue x 100
transfers          transfers of achievements
sales_growth       sales revenue (else revenue) on the previous year, percent
net_asset_growth   net assets on the previous year, percent (empty on a non-positive base)
=================  ==========================================================
"""

from __future__ import annotations

import warnings
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..building import build_panel
from ..errors import DataWarning, InputError
from ..framework import Framework
from ..index import Index
from ..pipeline import Pipeline

__all__ = ["FRAMEWORK_NAME", "firm_framework", "firm_pipeline", "firm_idata", "build_firms"]

FRAMEWORK_NAME = "firm_innovation"


def firm_framework() -> Framework:
    """The ``firm_innovation`` framework (four pillars, nine indicators)."""
    with (
        resources.files(__package__)
        .joinpath(f"{FRAMEWORK_NAME}.csv")
        .open("r", encoding="utf-8") as fh
    ):
        meta = pd.read_csv(fh)
    return Framework.from_frame(meta, source=f"firms:{FRAMEWORK_NAME}")


def firm_pipeline() -> Pipeline:
    """The framework's default pipeline (winsorise, min-max 0-100, arithmetic mean)."""
    text = (
        resources.files(__package__).joinpath(f"{FRAMEWORK_NAME}.yaml").read_text(encoding="utf-8")
    )
    spec: dict[str, Any] = yaml.safe_load(text)
    return Pipeline.from_spec(spec, source=f"firms:{FRAMEWORK_NAME} default pipeline")


def _ratio(num: pd.Series, den: pd.Series, scale: float = 100.0) -> pd.Series:
    out = num.astype(float) / den.astype(float).where(den > 0) * scale
    return out.replace([np.inf, -np.inf], np.nan)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].astype(float) if name in df.columns else pd.Series(np.nan, index=df.index)


def _yoy(df: pd.DataFrame, col: pd.Series) -> pd.Series:
    s = pd.DataFrame({"firm_id": df["firm_id"], "year": df["year"], "v": col}).sort_values(
        ["firm_id", "year"]
    )
    prev = s.groupby("firm_id")["v"].shift(1)
    prev_year = s.groupby("firm_id")["year"].shift(1)
    ok = (prev > 0) & (prev_year == s["year"] - 1)
    return ((s["v"] / prev - 1.0) * 100.0).where(ok).reindex(df.index)


def firm_idata(firms: pd.DataFrame) -> pd.DataFrame:
    """iData of the ``firm_innovation`` framework from a checked firm-year table."""
    df = firms
    ip = _col(df, "ip_class1").fillna(0) + _col(df, "ip_class2").fillna(0)
    has_ip = ~(_col(df, "ip_class1").isna() & _col(df, "ip_class2").isna())
    sales = _col(df, "sales_revenue").fillna(_col(df, "revenue"))
    out = pd.DataFrame(
        {
            "uCode": df["firm_id"].astype(str),
            "uName": df["name"].astype(str) if "name" in df.columns else df["firm_id"].astype(str),
            "Time": df["year"].astype(int),
            "rd_intensity": _ratio(_col(df, "rd_total"), _col(df, "revenue")),
            "st_share": _ratio(_col(df, "st_staff"), _col(df, "staff")),
            "ip_per_100_staff": _ratio(ip.where(has_ip), _col(df, "staff")),
            "class1_share": _ratio(_col(df, "ip_class1"), ip),
            "standards": _col(df, "standards"),
            "hightech_share": _ratio(_col(df, "hightech_revenue"), _col(df, "revenue")),
            "transfers": _col(df, "transfers"),
            "sales_growth": _yoy(df, sales),
            "net_asset_growth": _yoy(df, _col(df, "net_assets")),
        }
    )
    if "country" in df.columns:
        out["country"] = df["country"]
    return out.reset_index(drop=True)


def build_firms(
    firms: pd.DataFrame, *, years: list[int] | None = None, pipeline: Pipeline | None = None
) -> dict[int | None, Index]:
    """Build the Firm Innovation Index for each fiscal year (or ``years``).

    Without ``years``, a year in which an indicator has no data at all (the first year of
    the panel has no growth rates) is left out with a :class:`~innovindex.errors.DataWarning`.
    """
    data = firm_idata(firms)
    fw = firm_framework()
    if years is None:
        years = []
        for y, grp in data.groupby("Time", sort=True):
            empty = [c for c in fw.indicators if grp[c].isna().all()]
            if empty:
                warnings.warn(
                    f"fiscal year {y} left out: no data for {empty}", DataWarning, stacklevel=2
                )
            else:
                years.append(int(str(y)))
        if not years:
            raise InputError(
                "no fiscal year has data for every firm_innovation indicator "
                f"({list(fw.indicators)}); growth needs two consecutive years"
            )
    data = data[data["Time"].isin(years)]  # build_panel checks every year it is given
    return build_panel(data, fw, pipeline or firm_pipeline(), times=years)
