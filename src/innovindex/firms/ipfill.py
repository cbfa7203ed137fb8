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

__all__ = ["store_ip_counts", "fill_ip_counts"]


def store_ip_counts(db: str | Path, *, dataset: str | None = None) -> pd.DataFrame:
    """``applicant_id, year, patent_applications, patents_granted`` from one data set of the
    store, by the applicant mapping stored for that data set.

    ``dataset`` may be None only when the store holds one data set (as for
    ``patents table``). The patent tables are read through the patents package
    (:func:`innovindex.patents.backends.session`): applications are counted by the store's
    key, so ids repeated in another data set are never counted twice.
    """
    import ibis

    from ..patents.backends import session
    from .store import dataset_name, stored_mapping

    with session("duckdb", concordance=None, db=db, dataset=dataset) as t:
        m = stored_mapping(t)
        if m is None:
            name = dataset_name(t)
            raise InputError(
                f"the store has no applicant mapping for data set {name!r}: run "
                f"`innovindex patents applicants --dataset {name}` first",
                file=db,
            )
        p = t.parties.filter((t.parties.role == "applicant") & t.parties.name.notnull())
        p = p.select("appln_id", "name", _c=ibis.coalesce(p.country, ibis.literal("")))
        m = m.select("applicant_id", "raw_name", _mc=ibis.coalesce(m.country, ibis.literal("")))
        a = t.applications.filter(t.applications.filing_year.notnull())
        a = a.select(_aid=a.appln_id, year=a.filing_year, granted=a.granted)
        j = p.join(m, [p.name == m.raw_name, p._c == m._mc]).join(a, p.appln_id == a._aid)
        g = j.group_by(["applicant_id", "year"]).aggregate(
            patent_applications=j.appln_id.nunique(),
            patents_granted=j.appln_id.nunique(where=j.granted.fill_null(False)),
        )
        out: pd.DataFrame = g.order_by([g.applicant_id, g.year]).to_pandas()
    return out.astype({"year": "int64", "patent_applications": "int64", "patents_granted": "int64"})


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
