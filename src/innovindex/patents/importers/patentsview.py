"""PatentsView granted-patent bulk tables (TSV as published, or Parquet).

Files are recognised by name: g_patent, g_application, g_ipc_at_issue,
g_assignee_disambiguated, g_inventor_disambiguated, g_location_disambiguated. Every record
is a granted US patent: ``office = "US"``, ``granted = true``, ``appln_id = patent_id``;
filing date from g_application. Assignees are the applicants (PatentsView has no applicant
table of record); countries come from the disambiguated locations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ...errors import InputError
from ._base import ImportResult, OnError
from ._sql import Bulk

__all__ = ["import_patentsview", "PATENTSVIEW_COLUMNS"]

PATENTSVIEW_COLUMNS = {
    "g_patent": ("patent_id", "wipo_kind"),
    "g_application": ("patent_id", "filing_date"),
    "g_ipc_at_issue": (
        "patent_id",
        "ipc_sequence",
        "section",
        "ipc_class",
        "subclass",
        "main_group",
        "subgroup",
    ),
    "g_assignee_disambiguated": (
        "patent_id",
        "assignee_sequence",
        "disambig_assignee_individual_name_first",
        "disambig_assignee_individual_name_last",
        "disambig_assignee_organization",
        "location_id",
    ),
    "g_inventor_disambiguated": (
        "patent_id",
        "inventor_sequence",
        "disambig_inventor_name_first",
        "disambig_inventor_name_last",
        "location_id",
    ),
    "g_location_disambiguated": ("location_id", "disambig_country"),
}


def _groups(files: Sequence[str | Path]) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {k: [] for k in PATENTSVIEW_COLUMNS}
    for f in files:
        p = Path(f)
        hits = [
            k
            for k in PATENTSVIEW_COLUMNS
            if p.name.lower().startswith(k + ".")
            or p.name.lower() == k
            or p.name.lower().startswith(k + "_")
            and not any(
                p.name.lower().startswith(o)
                for o in PATENTSVIEW_COLUMNS
                if o != k and o.startswith(k)
            )
        ]
        if len(hits) != 1:
            raise InputError(
                f"cannot tell which PatentsView table this is; expected a name starting with "
                f"one of {list(PATENTSVIEW_COLUMNS)}",
                file=p,
            )
        out[hits[0]].append(p)
    missing = [k for k, v in out.items() if not v]
    if missing:
        raise InputError(
            f"PatentsView import needs all of {list(PATENTSVIEW_COLUMNS)}; missing {missing}"
        )
    return out


def import_patentsview(files: Sequence[str | Path], *, on_error: OnError = "skip") -> ImportResult:
    """Import PatentsView g_* tables into the canonical schema (see the module notes).

    Raises
    ------
    InputError
        A table is missing or unreadable; any problem with ``on_error="raise"``.
    """
    b = Bulk("patentsview", on_error)
    for name, paths in _groups(files).items():
        b.read(name, paths, PATENTSVIEW_COLUMNS[name], delim="\t")
    max_year = dt.date.today().year + 1
    b.con.execute("""
        CREATE TABLE a0 AS SELECT p.*, trim(CAST(p.patent_id AS VARCHAR)) AS id,
          TRY_CAST(a.filing_date AS DATE) AS fd, CAST(a.filing_date AS VARCHAR) AS fd_raw,
          row_number() OVER (PARTITION BY trim(CAST(p.patent_id AS VARCHAR)) ORDER BY p._file, p._line) AS dup
        FROM g_patent p LEFT JOIN (SELECT * FROM g_application
             QUALIFY row_number() OVER (PARTITION BY patent_id ORDER BY _line) = 1) a
          ON trim(CAST(a.patent_id AS VARCHAR)) = trim(CAST(p.patent_id AS VARCHAR))""")
    read = b.scalar("SELECT count(*) FROM a0")
    b.con.execute(f"""
        CREATE TABLE a1 AS SELECT *, CASE
          WHEN id IS NULL OR id = '' THEN 'empty patent_id'
          WHEN dup > 1 THEN 'duplicate patent_id ' || id
          WHEN fd_raw IS NOT NULL AND trim(fd_raw) <> '' AND fd IS NULL THEN 'filing_date ''' || fd_raw || ''' is not a date'
          WHEN fd IS NOT NULL AND (year(fd) < 1782 OR year(fd) > {max_year})
            THEN 'filing_date ' || CAST(fd AS VARCHAR) || ' outside 1782-{max_year}'
          ELSE NULL END AS reason FROM a0""")
    b.report("SELECT _file, _line, reason FROM a1 WHERE reason IS NOT NULL", "row rejected")
    b.con.execute("""
        CREATE TABLE applications AS SELECT id AS appln_id, 'US' AS office, fd AS filing_date,
          CAST(year(fd) AS INTEGER) AS filing_year, CAST(NULL AS INTEGER) AS priority_year,
          NULLIF(trim(CAST(wipo_kind AS VARCHAR)), '') AS kind, CAST(NULL AS VARCHAR) AS family_id,
          TRUE AS granted FROM a1 WHERE reason IS NULL""")
    b.con.execute("""
        CREATE TABLE c0 AS SELECT t._file, t._line, trim(CAST(t.patent_id AS VARCHAR)) AS id,
          concat_ws('', t.section, t.ipc_class, t.subclass) || ' ' || coalesce(CAST(t.main_group AS VARCHAR), '')
            || '/' || coalesce(CAST(t.subgroup AS VARCHAR), '') AS raw,
          TRY_CAST(t.ipc_sequence AS INTEGER) AS seq, a.appln_id IS NOT NULL AS known
        FROM g_ipc_at_issue t LEFT JOIN applications a ON a.appln_id = trim(CAST(t.patent_id AS VARCHAR))""")
    b.con.execute("ALTER TABLE c0 ADD COLUMN ipc VARCHAR; UPDATE c0 SET ipc = norm_ipc(raw)")
    b.report(
        """SELECT _file, _line, CASE WHEN NOT known THEN 'IPC row of unknown or rejected patent_id ' || id
                ELSE 'malformed IPC symbol ''' || raw || '''' END AS reason FROM c0 WHERE NOT known OR ipc IS NULL""",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE classifications AS SELECT id AS appln_id, ipc,
          CAST(row_number() OVER (PARTITION BY id ORDER BY s, ipc) AS INTEGER) AS position
        FROM (SELECT id, ipc, min(coalesce(seq, 999999)) AS s FROM c0 WHERE known AND ipc IS NOT NULL GROUP BY id, ipc)""")
    b.con.execute("""
        CREATE TABLE p0 AS
        WITH loc AS (SELECT location_id, upper(trim(CAST(disambig_country AS VARCHAR))) AS ctry
                     FROM g_location_disambiguated QUALIFY row_number() OVER (PARTITION BY location_id ORDER BY _line) = 1),
        roles AS (
          SELECT _file, _line, patent_id, 'applicant' AS role, TRY_CAST(assignee_sequence AS INTEGER) AS nr,
            coalesce(NULLIF(trim(CAST(disambig_assignee_organization AS VARCHAR)), ''),
                     trim(concat_ws(' ', disambig_assignee_individual_name_first, disambig_assignee_individual_name_last))) AS name,
            location_id FROM g_assignee_disambiguated
          UNION ALL
          SELECT _file, _line, patent_id, 'inventor', TRY_CAST(inventor_sequence AS INTEGER),
            trim(concat_ws(' ', disambig_inventor_name_first, disambig_inventor_name_last)), location_id
          FROM g_inventor_disambiguated)
        SELECT r._file, r._line, trim(CAST(r.patent_id AS VARCHAR)) AS id, r.role, r.nr, r.name,
          coalesce(l.ctry, '') AS ctry, a.appln_id IS NOT NULL AS known
        FROM roles r LEFT JOIN loc l ON CAST(l.location_id AS VARCHAR) = CAST(r.location_id AS VARCHAR)
        LEFT JOIN applications a ON a.appln_id = trim(CAST(r.patent_id AS VARCHAR))""")
    b.report(
        """SELECT _file, _line, CASE WHEN NOT known THEN role || ' of unknown or rejected patent_id ' || id
                ELSE 'unknown country code ''' || ctry || '''' END AS reason FROM p0
                WHERE NOT known OR (ctry <> '' AND ctry NOT IN (SELECT code FROM st3))""",
        "value dropped",
    )
    b.con.execute("""
        CREATE TABLE parties AS SELECT id AS appln_id, role,
          CAST(row_number() OVER (PARTITION BY id, role ORDER BY nr, _line) AS INTEGER) AS sequence,
          CASE WHEN ctry IN (SELECT code FROM st3) THEN ctry END AS country, CAST(name AS VARCHAR) AS name
        FROM p0 WHERE known""")
    return b.result(read)
