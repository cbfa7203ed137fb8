"""`innovindex patents table`: its help lists every registered table (from the registry,
so it cannot go stale), and a DataWarning raised while computing is one stderr line."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.dbfile import connect_store
from innovindex.errors import DataWarning, SpecError
from innovindex.patents.queries import PatentTables
from innovindex.patents.tables import TABLES, build_table, compute_table


@pytest.fixture(scope="module")
def esp_store(tmp_path_factory: pytest.TempPathFactory, espacenet_files: list[Path]) -> Path:
    """A store holding the Espacenet sample (filing years known)."""
    db = tmp_path_factory.mktemp("table-cli") / "s.duckdb"
    esp = str(espacenet_files[0])
    assert main(["patents", "import", "--format", "espacenet", esp, "--db", str(db)]) == 0
    return db


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def _arguments_panel(text: str) -> str:
    """The help's Arguments section (the options' help mentions some table names too)."""
    start = text.index("Arguments")
    return text[start : text.index("Options", start)]


def test_help_and_unknown_name_list_every_registered_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the registry includes the enterprise tables patents/enterprise.py registers
    assert {"by_office", "self_reliance", "by_sector", "top_applicants"} <= set(TABLES)
    assert main(["patents", "table", "-h"]) == 0
    listed = _arguments_panel(capsys.readouterr().out)
    missing = [n for n in TABLES if not re.search(rf"\b{re.escape(n)}\b", listed)]
    assert missing == [], f"not in `patents table -h`: {missing}"
    code = main(["patents", "table", "no_such_table", "--out", "x.csv"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "no_such_table" in err[0]
    assert all(repr(n) in err[0] for n in TABLES), err[0]


def test_a_data_warning_while_computing_is_one_stderr_line(
    tmp_path: Path,
    espacenet_files: list[Path],
    concordance_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A ``firm_applicants`` mapping written before data sets cannot say whose names it
    maps: the enterprise tables ignore it (same result as without it) and warn once."""
    db = tmp_path / "s.duckdb"
    esp = str(espacenet_files[0])
    assert main(["patents", "import", "--format", "espacenet", esp, "--db", str(db)]) == 0
    args = ["patents", "table", "top_applicants", "--db", str(db)]
    args += ["--concordance", str(concordance_path), "--out"]
    assert main([*args, str(tmp_path / "before.csv")]) == 0
    capsys.readouterr()
    con = connect_store(db)
    try:
        con.execute(
            "CREATE TABLE firm_applicants AS SELECT name AS raw_name, country, "
            "'HA-OLD' AS applicant_id, name AS applicant_name, 'firm' AS sector, "
            "'exact' AS method, 100.0 AS score FROM patent_parties WHERE role = 'applicant'"
        )
    finally:
        con.close()
    assert main([*args, str(tmp_path / "after.csv")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("warning: the store's firm_applicants predates data sets")
    before = pd.read_csv(tmp_path / "before.csv")
    after = pd.read_csv(tmp_path / "after.csv")
    # same table: fractional sums may differ in the last bit (parallel addition order)
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-12)
    assert not after.isin(["HA-OLD"]).any().any()


def test_an_unwritable_out_names_the_out_file(
    esp_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a folder path through a file: portable, and root cannot write there either
    (tmp_path / "somefile.txt").write_text("mine\n")
    out = tmp_path / "somefile.txt" / "x.csv"
    args = ["patents", "table", "by_office", "--db", str(esp_store), "--out", str(out)]
    assert main(args) == 2
    assert _one_line(capsys) == (
        f"error: {out}: cannot write the file: {tmp_path / 'somefile.txt'} is a file, not a folder"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["somefile.txt"]


def test_a_read_only_folder_names_the_out_file(
    esp_store: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        # what tempfile.mkstemp raises on a read-only file system (EROFS, naming its file)
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), f"{kwargs['dir']}/.x.csv.ab12cd34.tmp")

    out = tmp_path / "x.csv"
    monkeypatch.setattr("tempfile.mkstemp", read_only)
    args = ["patents", "table", "by_office", "--db", str(esp_store), "--out", str(out)]
    assert main(args) == 2
    assert _one_line(capsys) == f"error: {out}: cannot write the file: Read-only file system"
    assert list(tmp_path.iterdir()) == []


def _year_span(db: Path, column: str) -> tuple[int | None, int | None]:
    """min, max of a year column of the stored applications (SQL, not the package's code)."""
    con = connect_store(db, read_only=True)
    try:
        row = con.execute(
            f"SELECT min({column}), max({column}) FROM patent_applications"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return row[0], row[1]


def test_a_year_range_outside_the_data_is_one_warning_line_and_exit_0(
    esp_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = _year_span(esp_store, "filing_year")
    assert first is not None and last is not None and last < 2100
    out = tmp_path / "t.csv"
    args = ["patents", "table", "by_office", "--db", str(esp_store), "--out", str(out)]
    assert main([*args, "--years", "2100-2200"]) == 0
    assert _one_line(capsys) == (
        "warning: table 'by_office' is empty: no application has a filing year in 2100-2200 "
        f"(the data set's filing years run {first}-{last})"
    )
    assert len(pd.read_csv(out)) == 0
    # a range that holds applications: rows, and no warning
    assert main([*args, "--years", f"{first}-{last}"]) == 0
    assert capsys.readouterr().err == ""
    assert len(pd.read_csv(out)) > 0


def test_a_data_set_without_filing_years_is_one_warning_line(
    patents_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PATENTSCOPE export has no filing dates: a --years table says so and names the
    priority years it has instead."""
    db = tmp_path / "ps.duckdb"
    export = patents_dir / "patentscope_pizza_medium" / "pizza_medium.csv"
    assert main(["patents", "import", "--format", "patentscope", str(export), "--db", str(db)]) == 0
    capsys.readouterr()
    assert _year_span(db, "filing_year") == (None, None)
    first, last = _year_span(db, "priority_year")
    out = tmp_path / "t.csv"
    args = ["patents", "table", "by_origin", "--db", str(db), "--out", str(out)]
    assert main([*args, "--years", "2000-2010"]) == 0
    assert _one_line(capsys) == (
        "warning: table 'by_origin' is empty: no application of the data set has a filing "
        f"year (their priority years run {first}-{last})"
    )
    assert len(pd.read_csv(out)) == 0
    assert main([*args, "--years", "2000-2010", "--year-basis", "priority"]) == 0
    assert capsys.readouterr().err == ""
    assert len(pd.read_csv(out)) > 0


def test_the_warning_comes_from_the_package(esp_tables: PatentTables) -> None:
    with pytest.warns(
        DataWarning,
        match=r"^table 'resident' is empty: no application has a priority year in 1700-1800",
    ):
        table = compute_table("resident", esp_tables, year="priority", years=(1700, 1800))
    assert table.num_rows == 0


@pytest.mark.parametrize(
    ("table", "option", "message"),
    [
        ("by_office", ["--fractional", "symbols"], "--fractional applies to the field tables"),
        # the default given explicitly is still a mistake on a table without field counts
        ("by_origin", ["--fractional", "fields"], "--fractional applies to the field tables"),
        ("top_applicants", ["--fractional", "symbols"], "--fractional applies to the field"),
        ("by_office", ["--unknown-inventors", "ignore"], "--unknown-inventors applies to the"),
        ("by_field", ["--unknown-inventors", "share"], "--unknown-inventors applies to the"),
        ("by_office", ["--key-fields", "4"], "key fields apply to the self_reliance table only"),
    ],
)
def test_an_option_for_another_table_is_refused_in_one_line(
    esp_store: Path,
    concordance_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    option: list[str],
    message: str,
) -> None:
    out = tmp_path / "t.csv"
    args = ["patents", "table", table, "--db", str(esp_store), "--out", str(out)]
    assert main([*args, "--concordance", str(concordance_path), *option]) == 2
    line = _one_line(capsys)
    assert line.startswith(f"error: {message}"), line
    assert repr(table) in line or "key fields" in message
    assert not out.exists()


def test_the_conventions_are_taken_by_their_tables(
    esp_store: Path, concordance_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def rows(table: str, *option: str) -> pd.DataFrame:
        out = tmp_path / f"{table}{len(option)}.csv"
        args = ["patents", "table", table, "--db", str(esp_store), "--out", str(out)]
        assert main([*args, "--concordance", str(concordance_path), *option]) == 0
        assert capsys.readouterr().err == ""
        return pd.read_csv(out)

    def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
        # fractional sums may differ in the last bit (parallel addition order)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)

    default, symbols = rows("by_field"), rows("by_field", "--fractional", "symbols")
    assert not default.equals(symbols)  # the option changed the counts
    same(rows("by_field", "--fractional", "fields"), default)
    # the sample's inventors all have a known residence, so share and ignore agree on it
    # (test_patents_espacenet checks the two conventions against pandas)
    share = rows("inventor_fractional")
    same(rows("inventor_fractional", "--unknown-inventors", "ignore"), share)
    same(rows("inventor_fractional", "--unknown-inventors", "share"), share)


def test_the_api_refuses_a_convention_for_another_table(esp_tables: PatentTables) -> None:
    with pytest.raises(
        SpecError,
        match=r"^--fractional applies to the field tables \(by_field, rta, self_reliance\) only; table 'by_office' has no field counts$",
    ):
        build_table("by_office", esp_tables, fractional="fields")
    with pytest.raises(
        SpecError,
        match=r"^--unknown-inventors applies to the inventor_fractional table only; table 'rta' has no inventor counts$",
    ):
        build_table("rta", esp_tables, unknown_inventors="share")


def test_replace_says_what_it_removed(
    tmp_path: Path, espacenet_files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.duckdb"
    first = ["patents", "import", "--format", "espacenet", str(espacenet_files[0]), "--db", str(db)]
    assert main([*first, "--dataset", "x"]) == 0
    assert "replaced" not in capsys.readouterr().out
    con = connect_store(db, read_only=True)
    try:
        before = con.execute(
            "SELECT count(*) FROM patent_applications WHERE dataset = 'x'"
        ).fetchall()[0][0]
    finally:
        con.close()
    again = ["patents", "import", "--format", "espacenet", str(espacenet_files[1])]
    assert main([*again, "--db", str(db), "--dataset", "x", "--replace"]) == 0
    out = capsys.readouterr().out
    assert f"replaced data set 'x': its {before} earlier application(s)" in out
