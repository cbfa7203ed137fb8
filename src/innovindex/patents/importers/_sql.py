"""DuckDB helpers for the bulk importers (PATSTAT, PatentsView, Google Patents).

Bulk sources hold up to hundreds of millions of rows, so they are validated and reshaped in
SQL inside an embedded DuckDB connection rather than row by row in Python. Row accounting
follows the same contract as the flat importers: every source row is imported or rejected,
and each rejection is reported with its data-row number (header = line 1 for CSV/TSV).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from pathlib import Path

import duckdb

from ...errors import InputError
from ..schema import COUNTRY_CODES, SCHEMAS
from ._base import Collector, ImportResult, OnError

__all__ = ["Bulk", "IPC_MACRO", "temp_root"]

# where bulk imports put their temporary folder (None = the system's temporary folder);
# the store sets it to its own temporary folder, cleaned on exit and on the next start
_TMP_ROOT: ContextVar[Path | None] = ContextVar("innovindex_bulk_tmp_root", default=None)


@contextlib.contextmanager
def temp_root(path: Path) -> Iterator[None]:
    """Bulk imports inside this block keep their temporary files under ``path``."""
    token = _TMP_ROOT.set(path)
    try:
        yield
    finally:
        _TMP_ROOT.reset(token)


MAX_LISTED_ISSUES = 1000
# DuckDB working memory of a bulk import; beyond it DuckDB spills to the import's temporary
# directory, so a PATSTAT-sized import stays within a laptop's memory
MEMORY_LIMIT = "2GB"

# SQL twin of concordance.normalise_ipc (tests check that they agree).
IPC_MACRO = r"""
CREATE OR REPLACE MACRO norm_ipc(raw) AS (
  WITH s AS (SELECT regexp_replace(upper(trim(coalesce(raw, ''))),
                                    '\s*\(\d{4}\.\d{2}\)$|\s+\d{8}[A-Z0-9]*$', '') AS v)
  SELECT CASE
    WHEN regexp_full_match(v, '([A-H])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/\s*(\d{1,6})')
         AND CAST(regexp_extract(v, '^[A-H]\s*\d{2}\s*[A-Z]\s*(\d{1,4})', 1) AS INTEGER) > 0 THEN
      regexp_replace(regexp_extract(v, '^([A-H]\s*\d{2}\s*[A-Z])', 1), '\s', '', 'g')
      || lpad(CAST(CAST(regexp_extract(v, '^[A-H]\s*\d{2}\s*[A-Z]\s*(\d{1,4})', 1) AS INTEGER)
                   AS VARCHAR), 4, ' ')
      || '/' || CASE WHEN length(regexp_extract(v, '/\s*(\d{1,6})$', 1)) < 2
                     THEN lpad(regexp_extract(v, '/\s*(\d{1,6})$', 1), 2, '0')
                     ELSE regexp_extract(v, '/\s*(\d{1,6})$', 1) END
    WHEN regexp_full_match(v, '([A-H])\s*(\d{2})\s*([A-Z])\s*(\d{1,4})\s*/?')
         AND CAST(regexp_extract(v, '^[A-H]\s*\d{2}\s*[A-Z]\s*(\d{1,4})', 1) AS INTEGER) > 0 THEN
      regexp_replace(regexp_extract(v, '^([A-H]\s*\d{2}\s*[A-Z])', 1), '\s', '', 'g')
      || lpad(CAST(CAST(regexp_extract(v, '(\d{1,4})\s*/?$', 1) AS INTEGER) AS VARCHAR), 4, ' ') || '/'
    WHEN regexp_full_match(v, '([A-H])\s*(\d{2})\s*([A-Z])') THEN regexp_replace(v, '\s', '', 'g')
    WHEN regexp_full_match(replace(v, ' ', ''), '[A-H]\d{2}[A-Z]\d{3}\d{2,6}')
         AND CAST(substr(replace(v, ' ', ''), 5, 3) AS INTEGER) > 0 THEN
      substr(replace(v, ' ', ''), 1, 4)
      || lpad(CAST(CAST(substr(replace(v, ' ', ''), 5, 3) AS INTEGER) AS VARCHAR), 4, ' ')
      || '/' || substr(replace(v, ' ', ''), 8)
    ELSE NULL END FROM s
)
"""


class Bulk:
    """An in-memory DuckDB session with the accounting of one bulk import."""

    def __init__(self, fmt: str, on_error: OnError) -> None:
        self.col = Collector(fmt, on_error)
        self.fmt = fmt
        # one temporary directory per import: DuckDB's spill files, then the result's Parquet
        root = _TMP_ROOT.get()
        self.tmp = tempfile.TemporaryDirectory(
            prefix=f"innovindex-{fmt}-", dir=str(root) if root else None
        )
        self.con = duckdb.connect(":memory:")
        spill = str(Path(self.tmp.name) / "spill").replace("'", "''")
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute(f"SET temp_directory = '{spill}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(IPC_MACRO)
        self.con.execute("CREATE TABLE st3 (code VARCHAR)")
        self.con.executemany("INSERT INTO st3 VALUES (?)", [[c] for c in sorted(COUNTRY_CODES)])
        self.more = 0
        self.synthetic = False  # set by an importer that finds innovindex's synthetic marker

    def read(
        self, name: str, files: Sequence[Path], required: Sequence[str], delim: str = ","
    ) -> None:
        """Create view ``name`` over the files, with a ``_line`` and ``_file`` column."""
        parts = []
        for f in files:
            if not f.exists():
                raise InputError("file not found", file=f)
            path = str(f).replace("'", "''")
            suffix = "".join(f.suffixes[-2:]).lower()
            if suffix.endswith(".parquet") or suffix.endswith(".pq"):
                src = f"read_parquet('{path}')"
                off = 0
            elif suffix.endswith((".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz")):
                src = f"read_json_auto('{path}', format='newline_delimited')"
                off = 0
            else:
                src = (
                    f"read_csv('{path}', header=true, delim='{delim}', all_varchar=true, "
                    "quote='\"', strict_mode=false)"
                )
                off = 1
            try:
                cols = [r[0] for r in self.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
            except duckdb.Error as exc:
                raise InputError(
                    f"cannot read as {name}: {str(exc).splitlines()[0]}", file=f
                ) from None
            missing = [c for c in required if c not in cols]
            if missing:
                raise InputError(
                    f"missing column(s) {missing} for {name}; found {cols}",
                    file=f,
                    row=1 if off else None,
                )
            sel = ", ".join(f'"{c}"' for c in required)
            parts.append(
                f"SELECT {sel}, '{path}' AS _file, CAST(row_number() OVER () + {off} AS BIGINT) AS _line "
                f"FROM {src}"
            )
        if not parts:
            raise InputError(f"no {name} file given")
        try:
            self.con.execute(f"CREATE TABLE {name} AS " + " UNION ALL ".join(parts))
        except duckdb.Error as exc:
            raise InputError(f"cannot read {name}: {str(exc).splitlines()[0]}") from None

    def scalar(self, sql: str) -> int:
        rows = self.con.execute(sql).fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def report(self, sql: str, action: str) -> int:
        """Record issues from ``sql`` (columns _file, _line, reason); return how many."""
        n = self.scalar(f"SELECT count(*) FROM ({sql})")
        rows = self.con.execute(
            f"SELECT _file, _line, reason FROM ({sql}) ORDER BY _file, _line LIMIT {MAX_LISTED_ISSUES}"
        ).fetchall()
        for f, line, reason in rows:
            if action == "row rejected":
                self.col.reject(f, line, reason)
            else:
                self.col.drop(f, line, reason)
        if action == "row rejected":
            self.col.rejected += n - len(rows)
        self.more += n - len(rows)
        return n

    def result(self, read: int) -> ImportResult:
        """The canonical tables ``applications``, ``classifications``, ``parties``, written
        as Parquet into the import's temporary directory (streamed, never all in memory)."""
        imported = self.scalar("SELECT count(*) FROM applications")
        if read != imported + self.col.rejected:
            raise AssertionError(
                f"row accounting broke: {read} != {imported} + {self.col.rejected}"
            )
        out = Path(self.tmp.name) / "canonical"
        out.mkdir()
        for name, schema in SCHEMAS.items():
            cols = ", ".join(_column(name, f.name, _SQL_TYPES[str(f.type)]) for f in schema)
            target = str(out / f"{name}.parquet").replace("'", "''")
            self.con.execute(f"COPY (SELECT {cols} FROM {name}) TO '{target}' (FORMAT parquet)")
        self.con.close()
        return ImportResult(
            format=self.fmt,
            read=read,
            imported=imported,
            rejected=self.col.rejected,
            issues=self.col.issues,
            unlisted_issues=self.more,
            parquet_dir=out,
            owner=self.tmp,
            synthetic=self.synthetic,
        )


def _column(table: str, column: str, sql_type: str) -> str:
    """The SELECT item of one canonical column; party names in canonical form (NFC, no
    invisible format characters, trimmed; empty -> null), like ``_identity.canonical``."""
    if table == "parties" and column == "name":
        return (
            r"""NULLIF(trim(regexp_replace(nfc_normalize(CAST("name" AS VARCHAR)), '\p{Cf}', '', 'g')), '') """
            'AS "name"'
        )
    return f'CAST("{column}" AS {sql_type}) AS "{column}"'


_SQL_TYPES = {"string": "VARCHAR", "int32": "INTEGER", "date32[day]": "DATE", "bool": "BOOLEAN"}
