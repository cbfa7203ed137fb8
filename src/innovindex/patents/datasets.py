"""The patent data sets of the store: their names, their listing in ``patent_datasets``,
and the check that the store's patent tables have the layout with data sets.

Every import belongs to a named data set and every stored row carries it (see
:mod:`.store`, which writes them); everything that reads the store picks a data set here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .._identity import canonical
from ..dbfile import connect_store
from ..errors import InputError, SpecError
from .schema import TABLE_NAMES

__all__ = [
    "DATASETS_DDL",
    "DATASETS_TABLE",
    "Dataset",
    "check_dataset_name",
    "default_dataset_name",
    "has_patent_tables",
    "list_datasets",
    "open_read",
    "table_names",
]

DATASETS_TABLE = "patent_datasets"
DATASETS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {DATASETS_TABLE} (dataset VARCHAR, format VARCHAR, synthetic BOOLEAN, "
    "applications BIGINT, files VARCHAR, imported_at TIMESTAMP)"
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Dataset:
    """One data set of the store: its name, source format, size and whether it is synthetic."""

    name: str
    format: str
    synthetic: bool
    applications: int


def check_dataset_name(name: str) -> str:
    """``name`` (canonical form) if it is a valid data set name, else :class:`SpecError`."""
    n = canonical(name)
    if not _NAME.fullmatch(n):
        raise SpecError(
            f"--dataset must be 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit); got {name!r}"
        )
    return n


def default_dataset_name(files: Sequence[str | Path], fmt: str) -> str:
    """The data set name an import gets without ``--dataset``: from the file names.

    One file: its stem. Several: their common stem prefix (trailing digits and separators
    dropped) when it has at least 3 characters and is not a bare table prefix, else the
    name of their folder. Characters outside ``A-Za-z0-9._-`` become ``_``.
    """
    paths = [Path(f) for f in files]
    if not paths:
        return fmt
    stems = [p.name.split(".")[0] for p in paths]
    if len(stems) == 1:
        base = stems[0]
    else:
        base = os.path.commonprefix(stems).rstrip("0123456789_-. ")
        if len(base) < 3 or base.lower() in ("tls", "g_", "publications"):
            base = paths[0].absolute().parent.name
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", canonical(base)).strip("._-")[:64]
    return clean if clean and _NAME.fullmatch(clean) else fmt


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the tables in the store."""
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def has_patent_tables(con: duckdb.DuckDBPyConnection, db: str | Path) -> bool:
    """True if the store has patent tables (in the current layout); else False.

    Raises :class:`InputError` for patent tables of an earlier layout (no data sets).
    """
    tables = table_names(con)
    if TABLE_NAMES["applications"] not in tables:
        return False
    cols = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?",
            [TABLE_NAMES["applications"]],
        ).fetchall()
    }
    if "appln_key" not in cols or "dataset" not in cols or DATASETS_TABLE not in tables:
        raise InputError(
            "the store's patent tables predate data sets; import the data again into a new store",
            file=db,
        )
    return True


def list_datasets(con: duckdb.DuckDBPyConnection, db: str | Path = "store") -> list[Dataset]:
    """The data sets in the store (empty when it holds no patent data)."""
    if not has_patent_tables(con, db):
        return []
    rows = con.execute(
        f"SELECT dataset, format, synthetic, applications FROM {DATASETS_TABLE} ORDER BY dataset"
    ).fetchall()
    return [Dataset(str(r[0]), str(r[1]), bool(r[2]), int(r[3])) for r in rows]


def open_read(db: str | Path, *, wait: float | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store, waiting for a writer's lock to be released
    (up to ``wait`` seconds; None = :func:`innovindex.dbfile.lock_timeout`)."""
    return connect_store(db, read_only=True, lock_timeout=wait)
