"""The stored applicant mapping is usable by the enterprise tables when no applicant has a
country (a Lens export): the docs/firms.md example `patents table top_applicants --db` once
failed with an Ibis type error because ``firm_applicants.country`` was stored as DuckDB's
NULL type."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.dbfile import connect_store
from innovindex.firms.store import harmonise_store
from innovindex.patents.importers import run_import
from innovindex.patents.store import write_import


@pytest.fixture
def lens_store(tmp_path: Path, reference_data: Path):  # type: ignore[no-untyped-def]
    lens = reference_data / "patents" / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"
    result = run_import("lens", [lens])
    db = tmp_path / "s.duckdb"
    write_import(db, result)
    return db, result


def _top_by_hand(result, mapping: pd.DataFrame) -> pd.Series:  # type: ignore[no-untyped-def]
    """Largest fractional count of a harmonised applicant per (office, filing year):
    each applicant row of an application carries 1 / (applicant rows of the application)."""
    p = result.parties.to_pandas()
    p = p[(p["role"] == "applicant") & p["name"].notna()]
    p = p.assign(share=1.0 / p.groupby("appln_id")["name"].transform("size"))
    p = p.merge(mapping[["raw_name", "applicant_id"]], left_on="name", right_on="raw_name")
    a = result.applications.to_pandas()[["appln_id", "office", "filing_year"]]
    p = p.merge(a, on="appln_id")
    per = p.groupby(["office", "filing_year", "applicant_id"])["share"].sum()
    return per.groupby(["office", "filing_year"]).max()


def _top_from_cli(db: Path, tmp_path: Path, reference_data: Path) -> pd.Series:
    out = tmp_path / "top.csv"
    concordance = reference_data / "wipo" / "ipc_technology_concordance.csv"
    args = ["patents", "table", "top_applicants", "--db", str(db), "--by", "office"]
    assert main([*args, "--concordance", str(concordance), "--out", str(out)]) == 0
    top = pd.read_csv(out)
    top = top[top["applicant_id"].notna()]
    return top.groupby(["office", "filing_year"])["applications_fractional"].max()


def test_top_applicants_on_a_store_without_applicant_countries(
    lens_store, tmp_path: Path, reference_data: Path
) -> None:
    db, result = lens_store
    mapping = harmonise_store(db)
    assert mapping["country"].isna().all()  # the case: Lens gives no applicant country
    con = connect_store(db, read_only=True)
    try:
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() "
                "WHERE table_name = 'firm_applicants'"
            ).fetchall()
        )
    finally:
        con.close()
    assert types["country"] == "VARCHAR" and types["score"] == "DOUBLE"
    got = _top_from_cli(db, tmp_path, reference_data)
    want = _top_by_hand(result, mapping)
    pd.testing.assert_series_equal(got, want.loc[got.index], check_names=False)
    assert len(got) == len(want)


def test_a_store_written_with_a_null_typed_country_still_reads(
    lens_store, tmp_path: Path, reference_data: Path
) -> None:
    db, result = lens_store
    mapping = harmonise_store(db)
    con = connect_store(db)
    try:  # the table as stores written before the fix hold it
        con.execute(
            "CREATE OR REPLACE TABLE firm_applicants AS SELECT dataset, raw_name, NULL AS country, "
            "applicant_id, applicant_name, sector, method, score FROM firm_applicants"
        )
    finally:
        con.close()
    got = _top_from_cli(db, tmp_path, reference_data)
    pd.testing.assert_series_equal(
        got, _top_by_hand(result, mapping).loc[got.index], check_names=False
    )


def test_a_mapping_written_before_data_sets_is_ignored_with_a_warning(
    lens_store, tmp_path: Path, reference_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``firm_applicants`` without a ``dataset`` column cannot say whose names it maps:
    the enterprise tables compute the mapping from the names instead, and say so."""
    db, result = lens_store
    mapping = harmonise_store(db)
    con = connect_store(db)
    try:
        con.execute(
            "CREATE OR REPLACE TABLE firm_applicants AS SELECT raw_name, country, "
            "'HA-WRONG' AS applicant_id, applicant_name, sector, method, score "
            "FROM firm_applicants"
        )
    finally:
        con.close()
    capsys.readouterr()
    got = _top_from_cli(db, tmp_path, reference_data)  # the CLI prints the DataWarning
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and "predates data sets" in err[0]
    top = pd.read_csv(tmp_path / "top.csv")
    assert "HA-WRONG" not in set(top["applicant_id"])
    pd.testing.assert_series_equal(
        got, _top_by_hand(result, mapping).loc[got.index], check_names=False
    )
