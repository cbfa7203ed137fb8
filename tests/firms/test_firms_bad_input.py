"""Bad input to the firm commands: exit status 2, one stderr line naming the place, and
nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from innovindex.cli import main

GOOD = (
    "firm_id,year,registered_on,revenue,sales_revenue,hightech_revenue,rd_total,rd_in_china,staff,st_staff\n"
    "A,2022,2015-01-01,100,100,70,6,6,50,10\n"
    "A,2023,2015-01-01,110,110,80,7,7,50,10\n"
)


def _run(capsys, argv: list[str]) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    return code, err


# (file text, extra args, text the error line must contain)
FIRM_CASES = {
    "missing firm id column": ("year,revenue\n2022,1\n", [], "column 'firm_id'"),
    "empty firm id": (
        GOOD + ",2023,2015-01-01,1,1,1,1,1,1,1\n",
        [],
        "row 4, column 'firm_id': empty firm id",
    ),
    "negative revenue": (
        GOOD.replace("A,2023,2015-01-01,110", "A,2023,2015-01-01,-110"),
        [],
        "row 3, column 'revenue': must not be negative",
    ),
    "S&T staff above staff": (
        GOOD.replace(",50,10\n", ",50,51\n", 1),
        [],
        "row 2, column 'st_staff'",
    ),
    "year with text": (GOOD.replace("A,2023", "A,twenty23"), [], "row 3, column 'year'"),
    "fractional year": (
        GOOD.replace("A,2023", "A,2023.5"),
        [],
        "row 3, column 'year': year must be a whole number",
    ),
    "text in a number": (
        GOOD.replace(",110,110,", ",lots,110,"),
        [],
        "row 3, column 'revenue': expected a number",
    ),
    "firm-year twice": (GOOD + "A,2023,2015-01-01,1,1,1,1,1,1,1\n", [], "row 4, column 'year'"),
    "bad registration date": (
        GOOD.replace("A,2022,2015-01-01", "A,2022,2015-13-01"),
        [],
        "row 2, column 'registered_on'",
    ),
    "two registration dates": (
        GOOD.replace("A,2023,2015-01-01", "A,2023,2016-01-01"),
        [],
        "column 'registered_on': firm 'A' has two registration dates",
    ),
    "high-tech revenue above revenue": (
        GOOD.replace(",100,100,70,", ",100,100,170,"),
        [],
        "row 2, column 'hightech_revenue'",
    ),
    "R&D in China above R&D": (
        GOOD.replace(",70,6,6,", ",70,6,9,"),
        [],
        "row 2, column 'rd_in_china'",
    ),
    "unknown rule set": (GOOD, ["--rules", "hnte2099"], "unknown rule set 'hnte2099'"),
    "bad apply date": (GOOD, ["--apply-date", "01/02/2024"], "--apply-date must be YYYY-MM-DD"),
    "empty file": ("", [], "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(FIRM_CASES))
def test_firms_check_bad_input(case: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text, extra, expect = FIRM_CASES[case]
    data = tmp_path / "firms.csv"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "report.csv"
    code, err = _run(
        capsys, ["firms", "check", "--data", str(data), "--year", "2024", "--out", str(out), *extra]
    )
    assert code == 2, err
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert expect in err, err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [data]  # no temporary file left either


def test_rule_set_file_with_unknown_operator(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "firms.csv"
    data.write_text(GOOD, encoding="utf-8")
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "scheme: x\nversion: '1'\nwindow: {years: 1}\nconditions:\n  - {id: a, measure: m, op: '=>', threshold: 1}\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.csv"
    code, err = _run(
        capsys,
        [
            "firms",
            "check",
            "--data",
            str(data),
            "--year",
            "2024",
            "--out",
            str(out),
            "--rules",
            str(rules),
        ],
    )
    assert code == 2 and "condition 'a' has op '=>'" in err and not out.exists()


REGISTER_CASES = {
    "issue date not a date": (
        "firm_id,issued,expires\nA,2012-02-30,\n",
        [],
        "row 2, column 'issued'",
    ),
    "expiry before issue": (
        "firm_id,issued,expires\nA,2012-02-01,2011-01-01\n",
        [],
        "row 2, column 'expires'",
    ),
    "missing issued column": ("firm_id,expires\nA,2012-02-01\n", [], "column 'issued'"),
    "malformed quote": (
        "firm_id,issued\nA,2012-02-01\n",
        ["--quote", "2012:49000", "--quotes-out", "q.csv"],
        "--quote must look like 2012=49000",
    ),
    "quote outside the data": (
        "firm_id,issued\nA,2012-02-01\n",
        ["--quote", "1990=5", "--quotes-out", "q.csv"],
        "quoted year 1990 is outside the data",
    ),
}


@pytest.mark.parametrize("case", sorted(REGISTER_CASES))
def test_certificates_bad_input(case: str, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    text, extra, expect = REGISTER_CASES[case]
    reg = tmp_path / "register.csv"
    reg.write_text(text, encoding="utf-8")
    out = tmp_path / "counts.csv"
    code, err = _run(
        capsys, ["firms", "certificates", "--register", str(reg), "--out", str(out), *extra]
    )
    assert code == 2 and len(err.splitlines()) == 1 and expect in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv"]
