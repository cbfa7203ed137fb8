"""`innovindex show` on an output folder whose files were emptied, cut or garbled.

Each damaged table is one stderr line naming the file (and row/column where there is one),
exit 2, never an internal error; a damaged run.json only costs the levels (one warning line).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from innovindex.cli import main


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture
def built(tiny, capsys) -> Path:
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    return tiny["out"]


def _drop(p: Path, col: str) -> None:
    pd.read_csv(p).drop(columns=[col]).to_csv(p, index=False)


def _text_score(p: Path) -> None:
    df = pd.read_csv(p, dtype=str)
    df.loc[1, "Index"] = "abc"
    df.to_csv(p, index=False)


DAMAGE = {
    "empty-scores": ("scores.csv", lambda p: p.write_bytes(b""), "scores.csv: the file is empty"),
    "empty-ranks": ("ranks.csv", lambda p: p.write_bytes(b""), "ranks.csv: the file is empty"),
    "binary-scores": (
        "scores.csv",
        lambda p: p.write_bytes(b"\x00\x01\xff\xfe"),
        "scores.csv: cannot be read ('utf-8' codec",
    ),
    "unclosed-quote": (
        "scores.csv",
        lambda p: p.write_text('uCode,Index\nU1,1\n"U2,2\n'),
        "scores.csv: cannot be read (Error tokenizing data",
    ),
    "header-only": (
        "scores.csv",
        lambda p: p.write_text("uCode,uName,Time,Index\n"),
        "scores.csv: the scores table has a header but no rows",
    ),
    "ranks-without-uCode": (
        "ranks.csv",
        lambda p: _drop(p, "uCode"),
        "ranks.csv, row 1: no uCode column",
    ),
    "ranks-without-Time": (
        "ranks.csv",
        lambda p: _drop(p, "Time"),
        "the scores table has a Time column and the ranks table has none",
    ),
    "text-score": (
        "scores.csv",
        _text_score,
        "scores.csv, row 3, column 'Index': expected a number, found 'abc'",
    ),
}


@pytest.mark.parametrize(("name", "damage", "needle"), DAMAGE.values(), ids=list(DAMAGE))
def test_a_damaged_table_is_one_line_naming_the_file(built, capsys, name, damage, needle):
    damage(built / name)
    code, out, err = run(["show", built], capsys)
    assert code == 2, (out, err)
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert needle in err, err


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_a_garbled_parquet_or_workbook_is_one_line(tiny, capsys, fmt):
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    assert run([*argv, "--format", fmt], capsys)[0] == 0
    target = tiny["out"] / ("scores.parquet" if fmt == "parquet" else "results.xlsx")
    target.write_bytes(b"PK\x03\x04 not really " + fmt.encode())
    code, _, err = run(["show", tiny["out"]], capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert f"{target}: cannot be read" in err


@pytest.mark.parametrize(
    ("content", "why"),
    [("{not json", "cannot be read as JSON"), ("[1, 2]", "has no 'framework' entry (text)")],
)
def test_a_garbled_run_json_shows_scores_with_one_warning(built, capsys, content, why):
    good = run(["show", built], capsys)
    assert good[0] == 0 and not good[2]
    (built / "run.json").write_text(content)
    code, out, err = run(["show", built], capsys)
    assert code == 0, err
    assert err.splitlines() == [
        f"warning: {built / 'run.json'}: {why}; scores are shown without the framework's levels"
    ]
    # the same units in the same order: only the level grouping is lost
    assert [ln.split("│")[2] for ln in out.splitlines() if ln.startswith("│")] == [
        ln.split("│")[2] for ln in good[1].splitlines() if ln.startswith("│")
    ]


def test_an_intact_folder_copied_elsewhere_still_shows(built, tmp_path, capsys):
    copy = tmp_path / "copy"
    shutil.copytree(built, copy)
    info = json.loads((copy / "run.json").read_text())
    assert info["framework"]
    code, _, err = run(["show", copy], capsys)
    assert code == 0 and not err
