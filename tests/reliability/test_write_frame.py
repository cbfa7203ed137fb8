"""`io.writers.write_frame`: the one home for writing a table to a file by its suffix."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from innovindex.errors import InputError
from innovindex.io.writers import write_frame

FRAME = pd.DataFrame({"uCode": ["AAA", "BBB"], "score": [1.5, 2.0]})


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("t.csv", pd.read_csv),
        ("t.parquet", pd.read_parquet),
        ("t.pq", pd.read_parquet),
        ("t.XLSX", pd.read_excel),
    ],
)
def test_format_follows_the_suffix(tmp_path: Path, name: str, read: object) -> None:
    path = write_frame(FRAME, tmp_path / "sub" / name)
    assert path == tmp_path / "sub" / name
    pd.testing.assert_frame_equal(read(path), FRAME)  # type: ignore[operator]
    assert [p.name for p in path.parent.iterdir()] == [name]  # no temporary file left


def test_arrow_tables_are_written_by_pyarrow(tmp_path: Path) -> None:
    table = pa.Table.from_pandas(FRAME, preserve_index=False)
    csv = write_frame(table, tmp_path / "t.csv")
    assert csv.read_text().splitlines()[0] == '"uCode","score"'  # pyarrow quotes its header
    pd.testing.assert_frame_equal(
        pd.read_parquet(write_frame(table, tmp_path / "t.parquet")), FRAME
    )


def test_unknown_suffix_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"--out must end in \.csv, \.parquet or \.xlsx; got '\.txt'"
    ):
        write_frame(FRAME, tmp_path / "new" / "t.txt", label="--out")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_fail(self: pd.DataFrame, path: str, **kw: object) -> None:
        Path(path).write_text("uCode\nAA")
        raise OSError(28, "No space left on device")

    target = tmp_path / "t.csv"
    target.write_text("old\n")
    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_fail)
    for path in (target, tmp_path / "deep" / "er" / "t.csv"):
        with pytest.raises(OSError, match="No space"):
            write_frame(FRAME, path)
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]
    assert target.read_text() == "old\n"
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InputError, match="must be a file, not a folder"):
        write_frame(FRAME, tmp_path / "d.csv")


def test_the_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = write_frame(FRAME, tmp_path / "t.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
