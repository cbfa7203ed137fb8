"""Bad input to `innovindex data ...`: exit 2, one line on stderr, nothing written.

No request is mocked: every case must be refused before (or without) reaching the network.
"""

from __future__ import annotations

import pytest

from .conftest import run

CYCLE = """
sources: {wdi: {source: worldbank, series: [IP.PAT.RESD]}}
indicators:
  - {code: A, derive: {ratio: [B, IP.PAT.RESD]}}
  - {code: B, derive: {sum: [C, IP.PAT.RESD]}}
  - {code: C, derive: {share: [A, IP.PAT.RESD]}}
"""
NOT_FETCHED = """
sources: {wdi: {source: worldbank, series: [IP.PAT.RESD]}}
indicators:
  - {code: SHARE, derive: {share: [IP.PAT.RESD, IP.PAT.NRES]}}
"""
UNKNOWN_SOURCE = """
sources: {x: {source: imf, series: [NGDP]}}
indicators: [{code: A, from: NGDP}]
"""


def _files(d):
    d.mkdir(exist_ok=True)
    (d / "cycle.yaml").write_text(CYCLE)
    (d / "notfetched.yaml").write_text(NOT_FETCHED)
    (d / "unknown_source.yaml").write_text(UNKNOWN_SOURCE)
    (d / "broken.yaml").write_text("sources: {wdi: [unclosed\n")
    (d / "noheader.csv").write_text("Patent applications\n\nCountry,Value\nDE,1\n")
    (d / "text_value.csv").write_text("Office,Office (Code),2020,2021\nGermany,DE,100,lots\n")
    (d / "empty_years.csv").write_text("Office,Office (Code),2020\nGermany,DE,\n")
    (d / "garbage.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (d / "report.pdf").write_bytes(b"%PDF-1.4")
    (d / "dup_years.csv").write_text("Office,2020,y2020\nGermany,1,2\n")
    (d / "good.csv").write_text(
        "Office,Office (ISO3),Origin,2020\nGermany,DEU,Resident,1\nGermany,DEU,Non-resident,2\n"
    )
    head = "Office,Office (Code),Origin,Type,2020\n"
    (d / "huge.csv").write_text(head + "Germany,DE,Resident,Total,1e400\n")
    (d / "too_big.csv").write_text(head + "Germany,DE,Resident,Total,-2e150\n")
    (d / "dup_rows.csv").write_text(
        head + "Germany,DE,Resident,Total,1\nFrance,FR,Resident,Total,1\n"
        "Germany,DE,Resident,Total,2\n"
    )
    (d / "de_2020.csv").write_text(head + "Germany,DE,Resident,Total,5\n")
    (d / "de_again.csv").write_text(
        head + "France,FR,Resident,Total,1\nGermany,DE,Resident,Total,6\n"
    )
    (d / "folder").mkdir()
    (d / "wipo_recipe.yaml").write_text(
        "sources: {w: {source: wipo, file: good.csv, series: pat}}\n"
        "indicators: [{code: S, derive: {share: [pat.resident, pat.foreign]}}]\n"
    )


CASES = [
    (
        "unknown-source",
        ["data", "fetch", "imf", "NGDP", "--out", "{w}/o.csv"],
        "No such command 'imf'",
    ),
    (
        "bad-indicator-code",
        ["data", "fetch", "worldbank", "GB XPD;RSDV", "--out", "{w}/o.csv"],
        "is not a valid World Bank indicator code",
    ),
    (
        "years-reversed",
        ["data", "fetch", "worldbank", "IP.PAT.RESD", "--years", "2021-2010", "--out", "{w}/o.csv"],
        "is reversed",
    ),
    (
        "years-malformed",
        ["data", "fetch", "worldbank", "IP.PAT.RESD", "--years", "21-30", "--out", "{w}/o.csv"],
        "--years must be A-B",
    ),
    (
        "countries-not-iso3",
        [
            "data",
            "fetch",
            "worldbank",
            "IP.PAT.RESD",
            "--countries",
            "DE,FRA",
            "--out",
            "{w}/o.csv",
        ],
        "ISO3 codes",
    ),
    (
        "out-suffix",
        ["data", "fetch", "worldbank", "IP.PAT.RESD", "--out", "{w}/o.txt"],
        "must end in .csv or .parquet",
    ),
    (
        "out-folder-missing",
        ["data", "fetch", "uis", "CR.1", "--out", "{w}/nowhere/o.csv"],
        "output folder does not exist",
    ),
    (
        "aggregates-same-as-out",
        [
            "data",
            "fetch",
            "worldbank",
            "IP.PAT.RESD",
            "--out",
            "{w}/o.csv",
            "--aggregates-out",
            "{w}/o.csv",
        ],
        "must differ from --out",
    ),
    (
        "negative-ttl",
        ["data", "fetch", "worldbank", "IP.PAT.RESD", "--ttl", "-1", "--out", "{w}/o.csv"],
        "--ttl must be >= 0",
    ),
    (
        "sdmx-bad-flow",
        ["data", "fetch", "oecd", "MSTI flow!", "--out", "{w}/o.csv"],
        "is not an SDMX dataflow id",
    ),
    (
        "sdmx-bad-key",
        ["data", "fetch", "eurostat", "rd_e_gerdtot", "A/B", "--out", "{w}/o.csv"],
        "is not an SDMX key",
    ),
    (
        "recipe-cycle",
        ["data", "assemble", "{w}/cycle.yaml", "--out", "{w}/o.csv"],
        "form a cycle: A -> B -> C -> A",
    ),
    (
        "recipe-series-not-fetched",
        ["data", "assemble", "{w}/notfetched.yaml", "--out", "{w}/o.csv"],
        "uses series 'IP.PAT.NRES', which no source of the recipe fetches",
    ),
    (
        "recipe-series-not-in-the-file",
        ["data", "assemble", "{w}/wipo_recipe.yaml", "--out", "{w}/o.csv"],
        "uses series 'pat.foreign', which the sources did not return",
    ),
    (
        "recipe-unknown-source",
        ["data", "assemble", "{w}/unknown_source.yaml", "--out", "{w}/o.csv"],
        "unknown source 'imf'",
    ),
    (
        "recipe-not-found",
        ["data", "assemble", "{w}/nope.yaml", "--out", "{w}/o.csv"],
        "recipe not found",
    ),
    (
        "recipe-bad-yaml",
        ["data", "assemble", "{w}/broken.yaml", "--out", "{w}/o.csv"],
        "not valid YAML at line",
    ),
    (
        "meta-out-not-csv",
        ["data", "assemble", "self_reliance_wdi", "--out", "{w}/o.csv", "--meta-out", "{w}/m.xlsx"],
        "--meta-out must be a .csv",
    ),
    (
        "wipo-no-header",
        ["data", "wipo", "{w}/noheader.csv", "--out", "{w}/o.csv"],
        "no header row with 'Office' or 'Origin'",
    ),
    (
        "wipo-text-value",
        ["data", "wipo", "{w}/text_value.csv", "--out", "{w}/o.csv"],
        "row 2, column '2021': 'lots' is not a number",
    ),
    (
        "wipo-no-values",
        ["data", "wipo", "{w}/empty_years.csv", "--out", "{w}/o.csv"],
        "no values under its year columns",
    ),
    (
        "wipo-duplicate-year",
        ["data", "wipo", "{w}/dup_years.csv", "--out", "{w}/o.csv"],
        "year 2020 appears twice",
    ),
    (
        "wipo-broken-workbook",
        ["data", "wipo", "{w}/garbage.xlsx", "--out", "{w}/o.csv"],
        "cannot read the workbook",
    ),
    (
        "wipo-pdf",
        ["data", "wipo", "{w}/report.pdf", "--out", "{w}/o.csv"],
        "expected a WIPO download as .csv or .xlsx",
    ),
    (
        "wipo-missing-file",
        ["data", "wipo", "{w}/nope.csv", "--out", "{w}/o.csv"],
        "WIPO download not found",
    ),
    (
        "wipo-overflowing-value",
        ["data", "wipo", "{w}/huge.csv", "--series", "pat", "--out", "{w}/o.csv"],
        "huge.csv, row 2, column '2020': infinite value",
    ),
    (
        "wipo-value-beyond-range",
        ["data", "wipo", "{w}/too_big.csv", "--out", "{w}/o.csv"],
        "too_big.csv, row 2, column '2020': value -2e+150 is outside the range",
    ),
    (
        "wipo-duplicate-row",
        ["data", "wipo", "{w}/dup_rows.csv", "--out", "{w}/o.csv"],
        "dup_rows.csv, row 4: DEU 2020 appears twice for series 'wipo_applications' (first at row 2)",
    ),
    (
        "wipo-same-row-in-two-files",
        ["data", "wipo", "{w}/de_2020.csv", "{w}/de_again.csv", "--out", "{w}/o.csv"],
        "de_again.csv, row 3: DEU 2020 appears twice for series 'wipo_applications' (first at ",
    ),
    (
        "wipo-folder",
        ["data", "wipo", "{w}/folder", "--out", "{w}/o.csv"],
        "folder: is a folder; expected a WIPO download",
    ),
    ("wipo-no-target", ["data", "wipo", "{w}/text_value.csv"], "give --out FILE"),
    (
        "wipo-bad-by",
        ["data", "wipo", "{w}/dup_years.csv", "--by", "applicant", "--out", "{w}/o.csv"],
        None,
    ),
]


@pytest.mark.parametrize(("argv", "expect"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_in_one_line_and_nothing_written(tmp_path, capsys, mocked, argv, expect):
    w = tmp_path / "w"
    _files(w)
    before = sorted(p.name for p in w.iterdir())
    code, out, err = run([a.format(w=w) for a in argv], capsys)
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith("error: "), err
    if expect is not None:
        assert expect in err
    assert sorted(p.name for p in w.iterdir()) == before
    assert len(mocked.calls) == 0


def test_at_least_fifteen_cases():
    assert len(CASES) >= 15
