"""IP counts of firms from the patent store, by harmonised applicant.

A firm-year row with an ``applicant_id`` (the id of ``innovindex patents applicants``)
gets ``patent_applications`` (applications naming the applicant, by filing year) and
``patents_granted`` (those the source marks granted). These are flows by filing year;
``ip_class1``/``ip_class2`` (IP owned) are left as given.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from .applicants import STORE_TABLE

__all__ = ["store_ip_counts", "fill_ip_counts"]

_SQL = f"""
    SELECT m.applicant_id, a.filing_year AS year,
           count(DISTINCT a.appln_id) AS patent_applications,
           count(DISTINCT CASE WHEN a.granted THEN a.appln_id END) AS patents_granted
    FROM patent_parties p
    JOIN {STORE_TABLE} m ON p.name = m.raw_name AND coalesce(p.country, '') = coalesce(m.country, '')
    JOIN patent_applications a ON a.appln_id = p.appln_id
    WHERE p.role = 'applicant' AND a.filing_year IS NOT NULL
    GROUP BY m.applicant_id, a.filing_year
"""


def store_ip_counts(db: str | Path) -> pd.DataFrame:
    """``applicant_id, year, patent_applications, patents_granted`` from the store."""
    from ..dbfile import connect_store

    con = connect_store(db, read_only=True)
    try:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        for need in ("patent_parties", "patent_applications", STORE_TABLE):
            if need not in tables:
                hint = (
                    "run `innovindex patents applicants` first"
                    if need == STORE_TABLE
                    else "import patents first"
                )
                raise InputError(f"the store has no {need} table: {hint}", file=db)
        return con.execute(_SQL).df()
    finally:
        con.close()


def fill_ip_counts(firms: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``patent_applications`` and ``patents_granted`` to firm-years with an
    ``applicant_id`` (0 for a year without applications; empty without an id)."""
    if "applicant_id" not in firms.columns:
        raise InputError(
            "the firm-year data has no applicant_id column to match the patent store",
            column="applicant_id",
        )
    out = firms.drop(
        columns=[c for c in ("patent_applications", "patents_granted") if c in firms.columns]
    )
    c = counts.astype({"year": int})
    out = out.merge(c, on=["applicant_id", "year"], how="left")
    has = out["applicant_id"].notna()
    for col in ("patent_applications", "patents_granted"):
        out[col] = out[col].where(~has, out[col].fillna(0)).astype(float)
    return out
