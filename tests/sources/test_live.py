"""Against the real services (`make test-live`; never in CI, skipped unless INNOVINDEX_LIVE=1).

They check that the public APIs still answer in the formats the stored bodies of the other
tests assume. Not run in this repository's sessions (no network there).
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from .conftest import run

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        os.environ.get("INNOVINDEX_LIVE") != "1",
        reason="live test: hits the World Bank, OECD, Eurostat and UIS services; run `make test-live` when online",
    ),
]


@pytest.fixture(autouse=True)
def _real_services(monkeypatch):
    for var in (
        "INNOVINDEX_WORLDBANK_URL",
        "INNOVINDEX_OECD_URL",
        "INNOVINDEX_EUROSTAT_URL",
        "INNOVINDEX_UIS_URL",
    ):
        monkeypatch.delenv(var, raising=False)


def test_worldbank_live(tmp_path, capsys):
    out = tmp_path / "wb.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "worldbank",
            "IP.PAT.RESD",
            "IP.PAT.NRES",
            "--countries",
            "DEU,KOR",
            "--years",
            "2019-2020",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    got = pd.read_csv(out)
    assert set(got["uCode"]) == {"DEU", "KOR"} and (got["IP.PAT.RESD"] > 1000).all()
    assert json.loads((tmp_path / "wb.csv.provenance.json").read_text())["last_updated"][
        "IP.PAT.RESD"
    ]


def test_worldbank_unknown_indicator_live(tmp_path, capsys):
    code, _, err = run(
        ["data", "fetch", "worldbank", "NOT.A.REAL.SERIES", "--out", tmp_path / "x.csv"], capsys
    )
    assert code == 2 and err.count("\n") == 1


def test_self_reliance_recipe_live(tmp_path, capsys):
    data = tmp_path / "sr.csv"
    code, _, err = run(
        ["data", "assemble", "self_reliance_wdi", "--years", "2015-2020", "--out", data], capsys
    )
    assert code == 0, err
    code, _, err = run(
        ["build", "--data", data, "--framework", "self_reliance_wdi", "--out", tmp_path / "i"],
        capsys,
    )
    assert code == 0, err


def test_oecd_msti_live(tmp_path, capsys):
    code, _, err = run(
        [
            "data",
            "fetch",
            "oecd",
            "OECD.STI.STP,DSD_MSTI@DF_MSTI,1.3",
            "all",
            "--years",
            "2021-2021",
            "--out",
            tmp_path / "o.csv",
        ],
        capsys,
    )
    assert code == 0, err


def test_eurostat_live(tmp_path, capsys):
    out = tmp_path / "e.csv"
    code, _, err = run(
        [
            "data",
            "fetch",
            "eurostat",
            "rd_e_gerdtot",
            "A.TOTAL.PC_GDP.DE+FR",
            "--years",
            "2020-2021",
            "--out",
            out,
        ],
        capsys,
    )
    assert code == 0, err
    assert set(pd.read_csv(out)["uCode"]) <= {"DEU", "FRA"}


def test_uis_live(tmp_path, capsys):
    code, _, err = run(
        [
            "data",
            "fetch",
            "uis",
            "CR.1",
            "--countries",
            "BRA",
            "--years",
            "2015-2020",
            "--out",
            tmp_path / "u.csv",
        ],
        capsys,
    )
    assert code == 0, err
