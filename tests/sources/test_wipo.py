"""WIPO IP Statistics Data Center downloads: the real office-totals file and small variants."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from .conftest import run

NAME = "wipo_patent_applications_by_office_2000_2023"


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_office_totals_into_idata_match_wipi(reference_data, tmp_path, capsys, suffix):
    src = reference_data / "wipo" / f"{NAME}.{suffix}"
    out, agg = tmp_path / "w.csv", tmp_path / "w_agg.csv"
    code, _, err = run(["data", "wipo", src, "--out", out, "--aggregates-out", agg], capsys)
    assert code == 0, err
    got = pd.read_csv(out).set_index(["uCode", "Time"])["wipo_applications"]
    # 2021 figures as published in World Intellectual Property Indicators 2022 (SOURCES.md).
    assert got[("CHN", 2021)] == 1_585_663
    assert got[("USA", 2021)] == 591_473
    assert got[("JPN", 2021)] == 289_200
    assert got[("KOR", 2021)] == 237_998
    aggs = pd.read_csv(agg).set_index(["uCode", "Time"])["wipo_applications"]
    assert aggs[("EP", 2021)] == 188_778  # a regional office: not an economy
    assert aggs[("WD", 2021)] == 3_400_600  # World
    side = json.loads((tmp_path / "w.csv.provenance.json").read_text())
    assert side["files"][0]["sha256"] and side["source"] == "wipo"
    if suffix == "xlsx":  # the workbook's Source sheet; the CSV copy has no title lines
        assert side["last_updated"] == "November 2024"
        assert side["files"][0]["indicator"].startswith("1 - Total patent applications")


def test_csv_and_xlsx_downloads_give_the_same_idata(reference_data, tmp_path, capsys):
    for suffix in ("csv", "xlsx"):
        code, _, err = run(
            [
                "data",
                "wipo",
                reference_data / "wipo" / f"{NAME}.{suffix}",
                "--out",
                tmp_path / f"{suffix}.csv",
            ],
            capsys,
        )
        assert code == 0, err
    # The workbook's trailing totals row has no office: skipped with a warning.
    assert "values without an office or origin" in err
    assert (tmp_path / "csv.csv").read_bytes() == (tmp_path / "xlsx.csv").read_bytes()


def test_into_the_store_and_reloading_does_not_double_count(reference_data, tmp_path, capsys):
    src = reference_data / "wipo" / f"{NAME}.csv"
    db = tmp_path / "store.duckdb"
    for _ in range(2):
        code, out, err = run(["data", "wipo", src, "--db", db], capsys)
        assert code == 0, err
    con = duckdb.connect(str(db), read_only=True)
    try:
        n, total = con.execute(
            "SELECT count(*), sum(value) FROM source_wipo_ipstats WHERE office_code = 'CN' AND year = 2021"
        ).fetchone()
        rows = con.execute("SELECT count(*) FROM source_wipo_ipstats").fetchone()[0]
    finally:
        con.close()
    assert (n, total) == (1, 1_585_663)
    expected = pd.read_csv(src).filter(regex=r"^y\d{4}$").notna().sum().sum()
    assert rows == expected


def test_title_lines_and_resident_split_in_a_data_center_csv(tmp_path, capsys):
    f = tmp_path / "dl.csv"
    f.write_text(
        "Intellectual property right :Patent\n"
        "Indicator :2 - Patent applications by filing office and origin\n"
        "Report type :Total count by filing office\n"
        "\n"
        "Office,Office (Code),Origin,Type,2020,2021\n"
        'Germany,DE,Resident,Total,"42,446","39,822"\n'
        "Germany,DE,Non-resident,Total,20000,19000\n"
        "European Patent Office,EP,Resident,Total,,\n"
        "\n"
        "Source: WIPO statistics database. Last updated: March 2025\n"
    )
    out = tmp_path / "o.csv"
    code, _, err = run(["data", "wipo", f, "--series", "pat", "--out", out], capsys)
    assert code == 0, err
    got = pd.read_csv(out)
    # No ISO3 column here: the office code DE gives DEU; EP (a regional office) is kept apart.
    assert got.to_dict("list") == {
        "uCode": ["DEU", "DEU"],
        "uName": ["Germany", "Germany"],
        "Time": [2020, 2021],
        "pat.resident": [42446.0, 39822.0],
        "pat.non_resident": [20000.0, 19000.0],
    }
    side = json.loads((tmp_path / "o.csv.provenance.json").read_text())
    assert side["last_updated"] == "March 2025"
    assert side["files"][0]["indicator"] == "2 - Patent applications by filing office and origin"
