"""Google Patents Public Data ``publications`` exports (newline-delimited JSON or Parquet,
nested as in BigQuery).

One row per publication; ``appln_id = application_number``, so a second publication of an
application already read is rejected as a duplicate and counted. ``office = country_code``;
dates are YYYYMMDD integers with 0 = none; the priority year is that of ``priority_date``.
Parties come from ``assignee_harmonized`` (applicants) and ``inventor_harmonized``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ...errors import InputError
from ._base import ImportResult, OnError
from ._sql import Bulk

__all__ = ["import_google", "GOOGLE_COLUMNS"]

GOOGLE_COLUMNS = (
    "publication_number",
    "application_number",
    "country_code",
    "application_kind",
    "family_id",
    "filing_date",
    "priority_date",
    "grant_date",
    "ipc",
    "inventor_harmonized",
    "assignee_harmonized",
)


def import_google(files: Sequence[str | Path], *, on_error: OnError = "skip") -> ImportResult:
    """Import Google Patents ``publications`` rows into the canonical schema.

    Raises
    ------
    InputError
        Unreadable file or missing column; any problem with ``on_error="raise"``.
    """
    if not files:
        raise InputError("no google files given")
    b = Bulk("google", on_error)
    b.read("pubs", [Path(f) for f in files], GOOGLE_COLUMNS)
    max_year = dt.date.today().year + 1
    b.con.execute("""
        CREATE TABLE a0 AS SELECT *, trim(CAST(application_number AS VARCHAR)) AS id,
          upper(trim(CAST(country_code AS VARCHAR))) AS office,
          TRY_CAST(filing_date AS BIGINT) AS fdi, TRY_CAST(priority_date AS BIGINT) AS pdi,
          row_number() OVER (PARTITION BY trim(CAST(application_number AS VARCHAR)) ORDER BY _file, _line) AS dup
        FROM pubs""")
    b.con.execute("""ALTER TABLE a0 ADD COLUMN fd DATE;
        UPDATE a0 SET fd = TRY_CAST(strptime(CAST(fdi AS VARCHAR), '%Y%m%d') AS DATE) WHERE fdi > 0""")
    read = b.scalar("SELECT count(*) FROM a0")
    b.con.execute(f"""
        CREATE TABLE a1 AS SELECT *, CASE
          WHEN id IS NULL OR id = '' THEN 'empty application_number'
          WHEN dup > 1 THEN 'duplicate application_number ' || id || ' (another publication of it was read)'
          WHEN office IS NULL OR office NOT IN (SELECT code FROM st3) THEN 'unknown country_code ' || coalesce('''' || office || '''', 'NULL')
          WHEN fdi IS NULL AND filing_date IS NOT NULL THEN 'filing_date is not a YYYYMMDD number'
          WHEN fdi > 0 AND fd IS NULL THEN 'filing_date ' || fdi || ' is not a real date'
          WHEN fd IS NOT NULL AND (year(fd) < 1782 OR year(fd) > {max_year}) THEN 'filing_date ' || fdi || ' outside 1782-{max_year}'
          ELSE NULL END AS reason FROM a0""")
    b.report("SELECT _file, _line, reason FROM a1 WHERE reason IS NOT NULL", "row rejected")
    b.con.execute(f"""
        CREATE TABLE applications AS SELECT id AS appln_id, office, fd AS filing_date,
          CAST(year(fd) AS INTEGER) AS filing_year,
          CAST(CASE WHEN pdi BETWEEN 17820101 AND {max_year}1231 THEN pdi // 10000 END AS INTEGER) AS priority_year,
          NULLIF(trim(CAST(application_kind AS VARCHAR)), '') AS kind,
          NULLIF(trim(CAST(family_id AS VARCHAR)), '') AS family_id,
          coalesce(TRY_CAST(grant_date AS BIGINT), 0) > 0 AS granted
        FROM a1 WHERE reason IS NULL""")
    b.con.execute("""
        CREATE TABLE c0 AS SELECT a._file, a._line, a.id, CAST(x.code AS VARCHAR) AS raw,
          norm_ipc(CAST(x.code AS VARCHAR)) AS ipc, n AS nr
        FROM a1 a, UNNEST(a.ipc) WITH ORDINALITY AS t(x, n) WHERE a.reason IS NULL""")
    b.report(
        "SELECT _file, _line, 'malformed IPC symbol ''' || coalesce(raw, '') || '''' AS reason FROM c0 WHERE ipc IS NULL",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE classifications AS SELECT id AS appln_id, ipc,
          CAST(row_number() OVER (PARTITION BY id ORDER BY nr) AS INTEGER) AS position
        FROM (SELECT id, ipc, min(nr) AS nr FROM c0 WHERE ipc IS NOT NULL GROUP BY id, ipc)""")
    b.con.execute("""
        CREATE TABLE p0 AS
        SELECT a._file, a._line, a.id, 'applicant' AS role, n AS nr, CAST(x.name AS VARCHAR) AS name,
          upper(trim(coalesce(CAST(x.country_code AS VARCHAR), ''))) AS ctry
        FROM a1 a, UNNEST(a.assignee_harmonized) WITH ORDINALITY AS t(x, n) WHERE a.reason IS NULL
        UNION ALL
        SELECT a._file, a._line, a.id, 'inventor', n, CAST(x.name AS VARCHAR),
          upper(trim(coalesce(CAST(x.country_code AS VARCHAR), '')))
        FROM a1 a, UNNEST(a.inventor_harmonized) WITH ORDINALITY AS t(x, n) WHERE a.reason IS NULL""")
    b.report(
        """SELECT _file, _line, 'unknown country code ''' || ctry || '''' AS reason FROM p0
                WHERE ctry <> '' AND ctry NOT IN (SELECT code FROM st3)""",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE parties AS SELECT id AS appln_id, role,
          CAST(row_number() OVER (PARTITION BY id, role ORDER BY nr) AS INTEGER) AS sequence,
          CASE WHEN ctry IN (SELECT code FROM st3) THEN ctry END AS country, name FROM p0""")
    return b.result(read)
