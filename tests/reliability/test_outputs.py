"""Outputs never destroy inputs and are never half-written (io/writers.py atomic_dir)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from innovindex.errors import InputError
from innovindex.io import writers
from innovindex.io.writers import MARKER, atomic_dir, clean_leftovers

from .conftest import META, make_data, run_cli, snapshot, write_world


def _build(w: dict[str, Path], out: Path, *extra: str) -> tuple[int | None, str]:
    code, err, exc = run_cli(
        ["build", "--data", w["data"], "--meta", w["meta"], "--out", out, *extra]
    )
    assert exc is None
    return code, err


def test_rebuild_replaces_only_what_innovindex_wrote(tmp_path: Path) -> None:
    w = write_world(tmp_path)
    assert _build(w, w["out"])[0] == 0
    record = json.loads((w["out"] / MARKER).read_text())
    assert record["state"] == "complete" and "scores.csv" in record["files"]
    assert _build(w, w["out"], "--format", "parquet")[0] == 0  # replaced: now Parquet only
    assert sorted(p.name for p in w["out"].iterdir() if not p.name.startswith(".")) == [
        "normalised.parquet",
        "ranks.parquet",
        "run.json",
        "scores.parquet",
        "treated.parquet",
        "treatment.parquet",
    ]
    (w["out"] / "sub").mkdir()
    (w["out"] / "sub" / "mine.R").write_text("x <- 1")
    before = snapshot(w["out"])
    code, err = _build(w, w["out"])
    assert code == 2 and "'sub/mine.R'" in err
    assert snapshot(w["out"]) == before


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    w = write_world(tmp_path)
    old = os.umask(0o027)
    try:
        assert _build(w, w["out"])[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(w["out"].stat().st_mode) == 0o750
    assert stat.S_IMODE((w["out"] / "scores.csv").stat().st_mode) == 0o640


def test_failed_final_rename_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out"

    def refuse(src: object, dst: object) -> None:
        raise OSError(40, "Too many levels of symbolic links", str(dst))

    monkeypatch.setattr(writers.os, "rename", refuse)
    with pytest.raises(OSError), atomic_dir(target) as tmp:
        (tmp / "scores.csv").write_text("uCode\n")
    assert list(tmp_path.iterdir()) == []


def test_failed_swap_keeps_the_previous_output(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("old")
    monkeypatch.setattr(writers, "_exchange", lambda a, b: False)  # the portable path
    real = os.rename
    calls = []

    def second_fails(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(writers.os, "rename", second_fails)
    with pytest.raises(OSError), atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("new")
    assert (target / "a.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_parents_created_for_a_failed_run_are_removed(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), atomic_dir(tmp_path / "a" / "b" / "out"):
        raise RuntimeError("the build failed")
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_killed_runs_are_removed_and_only_those(tmp_path: Path) -> None:
    target = tmp_path / "out"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    killed = tmp_path / f".out.tmp-{dead}-abc"
    killed.mkdir()
    (killed / MARKER).write_text(
        json.dumps({"written_by": "innovindex", "pid": dead, "state": "partial"})
    )
    (killed / "scores.csv").write_text("half")
    empty = tmp_path / f".out.tmp-{dead}-def"  # killed between mkdtemp and the marker
    empty.mkdir()
    foreign = tmp_path / f".out.tmp-{dead}-xyz"  # same pattern, not ours: left alone
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep")
    alive = tmp_path / f".out.tmp-{os.getpid()}-zzz"  # a run still going: left alone
    alive.mkdir()
    removed = clean_leftovers(target)
    assert sorted(removed) == sorted([killed, empty])
    assert foreign.exists() and alive.exists() and not killed.exists()


def test_output_moved_aside_by_a_killed_swap_is_restored(tmp_path: Path) -> None:
    target = tmp_path / "out"
    dead = 2**22 + 54321
    aside = tmp_path / f".out.old-{dead}-1"
    aside.mkdir()
    (aside / MARKER).write_text(json.dumps({"written_by": "innovindex", "files": ["a.csv"]}))
    (aside / "a.csv").write_text("previous")
    clean_leftovers(target)
    assert (target / "a.csv").read_text() == "previous" and not aside.exists()


def test_symlinked_parent_is_resolved(tmp_path: Path) -> None:
    """`--out alias/new` where alias links to the data's folder: the inputs stay, the output
    is written beside them; `--out alias` itself is refused (it is a link)."""
    w = write_world(tmp_path / "real")
    (tmp_path / "alias").symlink_to(w["dir"], target_is_directory=True)
    assert _build(w, tmp_path / "alias" / "new")[0] == 0
    assert (w["dir"] / "new" / "scores.csv").exists() and w["data"].exists()
    with pytest.raises(InputError, match="symbolic link"):
        writers.check_output_dir(tmp_path / "alias")


def test_invisible_characters_in_codes_are_the_same_code(tmp_path: Path) -> None:
    """Handled correctly (issue 8): a Parent spelt with a zero-width space or another normal
    form is the same aggregate, and a unit code with a trailing zero-width space is stored
    under its canonical spelling."""
    w = write_world(tmp_path)
    meta = META.copy()
    meta.loc[0, "Parent"] = "A\u200b"
    meta.to_csv(w["meta"], index=False)
    data = make_data()
    data.loc[3, "uCode"] = "U3\u200b"
    data.to_csv(w["data"], index=False)
    assert _build(w, w["out"])[0] == 0
    scores = pd.read_csv(w["out"] / "scores.csv")
    assert "U3" in set(scores["uCode"]) and not any("\u200b" in c for c in scores["uCode"])
