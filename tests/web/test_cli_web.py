"""`innovindex export`, `report` and `serve`: bad input is one line on stderr, exit 2, and
nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from innovindex.cli import main


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_export_needs_an_xlsx_name(
    demo_store: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.csv"
    assert main(["export", "--db", str(demo_store[0]), "--out", str(out)]) == 2
    assert ".xlsx" in _one_line(capsys)
    assert not out.exists()


def test_report_without_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)]) == 2
    assert "no store here" in _one_line(capsys)
    assert not out.exists() and not (tmp_path / "none.duckdb").exists()


def test_report_into_a_missing_folder(
    demo_store: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no" / "such" / "r.html"
    assert main(["report", "--db", str(demo_store[0]), "--out", str(out)]) == 2
    _one_line(capsys)
    assert not out.parent.exists()


def test_serve_refuses_a_wrong_audit_folder_before_starting(
    demo_store: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["serve", "--db", str(demo_store[0]), "--audit", str(tmp_path), "--port", "1"])
    assert rc == 2 and "rank_stats" in _one_line(capsys)


@pytest.mark.parametrize(("command", "name"), [("report", "r.html"), ("export", "run.xlsx")])
def test_an_unwritable_out_names_the_out_file_not_a_temporary_one(
    demo_store: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    name: str,
) -> None:
    # a folder path through a file: as portable as a read-only folder (root ignores
    # folder permissions) and it fails where the temporary file is created
    (tmp_path / "somefile.txt").write_text("mine\n")
    out = tmp_path / "somefile.txt" / name
    assert main([command, "--db", str(demo_store[0]), "--out", str(out)]) == 2
    assert _one_line(capsys) == f"error: {out}: cannot write the file: Not a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["somefile.txt"]
