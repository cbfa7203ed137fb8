"""Temporary files of store operations: one folder next to the store, cleaned on exit and
on the next start, and waiting for another process's lock on the store.

Everything a patent import writes before it commits (the importer's Parquet files and
DuckDB spill files, the new copy of the store) lives under ``.<store name>.tmp/`` next to
the store, in a sub-folder per process (``<pid>-<random>``). The folder is removed when
the operation ends, however it ends short of ``SIGKILL``; after a kill, the next command
on that store removes the sub-folders of processes that no longer run.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from ..io._atomic import pid_alive

__all__ = ["tmp_root", "sweep", "work_dir", "LOCK_WAIT_SECONDS"]

LOCK_WAIT_SECONDS = 300.0


def tmp_root(db: str | Path) -> Path:
    """The temporary folder of store ``db``: ``.<name>.tmp`` in the store's folder."""
    p = Path(db).absolute()
    return p.parent / f".{p.name}.tmp"


def sweep(db: str | Path) -> int:
    """Remove the leftovers of killed operations on ``db``; return how many were removed.

    A sub-folder belongs to a process id; it is removed when that process no longer runs.
    The folder itself goes when it is empty.
    """
    root = tmp_root(db)
    if not root.is_dir():
        return 0
    removed = 0
    for entry in root.iterdir():
        pid_text = entry.name.split("-", 1)[0]
        if pid_text.isdigit() and pid_alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty
    return removed


@contextlib.contextmanager
def work_dir(db: str | Path) -> Iterator[Path]:
    """A fresh temporary folder for one operation on ``db`` (earlier leftovers swept first).

    Removed on exit, whatever the outcome; the parent ``.<name>.tmp`` goes when empty.
    """
    sweep(db)
    root = tmp_root(db)
    root.mkdir(parents=True, exist_ok=True)
    mine = root / f"{os.getpid()}-{secrets.token_hex(4)}"
    mine.mkdir()
    try:
        yield mine
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        with contextlib.suppress(OSError):
            root.rmdir()


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
