"""Synthetic data is labelled wherever it is shown (project rule).

The demo run, read back by `show` (from the store and from its output folder), `profile` and
`explain`, prints the SYNTHETIC label as its first line; the demo's CSV folders carry a
README_SYNTHETIC.txt. A run of real data prints no such label.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from innovindex.cli import main
from innovindex.demo import SYNTHETIC_LABEL


def run(args: list[object], capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One demo run (small patent sample): (output folder, store)."""
    root = tmp_path_factory.mktemp("synthetic-demo")
    out, db = root / "demo", root / "demo.duckdb"
    assert main(["demo", "--out", str(out), "--db", str(db), "--n-patents", "500"]) == 0
    return out, db


def _first_line(out: str) -> str:
    return next(ln for ln in out.splitlines() if ln.strip()).strip()


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "--db", "{db}", "--top", "3"],
        ["show", "{out}/index", "--top", "3"],
        ["show", "--db", "{db}", "--unit", "S028"],
        ["profile", "--db", "{db}", "--run", "latest", "--unit", "S028", "--time", "2024"],
        ["explain", "--db", "{db}", "--run", "latest", "--unit", "S028", "--from", "2013",
         "--to", "2024"],
    ],
    ids=["show-store", "show-folder", "show-unit", "profile", "explain"],
)  # fmt: skip
def test_every_view_of_the_demo_run_starts_with_the_label(demo, capsys, argv):
    out, db = demo
    code, text, err = run([a.format(out=out, db=db) for a in argv], capsys)
    assert code == 0, err
    assert _first_line(text) == SYNTHETIC_LABEL
    assert text.count(SYNTHETIC_LABEL) == 1


def test_the_demo_csv_folders_carry_a_synthetic_readme(demo):
    out, _ = demo
    for sub in ("data", "index"):
        csvs = list((out / sub).glob("*.csv"))
        assert csvs, sub
        readme = (out / sub / "README_SYNTHETIC.txt").read_text(encoding="utf-8")
        assert readme.startswith(SYNTHETIC_LABEL) and "seed 2024" in readme


def test_a_build_from_the_demo_data_folder_stays_labelled(demo, tmp_path, capsys):
    out, _ = demo
    db = tmp_path / "again.duckdb"
    argv = ["build", "--data", out / "data" / "demo_idata.csv", "--framework", "gii2019",
            "--out", tmp_path / "again", "--db", db]  # fmt: skip
    code, _, err = run(argv, capsys)
    assert code == 0, err
    for view in (["show", "--db", db], ["show", tmp_path / "again"]):
        code, text, err = run(view, capsys)
        assert code == 0 and _first_line(text) == SYNTHETIC_LABEL, (text, err)


def test_a_real_run_is_not_labelled(tiny, capsys):
    db = tiny["dir"] / "real.duckdb"
    argv = ["build", "--data", tiny["data"], "--meta", tiny["meta"], "--out", tiny["out"]]
    assert run([*argv, "--db", db], capsys)[0] == 0
    for view in (
        ["show", "--db", db],
        ["show", tiny["out"]],
        ["profile", "--db", db, "--unit", "U3"],
    ):
        code, text, err = run(view, capsys)
        assert code == 0, err
        assert "SYNTHETIC" not in text


@pytest.mark.parametrize(
    "argv",
    [
        ["profile", "--db", "{db}", "--run", "latest", "--unit", "S028", "--time", "2024"],
        ["explain", "--db", "{db}", "--run", "latest", "--unit", "S028", "--from", "2013",
         "--to", "2024"],
    ],
    ids=["profile", "explain"],
)  # fmt: skip
def test_rows_written_from_the_demo_run_say_synthetic(demo, capsys, tmp_path, argv):
    import pandas as pd

    out, db = demo
    target = tmp_path / "rows.csv"
    code, _, err = run([*(a.format(out=out, db=db) for a in argv), "--out", target], capsys)
    assert code == 0, err
    rows = pd.read_csv(target)
    assert rows.columns[0] == "synthetic" and len(rows) > 0 and rows["synthetic"].all()
