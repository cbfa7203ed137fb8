"""The `innovindex build` contract: outputs on success; on bad input one stderr line, exit 2,
and no output directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from innovindex.cli import main


def run(args: list[str], capsys) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def test_build_writes_every_output(tiny, capsys):
    code, err = run(
        ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]], capsys
    )
    assert code == 0, err
    files = sorted(p.name for p in tiny["out"].iterdir() if not p.name.startswith("."))
    assert files == [
        "normalised.csv",
        "ranks.csv",
        "run.json",
        "scores.csv",
        "treated.csv",
        "treatment.csv",
    ]
    scores = pd.read_csv(tiny["out"] / "scores.csv")
    assert list(scores.columns) == ["uCode", "uName", "Time", "A", "B", "Index"]
    assert scores["uName"].tolist() == tiny["make_data"]()["uName"].tolist()
    assert (scores["Time"] == 2024).all()
    # Index = mean of pillars (independent recomputation from normalised indicators)
    norm = pd.read_csv(tiny["out"] / "normalised.csv").set_index("uCode")
    a = norm[["a1", "a2"]].mean(axis=1)
    b = (norm["b1"] * 1 + norm["b2"] * 0.5) / 1.5
    expected = (a + b) / 2
    assert (scores.set_index("uCode")["Index"] - expected).abs().max() < 1e-9
    ranks = pd.read_csv(tiny["out"] / "ranks.csv").set_index("uCode")
    assert (
        ranks["Index"].to_dict()
        == expected.rank(ascending=False, method="min").astype(int).to_dict()
    )
    info = json.loads((tiny["out"] / "run.json").read_text())
    assert info["pipeline"]["treat"]["winmax"] == 5
    assert len(info["inputs"]["data"]["sha256"]) == 64
    assert info["innovindex_version"]


def test_build_xlsx_is_one_workbook(tiny, capsys):
    code, err = run(
        [
            "build",
            "--data",
            tiny["data"],
            "--meta",
            tiny["meta"],
            "--out",
            tiny["out"],
            "--format",
            "xlsx",
        ],
        capsys,
    )
    assert code == 0, err
    sheets = pd.read_excel(tiny["out"] / "results.xlsx", sheet_name=None)
    assert set(sheets) == {"scores", "ranks", "treated", "normalised", "treatment"}


def test_rebuild_replaces_previous_output(tiny, capsys):
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    assert run(argv, capsys)[0] == 0
    (tiny["out"] / "scores.csv").write_text("edited")  # a file innovindex wrote: replaced
    assert run(argv, capsys)[0] == 0
    assert (tiny["out"] / "scores.csv").read_text().startswith("uCode")
    # A file innovindex did not write (issue 8): the rebuild refuses, naming it, and keeps it.
    (tiny["out"] / "notes.txt").write_text("mine")
    code, err = run(argv, capsys)
    assert code == 2 and "'notes.txt'" in err and len(err.strip().splitlines()) == 1
    assert (tiny["out"] / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("where", ["foreign-dir", "inputs-dir", "a-file"])
def test_output_never_replaces_what_innovindex_did_not_write(where, tiny, capsys):
    """--out must not wipe a user's folder, the inputs, or a file."""
    if where == "foreign-dir":
        out = tiny["dir"] / "thesis"
        out.mkdir()
        (out / "thesis.tex").write_text("months of work")
    elif where == "inputs-dir":
        out = tiny["dir"]
    else:
        out = tiny["dir"] / "notes.txt"
        out.write_text("keep me")
    before = sorted(p.name for p in tiny["dir"].rglob("*"))
    code, err = run(["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", out], capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tiny["dir"].rglob("*")) == before


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _data_with(t: dict, change) -> Path:
    df = change(t["make_data"]())
    p = t["dir"] / "bad_data.csv"
    df.to_csv(p, index=False)
    return p


def _meta_with(t: dict, change) -> Path:
    m = change(t["META"].copy())
    p = t["dir"] / "bad_meta.csv"
    m.to_csv(p, index=False)
    return p


def _set(df, row, col, value):
    df = df.astype({col: object}) if col in df.columns else df
    df.loc[row, col] = value
    return df


# Each case: (id, function(tiny) -> argv overrides, expected fragment of the message)
CASES = [
    ("empty-data-file", lambda t: {"data": _write(t["dir"] / "e.csv", "")}, "empty"),
    (
        "header-only",
        lambda t: {"data": _write(t["dir"] / "h.csv", "uCode,a1,a2,b1,b2\n")},
        "no data rows",
    ),
    (
        "missing-uCode",
        lambda t: {"data": _data_with(t, lambda d: d.drop(columns="uCode"))},
        "uCode",
    ),
    ("empty-uCode", lambda t: {"data": _data_with(t, lambda d: _set(d, 3, "uCode", ""))}, "row 5"),
    (
        "duplicate-unit",
        lambda t: {"data": _data_with(t, lambda d: _set(d, 4, "uCode", "U1"))},
        # the year as typed in the file, not numpy's repr np.int64(2024)
        "row 6, column 'uCode': duplicate unit: uCode='U1' and Time=2024 appears more than once",
    ),
    (
        "text-in-numeric",
        lambda t: {"data": _data_with(t, lambda d: _set(d, 2, "a2", "twelve"))},
        "'a2'",
    ),
    (
        "all-missing-indicator",
        lambda t: {"data": _data_with(t, lambda d: d.assign(b1=float("nan")))},
        "no data",
    ),
    (
        "indicator-missing-from-data",
        lambda t: {"data": _data_with(t, lambda d: d.drop(columns="b2"))},
        "b2",
    ),
    (
        "time-not-a-year",
        lambda t: {"data": _data_with(t, lambda d: _set(d, 1, "Time", 2024.5))},
        "Time",
    ),
    # Latin-1 and ';'-separated files are now read as published (tests/io/test_published.py);
    # a wrong explicit --encoding is refused there (tests/cli/test_read_cli.py).
    ("data-not-found", lambda t: {"data": t["dir"] / "nope.csv"}, "not found"),
    (
        "unknown-file-type",
        lambda t: {"data": _write(t["dir"] / "d.json", "{}")},
        "unknown file type",
    ),
    (
        "unknown-parent",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 0, "Parent", "Z"))},
        "'Z'",
    ),
    ("cycle", lambda t: {"meta": _meta_with(t, lambda m: _set(m, 6, "Parent", "A"))}, "cycle"),
    (
        "negative-weight",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 1, "Weight", -1))},
        "Weight",
    ),
    (
        "text-weight",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 1, "Weight", "heavy"))},
        "Weight",
    ),
    (
        "bad-direction",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 2, "Direction", 0))},
        "Direction must be 1 or -1, got 0",
    ),
    (
        "duplicate-icode",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 3, "iCode", "b1"))},
        "duplicate iCode",
    ),
    (
        "meta-missing-column",
        lambda t: {"meta": _meta_with(t, lambda m: m.drop(columns="Weight"))},
        "Weight",
    ),
    (
        "aggregate-without-children",
        lambda t: {
            "meta": _meta_with(
                t,
                lambda m: pd.concat(
                    [
                        m,
                        pd.DataFrame(
                            [
                                {
                                    "Level": 2,
                                    "iCode": "C",
                                    "iName": "C",
                                    "Direction": 1,
                                    "Weight": 1,
                                    "Parent": "Index",
                                    "Type": "Aggregate",
                                }
                            ]
                        ),
                    ],
                    ignore_index=True,
                ),
            )
        },
        "no children",
    ),
    (
        "bad-type",
        lambda t: {"meta": _meta_with(t, lambda m: _set(m, 0, "Type", "Indikator"))},
        "Type",
    ),
    (
        "bad-yaml-key",
        lambda t: {
            "pipeline": _write(t["dir"] / "p.yaml", "treat: {}\nnormalize: {method: minmax}\n")
        },
        "unknown step 'normalize'",
    ),
    (
        "bad-yaml-param",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "treat: {winmx: 3}\n")},
        "winmx",
    ),
    (
        "bad-yaml-syntax",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "treat: {winmax: 3\n")},
        "YAML",
    ),
    (
        "bad-method",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "normalise: {method: minmx}\n")},
        "minmx",
    ),
    (
        "negative-winmax",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "treat: {winmax: -2}\n")},
        "winmax",
    ),
    (
        "geometric-on-zeros",
        lambda t: {
            "pipeline": _write(
                t["dir"] / "p.yaml",
                "normalise: {method: minmax, range: [0, 100]}\naggregate: {method: geometric}\n",
            )
        },
        "geometric",
    ),
    ("bad-format", lambda t: {"format": "docx"}, "--format"),
    ("unknown-framework", lambda t: {"meta": None, "framework": "gii1999"}, "gii1999"),
    # found by review: each used to end in a traceback or pass silently
    (
        "corrupt-xlsx",
        lambda t: {"data": _write(t["dir"] / "d.xlsx", b"PK\x03\x04garbage")},
        "Excel",
    ),
    (
        "duplicate-column",
        lambda t: {"data": _write(t["dir"] / "dup.csv", "uCode,a1,a2,b1,b2,a1\nU1,1,2,3,4,5\n")},
        "duplicate column 'a1'",
    ),
    (
        "out-under-a-file",
        lambda t: {"out": _write(t["dir"] / "afile", "x") / "out"},
        "output directory",
    ),
    (
        "screen-removes-everyone",
        lambda t: {
            "pipeline": _write(
                t["dir"] / "p.yaml",
                "screen: {exclude: [U0, U1, U2, U3, U4, U5, U6, U7]}\nnormalise: {}\n",
            )
        },
        "removed every unit",
    ),
    (
        "screen-unknown-unit",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "screen: {exclude: [U99]}\n")},
        "U99",
    ),
    (
        "range-not-numbers",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "normalise: {range: [a, b]}\n")},
        "'range'",
    ),
    (
        "skew-not-a-number",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "treat: {skew: high}\n")},
        "'skew'",
    ),
    (
        "skew-negative",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "treat: {skew: -1}\n")},
        "'skew'",
    ),
    (
        "levels-not-a-mapping",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "aggregate: {levels: [1, 2]}\n")},
        "'levels'",
    ),
    (
        "yaml-is-a-string",
        lambda t: {"pipeline": _write(t["dir"] / "p.yaml", "hello\n")},
        "map step names",
    ),
    (
        "yaml-duplicate-step",
        lambda t: {
            "pipeline": _write(t["dir"] / "p.yaml", "treat: {winmax: 1}\ntreat: {winmax: 2}\n")
        },
        "twice",
    ),
    (
        "override-not-a-number",
        lambda t: {
            "meta": _meta_with(
                t,
                lambda m: m.assign(
                    **{"treat.winmax": ["many", None, None, None, None, None, None]}
                ),
            )
        },
        "'a1'",
    ),
    (
        "override-misspelt",
        lambda t: {
            "meta": _meta_with(
                t, lambda m: m.assign(**{"treat.winmx": [3, None, None, None, None, None, None]})
            )
        },
        "treat.winmx",
    ),
    (
        "override-range-cell",
        lambda t: {
            "meta": _meta_with(
                t,
                lambda m: m.assign(
                    **{"normalise.range": ["5-50", None, None, None, None, None, None]}
                ),
            ),
            "pipeline": _write(t["dir"] / "p.yaml", "normalise: {}\n"),
        },
        "'range'",
    ),
    (
        "all-children-weight-0",
        lambda t: {"meta": _meta_with(t, lambda m: m.assign(Weight=[0, 0, 1, 1, 1, 1, 1]))},
        "weight 0",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_one_line_exit_2_nothing_written(case, tiny, capsys):
    name, make, fragment = case
    opts = {
        "out": tiny["out"],
        "data": tiny["data"],
        "meta": tiny["meta"],
        "pipeline": None,
        "framework": None,
        "format": None,
    }
    opts.update(make(tiny))
    argv = ["build", "--data", opts["data"], "--out", opts["out"]]
    if opts["meta"] is not None:
        argv += ["--meta", opts["meta"]]
    if opts["framework"] is not None:
        argv += ["--framework", opts["framework"]]
    if opts["pipeline"] is not None:
        argv += ["--pipeline", opts["pipeline"]]
    if opts["format"] is not None:
        argv += ["--format", opts["format"]]
    code, err = run(argv, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in err
    assert not tiny["out"].exists()
    assert not any(p.name.startswith(".out.tmp") for p in tiny["dir"].iterdir())


def test_console_script_exit_status(tiny):
    """The installed entry point really exits with status 2 (not only main()'s return value)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "innovindex",
            "build",
            "--data",
            str(tiny["dir"] / "missing.csv"),
            "--meta",
            str(tiny["meta"]),
            "--out",
            str(tiny["out"]),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "missing.csv" in proc.stderr


def test_build_gii2019_framework_from_the_command_line(reference_data, tmp_path, capsys):
    """`--framework gii2019` on the published raw values: scores for every level plus EFF."""
    long = pd.read_csv(reference_data / "gii" / "gii2019_full_database_long.csv")
    ind = long[long["level"] == "indicator"]
    wide = (
        ind.pivot(index="economy", columns="code", values="value")
        .rename_axis("uCode")
        .reset_index()
    )
    data = tmp_path / "gii.parquet"
    wide.to_parquet(data)  # a temporary reshaped copy for this test only
    out = tmp_path / "res"
    code, err = run(["build", "--data", data, "--framework", "gii2019", "--out", out], capsys)
    assert code == 0, err
    scores = pd.read_csv(out / "scores.csv").set_index("uCode")
    assert {"1.1", "7", "IN", "OUT", "GII", "EFF"} <= set(scores.columns) and len(scores) == 129
    assert (scores["EFF"] - scores["OUT"] / scores["IN"]).abs().max() < 1e-12
    cov = pd.read_csv(out / "coverage.csv")
    assert cov.shape[0] == 129 and "1.1" in cov.columns
    info = json.loads((out / "run.json").read_text())
    assert info["framework"] == "builtin:gii2019" and info["pipeline"]["treat"]["skew"] == 2.25


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_data_and_meta_from_xlsx_and_parquet(suffix, tiny, capsys):
    """The same build from CSV, XLSX and Parquet inputs gives the same scores."""
    base, _ = run(
        ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]], capsys
    )
    expected = pd.read_csv(tiny["out"] / "scores.csv")
    data, meta = tiny["dir"] / f"data{suffix}", tiny["dir"] / f"meta{suffix}"
    for src, dst in ((tiny["data"], data), (tiny["meta"], meta)):
        frame = pd.read_csv(src)
        frame.to_excel(dst, index=False) if suffix == ".xlsx" else frame.to_parquet(
            dst, index=False
        )
    out = tiny["dir"] / "out2"
    code, err = run(["build", "--data", data, "--meta", meta, "--out", out], capsys)
    assert base == 0 and code == 0, err
    pd.testing.assert_frame_equal(pd.read_csv(out / "scores.csv"), expected)


@pytest.mark.parametrize(
    "argv",
    [
        ["build"],
        ["build", "--nope", "1"],
        ["audit", "--n", "x"],
        ["audit"],
        ["patents", "generate", "--n", "lots"],
        ["no-such-command"],
    ],
    ids=[
        "missing-options",
        "unknown-option",
        "bad-integer",
        "audit-missing",
        "patents-bad-n",
        "unknown-command",
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv, capsys):
    code, err = run(argv, capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "build" in capsys.readouterr().out
