"""OECD and Eurostat (SDMX through sdmx1) and UNESCO UIS against stored bodies."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from responses import matchers

from .conftest import ESTAT, OECD, UIS, body, run

MSTI = "OECD.STI.STP,DSD_MSTI@DF_MSTI,1.3"


def test_oecd_generic_sdmx_ml_to_idata(mocked, tmp_path, capsys):
    mocked.get(
        f"{OECD}/data/{MSTI}/DEU+KOR+OECD.A.G.PT_B1GQ",
        body=body("oecd_msti_generic.xml"),
        content_type="application/vnd.sdmx.genericdata+xml",
        match=[
            matchers.header_matcher(
                {"Accept": "application/vnd.sdmx.genericdata+xml;version=2.1"}, strict_match=False
            ),
            matchers.query_param_matcher({"startPeriod": "2021", "endPeriod": "2022"}),
        ],
    )
    out, agg = tmp_path / "msti.csv", tmp_path / "msti_agg.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "oecd",
            MSTI,
            "DEU+KOR+OECD.A.G.PT_B1GQ",
            "--years",
            "2021-2022",
            "--out",
            out,
            "--aggregates-out",
            agg,
        ],
        capsys,
    )
    assert code == 0, err
    got = pd.read_csv(out)
    # One series (the other dimensions are constant): named by the dataflow id.
    assert list(got.columns) == ["uCode", "uName", "Time", "DSD_MSTI@DF_MSTI"]
    assert got.values.tolist() == [
        ["DEU", "DEU", 2021, 3.13],
        ["DEU", "DEU", 2022, 3.11],
        ["KOR", "KOR", 2021, 4.91],
        ["KOR", "KOR", 2022, 5.21],
    ]
    assert pd.read_csv(agg)["uCode"].tolist() == ["OECD"]
    side = json.loads((tmp_path / "msti.csv.provenance.json").read_text())
    assert side["last_updated"] == "2025-03-04T10:11:12"  # the message's Prepared time
    assert side["spec"]["unit"] == "REF_AREA"


def test_oecd_series_named_by_chosen_dimensions(mocked, tmp_path, capsys):
    mocked.get(f"{OECD}/data/DSD_MSTI@DF_MSTI/all", body=body("oecd_msti_generic.xml"))
    out = tmp_path / "m.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "oecd",
            "DSD_MSTI@DF_MSTI",
            "--series-dims",
            "MEASURE,UNIT_MEASURE",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    assert "G.PT_B1GQ" in pd.read_csv(out).columns


def test_eurostat_sdmx_csv_iso3_and_aggregates(mocked, tmp_path, capsys):
    mocked.get(
        f"{ESTAT}/data/rd_e_gerdtot/A.TOTAL.PC_GDP.DE+EL+FR+EU27_2020",
        body=body("eurostat_gerd.csv"),
        content_type="text/csv",
    )
    out, agg = tmp_path / "e.csv", tmp_path / "e_agg.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "eurostat",
            "rd_e_gerdtot",
            "A.TOTAL.PC_GDP.DE+EL+FR+EU27_2020",
            "--out",
            out,
            "--aggregates-out",
            agg,
        ],
        capsys,
    )
    assert code == 0, err
    got = pd.read_csv(out)
    # EL is Eurostat's code for Greece; OBS_FLAG (an attribute) does not split the series.
    assert got[["uCode", "Time", "rd_e_gerdtot"]].values.tolist() == [
        ["DEU", 2021, 3.13],
        ["DEU", 2022, 3.11],
        ["GRC", 2021, 1.43],
        ["GRC", 2022, 1.49],
    ]
    assert pd.read_csv(agg)["uCode"].unique().tolist() == ["EU27_2020"]
    side = json.loads((tmp_path / "e.csv.provenance.json").read_text())
    assert side["last_updated"] == "08/01/25 23:00:00"


def test_sdmx_error_message_is_one_line(mocked, tmp_path, capsys):
    mocked.get(f"{ESTAT}/data/rd_e_gerdtot/A.X", body=body("sdmx_error.xml"))
    code, _, err = run(
        ["data", "fetch", "eurostat", "rd_e_gerdtot", "A.X", "--out", tmp_path / "e.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "No Results Found (code 100)" in err


def test_sdmx_404_is_no_results(mocked, tmp_path, capsys):
    mocked.get(f"{OECD}/data/DSD_MSTI@DF_MSTI/ZZZ", status=404, body="NoRecordsFound")
    code, _, err = run(
        ["data", "fetch", "oecd", "DSD_MSTI@DF_MSTI", "ZZZ", "--out", tmp_path / "o.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "no results (HTTP 404): NoRecordsFound" in err


def test_sdmx_500_then_success(mocked, sleeps, tmp_path, capsys):
    url = f"{OECD}/data/DSD_MSTI@DF_MSTI/all"
    mocked.get(url, status=502)
    mocked.get(url, body=body("oecd_msti_generic.xml"))
    code, _, err = run(
        ["data", "fetch", "oecd", "DSD_MSTI@DF_MSTI", "--out", tmp_path / "o.csv"], capsys
    )
    assert code == 0, err
    assert sleeps == [1.0]


@pytest.mark.parametrize(
    ("payload", "expect"),
    [
        (b"<message:GenericData><unclosed>", "malformed SDMX-ML"),
        (b"a,b\n1,2\n", "no OBS_VALUE column"),
        (
            b"DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\nX,DE,2021,three\n",
            "'three' on line 2 is not a number",
        ),
        (b"", "the response body is empty"),
    ],
)
def test_sdmx_malformed_body(mocked, tmp_path, capsys, payload, expect):
    mocked.get(f"{ESTAT}/data/rd_e_gerdtot/all", body=payload)
    code, _, err = run(
        ["data", "fetch", "eurostat", "rd_e_gerdtot", "--out", tmp_path / "e.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1, err
    assert expect in err
    assert not (tmp_path / "e.csv").exists()


def test_sdmx_quarterly_data_is_refused(mocked, tmp_path, capsys):
    csv = b"DATAFLOW,geo,TIME_PERIOD,OBS_VALUE\nX,DE,2021-Q1,1.0\n"
    mocked.get(f"{ESTAT}/data/rd_e_gerdtot/all", body=csv)
    code, _, err = run(
        ["data", "fetch", "eurostat", "rd_e_gerdtot", "--out", tmp_path / "e.csv"], capsys
    )
    assert code == 2 and "'2021-Q1' is not a year" in err


def test_uis_records_to_idata(mocked, tmp_path, capsys):
    mocked.get(
        f"{UIS}/data/indicators",
        body=body("uis_records.json"),
        match=[
            matchers.query_param_matcher(
                {"indicator": "ROFST.1.CP", "start": "2020", "end": "2021"}
            )
        ],
    )
    mocked.get(f"{UIS}/versions/default", body=body("uis_version.json"))
    out = tmp_path / "u.csv"
    code, _, err = run(
        ["data", "fetch", "uis", "ROFST.1.CP", "--years", "2020-2021", "--out", out], capsys
    )
    assert code == 0, err
    got = pd.read_csv(out)
    assert got[["uCode", "Time", "ROFST.1.CP"]].values.tolist() == [
        ["BRA", 2020, 2.51],
        ["BRA", 2021, 2.12],
        ["DEU", 2020, 0.87],
    ]
    assert "kept apart 1 aggregate rows" in err  # "SDG: Europe and Northern America"
    side = json.loads((tmp_path / "u.csv.provenance.json").read_text())
    assert side["last_updated"] == "2025-02-25T00:00:00" and side["release"] == "20250225-d6b1f5bd"


def test_uis_malformed_and_empty(mocked, tmp_path, capsys):
    mocked.get(f"{UIS}/data/indicators", body=b'{"records": "nope"}')
    mocked.get(f"{UIS}/versions/default", body=body("uis_version.json"))
    code, _, err = run(["data", "fetch", "uis", "X.1", "--out", tmp_path / "u.csv"], capsys)
    assert code == 2 and "expected an object with a 'records' list" in err
    mocked.replace(
        "GET",
        f"{UIS}/data/indicators",
        body=b'{"hints": [{"message": "unknown indicator X.1"}], "records": []}',
    )
    code, _, err = run(["data", "fetch", "uis", "X.1", "--out", tmp_path / "u.csv"], capsys)
    assert code == 2 and "no observations for X.1 (unknown indicator X.1)" in err
    assert list(tmp_path.glob("u.csv*")) == []


def test_sdmx_empty_data_set_is_no_observations(mocked, tmp_path, capsys):
    xml = body("oecd_msti_generic.xml").decode()
    start, end = (
        xml.index("<generic:Series>"),
        xml.rindex("</generic:Series>") + len("</generic:Series>"),
    )
    mocked.get(f"{OECD}/data/DSD_MSTI@DF_MSTI/all", body=(xml[:start] + xml[end:]).encode())
    code, _, err = run(
        ["data", "fetch", "oecd", "DSD_MSTI@DF_MSTI", "--out", tmp_path / "o.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "the query returned no observations" in err


def test_oecd_unknown_dataflow_is_the_services_message(mocked, tmp_path, capsys):
    mocked.get(
        f"{OECD}/data/DSD_NOPE@DF_NOPE/all",
        status=404,
        body="Could not find Dataflow and/or DSD related with this data request",
    )
    code, _, err = run(
        ["data", "fetch", "oecd", "DSD_NOPE@DF_NOPE", "--out", tmp_path / "o.csv"], capsys
    )
    assert code == 2 and "Could not find Dataflow" in err and err.count("\n") == 1
