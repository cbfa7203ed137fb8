"""PatentsView and Google Patents importers on small hand-written files shaped like the
published schemas (no public record samples exist; see the data folder's SCHEMAS.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from innovindex.errors import InputError
from innovindex.patents.importers import run_import


def _tsv(d: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    (d / f"{name}.tsv").write_text(
        "\t".join(header) + "\n" + "\n".join("\t".join(map(str, r)) for r in rows) + "\n"
    )


@pytest.fixture
def patentsview_dir(tmp_path: Path) -> Path:
    _tsv(
        tmp_path,
        "g_patent",
        ["patent_id", "wipo_kind"],
        [["7650331", "B1"], ["7650332", "B2"], ["7650331", "B1"]],
    )
    _tsv(
        tmp_path,
        "g_application",
        ["patent_id", "filing_date"],
        [["7650331", "2004-01-05"], ["7650332", "2004-13-45"]],
    )
    _tsv(
        tmp_path,
        "g_ipc_at_issue",
        ["patent_id", "ipc_sequence", "section", "ipc_class", "subclass", "main_group", "subgroup"],
        [["7650331", 1, "H", "04", "L", "29", "06"], ["7650331", 0, "G", "06", "F", "17", "30"]],
    )
    _tsv(
        tmp_path,
        "g_assignee_disambiguated",
        [
            "patent_id",
            "assignee_sequence",
            "disambig_assignee_individual_name_first",
            "disambig_assignee_individual_name_last",
            "disambig_assignee_organization",
            "location_id",
        ],
        [["7650331", 0, "", "", "Google Inc", "L1"]],
    )
    _tsv(
        tmp_path,
        "g_inventor_disambiguated",
        [
            "patent_id",
            "inventor_sequence",
            "disambig_inventor_name_first",
            "disambig_inventor_name_last",
            "location_id",
        ],
        [["7650331", 1, "Jane", "Roe", "L2"], ["7650331", 0, "John", "Doe", "L1"]],
    )
    _tsv(
        tmp_path,
        "g_location_disambiguated",
        ["location_id", "disambig_country"],
        [["L1", "US"], ["L2", "XY"]],
    )
    return tmp_path


def test_patentsview(patentsview_dir: Path) -> None:
    r = run_import("patentsview", sorted(patentsview_dir.glob("*.tsv")))
    assert (r.read, r.imported, r.rejected) == (3, 1, 2)
    assert [i.line for i in r.issues if i.action == "row rejected"] == [3, 4]
    assert r.applications.to_pylist()[0] | {"filing_date": None} == {
        "appln_id": "7650331",
        "office": "US",
        "filing_date": None,
        "filing_year": 2004,
        "priority_year": None,
        "kind": "B1",
        "family_id": None,
        "granted": True,
    }
    assert sorted(
        zip(
            r.classifications["position"].to_pylist(),
            r.classifications["ipc"].to_pylist(),
            strict=True,
        )
    ) == [(1, "G06F  17/30"), (2, "H04L  29/06")]
    parties = sorted(
        (p["role"], p["sequence"], p["country"], p["name"]) for p in r.parties.to_pylist()
    )
    assert parties == [
        ("applicant", 1, "US", "Google Inc"),
        ("inventor", 1, "US", "John Doe"),
        ("inventor", 2, None, "Jane Roe"),
    ]
    assert any("unknown country code 'XY'" in i.reason for i in r.issues)


def test_patentsview_needs_every_table(patentsview_dir: Path) -> None:
    with pytest.raises(InputError, match=r"missing \['g_location_disambiguated'\]"):
        run_import(
            "patentsview",
            sorted(p for p in patentsview_dir.glob("*.tsv") if "location" not in p.name),
        )


def test_google_publications_json(tmp_path: Path) -> None:
    rows = [
        {
            "publication_number": "US-7650331-B1",
            "application_number": "US-12345-A",
            "country_code": "US",
            "application_kind": "A",
            "family_id": "1",
            "filing_date": 20040105,
            "priority_date": 20030101,
            "grant_date": 20100119,
            "ipc": [{"code": "G06F17/30"}, {"code": "H04L29/06"}],
            "inventor_harmonized": [
                {"name": "DOE JOHN", "country_code": "US"},
                {"name": "ROE JANE", "country_code": "CA"},
            ],
            "assignee_harmonized": [{"name": "GOOGLE INC", "country_code": "US"}],
        },
        {
            "publication_number": "US-2005001-A1",
            "application_number": "US-12345-A",
            "country_code": "US",
            "application_kind": "A",
            "family_id": "1",
            "filing_date": 20040105,
            "priority_date": 20030101,
            "grant_date": 0,
            "ipc": [],
            "inventor_harmonized": [],
            "assignee_harmonized": [],
        },
        {
            "publication_number": "EP-1-A1",
            "application_number": "EP-99-A",
            "country_code": "EP",
            "application_kind": "A",
            "family_id": "2",
            "filing_date": 99991231,
            "priority_date": 0,
            "grant_date": 0,
            "ipc": [],
            "inventor_harmonized": [],
            "assignee_harmonized": [],
        },
        {
            "publication_number": "EP-2-A1",
            "application_number": "EP-100-A",
            "country_code": "EP",
            "application_kind": "A",
            "family_id": "3",
            "filing_date": 0,
            "priority_date": 0,
            "grant_date": 0,
            "ipc": [{"code": "BAD"}],
            "inventor_harmonized": [{"name": "X", "country_code": "QQ"}],
            "assignee_harmonized": [],
        },
    ]
    f = tmp_path / "publications.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows))
    r = run_import("google", [f])
    assert (r.read, r.imported, r.rejected) == (4, 2, 2)
    apps = {a["appln_id"]: a for a in r.applications.to_pylist()}
    assert apps["US-12345-A"]["filing_year"] == 2004 and apps["US-12345-A"]["priority_year"] == 2003
    assert apps["US-12345-A"]["granted"] is True and apps["EP-100-A"]["filing_year"] is None
    assert r.classifications.num_rows == 2
    reasons = " | ".join(i.reason for i in r.issues)
    for expected in (
        "duplicate application_number",
        "outside 1782",
        "malformed IPC symbol 'BAD'",
        "unknown country code 'QQ'",
    ):
        assert expected in reasons


def test_bulk_import_streams_into_the_store(tmp_path: Path) -> None:
    """A bulk import keeps its canonical tables as Parquet files and write_import streams
    them into the store without loading them; the store then holds exactly those rows."""
    import duckdb

    from innovindex.patents.schema import SCHEMAS, TABLE_NAMES
    from innovindex.patents.store import write_import
    from innovindex.patents.synthetic import generate_patstat

    files = generate_patstat(3000, tmp_path / "raw", seed=5)
    result = run_import("patstat", list(files.values()))
    assert result.parquet_dir is not None and result.tables == {}
    db = tmp_path / "store.duckdb"
    counts = write_import(db, result)
    assert result.tables == {}, "write_import loaded a table into memory"
    assert counts["patent_applications"] == result.imported == 3000
    con = duckdb.connect(str(db), read_only=True)
    try:
        for name, schema in SCHEMAS.items():
            # child rows refer to the integer surrogate key; join back to the source id
            cols = ", ".join(f"x.{c}" if c != "appln_id" else "a.appln_id" for c in schema.names)
            stored = con.sql(
                f"SELECT {cols} FROM {TABLE_NAMES[name]} x JOIN patent_applications a "
                "USING (appln_key)"
            ).to_arrow_table()
            keys = [(c, "ascending") for c in schema.names[:3]]
            expected = result.table(name)  # loaded from the same files, through conform()
            assert stored.schema.names == schema.names
            assert stored.cast(schema).sort_by(keys).equals(expected.sort_by(keys)), name
            assert counts[TABLE_NAMES[name]] == expected.num_rows
        # one data set (no files named: the format), flagged synthetic by the generator's marker
        assert con.sql(
            "SELECT dataset, synthetic, applications FROM patent_datasets"
        ).fetchall() == [("patstat", True, 3000)]  # no files named: the format's name
        keys_ok = con.sql(
            "SELECT count(DISTINCT appln_key), min(appln_key), max(appln_key) "
            "FROM patent_applications"
        ).fetchall()[0]
        assert keys_ok == (3000, 1, 3000)
    finally:
        con.close()
    with pytest.raises(InputError, match="already in data set 'patstat'"):
        write_import(db, run_import("patstat", list(files.values())))
