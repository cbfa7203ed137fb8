"""Enterprise patent tables: hand-checked counts on a tiny set, an independent pandas
pass over the Espacenet sample, and DuckDB = Spark on the Espacenet sample and on 100,000
synthetic applications (the pattern of tests/patents/test_patents_engines.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from innovindex.firms.applicants import harmonise
from innovindex.patents.backends import connect, open_tables
from innovindex.patents.importers import run_import
from innovindex.patents.synthetic import generate_patstat
from innovindex.patents.tables import build_table

sys.path.insert(0, str(Path(__file__).parent))
from conftest import duckdb_tables, write_parquet  # noqa: E402

VARIANTS = [
    ("by_sector", {}),
    ("by_sector", {"year": "priority", "years": (2005, 2012)}),
    ("top_applicants", {}),
    ("top_applicants", {"by": ["office"]}),
    ("self_reliance_firms", {}),
]


def _compare(duck: pa.Table, spark: pa.Table, label: str) -> None:
    assert duck.schema.names == spark.schema.names, label
    for f_d, f_s in zip(duck.schema, spark.schema, strict=True):
        assert f_d.type == f_s.type, f"{label}: column {f_d.name} {f_d.type} vs {f_s.type}"
    assert duck.num_rows == spark.num_rows, label
    d, s = duck.to_pandas(), spark.to_pandas()
    floats = [c for c in d.columns if pa.types.is_floating(duck.schema.field(c).type)]
    others = [c for c in d.columns if c not in floats]
    pd.testing.assert_frame_equal(d[others], s[others], obj=label)
    pd.testing.assert_frame_equal(d[floats], s[floats], rtol=1e-12, atol=1e-9, obj=label)


def test_by_sector_by_hand(concordance) -> None:  # type: ignore[no-untyped-def]
    # A1 (DE, 2010): ACME GMBH + a university -> company 1/2, university 1/2
    # A2 (DE, 2010): ACME GMBH alone -> company 1
    # A3 (DE, 2010): an inventor-applicant "Hans Huber" (person-like) -> individual 1
    # DE 2010: company 1.5, university 0.5, individual 1 of 3 -> business share 0.5
    apps = pa.table(
        {
            "appln_id": ["A1", "A2", "A3"],
            "office": ["DE"] * 3,
            "filing_date": pa.array([None] * 3, pa.date32()),
            "filing_year": pa.array([2010] * 3, pa.int32()),
            "priority_year": pa.array([2010] * 3, pa.int32()),
            "kind": ["A"] * 3,
            "family_id": pa.array([None] * 3, pa.string()),
            "granted": pa.array([None] * 3, pa.bool_()),
        }
    )
    parties = pa.table(
        {
            "appln_id": ["A1", "A1", "A2", "A3", "A3"],
            "role": ["applicant", "applicant", "applicant", "applicant", "inventor"],
            "sequence": pa.array([1, 2, 1, 1, 1], pa.int32()),
            "country": ["DE"] * 5,
            "name": [
                "ACME GMBH",
                "Technische Universität München",
                "Acme GmbH",
                "Hans Huber",
                "Hans Huber",
            ],
        }
    )
    classes = pa.table(
        {"appln_id": ["A1"], "ipc": ["H01L  21/00"], "position": pa.array([1], pa.int32())}
    )

    from types import SimpleNamespace

    t = duckdb_tables(
        SimpleNamespace(applications=apps, parties=parties, classifications=classes),  # type: ignore[arg-type]
        concordance,
    )
    out = build_table("by_sector", t).to_pandas().set_index("sector")
    assert out["applications_fractional"].to_dict() == {
        "company": 1.5,
        "individual": 1.0,
        "university": 0.5,
    }
    assert out["applications"].to_dict() == {"company": 2, "individual": 1, "university": 1}
    assert set(out["business_share"]) == {0.5}
    top = build_table("top_applicants", t, by=["office"]).to_pandas()
    # ACME GMBH and Acme GmbH are one harmonised applicant: 1.5 of 3 applications
    assert (
        top.loc[0, "applicant_name"] in ("ACME GMBH", "Acme GmbH")
        and top.loc[0, "applications_fractional"] == 1.5
    )
    assert top.loc[0, "share"] == 0.5 and top.loc[0, "rank"] == 1


def test_by_sector_matches_an_independent_pandas_pass(espacenet, concordance) -> None:  # type: ignore[no-untyped-def]
    t = duckdb_tables(espacenet, concordance)
    got = build_table("by_sector", t).to_pandas()
    # oracle: pandas over the raw tables with the same harmonised mapping
    p = espacenet.parties.to_pandas()
    a = espacenet.applications.to_pandas()
    app = p[(p.role == "applicant") & p.name.notna()].copy()
    names = (
        app.groupby(["name", "country"], dropna=False).size().rename("applications").reset_index()
    )
    m = harmonise(names.rename(columns={"name": "raw_name"}))
    m["country"] = m["country"].fillna("")
    app["country"] = app["country"].fillna("")
    app = app.merge(
        m[["raw_name", "country", "sector"]],
        left_on=["name", "country"],
        right_on=["raw_name", "country"],
    )
    app["w"] = 1.0 / app.groupby("appln_id")["name"].transform("size")
    first_app = p[(p.role == "applicant") & (p.sequence == 1)].set_index("appln_id")["country"]
    first_inv = p[(p.role == "inventor") & (p.sequence == 1)].set_index("appln_id")["country"]
    a["origin"] = (
        a["appln_id"].map(first_app).fillna(a["appln_id"].map(first_inv)).fillna("unknown")
    )
    none = a[~a.appln_id.isin(app.appln_id)][["appln_id"]].assign(sector="unknown", w=1.0)
    rows = pd.concat([app[["appln_id", "sector", "w"]], none]).merge(
        a[["appln_id", "origin", "filing_year"]], on="appln_id"
    )
    per = (
        rows.groupby(["appln_id", "origin", "filing_year", "sector"], dropna=False)["w"]
        .sum()
        .reset_index()
    )
    exp = (
        per.groupby(["origin", "sector", "filing_year"], dropna=False)["w"]
        .agg(["sum", "size"])
        .reset_index()
    )
    merged = got.merge(exp, on=["origin", "sector", "filing_year"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["applications"] == merged["size"]).all()
    assert (merged["applications_fractional"] - merged["sum"]).abs().max() < 1e-12
    assert got["applications_fractional"].sum() == pytest.approx(len(a))


@pytest.mark.spark
def test_engines_agree_on_espacenet_sample(espacenet, concordance, spark_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pq_dir = write_parquet(espacenet, tmp_path / "esp")
    duck = open_tables(connect("duckdb"), concordance.table, parquet_dir=pq_dir)
    spark = open_tables(
        connect("spark", spark=spark_session), concordance.table, parquet_dir=pq_dir
    )
    rows = 0
    for name, opts in VARIANTS:
        a = build_table(name, duck, **opts).to_pyarrow()
        b = build_table(name, spark, **opts).to_pyarrow()
        _compare(a, b, f"{name} {opts}")
        rows += a.num_rows
    assert rows > 1000


@pytest.mark.spark
@pytest.mark.slow
def test_engines_agree_on_100k_synthetic(concordance, spark_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = generate_patstat(100_000, tmp_path / "raw", seed=7)
    result = run_import("patstat", list(files.values()))
    assert result.imported == 100_000
    pq_dir = write_parquet(result, tmp_path / "canon")
    duck = open_tables(connect("duckdb"), concordance.table, parquet_dir=pq_dir)
    spark = open_tables(
        connect("spark", spark=spark_session), concordance.table, parquet_dir=pq_dir
    )
    rows = 0
    for name, opts in [("by_sector", {}), ("top_applicants", {}), ("self_reliance_firms", {})]:
        a = build_table(name, duck, **opts).to_pyarrow()
        b = build_table(name, spark, **opts).to_pyarrow()
        _compare(a, b, f"{name} {opts}")
        rows += a.num_rows
    assert rows > 5000
