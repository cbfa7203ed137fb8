"""Read CSV, XLSX or Parquet tables into checked pandas frames.

Errors name the file and, where there is one, the row (1-based, header = row 1) and column.
Code columns (unit codes, iCodes, group labels) are read as text, so ``007`` stays ``007`` and
Namibia's ``NA`` is a code, not a missing value.

CSV files are read as they are published: the delimiter (``,``, ``;``, tab or ``|``), the
decimal mark (``.`` or ``,``) and the encoding (UTF-8, UTF-16 with a byte-order mark, else
Windows-1252/Latin-1) are detected (:mod:`innovindex.io.sniff`), or given explicitly.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .sniff import decode, sniff_dialect

__all__ = ["read_table", "SUPPORTED_SUFFIXES", "MISSING_MARKERS"]

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")
#: Cell texts read as missing in numeric columns (code columns only treat empty cells so).
MISSING_MARKERS = ("", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "..", "-")


TextColumns = Iterable[str] | Callable[[str], bool]


def read_table(
    path: str | Path,
    *,
    text_columns: TextColumns = (),
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read one table.

    Parameters
    ----------
    path
        A ``.csv`` (or ``.txt``), ``.xlsx`` or ``.parquet`` file.
    text_columns
        Columns kept as text (codes and labels), where present: names, or a predicate on
        the column name.
    sep, decimal, encoding
        CSV only: the delimiter, decimal mark and encoding; each is detected when None.

    Raises
    ------
    InputError
        If the file is missing, empty, of an unknown type, not decodable, not a table, or
        has the same column name twice.
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
    text = _text_predicate(text_columns)
    if suffix in (".csv", ".txt"):
        return _read_csv(p, text, sep=sep, decimal=decimal, encoding=encoding)
    kind = "an Excel workbook" if suffix in (".xlsx", ".xlsm") else "a Parquet file"
    try:
        if suffix in (".xlsx", ".xlsm"):
            header = pd.read_excel(p, engine="openpyxl", header=None, nrows=1)
            _check_header([str(v) for v in header.iloc[0].tolist()] if len(header) else [], p)
            df = pd.read_excel(p, engine="openpyxl", **_na_options(list(header.iloc[0]), text))
        else:
            df = pd.read_parquet(p)
    except InputError:
        raise
    except (ValueError, OSError, KeyError, IndexError, zipfile.BadZipFile, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot be read as {kind}: {first}", file=p) from None
    return _text(df, text)


def _text_predicate(text_columns: TextColumns) -> Callable[[object], bool]:
    if callable(text_columns):
        fn = text_columns
        return lambda c: isinstance(c, str) and fn(c)
    names = set(text_columns)
    return lambda c: c in names


def _na_options(columns: list[object], text: Callable[[object], bool]) -> dict[str, Any]:
    return {
        "dtype": {c: str for c in columns if text(c)},
        "keep_default_na": False,
        "na_values": {c: ([""] if text(c) else list(MISSING_MARKERS)) for c in columns},
    }


def _text(df: pd.DataFrame, text: Callable[[object], bool]) -> pd.DataFrame:
    for c in [c for c in df.columns if text(c)]:
        col = df[c]
        df[c] = col.where(col.isna(), col.astype(str).str.strip())
    return df


def _check_header(names: list[str], p: Path) -> None:
    dup = [n for n, k in Counter(names).items() if k > 1 and n.strip()]
    if dup:
        cols = [i + 1 for i, n in enumerate(names) if n == dup[0]]
        raise InputError(
            f"duplicate column {dup[0]!r} (columns {cols}); every column name must be unique",
            file=p,
            row=1,
        )


def _read_csv(
    p: Path,
    text: Callable[[object], bool],
    *,
    sep: str | None,
    decimal: str | None,
    encoding: str | None,
) -> pd.DataFrame:
    decoded, used = decode(p.read_bytes(), encoding, file=p)
    dialect = sniff_dialect(decoded, sep=sep, decimal=decimal, file=p)
    header = next(csv.reader(io.StringIO(decoded), delimiter=dialect.sep), [])
    if not any(h.strip() for h in header):
        raise InputError("the header row is empty", file=p, row=1)
    _check_header(header, p)
    try:
        df = pd.read_csv(
            io.StringIO(decoded),
            sep=dialect.sep,
            decimal=dialect.decimal,
            **_na_options(list(header), text),
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty: expected a header row and data rows", file=p) from None
    except pd.errors.ParserError as exc:
        msg = str(exc).strip().splitlines()[0]
        raise InputError(f"malformed CSV ({dialect.describe(used)}): {msg}", file=p) from None
    return _text(df, text)
