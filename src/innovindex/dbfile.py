"""Opening the project store: the one place a ``--db`` path becomes a DuckDB connection.

Every command that reads or writes the store (index runs, patent tables, firm tables,
fetched sources) opens it here, so the rules hold everywhere:

- the store is a file path: ``:memory:`` and folders are refused (nothing would be kept);
- a file that is not a DuckDB database (a CSV, a truncated store) is refused with one line;
- errors are :class:`innovindex.errors.InputError`, never a DuckDB traceback.

The reliability work (issue 8) hardens this module: waiting for another writer's lock,
refusing existing non-store files, and cleaning temporary files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from .errors import InputError

__all__ = ["connect_store", "check_store_path"]


def check_store_path(db: str | Path) -> Path:
    """The store path, checked: a file path that DuckDB will keep on disk."""
    text = str(db)
    if not text or text.strip() == "" or text.startswith(":memory:") or text.startswith("md:"):
        raise InputError("the store must be a DuckDB file path; an in-memory store keeps nothing", file=text or "''")
    path = Path(text)
    if path.is_dir():
        raise InputError("the store must be a DuckDB file, not a folder", file=path)
    return path


def connect_store(db: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the store file ``db`` (created when writing and absent)."""
    path = check_store_path(db)
    if read_only and not path.exists():
        raise InputError("no store here: run a build or an import with --db first", file=path)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"cannot open the store as a DuckDB database ({first[:200]})", file=path) from None
