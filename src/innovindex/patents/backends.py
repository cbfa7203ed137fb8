"""Engines: the only module that knows about DuckDB files, Parquet and Spark sessions.

``open_tables`` returns :class:`~.queries.PatentTables` on the chosen engine; the queries
themselves are engine-neutral Ibis expressions.

* ``duckdb`` (default): the project store (a DuckDB file, one data set of it) or a
  directory of Parquet files (``applications.parquet``, ``classifications.parquet``,
  ``parties.parquet``; optionally ``application_summary.parquet`` and a
  ``<table>.parquet`` per :data:`.export.SIDE_TABLES` table, opened under that name).
* ``spark``: a running :class:`pyspark.sql.SparkSession`, a Spark Connect URL
  (``sc://host:15002``), or none (local mode, ``local[2]``). Tables are read from Parquet;
  a DuckDB store is exported to a Parquet directory first (:func:`.export.export_parquet`).
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
from .datasets import Dataset
from .export import SIDE_TABLES
from .queries import PatentTables
from .schema import SCHEMAS, TABLE_NAMES

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

__all__ = [
    "Engine",
    "ENGINES",
    "connect",
    "open_tables",
    "local_spark_session",
    "pick_dataset",
    "session",
]

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
        .config(
            "spark.sql.warehouse.dir",
            str(Path(tempfile.gettempdir()) / "innovindex-spark-warehouse"),
        )
        .getOrCreate()
    )


def connect(
    engine: str = "duckdb", *, db: str | Path | None = None, spark: Any = None
) -> BaseBackend:
    """An Ibis connection for ``engine``.

    Parameters
    ----------
    engine
        ``"duckdb"`` or ``"spark"``.
    db
        DuckDB: the store file, opened read-only (None = an in-memory engine).
    spark
        Spark: a SparkSession, a Spark Connect URL string, or None for local mode.
    """
    if engine == "duckdb":
        if db is not None:  # the store opens only through innovindex.dbfile (refuses :memory:)
            from .datasets import open_read

            return _quiet(ibis.duckdb.from_connection(open_read(db)))
        return _quiet(ibis.duckdb.connect(":memory:"))
    if engine == "spark":
        if isinstance(spark, str):
            from pyspark.sql import SparkSession

            session = SparkSession.builder.remote(spark).getOrCreate()
        else:
            session = spark if spark is not None else local_spark_session()
        return ibis.pyspark.connect(session)
    raise SpecError(f"unknown engine {engine!r}; expected one of {list(ENGINES)}")


def open_tables(
    con: BaseBackend,
    concordance: pa.Table | None,
    *,
    parquet_dir: str | Path | None = None,
    dataset: Dataset | None = None,
    filter_dataset: bool = False,
) -> PatentTables:
    """The canonical tables on ``con``: from Parquet files, else from the store tables.

    From the store, ``appln_id`` is the integer surrogate key ``appln_key`` (what every
    indicator joins on); ``filter_dataset`` keeps the rows of ``dataset`` only (needed
    when the store holds several). ``concordance`` None: tables that map IPC symbols to
    fields refuse with one line; the others run.

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
            continue
        # not con.list_tables(): it fails on Ibis 12 + DuckDB 2.0 (fetch_arrow_table)
        try:
            raw = con.table(TABLE_NAMES[name])
        except Exception:  # TableNotFound and engine-specific errors
            raise InputError(
                f"the store has no {TABLE_NAMES[name]} table: import data first with "
                "`innovindex patents import --format FORMAT FILES --db STORE`"
            ) from None
        if filter_dataset and dataset is not None:
            raw = raw.filter(raw.dataset == dataset.name)
        cols = [
            raw.appln_key.name("appln_id") if c == "appln_id" else raw[c]
            for c in SCHEMAS[name].names
        ]
        tables[name] = raw.select(*cols)
    if parquet_dir is not None:
        _open_side_tables(con, Path(parquet_dir))
    summary = _summary(con, parquet_dir, dataset if filter_dataset else None)
    if summary is not None:
        summary = checked_summary(summary, tables["applications"], dataset)
    conc = None
    if concordance is not None:
        # a temporary table, not an ibis.memtable: Spark drops memtable views that cached
        # (materialised) expressions still refer to
        if con.name == "pyspark":  # Ibis's PySpark backend has no temporary tables: a temp view
            session = con._session  # noqa: SLF001 - the backend's own SparkSession
            session.createDataFrame(concordance.to_pandas()).createOrReplaceTempView(
                "patent_concordance_tmp"
            )
            conc = con.table("patent_concordance_tmp").cast({"level": "int32", "field": "int32"})
        else:
            conc = con.create_table(
                "patent_concordance_tmp", concordance, temp=True, overwrite=True
            )
    return PatentTables(
        applications=tables["applications"],
        classifications=tables["classifications"],
        parties=tables["parties"],
        concordance=conc,
        summary=summary,
        dataset=dataset,
    )


def _open_side_tables(con: BaseBackend, parquet_dir: Path) -> None:
    """Make each ``<table>.parquet`` of :data:`.export.SIDE_TABLES` in ``parquet_dir`` a
    temporary view of that name on ``con``, so readers find it as they find the store's
    table (``con.table(name)``). A view of that name left by an earlier folder is dropped
    when this one has no such file: a SparkSession outlives the folders it read."""
    for name in SIDE_TABLES:
        path = parquet_dir / f"{name}.parquet"
        if path.is_file():
            con.read_parquet(str(path), table_name=name)
        elif con.name == "pyspark":
            con._session.catalog.dropTempView(name)  # noqa: SLF001 - the backend's session
        elif con.name == "duckdb":
            con.con.execute(f'DROP VIEW IF EXISTS temp.main."{name}"').fetchall()


def _summary(con: BaseBackend, parquet_dir: str | Path | None, dataset: Dataset | None) -> Any:
    """The per-application summary the import stored (:mod:`.summary`), or None when the
    store or folder predates it (the indicators then compute it)."""
    from .summary import SUMMARY_COLUMNS, SUMMARY_FILE, SUMMARY_TABLE

    if parquet_dir is not None:
        path = Path(parquet_dir) / SUMMARY_FILE
        if not path.exists():
            return None
        return con.read_parquet(str(path), table_name=SUMMARY_TABLE).select(*SUMMARY_COLUMNS)
    try:
        raw = con.table(SUMMARY_TABLE)
    except Exception:  # TableNotFound and engine-specific errors: an earlier store
        return None
    if dataset is not None:
        raw = raw.filter(raw.dataset == dataset.name)
    return raw.select(raw.appln_key.name("appln_id"), *SUMMARY_COLUMNS[1:])


def checked_summary(summary: Any, applications: Any, dataset: Dataset | None) -> Any:
    """``summary`` when it covers exactly the applications read, else None with a
    :class:`~innovindex.errors.DataWarning` (the indicators then compute it).

    The check compares the number of rows and the smallest and largest key: keys are
    never reused (an import numbers its rows after the largest key in the store), so a
    summary written before a data set was replaced or extended by a program that did not
    maintain it (an earlier innovindex), or a Parquet folder whose tables were edited,
    differs in at least one of the three.
    """
    import warnings

    from ..errors import DataWarning

    def span(t: Any) -> tuple[object, ...]:
        row = t.aggregate(n=t.count(), lo=t.appln_id.min(), hi=t.appln_id.max())
        return tuple(row.to_pyarrow().to_pylist()[0].values())

    if span(summary) == span(applications):
        return summary
    label = f" of data set {dataset.name!r}" if dataset is not None else ""
    warnings.warn(
        f"the stored per-application summary{label} does not match its applications "
        "(written before the data changed); computing it from the parties instead (the "
        "next import into the store refreshes it)",
        DataWarning,
        stacklevel=2,
    )
    return None


def pick_dataset(datasets: list[Dataset], name: str | None, db: str | Path) -> Dataset:
    """The data set to compute tables from: ``name``, or the only one in the store.

    Raises
    ------
    InputError
        No patent data; ``name`` not in the store; several data sets and none named (the
        message lists them: tables never mix data sets).
    """
    names = [d.name for d in datasets]
    if not datasets:
        raise InputError(
            "the store holds no patent data: import some with `innovindex patents import`", file=db
        )
    if name is not None:
        for d in datasets:
            if d.name == name:
                return d
        raise InputError(f"no data set {name!r} in the store; it holds {names}", file=db)
    if len(datasets) > 1:
        raise InputError(
            f"the store holds several patent data sets {names}; choose one with --dataset NAME",
            file=db,
        )
    return datasets[0]


def _parquet_label(parquet_dir: str | Path, name: str | None) -> Dataset:
    """The label of a Parquet directory: from innovindex's metadata, else its folder name."""
    import pyarrow.parquet as pq

    meta: dict[bytes, bytes] = {}
    path = Path(parquet_dir) / "applications.parquet"
    if path.is_file():
        try:
            meta = dict(pq.read_schema(path).metadata or {})
        except (OSError, pa.ArrowException):
            meta = {}
    label = (
        meta.get(b"innovindex.dataset", b"").decode("utf-8", "replace")
        or Path(parquet_dir).absolute().name
    )
    if name is not None and name != label:
        raise InputError(
            f"the Parquet files hold data set {label!r}, not {name!r}", file=parquet_dir
        )
    return Dataset(label, "parquet", meta.get(b"innovindex.synthetic") == b"true", -1)


@contextlib.contextmanager
def session(
    engine: str = "duckdb",
    *,
    concordance: pa.Table | None,
    db: str | Path | None = None,
    parquet_dir: str | Path | None = None,
    spark: Any = None,
    dataset: str | None = None,
    wait: float | None = None,
) -> Iterator[PatentTables]:
    """Open the patent tables of one data set on ``engine`` for a ``with`` block.

    DuckDB reads the store ``db`` (read-only, waiting up to ``wait`` seconds for a
    writer's lock; None = :func:`innovindex.dbfile.lock_timeout`) or ``parquet_dir``.
    Spark reads ``parquet_dir``; given only a store, the data set is exported to Parquet in
    a temporary folder under ``<store>.tmp/`` first, removed afterwards. Opening a store
    removes what killed imports left there (:func:`innovindex.dbfile.clean_stale_temp`). The
    tables carry the data set as their label (:func:`.tables.build_table` adds
    ``dataset`` and ``synthetic`` columns).
    """
    from ..dbfile import clean_stale_temp, operation_temp_dir
    from .datasets import list_datasets, open_read
    from .export import export_parquet

    if engine not in ENGINES:
        raise SpecError(f"unknown engine {engine!r}; expected one of {list(ENGINES)}")
    if db is None and parquet_dir is None:
        raise SpecError("give a DuckDB store (--db) or a Parquet directory")
    if parquet_dir is not None:
        label = _parquet_label(parquet_dir, dataset)
        con = connect("duckdb") if engine == "duckdb" else connect("spark", spark=spark)
        try:
            yield open_tables(con, concordance, parquet_dir=parquet_dir, dataset=label)
        finally:
            if engine == "duckdb":
                con.disconnect()
        return
    assert db is not None
    raw = open_read(db, wait=wait)
    clean_stale_temp(db)  # leftovers of killed imports go on the next start
    try:
        stored = list_datasets(raw, db)
        label = pick_dataset(stored, dataset, db)
    except BaseException:
        raw.close()
        raise
    if engine == "duckdb":
        con = _quiet(ibis.duckdb.from_connection(raw))
        try:
            yield open_tables(con, concordance, dataset=label, filter_dataset=len(stored) > 1)
        finally:
            con.disconnect()
        return
    raw.close()
    con = connect("spark", spark=spark)
    with operation_temp_dir(db) as tmp:
        export_parquet(db, tmp, dataset=label.name)
        yield open_tables(con, concordance, parquet_dir=tmp, dataset=label)


def _quiet(con: BaseBackend) -> BaseBackend:
    """No DuckDB progress bar on stdout (the CLI owns its output)."""
    con.con.execute("SET enable_progress_bar = false").fetchall()
    # every table is ordered explicitly, so intermediates need not keep insertion order
    con.con.execute("SET preserve_insertion_order = false").fetchall()
    return con
