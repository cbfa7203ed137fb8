"""The project store (a DuckDB file): write imports into the ``patent_*`` tables, export
them to Parquet. Writes happen in one transaction, so a failed import changes nothing."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from ..errors import InputError
from .importers import ImportResult
from .schema import SCHEMAS, TABLE_NAMES, conform

__all__ = ["write_import", "export_parquet", "store_counts"]

_MEMORY_LIMIT = "2GB"

_DDL = {
    "applications": "appln_id VARCHAR, office VARCHAR, filing_date DATE, filing_year INTEGER, "
    "priority_year INTEGER, kind VARCHAR, family_id VARCHAR, granted BOOLEAN",
    "classifications": "appln_id VARCHAR, ipc VARCHAR, position INTEGER",
    "parties": "appln_id VARCHAR, role VARCHAR, sequence INTEGER, country VARCHAR, name VARCHAR",
}


def _connect(db: str | Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db))
    except duckdb.Error as exc:
        raise InputError(f"cannot open the store: {str(exc).splitlines()[0]}", file=db) from None


def write_import(db: str | Path, result: ImportResult, *, replace: bool = False) -> dict[str, int]:
    """Add an import to the store (or replace the patent tables with it).

    Application ids must be new to the store unless ``replace`` is true.

    Returns
    -------
    dict
        Rows now in each ``patent_*`` table.

    Raises
    ------
    InputError
        If ids already exist in the store (nothing is written).
    """
    con = _connect(db)
    try:
        con.execute(f"SET memory_limit = '{_MEMORY_LIMIT}'")  # spills beyond (bulk imports)
        con.execute("BEGIN TRANSACTION")
        for name, cols in _DDL.items():
            if replace:
                con.execute(f"DROP TABLE IF EXISTS {TABLE_NAMES[name]}")
            con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE_NAMES[name]} ({cols})")
        for name in SCHEMAS:
            con.execute(f"CREATE OR REPLACE TEMP VIEW new_{name} AS {_source(con, result, name)}")
        clash = con.execute(
            f"SELECT count(*), min(n.appln_id) FROM new_applications n JOIN {TABLE_NAMES['applications']} s "
            "USING (appln_id)"
        ).fetchall()[0]
        if clash and clash[0]:
            raise InputError(
                f"{clash[0]} application id(s) are already in the store (e.g. {clash[1]!r}); "
                "use --replace to start the patent tables afresh",
                file=db,
            )
        for name in SCHEMAS:
            con.execute(f"INSERT INTO {TABLE_NAMES[name]} SELECT * FROM new_{name}")
        con.execute("COMMIT")
        return store_counts(con)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def _source(con: duckdb.DuckDBPyConnection, result: ImportResult, name: str) -> str:
    """SQL selecting the canonical columns of one imported table: streamed from the
    result's Parquet files (bulk imports), else from the in-memory Arrow table."""
    cols = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
    if name not in result.tables and result.parquet_dir is not None:
        path = str(result.parquet_dir / f"{name}.parquet").replace("'", "''")
        return f"SELECT {cols} FROM read_parquet('{path}')"
    con.register(f"_arrow_{name}", conform(name, result.table(name)))
    return f"SELECT {cols} FROM _arrow_{name}"


def store_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows in each ``patent_*`` table."""
    out = {}
    for name in SCHEMAS:
        row = con.execute(f"SELECT count(*) FROM {TABLE_NAMES[name]}").fetchall()
        out[TABLE_NAMES[name]] = int(row[0][0])
    return out


def export_parquet(db: str | Path, out_dir: str | Path) -> Path:
    """Write the store's patent tables as ``<name>.parquet`` files into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = _connect(db)
    try:
        tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        for name in SCHEMAS:
            if TABLE_NAMES[name] not in tables:
                raise InputError(f"the store has no {TABLE_NAMES[name]} table; import data first", file=db)
            tmp = tempfile.mkdtemp(dir=out)
            target = Path(tmp) / f"{name}.parquet"
            con.execute(f"COPY {TABLE_NAMES[name]} TO '{target}' (FORMAT parquet)")
            os.replace(target, out / f"{name}.parquet")
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        con.close()
    return out
