"""Acceptance: a corpus of bad inputs gives clear errors or counted rejections, never a
traceback; CLI cases exit with status 2 and one stderr line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from innovindex.errors import InputError, SpecError
from innovindex.patents.concordance import load_concordance
from innovindex.patents.importers import run_import

ESP_HEADER = (
    "Title,Publication number,Publication date,Inventor(s),Applicant(s),International classification,"
    "Cooperative Patent Classification,Application number,Date of application,Priority number(s)"
)


def esp_row(
    appln: str = "US20010001",
    pub: str = "US2002001 (A1)",
    date: str = "20010105",
    ipc: str = "A21D13/00",
    app: str = "ACME INC [US]",
    inv: str = "DOE JOHN [US]",
) -> str:
    return f'PIZZA,{pub},01/01/2002,"{inv}","{app}",{ipc},,{appln},{date},US20000001 20000101'


def write(
    tmp_path: Path,
    rows: list[str],
    *,
    name: str = "esp.csv",
    eol: str = "\r",
    encoding: str = "mac_roman",
) -> Path:
    p = tmp_path / name
    p.write_bytes(eol.join([ESP_HEADER, *rows]).encode(encoding))
    return p


# ------------------------------------------------------------------ errors (whole file)
def test_wrong_encoding_names_byte_and_line(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row(), esp_row(appln="X2", app="CAFÉ SA [FR]")])
    with pytest.raises(InputError, match=r"row 3: not valid utf-8 \(byte 0x83"):
        run_import("espacenet", [p], encoding="utf-8")


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row()], encoding="utf-16")
    with pytest.raises(InputError, match="NUL bytes"):
        run_import("espacenet", [p])


def test_missing_columns_are_named(tmp_path: Path) -> None:
    p = tmp_path / "no_appln.csv"
    p.write_text("Title,Publication number\rPIZZA,US1 (A1)", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"missing column\(s\) \['Inventor\(s\)'.*'Application number'"
    ):
        run_import("espacenet", [p])


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        run_import("lens", [p])


def test_unknown_format_lists_valid_ones() -> None:
    with pytest.raises(SpecError, match=r"unknown patent format 'epo'.*espacenet"):
        run_import("epo", [])


def test_patstat_without_all_tables(tmp_path: Path) -> None:
    p = tmp_path / "tls201_appln.parquet"
    pq.write_table(pa.table({"appln_id": [1]}), p)
    with pytest.raises(InputError, match=r"missing \['tls209', 'tls206', 'tls207'\]"):
        run_import("patstat", [p])


def test_concordance_missing_column(tmp_path: Path) -> None:
    p = tmp_path / "conc.csv"
    p.write_text("Field_number,Sector_en,Field_en\n1,a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing concordance column\(s\) \['IPC_code'\]"):
        load_concordance(p)


# ------------------------------------------------------------------ counted rejections
def test_malformed_ipc_is_dropped_and_reported(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row(ipc="A21D13/00; PIZZA12; A47J0/01")])
    r = run_import("espacenet", [p])
    assert (r.read, r.imported, r.rejected) == (1, 1, 0)
    assert r.classifications["ipc"].to_pylist() == ["A21D  13/00"]
    dropped = [i for i in r.issues if i.action == "value dropped"]
    assert [(i.line, "PIZZA12" in i.reason or "A47J0/01" in i.reason) for i in dropped] == [
        (2, True),
        (2, True),
    ]


def test_year_9999_and_impossible_dates_are_rejected(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        [
            esp_row(appln="A1", date="99991231"),
            esp_row(appln="A2", date="20011332"),
            esp_row(appln="A3"),
        ],
    )
    r = run_import("espacenet", [p])
    assert (r.read, r.imported, r.rejected) == (3, 1, 2)
    assert sorted(i.line for i in r.issues if i.action == "row rejected") == [2, 3]
    assert "year 9999" in r.issues[0].reason


def test_unknown_country_code_becomes_unknown_origin(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row(app="ACME [QQ]", inv="DOE [ZZ]")])
    r = run_import("espacenet", [p])
    assert r.imported == 1
    assert r.parties["country"].to_pylist() == [None, None]
    assert sum("unknown country code" in i.reason for i in r.issues) == 2


def test_duplicated_ids_rejected_with_first_line(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row(appln="D1"), esp_row(appln="D2"), esp_row(appln="D1")])
    r = run_import("espacenet", [p])
    assert (r.read, r.imported, r.rejected) == (3, 2, 1)
    assert (
        r.issues[0].line == 4
        and "first at" in r.issues[0].reason
        and "line 2" in r.issues[0].reason
    )


def test_row_with_wrong_width_and_unknown_office(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        [esp_row(appln="W1") + ",extra", esp_row(appln="W2", pub="QQ123 (A)"), esp_row(appln="W3")],
    )
    r = run_import("espacenet", [p])
    assert (r.read, r.imported, r.rejected) == (3, 1, 2)
    reasons = [i.reason for i in r.issues]
    assert "found 11 fields" in reasons[0] and "unknown office code 'QQ'" in reasons[1]


def test_on_error_raise_stops_at_first_bad_row(tmp_path: Path) -> None:
    p = write(tmp_path, [esp_row(appln="R1"), esp_row(appln="R1")])
    with pytest.raises(InputError, match=r"row 3: duplicate application id 'R1'"):
        run_import("espacenet", [p], on_error="raise")


def test_lens_impossible_date_rejected(tmp_path: Path) -> None:
    header = (
        "Jurisdiction,Kind,Application Number,Application Date,Priority Numbers,Applicants,"
        "Inventors,Type,IPCR Classifications"
    )
    p = tmp_path / "lens.csv"
    p.write_text(
        "\r".join(
            [
                header,
                "US,A1,US 1 A,31/02/12,,A,B,Patent Application,A21D13/00",
                "US,A1,US 2 A,28/02/12,,A,B,Granted Patent,A21D13/00",
            ]
        ),
        encoding="mac_roman",
    )
    r = run_import("lens", [p])
    assert (r.read, r.imported, r.rejected) == (2, 1, 1)
    assert r.applications["granted"].to_pylist() == [True]


def test_patstat_conventions(tmp_path: Path) -> None:
    """9999 = unknown year (kept, null); 1750 and bad offices rejected; bad IPC and country dropped."""
    pq.write_table(
        pa.table(
            {
                "appln_id": [1, 2, 3, 4, 4],
                "appln_auth": ["US", "US", "ZZ", "EP", "EP"],
                "appln_kind": ["A"] * 5,
                "appln_filing_date": [
                    "9999-12-31",
                    "1750-01-01",
                    "2001-01-01",
                    "2002-02-02",
                    "2002-02-02",
                ],
                "appln_filing_year": [9999, 1750, 2001, 2002, 2002],
                "earliest_filing_year": [9999] * 5,
                "granted": ["N", "Y", "N", "Y", "Y"],
                "docdb_family_id": [1, 2, 3, 4, 4],
            }
        ),
        tmp_path / "tls201.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "appln_id": [1, 1, 4],
                "ipc_class_symbol": ["H04N   5/44", "XX", "A61K  31/00"],
                "ipc_position": ["F", "L", "F"],
            }
        ),
        tmp_path / "tls209.parquet",
    )
    pq.write_table(
        pa.table(
            {"person_id": [10, 11], "person_name": ["A", "B"], "person_ctry_code": ["US", "QQ"]}
        ),
        tmp_path / "tls206.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "person_id": [10, 11],
                "appln_id": [1, 4],
                "applt_seq_nr": [1, 1],
                "invt_seq_nr": [0, 1],
            }
        ),
        tmp_path / "tls207.parquet",
    )
    r = run_import("patstat", sorted(tmp_path.glob("tls*.parquet")))
    assert (r.read, r.imported, r.rejected) == (5, 2, 3)
    apps = r.applications.to_pandas().set_index("appln_id")
    assert apps.loc["1", "filing_year"] is None or apps["filing_year"].isna()["1"]
    assert r.classifications["ipc"].to_pylist() == ["H04N   5/44", "A61K  31/00"] or sorted(
        r.classifications["ipc"].to_pylist()
    ) == ["A61K  31/00", "H04N   5/44"]
    parties = r.parties.to_pandas()
    assert len(parties) == 3 and parties.loc[parties.appln_id == "4", "country"].isna().all()
    reasons = " | ".join(i.reason for i in r.issues)
    for expected in (
        "1750 outside",
        "unknown appln_auth 'ZZ'",
        "duplicate appln_id 4",
        "malformed IPC symbol 'XX'",
        "unknown person_ctry_code 'QQ'",
    ):
        assert expected in reasons


# ------------------------------------------------------------------ CLI: exit 2, one line
def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from innovindex.cli import main

    code = main(argv)
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(
    "case", ["format", "missing", "encoding", "no_store", "years", "engine", "by"]
)
def test_cli_bad_input_exit_2_one_line(case: str, tmp_path: Path, capsys, concordance_path) -> None:  # type: ignore[no-untyped-def]
    esp = write(tmp_path, [esp_row(app="CAFÉ [FR]")])
    db = tmp_path / "store.duckdb"
    table = [
        "patents",
        "table",
        "by_office",
        "--db",
        str(db),
        "--concordance",
        str(concordance_path),
        "--out",
        str(tmp_path / "o.csv"),
    ]
    argv = {
        "format": ["patents", "import", "--format", "epo", str(esp), "--db", str(db)],
        "missing": [
            "patents",
            "import",
            "--format",
            "lens",
            str(tmp_path / "nope.csv"),
            "--db",
            str(db),
        ],
        "encoding": [
            "patents",
            "import",
            "--format",
            "espacenet",
            "--encoding",
            "utf-8",
            str(esp),
            "--db",
            str(db),
        ],
        "no_store": table,
        "years": [*table, "--years", "2010-2000"],
        "engine": [*table, "--engine", "presto"],
        "by": [*table[:2], "resident", *table[3:], "--by", "field"],
    }[case]
    if case in ("years", "engine", "by"):
        assert (
            _cli(["patents", "import", "--format", "espacenet", str(esp), "--db", str(db)], capsys)[
                0
            ]
            == 0
        )
    code, err = _cli(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


# ------------------------------------------------------------------ the store and --out (issues 7, 8)
def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) with its content hash."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store holding one small real data set ('esp') of two applications."""
    esp = (
        write(tmp_path / "in", [esp_row(appln="S1"), esp_row(appln="S2", pub="CN2002001 (A)")])
        if (tmp_path / "in").mkdir() is None
        else None
    )
    db = tmp_path / "store.duckdb"
    assert (
        _cli(
            [
                "patents",
                "import",
                "--format",
                "espacenet",
                str(esp),
                "--db",
                str(db),
                "--dataset",
                "esp",
            ],
            capsys,
        )[0]
        == 0
    )
    return db


def _bad(store: Path, tmp_path: Path, case: str, concordance_path: Path) -> list[str]:
    """The argv of bad-input case ``case`` (files it needs are written first)."""
    d = tmp_path / "in"
    db = str(store)
    out = str(tmp_path / "out.csv")
    table = ["patents", "table", "by_office", "--db", db, "--dataset", "esp"]
    imp = ["patents", "import", "--format", "espacenet"]
    esp = str(d / "esp.csv")
    if case == "truncated_store":
        cut = tmp_path / "cut.duckdb"
        cut.write_bytes(store.read_bytes()[:5000])
        return [*imp, esp, "--db", str(cut), "--dataset", "x"]
    if case == "truncated_store_table":
        cut = tmp_path / "cut.duckdb"
        cut.write_bytes(store.read_bytes()[:5000])
        return ["patents", "table", "by_office", "--db", str(cut), "--out", out]
    if case in ("foreign_store", "foreign_store_table"):
        f = tmp_path / "foreign.duckdb"
        f.write_text("office,year\nCN,2000\n", encoding="utf-8")
        if case == "foreign_store":
            return [*imp, esp, "--db", str(f), "--dataset", "x"]
        return ["patents", "table", "by_office", "--db", str(f), "--out", out]
    if case == "second_dataset_unnamed":
        other = write(d, [esp_row(appln="T1")], name="other.csv")
        return [*imp, str(other), "--db", db]
    if case == "ids_already_in_dataset":
        return [*imp, esp, "--db", db, "--dataset", "esp"]
    if case == "synthetic_into_real_dataset":
        from innovindex.patents.synthetic import generate_patstat

        files = generate_patstat(50, d / "syn", seed=1)
        return [
            "patents",
            "import",
            "--format",
            "patstat",
            *map(str, files.values()),
            "--db",
            db,
            "--dataset",
            "esp",
        ]
    if case == "bad_dataset_name":
        return [*imp, esp, "--db", db, "--dataset", "../up"]
    if case == "unknown_dataset":
        return [*table[:-1], "nope", "--out", out]
    if case == "out_is_store":
        return [*table, "--out", db]
    if case == "out_symlink_to_store":
        link = tmp_path / "link.csv"
        link.symlink_to(store)
        return [*table, "--out", str(link)]
    if case == "out_bad_extension":
        return [*table, "--out", str(tmp_path / "out.txt")]
    if case == "out_other_duckdb":
        other = tmp_path / "other.csv"
        other.write_bytes(store.read_bytes())  # a DuckDB file under a .csv name
        return [*table, "--out", str(other)]
    if case == "out_is_folder":
        (tmp_path / "folder.csv").mkdir()
        return [*table, "--out", str(tmp_path / "folder.csv")]
    if case == "out_is_concordance":
        conc = tmp_path / "conc.csv"
        conc.write_bytes(concordance_path.read_bytes())
        return [
            "patents",
            "table",
            "by_field",
            "--db",
            db,
            "--concordance",
            str(conc),
            "--out",
            str(conc),
        ]
    if case == "duplicate_header":
        p = d / "dup.csv"
        p.write_bytes(
            (ESP_HEADER + ",Application number\r" + esp_row(appln="D9") + ",X").encode("mac_roman")
        )
        return [*imp, str(p), "--db", db, "--dataset", "esp"]
    if case == "nul_after_4k":
        rows = [esp_row(appln=f"N{i}") for i in range(60)]
        p = d / "nul.csv"
        data = ("\r".join([ESP_HEADER, *rows])).encode("mac_roman")
        assert len(data) > 6000
        p.write_bytes(data[:6000] + b"\x00" + data[6000:])
        return [*imp, str(p), "--db", db, "--dataset", "esp"]
    if case == "bad_office_code":
        return [*table, "--office", "XX", "--out", out]
    if case == "bad_origin_code":
        return [*table, "--origin", "CHN", "--out", out]
    if case == "bad_country_code":
        return ["patents", "table", "resident", "--db", db, "--country", "C1", "--out", out]
    if case == "bad_fractional":
        return [
            "patents",
            "table",
            "by_field",
            "--db",
            db,
            "--concordance",
            str(concordance_path),
            "--fractional",
            "claims",
            "--out",
            out,
        ]
    if case == "bad_unknown_inventors":
        return [
            "patents",
            "table",
            "inventor_fractional",
            "--db",
            db,
            "--unknown-inventors",
            "drop",
            "--out",
            out,
        ]
    if case == "bad_wait":
        return [*imp, esp, "--db", db, "--dataset", "w", "--wait", "-1"]
    if case == "no_concordance":
        return ["patents", "table", "rta", "--db", db, "--out", out]
    if case == "legacy_store":
        legacy = tmp_path / "legacy.duckdb"
        con = duckdb.connect(str(legacy))
        con.execute("CREATE TABLE patent_applications (appln_id VARCHAR, office VARCHAR)")
        con.close()
        return [*imp, esp, "--db", str(legacy), "--dataset", "x"]
    if case == "self_reliance_key_field":
        return [
            "patents",
            "table",
            "self_reliance",
            "--db",
            db,
            "--concordance",
            str(concordance_path),
            "--key-fields",
            "99",
            "--out",
            out,
        ]
    raise AssertionError(case)


BAD_STORE_CASES = [
    "truncated_store",
    "truncated_store_table",
    "foreign_store",
    "foreign_store_table",
    "second_dataset_unnamed",
    "ids_already_in_dataset",
    "synthetic_into_real_dataset",
    "bad_dataset_name",
    "unknown_dataset",
    "out_is_store",
    "out_symlink_to_store",
    "out_bad_extension",
    "out_other_duckdb",
    "out_is_folder",
    "out_is_concordance",
    "duplicate_header",
    "nul_after_4k",
    "bad_office_code",
    "bad_origin_code",
    "bad_country_code",
    "bad_fractional",
    "bad_unknown_inventors",
    "bad_wait",
    "no_concordance",
    "legacy_store",
    "self_reliance_key_field",
]


@pytest.mark.parametrize("case", BAD_STORE_CASES)
def test_store_and_output_bad_input(
    case: str,
    store: Path,
    tmp_path: Path,
    capsys,
    concordance_path,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    monkeypatch.setenv("INNOVINDEX_CACHE", str(tmp_path / "empty-cache"))  # no cached concordance
    monkeypatch.delenv("INNOVINDEX_CONCORDANCE", raising=False)
    argv = _bad(store, tmp_path, case, concordance_path)
    before = _snapshot(tmp_path)
    code, err = _cli(argv, capsys)
    assert code == 2, (case, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (case, err)
    assert "Traceback" not in err
    assert _snapshot(tmp_path) == before, f"{case}: something was written or changed"


def test_duplicate_header_and_late_nul_name_the_line(tmp_path: Path) -> None:
    p = tmp_path / "dup.csv"
    p.write_bytes(
        (ESP_HEADER.replace("Title", "Application number") + "\r" + esp_row()).encode("mac_roman")
    )
    with pytest.raises(
        InputError,
        match=r"row 1: duplicate column 'Application number' in the header \(columns 1 and 8\)",
    ):
        run_import("espacenet", [p])
    rows = [esp_row(appln=f"N{i}") for i in range(60)]
    data = "\r".join([ESP_HEADER, *rows]).encode("mac_roman")
    q = tmp_path / "nul.csv"
    q.write_bytes(data[:6000] + b"\x00" + data[6000:])
    line = data[:6000].count(b"\r") + 1
    with pytest.raises(
        InputError, match=rf"row {line}: contains NUL bytes \(first at byte offset 6000\)"
    ):
        run_import("espacenet", [q])


def test_applicant_names_are_canonical(tmp_path: Path) -> None:
    """NFC and invisible characters: 'CAFE\\u0301 SA' and 'CAF\\u00c9\\u200b SA' are one applicant."""
    p = write(
        tmp_path,
        [
            esp_row(appln="C1", app="CAFE\u0301 SA [FR]"),
            esp_row(appln="C2", app="CAF\u00c9\u200b SA [FR]"),
        ],
        encoding="utf-8",
    )
    r = run_import("espacenet", [p])
    names = [
        n
        for n, role in zip(
            r.parties["name"].to_pylist(), r.parties["role"].to_pylist(), strict=True
        )
        if role == "applicant"
    ]
    assert names == ["CAF\u00c9 SA", "CAF\u00c9 SA"]


def test_bulk_applicant_names_are_canonical(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "appln_id": [1, 2],
                "appln_auth": ["US", "US"],
                "appln_kind": ["A", "A"],
                "appln_filing_date": ["2001-01-01"] * 2,
                "appln_filing_year": [2001, 2001],
                "earliest_filing_year": [2001, 2001],
                "granted": ["N", "N"],
                "docdb_family_id": [1, 2],
            }
        ),
        tmp_path / "tls201.parquet",
    )
    pq.write_table(
        pa.table({"appln_id": [1], "ipc_class_symbol": ["A21D  13/00"], "ipc_position": ["F"]}),
        tmp_path / "tls209.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "person_id": [10, 11],
                "person_name": ["CAFE\u0301 SA", " CAF\u00c9\u200b SA"],
                "person_ctry_code": ["FR", "FR"],
            }
        ),
        tmp_path / "tls206.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "person_id": [10, 11],
                "appln_id": [1, 2],
                "applt_seq_nr": [1, 1],
                "invt_seq_nr": [0, 0],
            }
        ),
        tmp_path / "tls207.parquet",
    )
    r = run_import("patstat", sorted(tmp_path.glob("tls*.parquet")))
    assert r.parties["name"].to_pylist() == ["CAF\u00c9 SA", "CAF\u00c9 SA"]
