"""Write result tables atomically: everything goes to a temporary folder that is moved into place
only when complete, so a failed run leaves no partial output behind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, SpecError

__all__ = ["FORMATS", "MARKER", "atomic_dir", "file_sha256", "write_tables"]

FORMATS = ("csv", "parquet", "xlsx")


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (recorded in run.json to identify inputs)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Written into every output directory, so a later run knows it may replace that directory.
MARKER = ".innovindex-output"


@contextmanager
def atomic_dir(target: str | Path, *, keep: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a temporary directory beside ``target``; on success it replaces ``target``.

    On any exception the temporary directory is removed and ``target`` is left untouched.
    An existing ``target`` is only replaced when innovindex wrote it (it holds the marker
    file) or it is empty; it must not contain the current directory or any path in ``keep``
    (the run's inputs).

    Raises
    ------
    InputError
        If ``target`` is a file, a directory of other files, contains an input, or cannot be
        created.
    """
    target = Path(target).absolute()
    _check_target(target, keep)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    except OSError as exc:
        raise InputError(
            f"cannot create the output directory: {exc.strerror}", file=target
        ) from None
    try:
        (tmp / MARKER).write_text("written by innovindex; safe to replace by a later run\n")
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    os.replace(tmp, target)
    os.chmod(target, 0o755)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _check_target(target: Path, keep: Iterable[str | Path]) -> None:
    if target.exists() and not target.is_dir():
        raise InputError("the output path is an existing file; expected a directory", file=target)
    if not target.is_dir():
        return
    inside = [Path.cwd(), *(Path(k).absolute() for k in keep)]
    for path in inside:
        if path == target or target in path.parents:
            raise InputError(
                f"the output directory contains {path}; choose a separate output directory",
                file=target,
            )
    if any(target.iterdir()) and not (target / MARKER).exists():
        raise InputError(
            "the output directory already holds files innovindex did not write; "
            "choose a new directory or empty it first",
            file=target,
        )


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
