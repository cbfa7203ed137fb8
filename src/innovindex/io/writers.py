"""Write result tables atomically: everything goes to a temporary folder that is moved into place
only when complete, so a failed run leaves no partial output behind."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

from ..errors import InputError, SpecError
from ._atomic import atomic_file, pid_alive, umask

__all__ = [
    "FORMATS",
    "MARKER",
    "atomic_dir",
    "check_output_dir",
    "clean_leftovers",
    "file_sha256",
    "write_frame",
    "write_tables",
]

FORMATS = ("csv", "parquet", "xlsx")
#: File suffix -> format, for one table written to one file (``.pq`` is Parquet's short form).
FRAME_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (recorded in run.json to identify inputs)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Written into every output directory, so a later run knows it may replace that directory:
#: a JSON record of the process that wrote it and of every file it wrote. While a run is
#: writing, its temporary folder holds the same file in state "partial".
MARKER = ".innovindex-output"


@contextmanager
def atomic_dir(target: str | Path, *, keep: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; on success it replaces ``target``.

    On any exception (or when the final rename fails) the temporary directory is removed and
    ``target`` is left untouched: nothing is written. Paths are compared after resolving
    symbolic links. An existing ``target`` is replaced only when innovindex wrote it and it
    holds nothing innovindex did not write (its marker file lists every file), or it is
    empty; it must not contain the current directory or any path in ``keep`` (the run's
    inputs and store). Temporary folders left by killed runs beside ``target`` are removed
    first. Folders and files get the user's umask, like every other output.

    Raises
    ------
    InputError
        If ``target`` is a file or a symbolic link, contains an input, holds files
        innovindex did not write (the first is named), or cannot be created.
    """
    target = check_output_dir(target, keep=keep)
    clean_leftovers(target)
    created = _missing_parents(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        _remove_created(created)
        raise InputError(
            f"cannot create the output directory: {exc.strerror}", file=target
        ) from None
    try:
        _write_marker(tmp, "partial")
        yield tmp
        _write_marker(tmp, "complete", files=_listing(tmp))
        _apply_umask(tmp)
        _swap_into_place(tmp, target)
    except BaseException:
        _remove_tree(tmp)
        _remove_created(created)
        raise


def check_output_dir(target: str | Path, *, keep: Iterable[str | Path] = ()) -> Path:
    """``target`` as an absolute path with its parent's symbolic links resolved, checked.

    Refuses a symbolic link or a file at ``target``, an output folder holding an input (any
    path in ``keep``) or the current directory, and a folder holding files innovindex did
    not write. See :func:`atomic_dir`.
    """
    raw = Path(target).expanduser()
    if raw.name in ("", ".", ".."):
        raise InputError("the output must name a folder, not '.' or '..'", file=raw)
    try:
        parent = raw.absolute().parent.resolve()
    except (OSError, RuntimeError) as exc:
        raise InputError(f"cannot resolve the output folder's parent ({exc})", file=raw) from None
    target = parent / raw.name
    if target.is_symlink():
        dest = os.readlink(target)
        raise InputError(
            f"the output path is a symbolic link (to {dest}); give the folder itself", file=raw
        )
    if target.exists() and not target.is_dir():
        raise InputError("the output path is an existing file; expected a directory", file=raw)
    for k in [Path.cwd(), *(Path(k) for k in keep)]:
        try:
            real = k.expanduser().resolve()
        except (OSError, RuntimeError):
            continue
        if real == target or target in real.parents:
            raise InputError(
                f"the output directory contains {real}, which this run reads or uses; "
                "choose a separate output directory",
                file=raw,
            )
    if target.is_dir():
        _check_replaceable(target, raw)
    return target


def _check_replaceable(target: Path, shown: Path) -> None:
    entries = list(target.iterdir())
    if not entries:
        return
    marker = _read_marker(target / MARKER)
    if marker is None:
        raise InputError(
            f"the output directory already holds files innovindex did not write (e.g. "
            f"{sorted(e.name for e in entries)[0]!r}); choose a new directory or empty it first",
            file=shown,
        )
    known = marker.get("files")
    stamp = (target / MARKER).stat().st_mtime
    for path in sorted(target.rglob("*")):
        rel = path.relative_to(target).as_posix()
        if rel == MARKER or (path.is_dir() and not path.is_symlink()):
            continue
        ours = rel in known if isinstance(known, list) else path.lstat().st_mtime <= stamp + 1
        if not ours:
            raise InputError(
                f"the output directory holds {rel!r}, which innovindex did not write; "
                "move it away or choose another output directory",
                file=shown,
            )


def _read_marker(path: Path) -> dict[str, Any] | None:
    """The marker's record; ``{}`` for a marker written by an older innovindex."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return {} if text.startswith("written by innovindex") else None
    return record if isinstance(record, dict) and record.get("written_by") == "innovindex" else None


def _write_marker(folder: Path, state: str, files: list[str] | None = None) -> None:
    record: dict[str, Any] = {"written_by": "innovindex", "pid": os.getpid(), "state": state}
    if files is not None:
        record["files"] = files
    (folder / MARKER).write_text(json.dumps(record) + "\n", encoding="utf-8")


def _listing(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.name != MARKER and not p.is_dir()
    )


def _apply_umask(folder: Path) -> None:
    """mkdtemp makes a 0700 folder: give it the mode every other new folder gets."""
    os.chmod(folder, 0o777 & ~umask())


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target``; an existing ``target`` is exchanged atomically (Linux
    renameat2) or moved aside first, then removed."""
    if not target.exists():
        os.rename(tmp, target)
        return
    if _exchange(tmp, target):
        _remove_tree(tmp)  # tmp now holds the previous output
        return
    backup = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns():x}")
    os.rename(target, backup)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(backup, target)
        raise
    _remove_tree(backup)


def _remove_tree(folder: Path) -> None:
    """Remove an innovindex folder, its marker last, so a run killed meanwhile leaves a
    folder the next run still recognises as removable."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


def clean_leftovers(target: Path) -> list[Path]:
    """Remove temporary folders that killed runs left beside ``target``.

    Only hidden ``.<name>.tmp-<pid>-*`` and ``.<name>.old-<pid>-*`` folders holding
    innovindex's marker, whose process is gone, are touched. A previous output moved aside
    by a run killed mid-swap is put back when ``target`` is missing.
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for kind in ("old", "tmp"):
        for path in sorted(target.parent.glob(f".{glob.escape(target.name)}.{kind}-*")):
            if path.is_symlink() or not path.is_dir():
                continue
            pid = path.name[len(target.name) + len(kind) + 3 :].split("-", 1)[0]
            if not pid.isdigit() or pid_alive(int(pid)):
                continue
            if _read_marker(path / MARKER) is None and any(path.iterdir()):
                continue  # not recognisably ours: leave it alone
            if kind == "old" and not target.exists():
                os.rename(path, target)
            else:
                _remove_tree(path)
            removed.append(path)
    return removed


def _missing_parents(target: Path) -> list[Path]:
    out = []
    p = target.parent
    while not p.exists() and p != p.parent:
        out.append(p)
        p = p.parent
    return out


def _remove_created(created: list[Path]) -> None:
    for p in created:  # deepest first
        try:
            p.rmdir()
        except OSError:
            break


def write_tables(
    directory: Path,
    tables: Mapping[str, pd.DataFrame],
    fmt: str = "csv",
    run_info: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write named tables into ``directory`` as CSV, Parquet, or one XLSX workbook (a sheet each).

    ``run_info`` is written as ``run.json`` in every format.
    """
    if fmt not in FORMATS:
        raise SpecError(f"unknown output format {fmt!r}; valid: {list(FORMATS)}")
    written: list[Path] = []
    if fmt == "xlsx":
        path = directory / "results.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in tables.items():
                df.to_excel(xw, sheet_name=name[:31], index=False)
        written.append(path)
    else:
        for name, df in tables.items():
            path = directory / f"{name}.{fmt}"
            if fmt == "csv":
                df.to_csv(path, index=False)
            else:
                df.to_parquet(path, index=False)
            written.append(path)
    if run_info is not None:
        path = directory / "run.json"
        path.write_text(
            json.dumps(run_info, indent=2, default=str, sort_keys=False) + "\n", encoding="utf-8"
        )
        written.append(path)
    return written


def write_frame(frame: pd.DataFrame | pa.Table, path: str | Path, *, label: str = "") -> Path:
    """Write one table to ``path`` in the format its suffix names, atomically.

    ``.csv``, ``.parquet`` (or ``.pq``) and ``.xlsx`` are written; any other suffix is refused
    before anything is touched. The table goes to a temporary file beside ``path`` that is
    renamed into place when complete, so a failure leaves neither a partial file nor a changed
    ``path``; missing parent folders are created, and removed again when the write fails. The
    file gets the user's umask. A pyarrow Table is written by pyarrow (CSV and Parquet) and a
    pandas DataFrame by pandas, without its index.

    Parameters
    ----------
    frame
        The rows to write.
    path
        The file to write.
    label
        How the user named the file (e.g. ``"--out"``), for the error message.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    InputError
        When the suffix is not a table format, or ``path`` is a folder.
    OSError
        When the file or its folder cannot be written (read-only or full file system, a
        file in the way of the folder): ``cannot write the file: <reason>``, naming ``path``.
    """
    p = Path(path)
    fmt = FRAME_SUFFIXES.get(p.suffix.lower())
    name = label or "an output table file"
    if fmt is None:
        raise InputError(
            f"{name} must end in .csv, .parquet or .xlsx; got {p.suffix or 'no suffix'!r}",
            file=p,
        )
    if p.is_dir():
        raise InputError(f"{name} must be a file, not a folder", file=p)
    created = _missing_parents(p)
    try:
        _make_parent(p)
        with atomic_file(p) as tmp:
            _write_one(frame, tmp, fmt)
    except BaseException:
        _remove_created(created)
        raise
    return p


def _make_parent(path: Path) -> None:
    """Create the folder of ``path``; a failure is an :class:`OSError` naming ``path`` (the
    file the user asked for), like :func:`._atomic.atomic_file`'s."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        # mkdir says "File exists" when a part of the folder path is a file: say which
        blocker = next((q for q in path.parents if q.exists() and not q.is_dir()), None)
        reason = (
            f"{blocker} is a file, not a folder"
            if blocker is not None
            else f"cannot create its folder: {exc.strerror or exc}"
        )
        raise OSError(exc.errno, f"cannot write the file: {reason}", str(path)) from None


def _write_one(frame: pd.DataFrame | pa.Table, tmp: Path, fmt: str) -> None:
    if isinstance(frame, pd.DataFrame):
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_excel(tmp, index=False, engine="openpyxl")
        return
    if fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(frame, tmp)
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(frame, tmp)
    else:
        frame.to_pandas().to_excel(tmp, index=False, engine="openpyxl")
