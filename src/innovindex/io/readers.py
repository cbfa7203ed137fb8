"""Read CSV, XLSX or Parquet tables into checked pandas frames.

Errors name the file and, where there is one, the row (1-based, header = row 1) and column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = ["read_table", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read one table. CSV must be UTF-8 (a BOM is accepted).

    Raises
    ------
    InputError
        If the file is missing, empty, of an unknown type, not valid UTF-8 or not a table.
    """
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", file=p)
    if p.is_dir():
        raise InputError("expected a file, found a directory", file=p)
    if p.stat().st_size == 0:
        raise InputError("the file is empty: expected a header row and data rows", file=p)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"unknown file type {suffix!r}; expected one of {list(SUPPORTED_SUFFIXES)}", file=p
        )
    try:
        if suffix in (".csv", ".txt"):
            return _read_csv(p)
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(p, engine="openpyxl")
        return pd.read_parquet(p)
    except InputError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        kind = {".xlsx": "an Excel workbook", ".xlsm": "an Excel workbook"}.get(
            suffix, "a Parquet file"
        )
        raise InputError(f"cannot be read as {kind}: {str(exc).splitlines()[0]}", file=p) from None


def _read_csv(p: Path) -> pd.DataFrame:
    raw = p.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8 CSV",
            file=p,
            row=line,
        ) from None
    try:
        df = pd.read_csv(p, encoding="utf-8-sig", skipinitialspace=False)
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty: expected a header row and data rows", file=p) from None
    except pd.errors.ParserError as exc:
        msg = str(exc).strip().splitlines()[0]
        raise InputError(f"malformed CSV: {msg}", file=p) from None
    if df.shape[1] == 0:
        raise InputError("no columns found: expected a header row", file=p)
    unnamed = [c for c in df.columns if str(c).startswith("Unnamed: ")]
    if unnamed and len(unnamed) == df.shape[1]:
        raise InputError("the header row is empty", file=p, row=1)
    return df
