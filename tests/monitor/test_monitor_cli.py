"""The monitoring commands: happy paths, and bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovindex.cli import main
from innovindex.monitor import change_measures, list_runs

META = pd.DataFrame(
    {
        "Level": [1, 1, 1, 1, 2, 2, 3],
        "iCode": ["a1", "a2", "b1", "b2", "A", "B", "Index"],
        "iName": ["A one", "A two", "B one", "B two", "Pillar A", "Pillar B", "Index"],
        "Direction": [1, -1, 1, 1, 1, 1, 1],
        "Weight": [1, 1, 1, 0.5, 1, 1, 1],
        "Parent": ["A", "A", "B", "B", "Index", "Index", None],
        "Type": ["Indicator"] * 4 + ["Aggregate"] * 3,
    }
)
PIPE = "normalise: {method: minmax, range: [0, 100]}\naggregate: {method: arithmetic}\n"


@pytest.fixture
def store(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(7)
    rows = []
    for t in (2020, 2021, 2022):
        for i in range(8):
            rows.append(
                {
                    "uCode": f"U{i}",
                    "uName": f"Unit {i}",
                    "Time": t,
                    **{c: float(rng.uniform(0, 10)) for c in ("a1", "a2", "b1", "b2")},
                }
            )
    data, meta, pipe = tmp_path / "data.csv", tmp_path / "meta.csv", tmp_path / "pipe.yaml"
    pd.DataFrame(rows).to_csv(data, index=False)
    META.to_csv(meta, index=False)
    pipe.write_text(PIPE)
    db = tmp_path / "store.duckdb"
    assert (
        main(
            [
                "build",
                "--data",
                str(data),
                "--meta",
                str(meta),
                "--pipeline",
                str(pipe),
                "--out",
                str(tmp_path / "out"),
                "--db",
                str(db),
            ]
        )
        == 0
    )
    results = tmp_path / "results.csv"
    results.write_text(
        "Country;Year;Index;Income\nFrance;2020;55,1;H\nGermany;2020;60,2;H\nIndia;2020;30,5;LM\n",
        encoding="latin-1",
    )
    return {"db": db, "data": data, "meta": meta, "pipe": pipe, "results": results, "dir": tmp_path}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def test_build_records_and_commands_run(store: dict, capsys: pytest.CaptureFixture) -> None:
    db = store["db"]
    runs = list_runs(db)
    assert (
        len(runs) == 1
        and runs["dataset"].iloc[0] == "data"
        and runs["times"].iloc[0] == [2020, 2021, 2022]
    )
    assert main(["runs", "--db", str(db)]) == 0
    out = store["dir"] / "why.csv"
    assert (
        main(
            [
                "explain",
                "--db",
                str(db),
                "--unit",
                "U3",
                "--from",
                "2020",
                "--to",
                "2022",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    rows = pd.read_csv(out)
    assert set(rows["effect"]) == {"own_data", "bounds", "missing"}
    total = rows[rows["level"] == 3]["contribution"].sum()
    text = capsys.readouterr().out
    assert "own data" in text and "U3" in text
    prof = store["dir"] / "prof.parquet"
    assert main(["profile", "--db", str(db), "--unit", "u3", "--out", str(prof)]) == 0
    p = pd.read_parquet(prof)
    assert sorted(p["time"].unique()) == [2020, 2021, 2022] and {"flag", "rank", "coverage"} <= set(
        p.columns
    )
    s = p[p["code"] == "Index"].set_index("time")["score"]
    assert total == pytest.approx(s[2022] - s[2020], abs=1e-9)


def test_results_import_cli(store: dict, capsys: pytest.CaptureFixture) -> None:
    db = store["db"]
    rc = main(
        [
            "results",
            "import",
            str(store["results"]),
            "--framework",
            str(store["meta"]),
            "--time-column",
            "Year",
            "--db",
            str(db),
        ]
    )
    assert rc == 0
    runs = list_runs(db)
    assert len(runs) == 2 and runs["kind"].iloc[0] == "import"
    assert (
        main(["profile", "--db", str(db), "--unit", "DEU", "--run", "latest", "--peers", "2"]) == 0
    )
    captured = capsys.readouterr()
    assert "Nearest units" in captured.out and captured.err == ""
    shifted = store["dir"] / "shifted_ok.csv"
    shifted.write_text("Country,Pillar A,Pillar B,Index\nFrance,40,60,50\nGermany,40,60,70\n")
    args = ["results", "import", str(shifted), "--framework", str(store["meta"]), "--time", "2021"]
    assert main([*args, "--db", str(db)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and "row 3 (Germany, 2021)" in err[0]
    shifted = store["dir"] / "shifted_ok.csv"
    shifted.write_text("Country,Pillar A,Pillar B,Index\nFrance,40,60,50\nGermany,40,60,70\n")
    assert (
        main(
            [
                "results",
                "import",
                str(shifted),
                "--framework",
                str(store["meta"]),
                "--time",
                "2021",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: ") and "row 3 (Germany, 2021)" in err[0]


def test_change_measures_named_distinctly() -> None:
    # a level going from 10 to 67.3 is 6.73-fold, +573 %, +57.3 points; over 10 years 6.73**0.1 - 1
    m = change_measures(10.0, 67.3, 10).iloc[0]
    assert m["fold"] == pytest.approx(67.3 / 10)
    assert m["change_pct"] == pytest.approx((67.3 - 10) / 10 * 100)
    assert m["change_abs"] == pytest.approx(57.3)
    assert m["cagr_pct"] == pytest.approx(((67.3 / 10) ** (1 / 10) - 1) * 100)
    z = change_measures([0.0, -2.0], [5.0, 3.0], [2, 2])
    assert z[["change_pct", "cagr_pct", "fold"]].iloc[0].isna().all()
    assert np.isnan(z["fold"].iloc[1]) and z["change_abs"].iloc[1] == 5.0


BAD = [
    (
        "explain unknown unit",
        ["explain", "--unit", "ZZZ", "--from", "2020", "--to", "2021"],
        "unknown unit 'ZZZ'",
    ),
    (
        "explain year not in run",
        ["explain", "--unit", "U1", "--from", "1999", "--to", "2021"],
        "year 1999 is not in run",
    ),
    (
        "explain run that does not exist",
        ["explain", "--run", "nosuchrun", "--unit", "U1", "--from", "2020", "--to", "2021"],
        "run 'nosuchrun' does not exist",
    ),
    (
        "explain not an aggregate",
        ["explain", "--unit", "U1", "--from", "2020", "--to", "2021", "--code", "a1"],
        "'a1' is not an aggregate",
    ),
    (
        "explain out suffix",
        ["explain", "--unit", "U1", "--from", "2020", "--to", "2021", "--out", "{dir}/x.txt"],
        "--out must end in .csv, .parquet or .xlsx",
    ),
    ("profile unknown unit", ["profile", "--unit", "Atlantis"], "unknown unit 'Atlantis'"),
    (
        "profile year not in run",
        ["profile", "--unit", "U1", "--time", "2030"],
        "year 2030 is not in run",
    ),
    (
        "profile run that does not exist",
        ["profile", "--unit", "U1", "--run", "ffffffffffff"],
        "run 'ffffffffffff' does not exist",
    ),
    (
        "import unmappable country",
        ["results", "import", "{dir}/bad_country.csv", "--framework", "{meta}", "--time", "2020"],
        "1 unit name(s) cannot be mapped to country codes: ['Atlantis']",
    ),
    (
        "import non-numeric score",
        ["results", "import", "{dir}/bad_score.csv", "--framework", "{meta}", "--time", "2020"],
        "row 3, column 'Index': expected a number, found 'n.a.x'",
    ),
    (
        "import year column with text",
        [
            "results",
            "import",
            "{dir}/bad_year.csv",
            "--framework",
            "{meta}",
            "--time-column",
            "Year",
        ],
        "row 2, column 'Year': expected a year, found 'twenty'",
    ),
    (
        "import duplicate unit-year",
        ["results", "import", "{dir}/dup.csv", "--framework", "{meta}", "--time-column", "Year"],
        "duplicate unit-year: 'France' (FRA) in 2020 also on row 2",
    ),
    (
        "import no time given",
        ["results", "import", "{results}", "--framework", "{meta}"],
        "give exactly one of --time YEAR or --time-column COLUMN",
    ),
    (
        "import map to unknown code",
        [
            "results",
            "import",
            "{results}",
            "--framework",
            "{meta}",
            "--time-column",
            "Year",
            "--map",
            "Income=GDP",
        ],
        "'GDP' is not a code of the framework",
    ),
    (
        "import map without =",
        [
            "results",
            "import",
            "{results}",
            "--framework",
            "{meta}",
            "--time-column",
            "Year",
            "--map",
            "Income",
        ],
        "--map takes COLUMN=CODE",
    ),
    (
        "import missing file",
        ["results", "import", "{dir}/nope.csv", "--framework", "{meta}", "--time", "2020"],
        "file not found",
    ),
    (
        "import no unit column",
        ["results", "import", "{dir}/no_unit.csv", "--framework", "{meta}", "--time", "2020"],
        "no unit column",
    ),
    (
        "import strict identity",
        [
            "results",
            "import",
            "{dir}/shifted.csv",
            "--framework",
            "{meta}",
            "--time",
            "2020",
            "--strict",
        ],
        "break the aggregation identity",
    ),
    (
        "import unknown time column",
        ["results", "import", "{results}", "--framework", "{meta}", "--time-column", "Edition"],
        "no time column 'Edition'",
    ),
    (
        "explain an imported run",
        ["explain", "--run", "IMPORTED", "--unit", "FRA", "--from", "2020", "--to", "2020"],
        "imported from published results",
    ),
    ("runs on a CSV as store", ["runs", "--db", "{results}"], "is not a store"),
    (
        "build with bad data records nothing",
        [
            "build",
            "--data",
            "{dir}/bad_data.csv",
            "--meta",
            "{meta}",
            "--pipeline",
            "{pipe}",
            "--out",
            "{dir}/o4",
        ],
        "row 3, column 'a2': expected a number, found 'lots'",
    ),
    (
        "build reference year not in data",
        [
            "build",
            "--data",
            "{data}",
            "--meta",
            "{meta}",
            "--pipeline",
            "{pipe}",
            "--out",
            "{dir}/o2",
            "--reference-year",
            "1990",
        ],
        "reference year 1990 is not in the data",
    ),
]


def _files(d: Path) -> None:
    (d / "bad_country.csv").write_text("Country,Index\nFrance,50\nAtlantis,40\n")
    (d / "bad_score.csv").write_text("Country,Index\nFrance,50\nGermany,n.a.x\n")
    (d / "bad_data.csv").write_text("uCode,Time,a1,a2,b1,b2\nU1,2020,1,2,3,4\nU2,2020,2,lots,3,4\n")
    (d / "bad_year.csv").write_text("Country,Year,Index\nFrance,twenty,50\n")
    (d / "dup.csv").write_text("Economy,Year,Index\nFrance,2020,50\nFrance,2020,51\n")
    (d / "no_unit.csv").write_text("Place,Index\nFrance,50\n")
    (d / "shifted.csv").write_text(
        "Country,Pillar A,Pillar B,Index\nFrance,40,60,50\nGermany,40,60,70\n"
    )


@pytest.mark.parametrize(("case", "args", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(
    store: dict, capsys: pytest.CaptureFixture, case: str, args: list[str], message: str
) -> None:
    d = store["dir"]
    _files(d)
    db = store["db"]
    if "IMPORTED" in args:
        assert (
            main(
                [
                    "results",
                    "import",
                    str(store["results"]),
                    "--framework",
                    str(store["meta"]),
                    "--time-column",
                    "Year",
                    "--db",
                    str(db),
                ]
            )
            == 0
        )
    capsys.readouterr()
    before = _sha(db)
    listing = sorted(p.name for p in d.iterdir())
    fmt = {
        "dir": str(d),
        "meta": str(store["meta"]),
        "data": str(store["data"]),
        "pipe": str(store["pipe"]),
        "results": str(store["results"]),
    }
    argv = [a.format(**fmt) for a in args]
    if "IMPORTED" in argv:
        argv[argv.index("IMPORTED")] = "latest"
    if "--db" not in argv:
        argv += ["--db", str(db)]
    rc = main(argv)
    err = capsys.readouterr().err.strip()
    assert rc == 2, (case, err)
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    assert message in err, err
    assert _sha(db) == before, "the store changed"
    assert sorted(p.name for p in d.iterdir()) == listing, "something was written"


def test_cross_section_without_time(store: dict, capsys: pytest.CaptureFixture) -> None:
    data = pd.read_csv(store["data"])
    one = store["dir"] / "one.csv"
    data[data["Time"] == 2021].drop(columns="Time").to_csv(one, index=False)
    db = store["dir"] / "one.duckdb"
    argv = [
        "build",
        "--data",
        str(one),
        "--meta",
        str(store["meta"]),
        "--pipeline",
        str(store["pipe"]),
    ]
    assert main([*argv, "--out", str(store["dir"] / "o1"), "--db", str(db)]) == 0
    prof = store["dir"] / "p.csv"
    assert main(["profile", "--db", str(db), "--unit", "U2", "--out", str(prof)]) == 0
    p = pd.read_csv(prof)
    assert p["time"].isna().all() and len(p) == 7  # 4 indicators, 2 pillars, the index
    alone = pd.read_csv(store["dir"] / "o1" / "scores.csv").set_index("uCode")
    assert p.set_index("code").at["Index", "score"] == pytest.approx(alone.at["U2", "Index"])
    capsys.readouterr()
    assert main(["explain", "--db", str(db), "--unit", "U2", "--from", "2021", "--to", "2022"]) == 2
    assert "no years" in capsys.readouterr().err


def test_build_panel_impute_option(store: dict) -> None:
    data = pd.read_csv(store["data"])
    data.loc[(data["uCode"] == "U1") & (data["Time"] == 2021), "a1"] = np.nan
    gappy = store["dir"] / "gappy.csv"
    data.to_csv(gappy, index=False)
    db = store["dir"] / "g.duckdb"
    argv = [
        "build",
        "--data",
        str(gappy),
        "--meta",
        str(store["meta"]),
        "--pipeline",
        str(store["pipe"]),
    ]
    assert (
        main(
            [
                *argv,
                "--out",
                str(store["dir"] / "g"),
                "--db",
                str(db),
                "--panel-impute",
                "carry_forward:1",
            ]
        )
        == 0
    )
    from innovindex.store import read_table

    ind = read_table(db, "index_indicators", code="a1", uCode="U1")
    row = ind[ind["time"] == 2021].iloc[0]
    before = ind[ind["time"] == 2020].iloc[0]
    assert bool(row["imputed"]) and np.isnan(row["raw"]) and row["treated"] == before["raw"]
    assert '"carry_forward"' in read_table(db, "index_runs")["options"].iloc[0]
    assert (
        main(
            [
                *argv,
                "--out",
                str(store["dir"] / "g2"),
                "--db",
                str(db),
                "--panel-impute",
                "carry_forward:x",
            ]
        )
        == 2
    )
