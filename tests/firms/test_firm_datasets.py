"""Two patent data sets in one store never mix on the firms side: ``patents applicants``
and ``firms build --db`` need ``--dataset`` (one line listing the data sets otherwise),
``firm_applicants`` keeps one set of rows per data set, and the IP counts of a data set
are those of its own applications (the same Lens file imported twice is not counted
twice)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.dbfile import connect_store
from innovindex.errors import InputError
from innovindex.firms.ipfill import store_ip_counts
from innovindex.firms.store import harmonise_store
from innovindex.patents.importers import run_import
from innovindex.patents.store import write_import


@pytest.fixture
def two_sets(tmp_path: Path, reference_data: Path):  # type: ignore[no-untyped-def]
    lens = reference_data / "patents" / "lens_pizza_1000" / "pizza_lens_1000_raw.csv"
    result = run_import("lens", [lens])
    db = tmp_path / "s.duckdb"
    write_import(db, result, dataset="lens-a")
    write_import(db, result, dataset="lens-b")
    return db, result


def _counts_by_hand(result, mapping: pd.DataFrame) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Distinct applications (and granted ones) per harmonised applicant and filing year."""
    p = result.parties.to_pandas()
    p = p[(p["role"] == "applicant") & p["name"].notna()]
    p = p.assign(c=p["country"].fillna(""))
    m = mapping.assign(c=mapping["country"].fillna(""))[["raw_name", "c", "applicant_id"]]
    j = p.merge(m, left_on=["name", "c"], right_on=["raw_name", "c"])
    a = result.applications.to_pandas()
    a = a[a["filing_year"].notna()][["appln_id", "filing_year", "granted"]]
    j = j.merge(a, on="appln_id")
    g = j.groupby(["applicant_id", "filing_year"])
    out = pd.DataFrame(
        {
            "patent_applications": g["appln_id"].nunique(),
            "patents_granted": j[j["granted"].fillna(False).astype(bool)]
            .groupby(["applicant_id", "filing_year"])["appln_id"]
            .nunique(),
        }
    ).fillna(0)
    out.index = out.index.set_names(["applicant_id", "year"])
    return out.astype("int64").reset_index().astype({"year": "int64"})


def test_applicants_needs_a_data_set_when_the_store_holds_several(
    two_sets, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    db, _ = two_sets
    out = tmp_path / "map.csv"
    capsys.readouterr()
    assert main(["patents", "applicants", "--db", str(db), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'lens-a'" in err and "'lens-b'" in err and "--dataset" in err
    assert not out.exists()
    assert (
        main(["patents", "applicants", "--db", str(db), "--dataset", "nope", "--out", str(out)])
        == 2
    )
    assert "no data set 'nope'" in capsys.readouterr().err


def test_mapping_and_counts_are_kept_per_data_set(two_sets, tmp_path: Path) -> None:
    db, result = two_sets
    a = harmonise_store(db, dataset="lens-a")
    b = harmonise_store(db, dataset="lens-b", threshold=100.0)
    assert set(a["dataset"]) == {"lens-a"} and set(b["dataset"]) == {"lens-b"}
    con = connect_store(db, read_only=True)
    try:
        rows = dict(
            con.execute("SELECT dataset, count(*) FROM firm_applicants GROUP BY dataset").fetchall()
        )
    finally:
        con.close()
    assert rows == {"lens-a": len(a), "lens-b": len(b)}
    # re-running one data set replaces its rows only
    harmonise_store(db, dataset="lens-a")
    con = connect_store(db, read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM firm_applicants WHERE dataset = 'lens-b'").fetchone()
    finally:
        con.close()
    assert n == (len(b),)
    got = store_ip_counts(db, dataset="lens-a")
    want = _counts_by_hand(result, a.drop(columns="dataset"))
    cols = ["applicant_id", "year", "patent_applications", "patents_granted"]
    pd.testing.assert_frame_equal(
        got[cols].sort_values(cols[:2]).reset_index(drop=True),
        want[cols].sort_values(cols[:2]).reset_index(drop=True),
    )
    with pytest.raises(InputError, match="several patent data sets"):
        store_ip_counts(db)


def test_counts_need_the_mapping_of_their_own_data_set(two_sets) -> None:  # type: ignore[no-untyped-def]
    db, _ = two_sets
    harmonise_store(db, dataset="lens-a")
    with pytest.raises(InputError, match="no applicant mapping for data set 'lens-b'"):
        store_ip_counts(db, dataset="lens-b")


def test_firms_build_db_needs_a_data_set(two_sets, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    db, result = two_sets
    mapping = harmonise_store(db, dataset="lens-b")
    world = tmp_path / "world"
    assert main(["firms", "synthetic", "--out", str(world), "--firms", "20", "--seed", "3"]) == 0
    firms = pd.read_csv(world / "synthetic_firm_years.csv")
    firms["year"] -= 10  # the SYNTHETIC world is 2016-2023; the Lens sample ends in 2015
    want = _counts_by_hand(result, mapping.drop(columns="dataset"))
    recent = want[want["year"].isin(set(firms["year"]))]  # an applicant filing in those years
    pid = recent.groupby("applicant_id")["patent_applications"].sum().idxmax()
    first = firms["firm_id"].iloc[0]
    firms["applicant_id"] = np.where(firms["firm_id"] == first, pid, None)
    data = tmp_path / "firms.csv"
    firms.to_csv(data, index=False)
    out, data_out = tmp_path / "scores.csv", tmp_path / "firms_out.csv"
    args = ["firms", "build", "--data", str(data), "--db", str(db), "--out", str(out)]
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'lens-a'" in err and "--dataset" in err
    assert not out.exists()
    assert main([*args, "--dataset", "lens-b", "--data-out", str(data_out)]) == 0
    filled = pd.read_csv(data_out)
    mine = filled[filled["firm_id"] == first].set_index("year")["patent_applications"]
    want = want[want["applicant_id"] == pid].set_index("year")["patent_applications"]
    assert mine.sum() > 0
    for year, n in mine.items():
        assert n == want.get(year, 0)
    assert filled[filled["firm_id"] != first]["patent_applications"].isna().all()
