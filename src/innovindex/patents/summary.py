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
the fly. The next import into such a store fills the table for every data set.
"""

from __future__ import annotations

import duckdb
import ibis

from .facts import PatentTables, per_application
from .schema import SCHEMAS, TABLE_NAMES

__all__ = ["SUMMARY_COLUMNS", "SUMMARY_FILE", "SUMMARY_TABLE", "drop_dataset", "write_summary"]

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


def write_summary(con: duckdb.DuckDBPyConnection, dataset: str, after_key: int) -> None:
    """Summarise the applications of ``dataset`` with ``appln_key > after_key`` (the rows an
    import just added); when the table is new, every other stored data set too.

    Runs on the import's connection, inside its transaction.
    """
    backfill = not _exists(con)
    con.execute(_DDL)
    apps, parties = TABLE_NAMES["applications"], TABLE_NAMES["parties"]
    todo = [(dataset, after_key)]
    if backfill:
        others = con.execute(
            f"SELECT DISTINCT dataset FROM {apps} WHERE dataset <> ?", [dataset]
        ).fetchall()
        todo += [(str(r[0]), 0) for r in others]
    sql = _summary_sql()
    cols = ", ".join(SUMMARY_COLUMNS[1:])
    for name, key in todo:
        scope = f"dataset = $ds AND appln_key > {int(key)}"
        for table, source in (("applications", apps), ("parties", parties)):
            names = ", ".join(
                "appln_key AS appln_id" if c == "appln_id" else f'"{c}"'
                for c in SCHEMAS[table].names
            )
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW _sum_{table} AS "
                f"SELECT {names} FROM {source} WHERE {scope.replace('$ds', _quote(name))}"
            )
        con.execute(
            f"INSERT INTO {SUMMARY_TABLE} SELECT appln_id, {_quote(name)}, {cols} FROM ({sql})"
        )
    for table in ("applications", "parties"):
        con.execute(f"DROP VIEW IF EXISTS _sum_{table}")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
