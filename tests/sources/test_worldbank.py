"""World Bank API v2 connector against stored JSON bodies (transport mocked)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import requests
from responses import matchers

from .conftest import WB, add_wb_country, body, run, wb_page

GERD = "GB.XPD.RSDV.GD.ZS"


def _page(n: int):
    return [matchers.query_param_matcher({"page": str(n)}, strict_match=False)]


def test_pagination_economies_and_aggregates_apart(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page1.json"), match=_page(1)
    )
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page2.json"), match=_page(2)
    )
    out, agg = tmp_path / "gerd.csv", tmp_path / "agg.csv"
    code, stdout, err = run(
        ["data", "fetch", "worldbank", GERD, "--out", out, "--aggregates-out", agg], capsys
    )
    assert code == 0, err
    got = pd.read_csv(out)
    # Page 2 only holds the economies: reading it proves the `pages` field was followed.
    assert list(got.columns) == ["uCode", "uName", "Time", GERD]
    assert got.set_index("uCode")[GERD].to_dict() == {"CHN": 2.43, "DEU": 3.13, "KOR": 4.91}
    assert got["uName"].tolist() == ["China", "Germany", "Korea, Rep."]
    aggs = pd.read_csv(agg)
    assert sorted(aggs["uCode"]) == ["EUU", "HIC", "WLD"]  # region.id "NA" in the country list
    side = json.loads((tmp_path / "gerd.csv.provenance.json").read_text())
    assert side["source"] == "worldbank"
    assert side["last_updated"] == {GERD: "2025-07-01"}
    assert side["query"] == {"indicators": [GERD], "countries": "all", "years": None}
    urls = [r["url"] for r in side["requests"]]
    assert any("page=2" in u for u in urls) and all(u.startswith(WB) for u in urls)
    assert len(mocked.calls) == 3


def test_aggregates_dropped_with_a_note_by_default(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page1.json"), match=_page(1)
    )
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page2.json"), match=_page(2)
    )
    code, _, err = run(["data", "fetch", "worldbank", GERD, "--out", tmp_path / "g.csv"], capsys)
    assert code == 0, err
    assert "kept apart 3 aggregate rows" in err
    assert "WLD" not in (tmp_path / "g.csv").read_text()


def test_countries_and_years_go_into_the_query(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/DEU;KOR/indicator/IP.PAT.RESD",
        body=wb_page(
            "IP.PAT.RESD",
            "Patent applications, residents",
            [("DEU", "Germany", 2020, 42446.0), ("KOR", "Korea, Rep.", 2020, 180477.0)],
        ),
        match=[
            matchers.query_param_matcher(
                {"date": "2019:2020", "format": "json"}, strict_match=False
            )
        ],
    )
    out = tmp_path / "p.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "worldbank",
            "IP.PAT.RESD",
            "--countries",
            "deu,KOR",
            "--years",
            "2019-2020",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    assert pd.read_csv(out)["IP.PAT.RESD"].tolist() == [42446.0, 180477.0]


def test_unknown_indicator_is_the_apis_message_on_one_line(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(f"{WB}/country/all/indicator/NOT.A.SERIES", body=body("wb_error_unknown.json"))
    code, out, err = run(
        ["data", "fetch", "worldbank", "NOT.A.SERIES", "--out", tmp_path / "x.csv"], capsys
    )
    assert code == 2
    assert err.count("\n") == 1
    assert (
        "NOT.A.SERIES" in err
        and "The provided parameter value is not valid (API message 120)" in err
    )
    assert list(tmp_path.glob("x.csv*")) == []


def test_empty_result_is_an_error_naming_the_query(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(f"{WB}/country/DEU/indicator/{GERD}", body=body("wb_empty.json"))
    code, _, err = run(
        [
            "data",
            "fetch",
            "worldbank",
            GERD,
            "--countries",
            "DEU",
            "--years",
            "1961-1962",
            "--out",
            tmp_path / "x.csv",
        ],
        capsys,
    )
    assert code == 2 and err.count("\n") == 1
    assert f"no observations for {GERD} for DEU in 1961-1962" in err
    assert list(tmp_path.glob("x.csv*")) == []


def test_one_empty_series_among_several_warns_and_keeps_an_empty_column(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page1.json"), match=_page(1)
    )
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page2.json"), match=_page(2)
    )
    mocked.get(f"{WB}/country/all/indicator/IP.PAT.RESD", body=body("wb_empty.json"))
    out = tmp_path / "two.csv"
    code, _, err = run(["data", "fetch", "worldbank", GERD, "IP.PAT.RESD", "--out", out], capsys)
    assert code == 0, err
    assert "warning: series IP.PAT.RESD has no observation" in err
    got = pd.read_csv(out)
    assert got["IP.PAT.RESD"].isna().all() and got[GERD].notna().all()


def test_500_then_success_retries_with_backoff(mocked, sleeps, tmp_path, capsys):
    add_wb_country(mocked)
    url = f"{WB}/country/all/indicator/IP.PAT.NRES"
    mocked.get(url, status=500, body="Internal Server Error")
    mocked.get(url, status=503, body="busy")
    mocked.get(
        url,
        body=wb_page(
            "IP.PAT.NRES", "Patent applications, nonresidents", [("DEU", "Germany", 2020, 20000.0)]
        ),
    )
    code, _, err = run(
        ["data", "fetch", "worldbank", "IP.PAT.NRES", "--out", tmp_path / "n.csv"], capsys
    )
    assert code == 0, err
    assert sleeps == [1.0, 2.0]  # doubling backoff from 1 s
    assert [c.response.status_code for c in mocked.calls if "IP.PAT.NRES" in c.request.url] == [
        500,
        503,
        200,
    ]


def test_429_honours_retry_after(mocked, sleeps, tmp_path, capsys):
    add_wb_country(mocked)
    url = f"{WB}/country/all/indicator/IP.PAT.NRES"
    mocked.get(url, status=429, headers={"Retry-After": "7"})
    mocked.get(url, body=wb_page("IP.PAT.NRES", "x", [("DEU", "Germany", 2020, 1.0)]))
    code, _, err = run(
        ["data", "fetch", "worldbank", "IP.PAT.NRES", "--out", tmp_path / "n.csv"], capsys
    )
    assert code == 0, err
    assert sleeps == [7.0]


def test_persistent_500_gives_up_after_the_retries(mocked, sleeps, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(f"{WB}/country/all/indicator/{GERD}", status=500)
    code, _, err = run(
        ["data", "fetch", "worldbank", GERD, "--retries", "2", "--out", tmp_path / "x.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "HTTP 500" in err and "after 3 attempt(s)" in err
    assert sleeps == [1.0, 2.0]
    assert list(tmp_path.glob("x.csv*")) == []


def test_timeout_then_success(mocked, sleeps, tmp_path, capsys):
    add_wb_country(mocked)
    url = f"{WB}/country/all/indicator/{GERD}"
    mocked.get(url, body=requests.exceptions.ReadTimeout("read timed out"))
    mocked.get(url, body=body("wb_gerd_page1.json"), match=_page(1))
    mocked.get(url, body=body("wb_gerd_page2.json"), match=_page(2))
    code, _, err = run(["data", "fetch", "worldbank", GERD, "--out", tmp_path / "g.csv"], capsys)
    assert code == 0, err
    assert sleeps == [1.0]


def test_timeout_every_time_is_one_line(mocked, sleeps, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=requests.exceptions.ConnectTimeout("no answer")
    )
    code, _, err = run(
        ["data", "fetch", "worldbank", GERD, "--timeout", "5", "--out", tmp_path / "x.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1
    assert "timed out after 5 s" in err and "after 4 attempt(s)" in err


@pytest.mark.parametrize(
    ("payload", "expect"),
    [
        (b"<html><body>Service Unavailable</body></html>", "not JSON"),
        (b'{"page": 1}', "expected [header, observations]"),
        (b'[{"page":1,"pages":"x"},[]]', "'pages' is not a number"),
        (
            b'[{"page":1,"pages":1},[{"countryiso3code":"DEU","date":"2020","value":"n/a"}]]',
            "expected a year and a number",
        ),
    ],
)
def test_malformed_body_is_one_line(mocked, tmp_path, capsys, payload, expect):
    add_wb_country(mocked)
    mocked.get(f"{WB}/country/all/indicator/{GERD}", body=payload)
    code, _, err = run(["data", "fetch", "worldbank", GERD, "--out", tmp_path / "x.csv"], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert expect in err
    assert list(tmp_path.glob("x.csv*")) == []


def test_python_api_returns_long_form_and_provenance(mocked):
    from innovindex.sources import fetch_worldbank

    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page1.json"), match=_page(1)
    )
    mocked.get(
        f"{WB}/country/all/indicator/{GERD}", body=body("wb_gerd_page2.json"), match=_page(2)
    )
    got = fetch_worldbank([GERD])
    assert list(got.data.columns) == ["uCode", "uName", "Time", "series", "value"]
    assert len(got.data) == 3 and len(got.aggregates) == 3
    assert got.provenance["series_names"][GERD] == "Research and development expenditure (% of GDP)"
