"""PATSTAT importer: tls201_appln, tls209_appln_ipc, tls206_person, tls207_pers_appln.

Files are recognised by name (``tls201`` ... anywhere in the file name) and may be CSV
(EPO's release format) or Parquet. Conventions applied:

* ``appln_filing_year`` / ``earliest_filing_year`` 9999 mean unknown and become null;
  any other year outside 1782..next year rejects the application;
* ``appln_auth`` must be a WIPO ST.3 code, else the application is rejected;
* duplicated ``appln_id``: the first is kept, the others rejected;
* malformed IPC symbols, IPC rows or party links of unknown applications, and unknown
  ``person_ctry_code`` values are dropped and reported (the application is kept);
* a person with ``applt_seq_nr > 0`` is an applicant, ``invt_seq_nr > 0`` an inventor
  (both is possible); canonical ``sequence`` is the rank of that number in the application.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ...errors import InputError
from ._base import ImportResult, OnError
from ._sql import Bulk

__all__ = ["import_patstat", "PATSTAT_COLUMNS"]

PATSTAT_COLUMNS = {
    "tls201": (
        "appln_id",
        "appln_auth",
        "appln_kind",
        "appln_filing_date",
        "appln_filing_year",
        "earliest_filing_year",
        "granted",
        "docdb_family_id",
    ),
    "tls209": ("appln_id", "ipc_class_symbol", "ipc_position"),
    "tls206": ("person_id", "person_name", "person_ctry_code"),
    "tls207": ("person_id", "appln_id", "applt_seq_nr", "invt_seq_nr"),
}


def _by_table(files: Sequence[str | Path]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {k: [] for k in PATSTAT_COLUMNS}
    for f in files:
        p = Path(f)
        hits = [k for k in PATSTAT_COLUMNS if k in p.name.lower()]
        if len(hits) != 1:
            raise InputError(
                f"cannot tell which PATSTAT table this is; the file name must contain one of "
                f"{list(PATSTAT_COLUMNS)}",
                file=p,
            )
        out[hits[0]].append(p)
    missing = [k for k, v in out.items() if not v]
    if missing:
        raise InputError(f"PATSTAT import needs all of {list(PATSTAT_COLUMNS)}; missing {missing}")
    return out


def import_patstat(files: Sequence[str | Path], *, on_error: OnError = "skip") -> ImportResult:
    """Import PATSTAT tables (CSV or Parquet) into the canonical schema.

    Parameters
    ----------
    files
        tls201, tls209, tls206 and tls207 files (several of each allowed, e.g. split exports).
    on_error
        ``"skip"``: reject/drop and report; ``"raise"``: stop at the first problem.

    Raises
    ------
    InputError
        A table is missing, a file is unreadable or lacks a column; any problem with
        ``on_error="raise"``.
    """
    groups = _by_table(files)
    b = Bulk("patstat", on_error)
    for name, paths in groups.items():
        b.read(name, paths, PATSTAT_COLUMNS[name])
    from ..synthetic import is_synthetic

    b.synthetic = all(is_synthetic(p) for p in groups["tls201"])
    max_year = dt.date.today().year + 1
    b.con.execute("""
        CREATE TABLE a0 AS SELECT *,
          trim(CAST(appln_id AS VARCHAR)) AS id,
          upper(trim(CAST(appln_auth AS VARCHAR))) AS office,
          TRY_CAST(appln_filing_year AS INTEGER) AS fy,
          TRY_CAST(earliest_filing_year AS INTEGER) AS py,
          row_number() OVER (PARTITION BY trim(CAST(appln_id AS VARCHAR)) ORDER BY _file, _line) AS dup
        FROM tls201""")
    read = b.scalar("SELECT count(*) FROM a0")
    b.con.execute(f"""
        CREATE TABLE a1 AS SELECT *, CASE
          WHEN id IS NULL OR id = '' THEN 'empty appln_id'
          WHEN dup > 1 THEN 'duplicate appln_id ' || id
          WHEN office NOT IN (SELECT code FROM st3) OR office IS NULL
            THEN 'unknown appln_auth ' || coalesce('''' || office || '''', 'NULL')
          WHEN fy IS NULL THEN 'appln_filing_year ' || coalesce('''' || CAST(appln_filing_year AS VARCHAR) || '''', 'NULL') || ' is not a year'
          WHEN fy <> 9999 AND (fy < 1782 OR fy > {max_year})
            THEN 'appln_filing_year ' || fy || ' outside 1782-{max_year} (9999 = unknown)'
          WHEN py IS NOT NULL AND py <> 9999 AND (py < 1782 OR py > {max_year})
            THEN 'earliest_filing_year ' || py || ' outside 1782-{max_year} (9999 = unknown)'
          ELSE NULL END AS reason FROM a0""")
    b.report("SELECT _file, _line, reason FROM a1 WHERE reason IS NOT NULL", "row rejected")
    b.con.execute("""
        CREATE TABLE applications AS SELECT
          id AS appln_id, office,
          CASE WHEN fy = 9999 THEN NULL ELSE TRY_CAST(appln_filing_date AS DATE) END AS filing_date,
          CAST(CASE WHEN fy = 9999 THEN NULL ELSE fy END AS INTEGER) AS filing_year,
          CAST(CASE WHEN py = 9999 THEN NULL ELSE py END AS INTEGER) AS priority_year,
          NULLIF(trim(CAST(appln_kind AS VARCHAR)), '') AS kind,
          NULLIF(trim(CAST(docdb_family_id AS VARCHAR)), '') AS family_id,
          CASE upper(trim(CAST(granted AS VARCHAR))) WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE
               WHEN '1' THEN TRUE WHEN '0' THEN FALSE WHEN 'TRUE' THEN TRUE WHEN 'FALSE' THEN FALSE
               ELSE NULL END AS granted
        FROM a1 WHERE reason IS NULL""")
    b.con.execute("""
        CREATE TABLE c0 AS SELECT t._file, t._line, trim(CAST(t.appln_id AS VARCHAR)) AS id,
          t.ipc_class_symbol AS raw, norm_ipc(CAST(t.ipc_class_symbol AS VARCHAR)) AS ipc,
          upper(coalesce(CAST(t.ipc_position AS VARCHAR), '')) AS pos,
          a.appln_id IS NOT NULL AS known
        FROM tls209 t LEFT JOIN applications a ON a.appln_id = trim(CAST(t.appln_id AS VARCHAR))""")
    b.report(
        """SELECT _file, _line, CASE WHEN NOT known THEN 'IPC row of unknown or rejected appln_id ' || id
                ELSE 'malformed IPC symbol ''' || coalesce(CAST(raw AS VARCHAR), '') || '''' END AS reason
                FROM c0 WHERE NOT known OR ipc IS NULL""",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE classifications AS SELECT id AS appln_id, ipc,
          CAST(row_number() OVER (PARTITION BY id ORDER BY (pos = 'F') DESC, min_line, ipc) AS INTEGER) AS position
        FROM (SELECT id, ipc, max(pos) AS pos, min(_line) AS min_line FROM c0
              WHERE known AND ipc IS NOT NULL GROUP BY id, ipc)""")
    b.con.execute("""
        CREATE TABLE p0 AS SELECT l._file, l._line, trim(CAST(l.appln_id AS VARCHAR)) AS id,
          TRY_CAST(l.applt_seq_nr AS INTEGER) AS aseq, TRY_CAST(l.invt_seq_nr AS INTEGER) AS iseq,
          p.person_name AS name, upper(trim(coalesce(CAST(p.person_ctry_code AS VARCHAR), ''))) AS ctry,
          p.person_id IS NOT NULL AS has_person, a.appln_id IS NOT NULL AS known
        FROM tls207 l
        LEFT JOIN (SELECT * FROM tls206 QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY _line) = 1) p
          ON CAST(p.person_id AS VARCHAR) = CAST(l.person_id AS VARCHAR)
        LEFT JOIN applications a ON a.appln_id = trim(CAST(l.appln_id AS VARCHAR))""")
    b.report(
        """SELECT _file, _line, CASE
                  WHEN NOT known THEN 'party link of unknown or rejected appln_id ' || id
                  WHEN NOT has_person THEN 'person_id not found in tls206'
                  ELSE 'neither applicant nor inventor (applt_seq_nr and invt_seq_nr are 0)' END AS reason
                FROM p0 WHERE NOT known OR NOT has_person OR (coalesce(aseq, 0) <= 0 AND coalesce(iseq, 0) <= 0)""",
        "value dropped",
    )
    b.report(
        """SELECT _file, _line, 'unknown person_ctry_code ''' || ctry || '''' AS reason FROM p0
                WHERE known AND has_person AND ctry <> '' AND ctry NOT IN (SELECT code FROM st3)""",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE parties AS
        WITH ok AS (SELECT *, CASE WHEN ctry IN (SELECT code FROM st3) THEN ctry END AS country
                    FROM p0 WHERE known AND has_person),
        roles AS (SELECT id, 'applicant' AS role, aseq AS nr, _line, country, name FROM ok WHERE aseq > 0
                  UNION ALL
                  SELECT id, 'inventor', iseq, _line, country, name FROM ok WHERE iseq > 0)
        SELECT id AS appln_id, role,
          CAST(row_number() OVER (PARTITION BY id, role ORDER BY nr, _line) AS INTEGER) AS sequence,
          country, CAST(name AS VARCHAR) AS name FROM roles""")
    return b.result(read)
