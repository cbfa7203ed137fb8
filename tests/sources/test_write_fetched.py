"""`write_fetched`: data file and sidecar written atomically, with the user's umask."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from innovindex.io.writers import file_sha256
from innovindex.sources import write_fetched

FRAME = pd.DataFrame({"uCode": ["AAA"], "uName": ["A"], "Time": [2020], "s": [1.5]})


def test_files_follow_the_umask_and_the_sidecar_names_the_data(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path, side = write_fetched(FRAME, tmp_path / "d.csv", {"source": "test"})
    finally:
        os.umask(old)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (path, side)} == {0o640}
    assert json.loads(side.read_text())["sha256"] == file_sha256(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, side.name])


def test_a_failed_write_leaves_the_previous_pair(tmp_path: Path) -> None:
    path, side = write_fetched(FRAME, tmp_path / "d.csv", {"source": "test"})
    before = (path.read_bytes(), side.read_bytes())
    with pytest.raises(TypeError):
        write_fetched(FRAME, tmp_path / "d.csv", {"source": object()})  # not JSON
    assert (path.read_bytes(), side.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, side.name])
