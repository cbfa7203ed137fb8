"""Engines: the only module that knows about DuckDB files, Parquet and Spark sessions.

``open_tables`` returns :class:`~.queries.PatentTables` on the chosen engine; the queries
themselves are engine-neutral Ibis expressions.

* ``duckdb`` (default): the project store (a DuckDB file) or a directory of Parquet files
  (``applications.parquet``, ``classifications.parquet``, ``parties.parquet``).
* ``spark``: a running :class:`pyspark.sql.SparkSession`, a Spark Connect URL
  (``sc://host:15002``), or none (local mode, ``local[2]``). Tables are read from Parquet;
  a DuckDB store is exported to a Parquet directory first (:func:`.store.export_parquet`).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ibis
import pyarrow as pa

from ..errors import InputError, SpecError
from .queries import PatentTables
from .schema import SCHEMAS, TABLE_NAMES

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = ["Engine", "ENGINES", "connect", "open_tables", "local_spark_session", "session"]

Engine = Literal["duckdb", "spark"]
ENGINES = ("duckdb", "spark")


def local_spark_session(app_name: str = "innovindex", *, partitions: int = 4) -> Any:
    """A local-mode SparkSession (``local[2]``, UI off, UTC, few shuffle partitions)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the install
        raise SpecError("--engine spark needs PySpark: pip install 'innovindex[spark]'") from None
    return (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        # no spark-warehouse/ litter in the working directory
        .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "innovindex-spark-warehouse"))
        .getOrCreate()
    )


def connect(engine: str = "duckdb", *, db: str | Path | None = None, spark: Any = None) -> BaseBackend:
    """An Ibis connection for ``engine``.

    Parameters
    ----------
    engine
        ``"duckdb"`` or ``"spark"``.
    db
        DuckDB: the store file (None = in memory).
    spark
        Spark: a SparkSession, a Spark Connect URL string, or None for local mode.
    """
    if engine == "duckdb":
        return _quiet(ibis.duckdb.connect(str(db) if db is not None else ":memory:"))
    if engine == "spark":
        if isinstance(spark, str):
            from pyspark.sql import SparkSession

            session = SparkSession.builder.remote(spark).getOrCreate()
        else:
            session = spark if spark is not None else local_spark_session()
        return ibis.pyspark.connect(session)
    raise SpecError(f"unknown engine {engine!r}; expected one of {list(ENGINES)}")


def open_tables(con: BaseBackend, concordance: pa.Table, *, parquet_dir: str | Path | None = None) -> PatentTables:
    """The canonical tables on ``con``: from Parquet files, else from the store tables.

    Raises
    ------
    InputError
        If the store has no patent tables (nothing imported yet) or a file is missing.
    """
    tables: dict[str, Any] = {}
    for name in SCHEMAS:
        if parquet_dir is not None:
            path = Path(parquet_dir) / f"{name}.parquet"
            if not path.exists():
                raise InputError(f"missing {name}.parquet", file=path)
            tables[name] = con.read_parquet(str(path), table_name=TABLE_NAMES[name])
        else:
            # not con.list_tables(): it fails on Ibis 12 + DuckDB 2.0 (fetch_arrow_table)
            try:
                tables[name] = con.table(TABLE_NAMES[name])
            except Exception:  # TableNotFound and engine-specific errors
                raise InputError(
                    f"the store has no {TABLE_NAMES[name]} table: import data first with "
                    "`innovindex patents import --format FORMAT FILES --db STORE`"
                ) from None
    # a temporary table, not an ibis.memtable: Spark drops memtable views that cached
    # (materialised) expressions still refer to
    if con.name == "pyspark":  # Ibis's PySpark backend has no temporary tables: a temp view
        session = con._session  # noqa: SLF001 - the backend's own SparkSession
        session.createDataFrame(concordance.to_pandas()).createOrReplaceTempView("patent_concordance_tmp")
        conc = con.table("patent_concordance_tmp").cast({"level": "int32", "field": "int32"})
    else:
        conc = con.create_table("patent_concordance_tmp", concordance, temp=True, overwrite=True)
    return PatentTables(
        applications=tables["applications"],
        classifications=tables["classifications"],
        parties=tables["parties"],
        concordance=conc,
    )


@contextlib.contextmanager
def session(
    engine: str = "duckdb",
    *,
    concordance: pa.Table,
    db: str | Path | None = None,
    parquet_dir: str | Path | None = None,
    spark: Any = None,
) -> Iterator[PatentTables]:
    """Open the patent tables on ``engine`` for the duration of a ``with`` block.

    DuckDB reads the store ``db`` (read-only) or ``parquet_dir``. Spark reads
    ``parquet_dir``; given only a store, the store is exported to a temporary Parquet
    directory first, removed afterwards.
    """
    if engine not in ENGINES:
        raise SpecError(f"unknown engine {engine!r}; expected one of {list(ENGINES)}")
    if db is None and parquet_dir is None:
        raise SpecError("give a DuckDB store (--db) or a Parquet directory")
    if db is not None and parquet_dir is None and not Path(db).exists():
        raise InputError("store not found; import data first with `innovindex patents import`", file=db)
    if engine == "duckdb":
        con = connect("duckdb") if parquet_dir is not None else _duckdb_store(db)
        try:
            yield open_tables(con, concordance, parquet_dir=parquet_dir)
        finally:
            con.disconnect()
        return
    con = connect("spark", spark=spark)
    if parquet_dir is not None:
        yield open_tables(con, concordance, parquet_dir=parquet_dir)
        return
    from .store import export_parquet

    with tempfile.TemporaryDirectory(prefix="innovindex-spark-") as tmp:
        export_parquet(db, tmp)  # type: ignore[arg-type]
        yield open_tables(con, concordance, parquet_dir=tmp)


def _duckdb_store(db: str | Path | None) -> BaseBackend:
    try:
        return _quiet(ibis.duckdb.connect(str(db), read_only=True))
    except Exception as exc:  # duckdb raises its own IOException for a bad/locked file
        raise InputError(f"cannot open the store: {str(exc).splitlines()[0]}", file=db) from None


def _quiet(con: BaseBackend) -> BaseBackend:
    """No DuckDB progress bar on stdout (the CLI owns its output)."""
    con.con.execute("SET enable_progress_bar = false").fetchall()
    return con
