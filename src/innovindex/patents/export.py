"""Exporting one data set of the store to Parquet: the canonical tables (integer keys), the
per-application summary and the side tables other packages keep per data set.

Spark reads these folders (``backends.session`` exports the chosen data set first), and so
can DuckDB or any Parquet reader; the folder carries the data set's name and synthetic
flag in each file's metadata.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..errors import InputError
from .datasets import has_patent_tables, list_datasets, open_read, table_names
from .schema import SCHEMAS, SIDE_TABLES, TABLE_NAMES
from .store import _sql_text
from .summary import SUMMARY_FILE, SUMMARY_TABLE

__all__ = ["SIDE_TABLES", "export_parquet"]


def export_parquet(db: str | Path, out_dir: str | Path, *, dataset: str | None = None) -> Path:
    """Write the patent tables of one data set as ``<name>.parquet`` into ``out_dir``
    (``dataset`` None: the store's only data set; refused when it holds several).

    ``appln_id`` in the files is the integer surrogate key (what the indicators join on).
    The stored per-application summary goes along (``application_summary.parquet``), and
    so does each :data:`SIDE_TABLES` table the store holds (``<table>.parquet``: the rows
    of ``dataset``, or all rows when the table predates data sets, so that readers warn
    about it as they do on the store).
    """
    out = Path(out_dir)
    con = open_read(db)
    try:
        if not has_patent_tables(con, db):
            raise InputError("the store has no patent tables; import data first", file=db)
        known = {d.name: d for d in list_datasets(con, db)}
        if dataset is None and len(known) > 1:
            raise InputError(
                f"the store holds several patent data sets {sorted(known)}; export one with "
                "dataset=NAME (their records never mix)",
                file=db,
            )
        if dataset is None and known:
            dataset = next(iter(known))  # the only one: label the files with it
        if dataset is not None and dataset not in known:
            raise InputError(
                f"no data set {dataset!r} in the store; it holds {sorted(known)}", file=db
            )
        out.mkdir(parents=True, exist_ok=True)  # only once the request is valid
        where = "" if dataset is None else " WHERE dataset = " + _sql_text(dataset)
        meta = ""
        if dataset is not None:
            flag = "true" if known[dataset].synthetic else "false"
            meta = f", KV_METADATA {{'innovindex.dataset': {_sql_text(dataset)}, 'innovindex.synthetic': '{flag}'}}"
        for name in SCHEMAS:
            cols = ", ".join(
                "appln_key AS appln_id" if c == "appln_id" else f'"{c}"'
                for c in SCHEMAS[name].names
            )
            target = _sql_text(str(out / f"{name}.parquet"))
            con.execute(
                f"COPY (SELECT {cols} FROM {TABLE_NAMES[name]}{where}) TO {target} (FORMAT parquet{meta})"
            )
        if SUMMARY_TABLE in table_names(con):  # derived on import (summary.py): saves a pass
            target = _sql_text(str(out / SUMMARY_FILE))
            con.execute(
                f"COPY (SELECT * EXCLUDE (dataset) RENAME (appln_key AS appln_id) FROM {SUMMARY_TABLE}{where}) "
                f"TO {target} (FORMAT parquet{meta})"
            )
        present = table_names(con)
        for side in SIDE_TABLES:
            if side in present:
                _export_side_table(con, side, out, dataset)
    finally:
        con.close()
    return out


def _export_side_table(
    con: duckdb.DuckDBPyConnection, table: str, out: Path, dataset: str | None
) -> None:
    """Write ``table`` (one of :data:`SIDE_TABLES`) as ``<table>.parquet``: the rows of
    ``dataset`` when the table has a ``dataset`` column, else all of it. A column of
    DuckDB's NULL type (an all-empty column of an early store) is written as text, which
    every engine reads."""
    cols = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "ORDER BY column_index",
        [table],
    ).fetchall()
    select = ", ".join(
        f'CAST("{c}" AS VARCHAR) AS "{c}"' if str(t).strip('"') == "NULL" else f'"{c}"'
        for c, t in cols
    )
    scoped = dataset is not None and any(c == "dataset" for c, _ in cols)
    where = f" WHERE dataset = {_sql_text(dataset)}" if scoped and dataset is not None else ""
    target = _sql_text(str(out / f"{table}.parquet"))
    con.execute(f"COPY (SELECT {select} FROM {table}{where}) TO {target} (FORMAT parquet)")
