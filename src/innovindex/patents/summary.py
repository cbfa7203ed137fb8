"""Per-application summaries, derived once when data is imported.

Every indicator needs, for each application, its WIPO origin and how many inventors (of
known residence) and named applicants it has. Computing that means grouping every party
row by application: at 10 million applications, 40 million rows and about a quarter of
the time of a whole indicator set. The import computes it once into the store table
``patent_application_summary`` (the analogue of PATSTAT's ``nb_applicants`` and
``nb_inventors`` columns), in the import's own transaction, with the SQL that Ibis
compiles from :func:`.facts.per_application`: the stored rows and the on-the-fly ones
come from one definition, so they agree by construction (and a test checks it).

A store written before this table existed, or a Parquet folder without
``application_summary.parquet``, still works: the indicators then compute the summary on
the fly. So does a summary that no longer covers exactly its data set's applications (a
store an earlier innovindex changed, a Parquet folder whose tables were edited), with a
warning; the next import rebuilds the summary of every such data set.
"""

from __future__ import annotations

import duckdb
import ibis

from .facts import PatentTables, per_application
from .schema import SCHEMAS, TABLE_NAMES

__all__ = [
    "SUMMARY_COLUMNS",
    "SUMMARY_FILE",
    "SUMMARY_TABLE",
    "drop_dataset",
    "stale_datasets",
    "write_summary",
]

SUMMARY_TABLE = "patent_application_summary"
SUMMARY_FILE = "application_summary.parquet"
#: the columns of :func:`.facts.per_application`, in its order
SUMMARY_COLUMNS = (
    "appln_id",
    "office",
    "filing_year",
    "priority_year",
    "origin",
    "inventors",
    "known_inventors",
    "applicants",
)
_DDL = (
    f"CREATE TABLE IF NOT EXISTS {SUMMARY_TABLE} (appln_key BIGINT, dataset VARCHAR, "
    "office VARCHAR, filing_year INTEGER, priority_year INTEGER, origin VARCHAR, "
    "inventors BIGINT, known_inventors BIGINT, applicants BIGINT)"
)


def _summary_sql() -> str:
    """DuckDB SQL of :func:`.facts.per_application` over the views ``_sum_applications``,
    ``_sum_classifications`` and ``_sum_parties`` (canonical columns, integer ``appln_id``)."""

    def unbound(name: str) -> ibis.Table:
        schema = {
            f.name: ("int64" if f.name == "appln_id" else ibis.dtype(f.type)) for f in SCHEMAS[name]
        }
        return ibis.table(schema, name=f"_sum_{name}")

    t = PatentTables(
        applications=unbound("applications"),
        classifications=unbound("classifications"),
        parties=unbound("parties"),
    )
    return str(ibis.to_sql(per_application(t), dialect="duckdb"))


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [SUMMARY_TABLE]
    ).fetchall()
    return bool(rows[0][0])


def drop_dataset(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    """Remove the summary rows of ``dataset`` (its records are being replaced)."""
    if _exists(con):
        con.execute(f"DELETE FROM {SUMMARY_TABLE} WHERE dataset = ?", [dataset])


def stale_datasets(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Data sets whose summary rows do not cover exactly their applications: a different
    number of rows, smallest or largest key (keys are never reused, so a data set replaced
    or extended by a program that did not maintain the summary shows here), or summary rows
    left for a data set that is gone."""
    apps = TABLE_NAMES["applications"]
    spans = "SELECT dataset, count(*) AS n, min(appln_key) AS lo, max(appln_key) AS hi FROM {} GROUP BY 1"
    rows = con.execute(
        f"SELECT coalesce(a.dataset, s.dataset) FROM ({spans.format(apps)}) a "
        f"FULL OUTER JOIN ({spans.format(SUMMARY_TABLE)}) s ON a.dataset = s.dataset "
        "WHERE a.n IS DISTINCT FROM s.n OR a.lo IS DISTINCT FROM s.lo OR a.hi IS DISTINCT FROM s.hi"
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def write_summary(con: duckdb.DuckDBPyConnection, dataset: str, after_key: int) -> None:
    """Summarise the applications of ``dataset`` with ``appln_key > after_key`` (the rows an
    import just added), then rebuild the summary of every data set that does not match its
    applications (:func:`stale_datasets`: all of them when the table is new, or a data set
    an earlier innovindex changed).

    Runs on the import's connection, inside its transaction.
    """
    con.execute(_DDL)
    _insert(con, dataset, after_key)
    for name in stale_datasets(con):
        con.execute(f"DELETE FROM {SUMMARY_TABLE} WHERE dataset = ?", [name])
        _insert(con, name, 0)


def _insert(con: duckdb.DuckDBPyConnection, name: str, after_key: int) -> None:
    """Insert the summary rows of data set ``name``'s applications with keys > ``after_key``."""
    apps, parties = TABLE_NAMES["applications"], TABLE_NAMES["parties"]
    scope = f"dataset = {_quote(name)} AND appln_key > {int(after_key)}"
    for table, source in (("applications", apps), ("parties", parties)):
        names = ", ".join(
            "appln_key AS appln_id" if c == "appln_id" else f'"{c}"' for c in SCHEMAS[table].names
        )
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _sum_{table} AS SELECT {names} FROM {source} WHERE {scope}"
        )
    cols = ", ".join(SUMMARY_COLUMNS[1:])
    con.execute(
        f"INSERT INTO {SUMMARY_TABLE} SELECT appln_id, {_quote(name)}, {cols} FROM ({_summary_sql()})"
    )
    for table in ("applications", "parties"):
        con.execute(f"DROP VIEW IF EXISTS _sum_{table}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
