"""`io.writers.write_frame`: the one home for writing a table to a file by its suffix."""

from __future__ import annotations

import errno
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


def test_a_folder_path_through_a_file_names_the_file_asked_for(tmp_path: Path) -> None:
    (tmp_path / "somefile.txt").write_text("mine\n")
    target = tmp_path / "somefile.txt" / "sub" / "x.csv"
    with pytest.raises(OSError) as info:
        write_frame(FRAME, target)
    assert info.value.filename == str(target)
    assert str(info.value.strerror) == (
        f"cannot write the file: {tmp_path / 'somefile.txt'} is a file, not a folder"
    )
    assert (tmp_path / "somefile.txt").read_text() == "mine\n"
    assert [p.name for p in tmp_path.iterdir()] == ["somefile.txt"]


def _read_only_file_system(*args: object, **kwargs: object) -> tuple[int, str]:
    """What ``tempfile.mkstemp`` raises in a folder of a read-only file system (which
    tests cannot mount, and root ignores folder permissions): EROFS naming its temporary
    file."""
    folder, prefix = str(kwargs["dir"]), str(kwargs["prefix"])
    raise OSError(errno.EROFS, os.strerror(errno.EROFS), f"{folder}/{prefix}k2j4x9q1.tmp")


def test_a_read_only_folder_names_the_file_asked_for_not_the_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.mkstemp", _read_only_file_system)
    target = tmp_path / "x.csv"
    with pytest.raises(OSError) as info:
        write_frame(FRAME, target)
    assert info.value.errno == errno.EROFS
    assert info.value.filename == str(target)
    assert info.value.strerror == "cannot write the file: Read-only file system"
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_names_the_file_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", src, None, dst)

    monkeypatch.setattr("os.replace", refuse)
    target = tmp_path / "x.parquet"
    with pytest.raises(PermissionError) as info:
        write_frame(FRAME, target)
    assert info.value.filename == str(target)
    assert info.value.strerror == "cannot write the file: Permission denied"
    assert list(tmp_path.iterdir()) == []  # the temporary file is gone too


def test_a_name_that_nearly_fills_the_file_name_limit_is_written(tmp_path: Path) -> None:
    # the temporary name adds ~14 characters to the name: it must still fit in 255
    target = tmp_path / ("n" * 247 + ".csv")
    assert len(target.name) == 251
    pd.testing.assert_frame_equal(pd.read_csv(write_frame(FRAME, target)), FRAME)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
