"""Shared machinery of the importers: raw text decoding, row accounting, the result type.

Every importer reads rows, turns each into canonical records through :class:`Collector`,
and returns an :class:`ImportResult` in which ``read == imported + rejected`` always holds.
A rejected row is reported with its line number and reason; with ``on_error="raise"`` the
first problem raises :class:`~innovindex.errors.InputError` instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa

from ..._identity import canonical
from ...errors import InputError, SpecError
from ..concordance import normalise_ipc
from ..schema import APPLICATIONS, CLASSIFICATIONS, PARTIES, is_country_code

__all__ = ["ImportResult", "Issue", "Collector", "OnError", "read_text_rows", "decode"]

OnError = Literal["skip", "raise"]
_MAX_YEAR = dt.date.today().year + 1
_MIN_YEAR = 1782  # the oldest patent offices; anything earlier is a typo


@dataclass(frozen=True)
class Issue:
    """One reported problem: where, what, and what was done about it."""

    file: str
    line: int | None
    column: str | None
    reason: str
    action: Literal["row rejected", "value dropped"]

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        col = f", column {self.column!r}" if self.column else ""
        return f"{where}{col}: {self.reason} ({self.action})"


@dataclass
class ImportResult:
    """Canonical tables plus the accounting of one import.

    ``read`` counts source records (data rows), ``imported`` the applications kept and
    ``rejected`` the records refused, so ``read == imported + rejected``.

    The tables are held in memory (``tables``) or, for the bulk importers, as canonical
    Parquet files in ``parquet_dir`` (a temporary directory that lives as long as this
    result): :func:`~innovindex.patents.store.write_import` streams those into the store
    without loading them; the ``applications`` / ``classifications`` / ``parties``
    attributes load a table on first use.
    """

    format: str
    read: int
    imported: int
    rejected: int
    issues: list[Issue] = field(default_factory=list)
    unlisted_issues: int = 0  # issues counted but not listed (bulk imports list at most 1000)
    tables: dict[str, pa.Table] = field(default_factory=dict, repr=False)
    parquet_dir: Path | None = None
    owner: object = field(default=None, repr=False, compare=False)  # keeps parquet_dir alive
    synthetic: bool = False  # records made by innovindex.patents.synthetic (demo/benchmark data)
    dataset: str | None = None  # the store's data set it went into (set by the store)
    replaced: int | None = (
        None  # --replace: applications the data set held before (set by the store)
    )

    def table(self, name: str) -> pa.Table:
        """Canonical table ``name`` (``applications``, ``classifications``, ``parties``)."""
        if name not in self.tables:
            if self.parquet_dir is None:
                raise KeyError(name)
            import pyarrow.parquet as pq

            from ..schema import conform

            self.tables[name] = conform(name, pq.read_table(self.parquet_dir / f"{name}.parquet"))
        return self.tables[name]

    @property
    def applications(self) -> pa.Table:
        return self.table("applications")

    @property
    def classifications(self) -> pa.Table:
        return self.table("classifications")

    @property
    def parties(self) -> pa.Table:
        return self.table("parties")

    def summary(self) -> str:
        """One line: read / imported / rejected / values dropped."""
        dropped = sum(1 for i in self.issues if i.action == "value dropped")
        more = f" (+{self.unlisted_issues} issues not listed)" if self.unlisted_issues else ""
        return (
            f"{self.format}: read {self.read}, imported {self.imported}, rejected "
            f"{self.rejected}, values dropped {dropped}{more}"
        )


def decode(raw: bytes, encoding: str, source: str) -> str:
    """Decode bytes. ``encoding="auto"`` takes UTF-8 when valid, else mac_roman.

    Raises :class:`InputError` naming the line and byte offset for an undecodable byte,
    and for UTF-16/32 or binary input (NUL bytes).
    """
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(
            f"contains NUL bytes (first at byte offset {nul}): looks like UTF-16/UTF-32 or a "
            "binary file; expected a single-byte or UTF-8 text export",
            file=source,
            row=_line_of(raw, nul),
        )
    if encoding == "auto":
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("mac_roman")
    try:
        return raw.decode(encoding)
    except LookupError:
        raise SpecError(
            f"unknown encoding {encoding!r}; try 'auto', 'utf-8' or 'mac_roman'"
        ) from None
    except UnicodeDecodeError as exc:
        line = _line_of(raw, exc.start)
        raise InputError(
            f"not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "pass --encoding auto or the file's real encoding (these exports are often mac_roman)",
            file=source,
            row=line,
        ) from None


def _line_of(raw: bytes, offset: int) -> int:
    """1-based line of byte ``offset`` (CR, LF and CRLF line endings)."""
    head = raw[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def read_text_rows(
    path: Path, *, encoding: str, required: tuple[str, ...], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str] | None, list[str]]]:
    """Yield ``(line, record, raw_fields)`` for each data row of a delimited text file.

    CR, LF and CRLF line endings are all accepted. ``record`` is None when the row has the
    wrong number of fields (the caller rejects it). ``line`` is the 1-based physical line
    where the row starts (header = line 1).
    """
    source = str(path)
    if not path.exists():
        raise InputError("file not found", file=source)
    if path.is_dir():
        raise InputError("expected a file, found a directory", file=source)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty: expected a header row and data rows", file=source)
    text = decode(raw, encoding, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = [canonical(h.lstrip("\ufeff")) for h in next(reader)]
    except csv.Error as exc:
        raise InputError(f"cannot read the header row: {exc}", file=source, row=1) from None
    except StopIteration:
        raise InputError(
            "no header row: expected a header row and data rows", file=source, row=1
        ) from None
    for i, h in enumerate(header):
        if h and h in header[:i]:
            raise InputError(
                f"duplicate column {h!r} in the header (columns {header.index(h) + 1} and {i + 1}); "
                "each column must appear once",
                file=source,
                row=1,
            )
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {missing}; expected at least {list(required)}, found {header}",
            file=source,
            row=1,
        )
    start = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"broken CSV quoting: {exc}", file=source, row=start) from None
        if fields and any(f.strip() for f in fields):
            yield (
                start,
                (dict(zip(header, fields, strict=True)) if len(fields) == len(header) else None),
                fields,
            )
        start = reader.line_num + 1


class RowProblem(Exception):
    """Raised inside a row parser: the row is rejected with this reason."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


def parse_date(text: str, fmt: str, column: str) -> dt.date | None:
    """Parse a date with ``fmt``; empty, ``NA``, ``0`` or all-zero means unknown (None)."""
    t = text.strip()
    if not t or t.strip("0") == "" or t.upper() == "NA":
        return None
    try:
        d = dt.datetime.strptime(t, fmt).date()
    except ValueError:
        raise RowProblem(
            f"date {t!r} does not match {fmt!r} or is not a real date", column
        ) from None
    if not _MIN_YEAR <= d.year <= _MAX_YEAR:
        raise RowProblem(f"date {t!r}: year {d.year} is outside {_MIN_YEAR}-{_MAX_YEAR}", column)
    return d


class Collector:
    """Accumulates canonical rows, rejections and dropped values for one import."""

    def __init__(self, fmt: str, on_error: OnError) -> None:
        if on_error not in ("skip", "raise"):
            raise SpecError(f"on_error must be 'skip' or 'raise'; got {on_error!r}")
        self.fmt = fmt
        self.on_error = on_error
        self.apps: dict[str, list[object]] = {n: [] for n in APPLICATIONS.names}
        self.cls: dict[str, list[object]] = {n: [] for n in CLASSIFICATIONS.names}
        self.pts: dict[str, list[object]] = {n: [] for n in PARTIES.names}
        self.first_line: dict[str, tuple[str, int]] = {}
        self.read = 0
        self.rejected = 0
        self.issues: list[Issue] = []

    def _issue(self, issue: Issue) -> None:
        if self.on_error == "raise":
            raise InputError(issue.reason, file=issue.file, row=issue.line, column=issue.column)
        self.issues.append(issue)

    def reject(self, source: str, line: int | None, reason: str, column: str | None = None) -> None:
        """Count one source record as rejected."""
        self._issue(Issue(source, line, column, reason, "row rejected"))
        self.rejected += 1

    def drop(self, source: str, line: int | None, reason: str, column: str | None = None) -> None:
        """Report one value that was dropped from an otherwise imported record."""
        self._issue(Issue(source, line, column, reason, "value dropped"))

    def check_new_id(self, appln_id: str, source: str) -> None:
        """Raise :class:`RowProblem` if ``appln_id`` was already imported."""
        if appln_id in self.first_line:
            f, ln = self.first_line[appln_id]
            raise RowProblem(f"duplicate application id {appln_id!r} (first at {f} line {ln})")

    def country(self, code: str, source: str, line: int | None, column: str) -> str | None:
        """Validate an ST.3 code: unknown codes are dropped (reported), empty -> None."""
        c = code.strip().upper()
        if not c:
            return None
        if not is_country_code(c):
            self.drop(source, line, f"unknown country code {code!r}", column)
            return None
        return c

    def add(
        self,
        *,
        source: str,
        line: int,
        app: dict[str, object],
        ipcs: list[str],
        parties: Sequence[tuple[str, str, str | None]],
        ipc_column: str = "IPC",
    ) -> None:
        """Add one application with its IPC symbols and ``(role, name, country)`` parties."""
        appln_id = str(app["appln_id"])
        self.first_line[appln_id] = (source, line)
        for n in APPLICATIONS.names:
            self.apps[n].append(app.get(n))
        seen: set[str] = set()
        for raw in ipcs:
            if not raw.strip() or raw.strip().upper() == "NA":
                continue
            norm = normalise_ipc(raw)
            if norm is None:
                self.drop(source, line, f"malformed IPC symbol {raw.strip()!r}", ipc_column)
                continue
            if norm in seen:
                continue
            seen.add(norm)
            self.cls["appln_id"].append(appln_id)
            self.cls["ipc"].append(norm)
            self.cls["position"].append(len(seen))
        seq = {"applicant": 0, "inventor": 0}
        for role, raw_name, ctry in parties:
            name = canonical(raw_name) or None
            seq[role] += 1
            for n, v in zip(PARTIES.names, (appln_id, role, seq[role], ctry, name), strict=True):
                self.pts[n].append(v)

    def result(self) -> ImportResult:
        """The canonical tables and the accounting."""
        imported = len(self.apps["appln_id"])
        assert self.read == imported + self.rejected, "row accounting broke"
        return ImportResult(
            format=self.fmt,
            tables={
                "applications": pa.table(self.apps, schema=APPLICATIONS),
                "classifications": pa.table(self.cls, schema=CLASSIFICATIONS),
                "parties": pa.table(self.pts, schema=PARTIES),
            },
            read=self.read,
            imported=imported,
            rejected=self.rejected,
            issues=self.issues,
        )
