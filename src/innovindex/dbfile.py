"""Opening the project store: the one place a ``--db`` path becomes a DuckDB connection.

Every command that reads or writes the store (index runs, patent tables, firm tables,
fetched sources) opens it here, so the rules hold everywhere:

- the store is a file path that DuckDB keeps on disk: ``:memory:`` (and any name starting
  with ``:``), remote names (``md:``, ``s3://``), folders and file names DuckDB would open as
  an in-memory view (``data.csv``, ``x.parquet``: DuckDB 2 opens those in memory and keeps
  nothing) are refused;
- an existing file is opened only when it is a DuckDB database (checked from its header
  before DuckDB sees it); a truncated or foreign file is refused with one line;
- a second process waits for the other's lock (up to ``lock_timeout`` seconds, default
  :func:`lock_timeout`: ``$INNOVINDEX_LOCK_TIMEOUT`` or 120), saying so once on stderr,
  instead of failing;
- temporary files live under one folder beside the store, ``<store>.tmp/``, in marked
  ``run-<pid>-...`` subfolders: :func:`store_temp_dir` gives each process one, removed when
  the process exits; :func:`operation_temp_dir` gives one operation (a patent import, a
  Parquet export) its own, removed when the operation ends. After a kill, the next process
  that opens the store for writing (or reads patent tables) removes them
  (:func:`clean_stale_temp`); nothing without innovindex's marker is ever deleted;
- errors are :class:`innovindex.errors.InputError`, never a DuckDB traceback.
"""

from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from .errors import InputError
from .io._atomic import pid_alive

__all__ = [
    "STORE_SUFFIXES",
    "check_store_path",
    "clean_stale_temp",
    "connect_store",
    "insert_frame",
    "lock_timeout",
    "notice",
    "operation_temp_dir",
    "store_transaction",
    "store_temp_dir",
    "verify_store",
]

#: File name endings accepted for a store ("" = no ending). Anything else (``.csv``, ``.xlsx``,
#: ``.parquet``, ...) is refused: DuckDB 2 would open such a name as an in-memory view of the
#: file, keeping nothing, or the user meant another file.
STORE_SUFFIXES = (".duckdb", ".db", ".ddb", "")

_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(//)?")  # md:, motherduck:, s3://, http://
_TEMP_PREFIX = "run-"
_TEMP_MARK = ".innovindex-temp"
_TEMP_SEQ = itertools.count()  # two folders of one process never share a name

#: Seconds any command waits for another process's lock on the store, unless
#: ``$INNOVINDEX_LOCK_TIMEOUT`` or the command's own ``--wait`` says otherwise.
DEFAULT_LOCK_TIMEOUT = 120.0


def check_store_path(db: str | Path) -> Path:
    """The store path, checked: a file path that DuckDB will keep on disk.

    Raises
    ------
    InputError
        For an in-memory or remote name, a folder, a name DuckDB would not keep on disk,
        or an existing file that is not a DuckDB database.
    """
    text = str(db)
    if not text.strip() or text.lstrip().startswith(":") or _is_remote(text):
        raise InputError(
            "the store must be a DuckDB file path; an in-memory or remote store keeps nothing",
            file=text or "''",
        )
    path = Path(text)
    if path.is_dir():
        raise InputError("the store must be a DuckDB file, not a folder", file=path)
    suffix = path.suffix.lower()
    if suffix not in STORE_SUFFIXES:
        state = "an existing" if path.exists() else "a"
        raise InputError(
            f"the store must be a DuckDB file ending in .duckdb (or .db, .ddb); {state} "
            f"{suffix} file is not a store",
            file=path,
        )
    if path.exists():
        _check_header(path)
    return path


def _is_remote(text: str) -> bool:
    # A Windows drive letter ("C:\\x") is a path, not a scheme.
    return bool(_REMOTE.match(text)) and not re.match(r"^[A-Za-z]:[\\/]", text)


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InputError(f"cannot read the store: {exc.strerror}", file=path) from None
    if not path.is_file():
        raise InputError("the store must be a regular file", file=path)
    if len(head) == 0:
        raise InputError(
            "the store file is empty, not a DuckDB database; remove it or choose another --db",
            file=path,
        )
    if head[8:12] != _MAGIC:
        raise InputError(
            "not a DuckDB database (foreign or damaged file); choose another --db", file=path
        )


def lock_timeout(value: float | None = None) -> float:
    """Seconds to wait for another process's lock on the store: ``value`` when given (a
    command's ``--wait``), else ``$INNOVINDEX_LOCK_TIMEOUT``, else
    :data:`DEFAULT_LOCK_TIMEOUT`.

    Raises
    ------
    InputError
        When ``$INNOVINDEX_LOCK_TIMEOUT`` is not a number.
    """
    if value is not None:
        return max(0.0, float(value))
    env = os.environ.get("INNOVINDEX_LOCK_TIMEOUT", "")
    try:
        return max(0.0, float(env)) if env.strip() else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        raise InputError(
            f"INNOVINDEX_LOCK_TIMEOUT must be a number of seconds; got {env[:40]!r}"
        ) from None


_timeout = lock_timeout  # connect_store's parameter shadows the function's name


def notice(text: str) -> None:
    """One line on stderr, flushed at once: the notices of a command waiting for a lock.

    They go to stderr so that a command's output on stdout stays clean.
    """
    print(text, file=sys.stderr, flush=True)


def _is_lock_error(exc: duckdb.Error) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def connect_store(
    db: str | Path, *, read_only: bool = False, lock_timeout: float | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection to the store file ``db`` (created when writing and absent).

    Parameters
    ----------
    db
        The store file.
    read_only
        Open for reading; the file must exist.
    lock_timeout
        Seconds to wait while another process holds the store's lock (default
        :func:`lock_timeout`). A one-line notice goes to stderr when waiting.

    Raises
    ------
    InputError
        See :func:`check_store_path`; also when the file cannot be opened as a DuckDB
        database or the lock is still held after ``lock_timeout`` seconds.
    """
    path = check_store_path(db)
    if read_only and not path.exists():
        raise InputError("no store here: run a build or an import with --db first", file=path)
    timeout = _timeout(lock_timeout)
    deadline = time.monotonic() + timeout
    said = False
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise InputError(
                    f"cannot open the store as a DuckDB database ({_first_line(exc)})", file=path
                ) from None
            if time.monotonic() >= deadline:
                raise InputError(
                    f"the store is locked by another innovindex process; gave up after "
                    f"{timeout:g} s (set INNOVINDEX_LOCK_TIMEOUT to wait longer)",
                    file=path,
                ) from None
            if not said:
                notice(
                    f"waiting for the store lock held by another innovindex process "
                    f"(up to {timeout:g} s): {path}"
                )
                said = True
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)
    if not read_only:
        clean_stale_temp(path)
    return con


@contextmanager
def store_transaction(db: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the store ``db`` inside one transaction: committed when the block
    ends, rolled back (nothing written) when it raises, closed either way.

    Examples
    --------
    >>> with store_transaction(db) as con:  # doctest: +SKIP
    ...     insert_frame(con, "source_x", frame, replace=True)
    """
    con = connect_store(db)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def insert_frame(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: Any,
    *,
    replace: bool = False,
    by_name: bool = False,
) -> None:
    """Put ``frame`` (pandas or Arrow) into ``table``: appended (columns by position, or by
    name with ``by_name``), or with ``replace`` the table is created afresh from it."""
    view = f"_innovindex_{table}"
    con.register(view, frame)
    try:
        if replace:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view}")
        else:
            con.execute(f"INSERT INTO {table} {'BY NAME ' if by_name else ''}SELECT * FROM {view}")
    finally:
        con.unregister(view)


def verify_store(db: str | Path) -> Path:
    """Check ``db`` before a command does its work: a valid store path and, when the file
    exists, a database DuckDB can open and read (so a truncated store is refused up front,
    not after the outputs were written). Returns the path; creates nothing."""
    path = check_store_path(db)
    if path.exists():
        con = connect_store(path, read_only=True)
        try:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        except duckdb.Error as exc:
            raise InputError(
                f"cannot read the store as a DuckDB database ({_first_line(exc)})", file=path
            ) from None
        finally:
            con.close()
    return path


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _temp_root(db: str | Path) -> Path:
    path = Path(db).absolute()
    return path.with_name(path.name + ".tmp")


def _new_temp_dir(db: str | Path) -> tuple[Path, Path]:
    """Create a marked ``<store>.tmp/run-<pid>-...`` folder; return (root, folder).

    The marker holds the process id; :func:`clean_stale_temp` removes the folder once that
    process is gone. A folder killed before its marker was written is empty, and is
    recognised by its name alone.
    """
    root = _temp_root(db)
    mine = root / f"{_TEMP_PREFIX}{os.getpid()}-{time.time_ns():x}-{next(_TEMP_SEQ)}"
    for attempt in range(5):
        try:
            mine.mkdir(parents=True)
            break
        except FileNotFoundError:  # another process removed the empty root meanwhile
            if attempt == 4:
                raise
    (mine / _TEMP_MARK).write_text(f"{os.getpid()}\n", encoding="ascii")
    return root, mine


def store_temp_dir(db: str | Path) -> Path:
    """This process's temporary folder for work on the store ``db``, created on first use.

    It is ``<store>.tmp/run-<pid>-.../``, marked as innovindex's, removed when the process
    exits, and removed by the next writer that opens the store if the process was killed.
    For a folder that lives only as long as one operation, use :func:`operation_temp_dir`.
    """
    root = _temp_root(db)
    mine = _OWNED.get(root)
    if mine is not None and mine.is_dir():
        return mine
    root, mine = _new_temp_dir(db)
    _OWNED[root] = mine
    return mine


@contextmanager
def operation_temp_dir(db: str | Path) -> Iterator[Path]:
    """A fresh temporary folder for one operation on the store ``db``, for a ``with`` block.

    It is a marked ``<store>.tmp/run-<pid>-.../`` folder (beside the store, so a file
    written in it can replace the store with one rename), removed when the block ends,
    whatever the outcome; ``<store>.tmp/`` goes too when nothing else is in it. Leftovers
    of killed processes are removed first (:func:`clean_stale_temp`).

    Examples
    --------
    >>> with operation_temp_dir("project.duckdb") as work:  # doctest: +SKIP
    ...     (work / "part.parquet").write_bytes(b"...")
    """
    clean_stale_temp(db)
    root, mine = _new_temp_dir(db)
    try:
        yield mine
    finally:
        shutil.rmtree(mine, ignore_errors=True)
        _remove_if_empty(root)


_OWNED: dict[Path, Path] = {}


@atexit.register
def _remove_owned() -> None:
    for root, mine in list(_OWNED.items()):
        shutil.rmtree(mine, ignore_errors=True)
        _remove_if_empty(root)
        _OWNED.pop(root, None)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def clean_stale_temp(db: str | Path) -> list[Path]:
    """Remove temporary folders that killed innovindex processes left under ``<store>.tmp``.

    Only ``run-<pid>-...`` folders whose process is gone and that carry innovindex's marker
    (or are empty: killed before the marker was written) are removed; anything else in the
    folder, such as a file a user put there, is left alone. ``<store>.tmp`` itself goes
    when nothing is left in it. Returns the removed folders.
    """
    root = _temp_root(db)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for sub in root.glob(f"{_TEMP_PREFIX}*"):
        pid = _owner(sub)
        if pid is not None and not pid_alive(pid):
            shutil.rmtree(sub, ignore_errors=True)
            removed.append(sub)
    _remove_if_empty(root)
    return removed


def _owner(sub: Path) -> int | None:
    """The process id of innovindex's temporary folder ``sub``; None when not ours."""
    if sub.is_symlink() or not sub.is_dir():
        return None
    try:
        return int((sub / _TEMP_MARK).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    pid = sub.name[len(_TEMP_PREFIX) :].split("-", 1)[0]
    try:
        empty = not any(sub.iterdir())
    except OSError:
        return None
    return int(pid) if empty and pid.isdigit() else None
