"""The command line on data as published, `show`, `--version`/`-h`, and warnings.

Bad input ends in one stderr line and exit 2 with nothing written; warnings are one line
each, recorded in run.json, and leave the exit status 0."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import innovindex as ii
from innovindex.cli import main
from innovindex.errors import DataWarning

IND = ["a1", "a2", "b1", "b2"]


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _long(t: dict) -> pd.DataFrame:
    return t["make_data"]().melt(["uCode", "uName", "Time"], IND, var_name="indicator")


def _csv(path: Path, df: pd.DataFrame, **kw) -> Path:
    df.to_csv(path, index=False, **kw)
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------- bad inputs
def _unmappable_code(t):
    df = _long(t)
    df.loc[3, "indicator"] = "zz9"
    return {"data": _csv(t["dir"] / "l.csv", df)}


def _ambiguous(t):
    df = _long(t)
    df["code"] = df["indicator"]
    return {"data": _csv(t["dir"] / "l.csv", df)}


def _duplicate_rows(t):
    df = _long(t)
    return {"data": _csv(t["dir"] / "l.csv", pd.concat([df, df.iloc[[5]]]))}


def _names(t, names):
    df = t["make_data"]().drop(columns="uCode")
    df["uName"] = names[: len(df)]
    return {"data": _csv(t["dir"] / "n.csv", df.rename(columns={"uName": "country"}))}


COUNTRIES = ["France", "Germany", "Italy", "Spain", "Chile", "Peru", "Kenya", "Japan"]

CASES = [
    ("long-unmappable-code", _unmappable_code, [], "'zz9'"),
    ("long-ambiguous-layout", _ambiguous, [], "ambiguous layout"),
    ("long-duplicate-rows", _duplicate_rows, [], "duplicate rows"),
    (
        "long-empty-code",
        lambda t: {
            "data": _csv(
                t["dir"] / "l.csv",
                _long(t).assign(indicator=lambda d: d["indicator"].where(d.index != 4, "")),
            )
        },
        [],
        "empty indicator code",
    ),
    (
        "long-text-value",
        lambda t: {
            "data": _csv(
                t["dir"] / "l.csv",
                _long(t)
                .astype({"value": object})
                .assign(value=lambda d: d["value"].where(d.index != 6, "lots")),
            )
        },
        [],
        "row 8",
    ),
    (
        "long-empty-year",
        lambda t: {
            "data": _csv(
                t["dir"] / "l.csv",
                _long(t)
                .astype({"Time": object})
                .assign(Time=lambda d: d["Time"].where(d.index != 9, "")),
            )
        },
        [],
        "row 11, column 'Time': empty Time",
    ),
    ("unknown-decimal", lambda t: {}, ["--decimal", ":"], "--decimal"),
    ("sep-not-one-char", lambda t: {}, ["--sep", ";;"], "--sep"),
    ("sep-equals-decimal", lambda t: {}, ["--sep", ",", "--decimal", ","], "cannot both"),
    ("unknown-encoding", lambda t: {}, ["--encoding", "klingon-8"], "--encoding"),
    (
        "wrong-explicit-encoding",
        lambda t: {
            "data": _bytes(
                t["dir"] / "l1.csv",
                "uCode,uName,a1,a2,b1,b2\nU1,S\xe3o,1,2,3,4\nU2,B,2,3,4,5\n".encode("latin-1"),
            )
        },
        ["--encoding", "utf-8"],
        "not valid utf-8",
    ),
    (
        "unmappable-country-names",
        lambda t: _names(t, [*COUNTRIES[:6], "Narnia", "Atlantis"]),
        [],
        "['Narnia', 'Atlantis']",
    ),
    (
        "two-names-one-country",
        lambda t: _names(t, [*COUNTRIES[:7], "French Republic"]),
        [],
        "'FRA'",
    ),
    (
        "two-unit-code-columns",
        lambda t: {
            "data": _csv(
                t["dir"] / "u.csv",
                t["make_data"]().rename(columns={"uCode": "unit"}).assign(iso3="X"),
            )
        },
        [],
        "ambiguous layout",
    ),
    (
        "label-and-code-for-one-indicator",
        lambda t: {
            "data": _csv(
                t["dir"] / "w.csv",
                t["make_data"]().rename(columns={"a1": "A one"}).assign(**{"a1.": 1.0}),
            )
        },
        [],
        "both give indicator 'a1'",
    ),
    (
        "decimal-comma-in-a-comma-file",
        lambda t: {"data": t["data"]},
        ["--decimal", ","],
        "delimiter",
    ),
]


@pytest.mark.parametrize(("name", "make", "extra", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_published_input_one_line_exit_2(name, make, extra, needle, tiny, capsys):
    opts = {"data": tiny["data"], **make(tiny)}
    argv = ["build", "--data", opts["data"], "--meta", tiny["meta"], "--out", tiny["out"], *extra]
    code, out, err = run(argv, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert needle in lines[0], lines[0]
    assert not tiny["out"].exists()


def test_audit_takes_the_same_read_options(tiny, capsys):
    spec = tiny["dir"] / "spec.yaml"
    spec.write_text("seed: 1\nassumptions:\n  winmax: {values: [1, 2]}\n")
    argv = ["audit", "--data", tiny["data"], "--meta", tiny["meta"], "--uncertainty", spec,
            "--n", 5, "--out", tiny["out"], "--decimal", "x"]  # fmt: skip
    code, _, err = run(argv, capsys)
    assert code == 2 and "--decimal must be" in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------------- published files build
def test_semicolon_latin1_long_file_builds_like_the_clean_file(tiny, capsys):
    clean_out, long_out = tiny["dir"] / "clean", tiny["dir"] / "long"
    data = tiny["make_data"]()
    data["uName"] = [f"Région {i}" for i in range(len(data))]
    _csv(tiny["data"], data)
    long = data.melt(["uCode", "uName", "Time"], IND, var_name="Indicator", value_name="Value")
    path = tiny["dir"] / "long.csv"
    path.write_bytes(long.to_csv(index=False, sep=";", decimal=",").encode("latin-1"))
    for src, out in ((tiny["data"], clean_out), (path, long_out)):
        code, _, err = run(["build", "--data", src, "--meta", tiny["meta"], "--out", out], capsys)
        assert code == 0, err
    a = pd.read_csv(clean_out / "scores.csv")
    b = pd.read_csv(long_out / "scores.csv")
    pd.testing.assert_frame_equal(a, b)
    assert b["uName"].tolist() == data["uName"].tolist() and (b["Time"] == 2024).all()


# ---------------------------------------------------------------------- warnings
def test_constant_indicator_warns_once_and_changes_nothing(tiny, capsys):
    data = tiny["make_data"]().assign(a1=0.0)
    _csv(tiny["data"], data)
    code, _, err = run(
        ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]], capsys
    )
    assert code == 0, err
    warn = [ln for ln in err.splitlines() if ln.startswith("warning: indicator")]
    assert len(warn) == 1 and "'a1'" in warn[0] and "constant" in warn[0], err
    info = json.loads((tiny["out"] / "run.json").read_text())
    assert info["warnings"] == [warn[0].removeprefix("warning: ")]
    # the result is the plain arithmetic of the normalised values, a1 at the midpoint
    norm = pd.read_csv(tiny["out"] / "normalised.csv").set_index("uCode")
    assert (norm["a1"] == 50.0).all()
    scores = pd.read_csv(tiny["out"] / "scores.csv").set_index("uCode")
    a = (norm["a1"] + norm["a2"]) / 2
    b = (norm["b1"] + 0.5 * norm["b2"]) / 1.5
    assert (scores["Index"] - (a + b) / 2).abs().max() < 1e-9
    # and the same as the Python API, which warns through warnings.warn
    from innovindex.diagnostics import check_panel

    panel = ii.build_panel(data, ii.Framework.read(tiny["meta"]))
    with pytest.warns(DataWarning, match="'a1' is constant"):
        check_panel(panel)
    assert (panel[2024].scores()["Index"] - scores["Index"]).abs().max() < 1e-9


def _pipeline(t, text: str) -> Path:
    p = t["dir"] / "pipe.yaml"
    p.write_text(text)
    return p


def test_geometric_over_a_scale_that_reaches_zero_warns_and_suggests_a_range(tiny, capsys):
    base = "normalise: {method: scaled, lower: -10, upper: 100, range: [%s, 100]}\naggregate: {method: geometric}\n"
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    code, _, err = run([*argv, "--pipeline", _pipeline(tiny, base % 0)], capsys)
    assert code == 0, err
    warn = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert len(warn) == 2, err  # levels 2 and 3
    assert "['a1', 'a2', 'b1', 'b2']" in warn[0] and "[1, 100]" in warn[0]
    code, _, err = run([*argv, "--pipeline", _pipeline(tiny, base % 1)], capsys)
    assert code == 0 and "warning" not in err


def test_treatment_that_fails_warns(tiny, capsys):
    data = tiny["make_data"](20)
    data.loc[19, "a1"] = 1e6  # one extreme value: skew and kurtosis far beyond 2 / 3.5
    _csv(tiny["data"], data)
    pipe = _pipeline(tiny, "treat: {winmax: 0, fallback: none}\n")
    code, _, err = run(
        [
            "build",
            "--data",
            tiny["data"],
            "--meta",
            tiny["meta"],
            "--pipeline",
            pipe,
            "--out",
            tiny["out"],
        ],
        capsys,
    )
    assert code == 0, err
    warn = [ln for ln in err.splitlines() if ln.startswith("warning: indicator")]
    assert len(warn) == 1 and "'a1'" in warn[0] and "outside the thresholds" in warn[0], err


# ---------------------------------------------------------------------- show, --version, -h
def test_version_and_short_help(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"innovindex {ii.__version__}"
    code, out, _ = run(["-h"], capsys)
    assert code == 0 and "show" in out and "build" in out
    code, out, _ = run(["show", "-h"], capsys)
    assert code == 0 and "--top" in out


@pytest.fixture
def built(tiny, capsys):
    code, _, err = run(
        ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]], capsys
    )
    assert code == 0, err
    return tiny["out"]


def _rows(out: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip("│").split("│")]
        for line in out.splitlines()
        if line.startswith("│")
    ]


def test_show_top_follows_the_ranks(built, capsys):
    code, out, _ = run(["show", built, "--top", 3], capsys)
    assert code == 0
    ranks = pd.read_csv(built / "ranks.csv").sort_values(["Index", "uCode"]).head(3)
    rows = _rows(out)
    assert [r[1] for r in rows] == ranks["uCode"].tolist()
    assert [int(r[0]) for r in rows] == ranks["Index"].tolist()
    scores = pd.read_csv(built / "scores.csv").set_index("uCode")
    assert [float(r[3]) for r in rows] == [round(scores.at[u, "Index"], 2) for u in ranks["uCode"]]


def test_show_one_unit_every_level(built, capsys):
    code, out, _ = run(["show", built, "--unit", "U3"], capsys)
    assert code == 0
    rows = {r[0]: r for r in _rows(out)}
    ranks = pd.read_csv(built / "ranks.csv").set_index("uCode").loc["U3"]
    assert set(rows) == {"Index", "A", "B"}
    assert {c: int(rows[c][3]) for c in rows} == {c: int(ranks[c]) for c in rows}
    assert rows["Index"][1] == "3" and rows["A"][1] == "2"
    code, out, _ = run(["show", built, "--unit", "Unit 3", "--level", 2], capsys)
    assert code == 0 and {r[0] for r in _rows(out)} == {"A", "B"}


def test_show_a_stored_run(tiny, tmp_path, capsys):
    from innovindex.store import record_build

    db = tmp_path / "s.duckdb"
    panel = ii.build_panel(tiny["data"], ii.Framework.read(tiny["meta"]))
    run_id = record_build(db, panel, label="t", synthetic=False)
    code, out, err = run(["show", "--db", db, "--run", "latest", "--top", 2], capsys)
    assert code == 0, err
    assert run_id in out
    top = panel[2024].ranks()["Index"].sort_values().index[:2].tolist()
    assert [r[1] for r in _rows(out)] == top


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--unit", "NOPE"], "'NOPE'"),
        (["--level", 9], "level 9"),
        (["--time", 1999], "1999"),
        (["--top", 0], "--top"),
        (["--db", "x.duckdb"], "not both"),
    ],
)
def test_show_refusals_one_line(extra, needle, built, capsys):
    code, out, err = run(["show", built, *extra], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err, err


def test_show_refuses_a_folder_that_is_not_an_output(tmp_path, capsys):
    code, _, err = run(["show", tmp_path], capsys)
    assert code == 2 and "innovindex build" in err and len(err.strip().splitlines()) == 1


def test_audit_prints_and_records_warnings(tiny, capsys):
    _csv(tiny["data"], tiny["make_data"](12).assign(b1=3.0))
    spec = tiny["dir"] / "spec.yaml"
    spec.write_text("seed: 1\nassumptions:\n  winmax: {values: [1, 2]}\n")
    argv = ["audit", "--data", tiny["data"], "--meta", tiny["meta"], "--uncertainty", spec,
            "--n", 4, "--no-png", "--out", tiny["out"]]  # fmt: skip
    code, _, err = run(argv, capsys)
    assert code == 0, err
    warn = [ln for ln in err.splitlines() if ln.startswith("warning:")]
    assert len(warn) == 1 and "'b1' is constant" in warn[0]
    info = json.loads((tiny["out"] / "run.json").read_text())
    assert info["warnings"] == [warn[0].removeprefix("warning: ")]


@pytest.mark.parametrize("kind", ["not-a-database", "missing", "no-runs"])
def test_show_refuses_a_store_without_runs_in_one_line(kind, tmp_path, capsys):
    import duckdb

    db = tmp_path / "s.duckdb"
    if kind == "not-a-database":
        db.write_text("uCode,a1\nU1,1\n")
    elif kind == "no-runs":
        with duckdb.connect(str(db)) as con:
            con.execute("CREATE TABLE other (a INTEGER)")
    code, _, err = run(["show", "--db", db], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "s.duckdb" in err, err


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_show_reads_every_output_format(fmt, tiny, capsys):
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    assert run([*argv, "--format", fmt], capsys)[0] == 0
    code, out, err = run(["show", tiny["out"], "--unit", "U0"], capsys)
    assert code == 0, err
    ranks = pd.read_csv(
        _csv(
            tiny["dir"] / "r.csv",
            ii.build(tiny["data"], ii.Framework.read(tiny["meta"]))
            .ranks()
            .reset_index(names="uCode"),
        )
    ).set_index("uCode")
    assert {r[0]: int(r[3]) for r in _rows(out)} == ranks.loc["U0"].astype(int).to_dict()
