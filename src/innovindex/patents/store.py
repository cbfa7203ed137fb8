"""The project store (a DuckDB file): imports into the ``patent_*`` tables, by data set.

Every import belongs to a named *data set* (``patent_datasets``), and every stored row
carries its data set, so tables are computed per data set and never mix. Applications get
an integer surrogate key (``appln_key``) on import; classifications and parties refer to
it, which makes the joins of every indicator integer joins.

An import either commits everything or leaves the store file exactly as it was: it is
written into a copy of the store in a temporary folder of its own under ``<store>.tmp/``
(:func:`innovindex.dbfile.operation_temp_dir`), and the copy replaces the store in one
atomic rename. While it runs, the import holds the store's lock (another import or build
waits for it, with a timeout and a message: :func:`innovindex.dbfile.lock_timeout`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

from ..dbfile import check_store_path, connect_store, lock_timeout, notice, operation_temp_dir
from ..errors import DataWarning, InputError
from .datasets import (
    DATASETS_DDL,
    DATASETS_TABLE,
    Dataset,
    check_dataset_name,
    default_dataset_name,
    list_datasets,
    table_names,
)
from .importers import ImportResult
from .schema import SCHEMAS, SIDE_TABLES, TABLE_NAMES, conform
from .summary import drop_dataset, write_summary

__all__ = ["import_files", "store_counts", "write_import"]

_MEMORY_LIMIT = "2GB"
_DDL = {
    "applications": "appln_key BIGINT, dataset VARCHAR, appln_id VARCHAR, office VARCHAR, filing_date DATE, "
    "filing_year INTEGER, priority_year INTEGER, kind VARCHAR, family_id VARCHAR, granted BOOLEAN",
    "classifications": "appln_key BIGINT, dataset VARCHAR, ipc VARCHAR, position INTEGER",
    "parties": "appln_key BIGINT, dataset VARCHAR, role VARCHAR, sequence INTEGER, country VARCHAR, name VARCHAR",
}


@contextlib.contextmanager
def _import_lock(path: Path, timeout: float) -> Iterator[None]:
    """Serialise imports into one folder's stores (an flock on the folder: no lock file)."""
    fd = os.open(path.absolute().parent, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise InputError(
                        f"another import into this folder is still running after {timeout:g} s; "
                        "try again when it has finished (or raise --wait)",
                        file=path,
                    ) from None
                if not told:
                    notice(f"waiting for another import into {path} to finish ...")
                    told = True
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # releases the flock


def write_import(
    db: str | Path,
    result: ImportResult,
    *,
    dataset: str | None = None,
    files: Sequence[str | Path] = (),
    replace: bool = False,
    wait: float | None = None,
    work: Path | None = None,
) -> dict[str, int]:
    """Add an import to the store as (part of) data set ``dataset``.

    Parameters
    ----------
    db
        The store file (created when absent).
    result
        The importer's result.
    dataset
        Data set name. None: the default from ``files`` (:func:`default_dataset_name`),
        refused when the store holds a data set of another name.
    files
        The imported files (for the default name and the record in ``patent_datasets``).
    replace
        Replace the data set's rows (other data sets are kept).
    wait
        Seconds to wait for another process's lock on the store (None:
        :func:`innovindex.dbfile.lock_timeout`).
    work
        The operation's temporary folder under ``<store>.tmp/``
        (:func:`innovindex.dbfile.operation_temp_dir`); None = a new one.

    Returns
    -------
    dict
        Rows of the data set in each ``patent_*`` table after the import.

    Raises
    ------
    InputError
        The store holds another data set and none was named; application ids already in
        the data set; synthetic and real records in one data set; an unusable store file.
        Nothing is written in any of these cases.
    """
    path = check_store_path(db)
    name = (
        check_dataset_name(dataset)
        if dataset is not None
        else default_dataset_name(files, result.format)
    )
    if work is None:
        with operation_temp_dir(path) as fresh:
            return _locked_write(
                path, result, name, dataset is not None, files, replace, wait, fresh
            )
    return _locked_write(path, result, name, dataset is not None, files, replace, wait, work)


def import_files(
    db: str | Path,
    fmt: str,
    files: Sequence[str | Path],
    *,
    dataset: str | None = None,
    replace: bool = False,
    wait: float | None = None,
    **options: object,
) -> tuple[ImportResult, dict[str, int]]:
    """Import ``files`` of format ``fmt`` into the store ``db`` (see :func:`write_import`).

    All temporary files (the importer's Parquet and spill files, the store copy) live in
    one folder under ``<store>.tmp/`` (:func:`innovindex.dbfile.operation_temp_dir`) and
    are removed at the end, whatever the outcome.
    """
    from .importers import get_importer
    from .importers._sql import temp_root

    path = check_store_path(db)
    name = check_dataset_name(dataset) if dataset is not None else None
    importer = get_importer(fmt)
    with operation_temp_dir(path) as work, temp_root(work):
        result = importer(files, **options)
        if name is None:
            name = default_dataset_name(files, result.format)
        counts = _locked_write(path, result, name, dataset is not None, files, replace, wait, work)
        result.dataset = name
    return result, counts


def _locked_write(
    path: Path,
    result: ImportResult,
    name: str,
    named: bool,
    files: Sequence[str | Path],
    replace: bool,
    wait: float | None,
    work: Path,
) -> dict[str, int]:
    wait = lock_timeout(wait)
    with _import_lock(path, wait):
        orig = connect_store(path, lock_timeout=wait) if path.exists() else None
        try:
            current = list_datasets(orig, path) if orig is not None else []
            _check_dataset(current, name, named, result, replace, path)
            new = work / "store.duckdb"
            if orig is not None:
                if Path(f"{path}.wal").exists():
                    orig.execute("CHECKPOINT")
                shutil.copyfile(path, new)
                shutil.copymode(path, new)
            counts, dropped = _write(new, work, result, name, files, replace, path)
            _fsync(new)
            os.replace(new, path)
            _fsync(path.absolute().parent)
        finally:
            if orig is not None:
                orig.close()
    for table in dropped:  # said once the import has committed
        warnings.warn(
            f"data set {name!r} changed, so its rows of {table} (derived from the old "
            f"records) were removed: rebuild them (for firm_applicants: "
            f"`innovindex patents applicants --dataset {name}`)",
            DataWarning,
            stacklevel=2,
        )
    return counts


def _check_dataset(
    current: list[Dataset], name: str, named: bool, result: ImportResult, replace: bool, db: Path
) -> None:
    others = [d.name for d in current if d.name != name]
    if others and not named:
        raise InputError(
            f"the store already holds patent data set(s) {others}; name this import with --dataset NAME "
            f"(it would be {name!r}) so that tables never mix data sets",
            file=db,
        )
    same = [d for d in current if d.name == name]
    if same and not replace and same[0].synthetic != result.synthetic:
        kind = "synthetic" if same[0].synthetic else "real"
        raise InputError(
            f"data set {name!r} holds {kind} records; synthetic and real records never share a data set "
            "(choose another --dataset)",
            file=db,
        )


def _write(
    new: Path,
    work: Path,
    result: ImportResult,
    name: str,
    files: Sequence[str | Path],
    replace: bool,
    db: Path,
) -> tuple[dict[str, int], list[str]]:
    """Write the import into the store copy ``new`` in one transaction; return the counts
    and the side tables whose rows of the data set were removed."""
    con = duckdb.connect(str(new))
    try:
        spill = str(work / "spill").replace("'", "''")
        con.execute(f"SET memory_limit = '{_MEMORY_LIMIT}'")
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("BEGIN TRANSACTION")
        for key, cols in _DDL.items():
            con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE_NAMES[key]} ({cols})")
        con.execute(DATASETS_DDL)
        if replace:
            result.replaced = int(
                con.execute(
                    f"SELECT count(*) FROM {TABLE_NAMES['applications']} WHERE dataset = ?", [name]
                ).fetchall()[0][0]
            )
            for key in _DDL:
                con.execute(f"DELETE FROM {TABLE_NAMES[key]} WHERE dataset = ?", [name])
            con.execute(f"DELETE FROM {DATASETS_TABLE} WHERE dataset = ?", [name])
            drop_dataset(con, name)
        for key in SCHEMAS:
            con.execute(f"CREATE OR REPLACE TEMP VIEW new_{key} AS {_source(con, result, key)}")
        apps = TABLE_NAMES["applications"]
        clash = con.execute(
            f"SELECT count(*), min(n.appln_id) FROM new_applications n JOIN (SELECT appln_id FROM {apps} "
            "WHERE dataset = ?) s USING (appln_id)",
            [name],
        ).fetchall()[0]
        if clash and clash[0]:
            raise InputError(
                f"{clash[0]} application id(s) are already in data set {name!r} (e.g. {clash[1]!r}); "
                "use --replace to replace the data set, or import into another --dataset",
                file=db,
            )
        base = int(con.execute(f"SELECT coalesce(max(appln_key), 0) FROM {apps}").fetchall()[0][0])
        a_cols = ", ".join(f'"{c}"' for c in SCHEMAS["applications"].names)
        con.execute(
            f"INSERT INTO {apps} SELECT {base} + row_number() OVER () AS appln_key, ? AS dataset, "
            f"{a_cols} FROM new_applications",
            [name],
        )
        con.execute(
            f"CREATE TEMP TABLE _keys AS SELECT appln_id, appln_key FROM {apps} WHERE appln_key > {base}"
        )
        con.execute(
            f"INSERT INTO {TABLE_NAMES['classifications']} SELECT k.appln_key, ?, c.ipc, c.position "
            "FROM new_classifications c JOIN _keys k USING (appln_id)",
            [name],
        )
        con.execute(
            f"INSERT INTO {TABLE_NAMES['parties']} SELECT k.appln_key, ?, p.role, p.sequence, "
            "p.country, p.name FROM new_parties p JOIN _keys k USING (appln_id)",
            [name],
        )
        write_summary(con, name, base)
        dropped = _drop_side_rows(con, name)
        n_apps = int(
            con.execute(f"SELECT count(*) FROM {apps} WHERE dataset = ?", [name]).fetchall()[0][0]
        )
        listed = "; ".join(Path(f).name for f in files)[:2000]
        con.execute(f"DELETE FROM {DATASETS_TABLE} WHERE dataset = ?", [name])
        con.execute(
            f"INSERT INTO {DATASETS_TABLE} VALUES (?, ?, ?, ?, ?, now())",
            [name, result.format, result.synthetic, n_apps, listed],
        )
        con.execute("DROP TABLE _keys")
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        return store_counts(con, name), dropped
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()


def _drop_side_rows(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """Remove data set ``name``'s rows from the :data:`.schema.SIDE_TABLES` (derived from
    its records, which this import changes); return the tables that had some."""
    present = table_names(con)
    dropped = []
    for table in SIDE_TABLES:
        if table not in present:
            continue
        cols = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchall()
        }
        if "dataset" not in cols:  # predates data sets: readers ignore it already, with a warning
            continue
        n = con.execute(f"SELECT count(*) FROM {table} WHERE dataset = ?", [name]).fetchall()
        if n[0][0]:
            con.execute(f"DELETE FROM {table} WHERE dataset = ?", [name])
            dropped.append(table)
    return dropped


def _source(con: duckdb.DuckDBPyConnection, result: ImportResult, name: str) -> str:
    """SQL selecting the canonical columns of one imported table: streamed from the
    result's Parquet files (bulk imports), else from the in-memory Arrow table."""
    cols = ", ".join(f'"{c}"' for c in SCHEMAS[name].names)
    if name not in result.tables and result.parquet_dir is not None:
        path = str(result.parquet_dir / f"{name}.parquet").replace("'", "''")
        return f"SELECT {cols} FROM read_parquet('{path}')"
    con.register(f"_arrow_{name}", conform(name, result.table(name)))
    return f"SELECT {cols} FROM _arrow_{name}"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_counts(con: duckdb.DuckDBPyConnection, dataset: str | None = None) -> dict[str, int]:
    """Rows in each ``patent_*`` table (of one data set when ``dataset`` is given)."""
    out = {}
    where = " WHERE dataset = ?" if dataset is not None else ""
    for name in SCHEMAS:
        row = con.execute(
            f"SELECT count(*) FROM {TABLE_NAMES[name]}{where}",
            [dataset] if dataset is not None else [],
        ).fetchall()
        out[TABLE_NAMES[name]] = int(row[0][0])
    return out
