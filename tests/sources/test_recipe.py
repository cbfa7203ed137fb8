"""Recipes: the built-in self_reliance_wdi assembled from stored World Bank bodies, then built."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from .conftest import WB, add_wb_country, run, wb_page

COUNTRIES = [("BRA", "Brazil"), ("CHN", "China"), ("DEU", "Germany"), ("KOR", "Korea, Rep.")]
YEARS = [2019, 2020, 2021]
SERIES = {
    "GB.XPD.RSDV.GD.ZS": (
        "Research and development expenditure (% of GDP)",
        lambda i, t: 1.1 + 0.9 * i + 0.01 * (t - 2019),
    ),
    "SP.POP.SCIE.RD.P6": (
        "Researchers in R&D (per million people)",
        lambda i, t: 800.0 + 1700.0 * i + t % 7,
    ),
    "IP.PAT.RESD": (
        "Patent applications, residents",
        lambda i, t: [4930.0, 1344817.0, 39822.0, 186245.0][i] + (t - 2019) * 101,
    ),
    "IP.PAT.NRES": (
        "Patent applications, nonresidents",
        lambda i, t: [19714.0, 152426.0, 27133.0, 51058.0][i] + (t - 2019) * 37,
    ),
    "BM.GSR.ROYL.CD": (
        "Charges for the use of intellectual property, payments (BoP, current US$)",
        lambda i, t: 3.1e9 + 1.7e10 * i + 1e8 * (t - 2019),
    ),
    "BX.GSR.ROYL.CD": (
        "Charges for the use of intellectual property, receipts (BoP, current US$)",
        lambda i, t: 7.0e8 + 5.3e9 * i * i + 1e7 * (t - 2019),
    ),
    "TX.VAL.TECH.MF.ZS": (
        "High-technology exports (% of manufactured exports)",
        lambda i, t: 9.5 + 7.25 * i + 0.5 * (t - 2019),
    ),
}


def _obs(code: str):
    name, fn = SERIES[code]
    rows = [(iso, cname, t, fn(i, t)) for i, (iso, cname) in enumerate(COUNTRIES) for t in YEARS]
    rows.append(("WLD", "World", 2021, 123.0))  # an aggregate: never in the iData
    if code == "TX.VAL.TECH.MF.ZS":
        rows = [r for r in rows if r[2] != 2019]  # no 2019 at all: that year is dropped
    return rows


def _mock_wdi(rs) -> None:
    add_wb_country(rs)
    for code, (name, _) in SERIES.items():
        rs.get(f"{WB}/country/all/indicator/{code}", body=wb_page(code, name, _obs(code)))


def test_builtin_recipe_assembles_and_builds(mocked, tmp_path, capsys):
    _mock_wdi(mocked)
    data = tmp_path / "sr.csv"
    code, out, err = run(
        ["data", "assemble", "self_reliance_wdi", "--years", "2019-2021", "--out", data], capsys
    )
    assert code == 0, err
    assert "warning: year 2019 dropped: no value at all for ['HITECH_EXPORTS']" in err
    got = pd.read_csv(data)
    assert got["uCode"].unique().tolist() == ["BRA", "CHN", "DEU", "KOR"]
    assert sorted(got["Time"].unique()) == [2020, 2021]
    # The derived measures, recomputed from the bodies' own numbers: exact.
    raw = {c: {(iso, t): v for iso, _, t, v in _obs(c)} for c in SERIES}
    for row in got.itertuples():
        key = (row.uCode, row.Time)
        r, n = raw["IP.PAT.RESD"][key], raw["IP.PAT.NRES"][key]
        assert row.PAT_RES_SHARE == r / (r + n)
        assert row.IP_RECEIPTS_PAYMENTS == raw["BX.GSR.ROYL.CD"][key] / raw["BM.GSR.ROYL.CD"][key]
        assert row.GERD == raw["GB.XPD.RSDV.GD.ZS"][key]
    side = json.loads((tmp_path / "sr.csv.provenance.json").read_text())
    assert side["recipe"] == "self_reliance_wdi"
    assert side["sources"]["wdi"]["last_updated"]["IP.PAT.RESD"] == "2025-07-01"
    share = next(i for i in side["indicators"] if i["code"] == "PAT_RES_SHARE")
    assert share["derive"] == {"share": ["IP.PAT.RESD", "IP.PAT.NRES"]}

    # innovindex build accepts it with the built-in framework, and records where it came from.
    res = tmp_path / "idx"
    code, _, err = run(
        ["build", "--data", data, "--framework", "self_reliance_wdi", "--out", res], capsys
    )
    assert code == 0, err
    info = json.loads((res / "run.json").read_text())
    assert info["data_provenance"]["recipe"] == "self_reliance_wdi"
    assert info["data_provenance"]["matches_data"] is True
    scores = pd.read_csv(res / "scores.csv")
    assert scores["uCode"].nunique() == 4


def test_build_flags_a_sidecar_that_no_longer_matches(mocked, tmp_path, capsys):
    _mock_wdi(mocked)
    data = tmp_path / "sr.csv"
    assert run(["data", "assemble", "self_reliance_wdi", "--out", data], capsys)[0] == 0
    data.write_text(data.read_text().replace("Germany", "Deutschland"))
    code, _, err = run(
        ["build", "--data", data, "--framework", "self_reliance_wdi", "--out", tmp_path / "i"],
        capsys,
    )
    assert code == 0, err
    info = json.loads((tmp_path / "i" / "run.json").read_text())
    assert info["data_provenance"]["matches_data"] is False


def test_recipe_file_with_sources_labels_denominators_and_meta(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    for code in ("IP.PAT.RESD", "IP.PAT.NRES"):
        mocked.get(f"{WB}/country/all/indicator/{code}", body=wb_page(code, code, _obs(code)))
    mocked.get(
        f"{WB}/country/all/indicator/SP.POP.TOTL",
        body=wb_page(
            "SP.POP.TOTL",
            "Population",
            [(iso, n, t, 1e6 * (i + 1)) for i, (iso, n) in enumerate(COUNTRIES) for t in YEARS],
        ),
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "name: pat\n"
        "sources:\n"
        "  wdi: {source: worldbank, series: [IP.PAT.RESD, IP.PAT.NRES, SP.POP.TOTL]}\n"
        "denominators: {POP: SP.POP.TOTL}\n"
        "indicators:\n"
        "  - {code: TOTAL, derive: {sum: [IP.PAT.RESD, IP.PAT.NRES]}, unit: count}\n"
        "  - {code: RES_PER_TOTAL, derive: {ratio: [wdi:IP.PAT.RESD, TOTAL]}}\n"
        "  - {code: RES_K, from: IP.PAT.RESD, scale: 0.001, denominator: POP, parent: OUT}\n"
    )
    out, meta = tmp_path / "p.csv", tmp_path / "m.csv"
    code, _, err = run(["data", "assemble", recipe, "--out", out, "--meta-out", meta], capsys)
    assert code == 0, err
    got = pd.read_csv(out)
    assert list(got.columns) == ["uCode", "uName", "Time", "TOTAL", "RES_PER_TOTAL", "RES_K", "POP"]
    raw = {c: {(iso, t): v for iso, _, t, v in _obs(c)} for c in ("IP.PAT.RESD", "IP.PAT.NRES")}
    row = got[(got.uCode == "DEU") & (got.Time == 2020)].iloc[0]
    r, n = raw["IP.PAT.RESD"][("DEU", 2020)], raw["IP.PAT.NRES"][("DEU", 2020)]
    assert row.TOTAL == r + n and row.RES_PER_TOTAL == r / (r + n) and row.RES_K == r * 0.001
    m = pd.read_csv(meta)
    assert m.set_index("iCode").loc["RES_K", "Denominator"] == "POP"
    assert set(m["Type"]) == {"Indicator", "Aggregate", "Denominator"}


def test_zero_denominator_gives_missing_not_infinity(mocked, tmp_path, capsys):
    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/BX.GSR.ROYL.CD",
        body=wb_page(
            "BX.GSR.ROYL.CD", "r", [("DEU", "Germany", 2020, 5.0), ("KOR", "Korea", 2020, 1.0)]
        ),
    )
    mocked.get(
        f"{WB}/country/all/indicator/BM.GSR.ROYL.CD",
        body=wb_page(
            "BM.GSR.ROYL.CD", "p", [("DEU", "Germany", 2020, 0.0), ("KOR", "Korea", 2020, 4.0)]
        ),
    )
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "sources: {wdi: {source: worldbank, series: [BX.GSR.ROYL.CD, BM.GSR.ROYL.CD]}}\n"
        "indicators: [{code: RATIO, derive: {ratio: [BX.GSR.ROYL.CD, BM.GSR.ROYL.CD]}}]\n"
    )
    out = tmp_path / "z.csv"
    code, _, err = run(["data", "assemble", recipe, "--out", out], capsys)
    assert code == 0, err
    assert pd.read_csv(out).set_index("uCode")["RATIO"].to_dict() == {"KOR": 0.25}


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y}, {code: A, from: X.Y}]\n",
            "appear more than once",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y, derive: {sum: [X.Y, X.Y]}}]\n",
            "exactly one of",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, derive: {mean: [X.Y, X.Y]}}]\n",
            "unknown operation 'mean'",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, derive: {ratio: [X.Y]}}]\n",
            "ratio takes 2 operands",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y, direction: 0}]\n",
            "direction must be 1 or -1",
        ),
        (
            "sources: {a: {source: worldbank}}\nindicators: [{code: A, from: X.Y}]\n",
            "needs ['series']",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y], flow: F}}\nindicators: [{code: A, from: X.Y}]\n",
            "unknown key(s) ['flow']",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y, denominator: POP}]\n",
            "not under 'denominators'",
        ),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}, b: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y}]\n",
            "several sources fetch",
        ),
        ("soruces: {}\nindicators: []\n", "unknown recipe key(s) ['soruces']"),
        (
            "sources: {a: {source: worldbank, series: [X.Y]}}\nindicators: [{code: A, from: X.Y}]\nframework: self_reliance_wdi\n",
            "does not produce indicator(s)",
        ),
    ],
)
def test_bad_recipes(tmp_path, capsys, text, expect):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(text)
    code, _, err = run(["data", "assemble", recipe, "--out", tmp_path / "o.csv"], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert expect in err
    assert not (tmp_path / "o.csv").exists()


def test_recipe_mixing_world_bank_oecd_and_a_wipo_file(mocked, tmp_path, capsys):
    from .conftest import OECD, body

    add_wb_country(mocked)
    mocked.get(
        f"{WB}/country/all/indicator/IP.PAT.RESD",
        body=wb_page(
            "IP.PAT.RESD",
            "r",
            [("DEU", "Germany", 2021, 39822.0), ("KOR", "Korea, Rep.", 2021, 186245.0)],
        ),
    )
    mocked.get(f"{OECD}/data/DSD_MSTI@DF_MSTI/all", body=body("oecd_msti_generic.xml"))
    (tmp_path / "dl.csv").write_text(
        "Office,Office (ISO3),Origin,2021\nGermany,DEU,Resident,39822\nGermany,DEU,Non-resident,19000\n"
        "Republic of Korea,KOR,Resident,186245\nRepublic of Korea,KOR,Non-resident,51058\n"
    )
    recipe = tmp_path / "mix.yaml"
    recipe.write_text(
        "name: mix\n"
        "sources:\n"
        "  wdi: {source: worldbank, series: [IP.PAT.RESD]}\n"
        "  msti: {source: oecd, flow: DSD_MSTI@DF_MSTI}\n"
        "  wipo: {source: wipo, file: dl.csv, series: pat}\n"
        "indicators:\n"
        "  - {code: GERD, from: msti:DSD_MSTI@DF_MSTI, unit: '% of GDP'}\n"
        "  - {code: RES_SHARE, derive: {share: [pat.resident, pat.non_resident]}}\n"
        "  - {code: SAME, derive: {difference: [wdi:IP.PAT.RESD, wipo:pat.resident]}}\n"
    )
    out = tmp_path / "mix.parquet"
    code, _, err = run(["data", "assemble", recipe, "--years", "2021-2021", "--out", out], capsys)
    assert code == 0, err
    got = pd.read_parquet(out).set_index("uCode")
    assert got.loc["DEU", "GERD"] == 3.13 and got.loc["KOR", "GERD"] == 4.91
    assert got.loc["KOR", "RES_SHARE"] == 186245 / (186245 + 51058)
    assert (got["SAME"] == 0).all()  # the same count from the World Bank and from WIPO
    assert got.loc["DEU", "uName"] == "Germany"  # names from the first source that has one
    side = json.loads((tmp_path / "mix.parquet.provenance.json").read_text())
    assert set(side["sources"]) == {"wdi", "msti", "wipo"}
    assert side["last_updated"]["msti"] == "2025-03-04T10:11:12"
