"""WIPO IP Statistics Data Center downloads (CSV or XLSX, as the user downloads them).

WIPO has no data API and its terms forbid redistribution, so innovindex reads the files a
user downloads. A download is a table with a header row holding ``Office`` (the filing
office) and/or ``Origin``, their codes (``Office (Code)``, ``Office (ISO3)``,
``Origin (Code)``), optionally ``Type`` or ``Field of technology``, and one column per year
(``2021`` or ``y2021``). Title lines above the header (``Indicator :1 - Total patent
applications ...``, ``Source: WIPO statistics database. Last updated: November 2024``), or
a ``Source`` sheet in the workbook, are read as provenance.

:func:`read_wipo` gives the long table; :func:`wipo_to_fetched` the iData form (units with an
ISO3 code are economies; regional offices, regions and World are kept apart);
:func:`store_wipo` writes the long table to the store's ``source_wipo_ipstats`` table.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .._identity import canonical
from .._limits import check_value
from ..errors import DataWarning, InputError
from ..io.countries import iso2_to_iso3
from .provenance import LONG_COLUMNS, Fetched

__all__ = ["WipoTable", "read_wipo", "wipo_to_fetched", "store_wipo", "STORE_TABLE"]

STORE_TABLE = "source_wipo_ipstats"
_YEAR = re.compile(r"^[yY]?(\d{4})$")
_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_LABELS = {
    "office": "office",
    "office (code)": "office_code",
    "office (iso3)": "office_iso3",
    "origin": "origin",
    "origin (code)": "origin_code",
    "origin (iso3)": "origin_iso3",
    "type": "type",
    "field of technology": "field",
}
_TEXT = list(dict.fromkeys(_LABELS.values()))


@dataclass
class WipoTable:
    """One download in long form with what its title lines say.

    ``data`` columns: office, office_code, office_iso3, origin, origin_code, origin_iso3,
    type, field (missing ones empty), year, value. ``rows`` holds, for each row of ``data``,
    the line of the download it came from (header = its own line number, 1-based), so a
    later check can name it.
    """

    data: pd.DataFrame
    indicator: str | None
    last_updated: str | None
    file: str
    sha256: str
    rows: list[int] = field(default_factory=list)


def read_wipo(path: str | Path) -> WipoTable:
    """Read one IP Statistics Data Center download.

    Raises
    ------
    InputError
        If the file is missing or unreadable, has no header row with ``Office``/``Origin``
        and year columns, or holds a value that is not a number (row and column named).
    """
    from ..io.writers import file_sha256

    p = Path(path)
    if p.is_dir():
        raise InputError("is a folder; expected a WIPO download (.csv or .xlsx file)", file=p)
    if not p.is_file():
        raise InputError("WIPO download not found", file=p)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        rows, notes = _xlsx_rows(p)
    elif p.suffix.lower() in (".csv", ".txt"):
        rows, notes = _csv_rows(p), []
    else:
        raise InputError(
            f"expected a WIPO download as .csv or .xlsx; got {p.suffix or 'no suffix'!r}", file=p
        )
    head = next((i for i, r in enumerate(rows) if _is_header(r)), None)
    if head is None:
        raise InputError(
            "no header row with 'Office' or 'Origin' and year columns (2000 or y2000); "
            "is this an IP Statistics Data Center download?",
            file=p,
        )
    header = [canonical(str(c or "")) for c in rows[head]]
    notes = [" ".join(str(c) for c in r if c not in (None, "")) for r in rows[:head]] + notes
    roles: dict[int, str] = {}
    years: dict[int, int] = {}
    for j, h in enumerate(header):
        m = _YEAR.match(h)
        if m:
            if int(m.group(1)) in years.values():
                raise InputError(
                    f"year {m.group(1)} appears twice in the header", file=p, row=head + 1, column=h
                )
            years[j] = int(m.group(1))
        elif h.lower() in _LABELS:
            roles[j] = _LABELS[h.lower()]
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    for i in range(head + 1, len(rows)):
        r = rows[i]
        if not r or all(c in (None, "") for c in r):
            notes.extend(
                " ".join(str(c) for c in rr if c not in (None, "")) for rr in rows[i + 1 :]
            )
            break  # WIPO puts a blank line between the table and its source notes
        base = {role: "" for role in _TEXT}
        for j, role in roles.items():
            base[role] = canonical(str(r[j])) if j < len(r) and r[j] is not None else ""
        if not any(
            base[k] for k in ("office", "office_code", "office_iso3", "origin", "origin_code")
        ):
            warnings.warn(
                f"{p.name} row {i + 1}: values without an office or origin (a totals or formula row?); skipped",
                DataWarning,
                stacklevel=2,
            )
            continue
        for j, year in years.items():
            value = _number(r[j] if j < len(r) else None, p, i + 1, header[j])
            if value is not None:
                records.append({**base, "year": year, "value": value})
                lines.append(i + 1)
    if not records:
        raise InputError("the download has no values under its year columns", file=p, row=head + 2)
    data = pd.DataFrame.from_records(records, columns=[*_TEXT, "year", "value"])
    text = " ".join(notes)
    indicator = _after(text, r"Indicator\s*:\s*(.+?)(?=\s+(Report type|Source|Office|Origin)\b|$)")
    updated = _after(text, r"Last updated:?\s*([A-Za-z]+\s+\d{4}|\d{4}-\d{2}-\d{2})")
    return WipoTable(
        data=data,
        indicator=indicator,
        last_updated=updated,
        file=str(p),
        sha256=file_sha256(p),
        rows=lines,
    )


def wipo_to_fetched(tables: list[WipoTable], series: str, by: str = "office") -> Fetched:
    """The downloads as iData series: ``uCode`` = the office's (or origin's) ISO3 code.

    With several origins (resident, non-resident) or types in the files, each gets its own
    column ``series.<origin>``. Rows without an ISO3 code (regional offices, regions,
    World) are returned as aggregates.
    """
    if by not in ("office", "origin"):
        raise InputError(f"--by must be 'office' or 'origin'; got {by!r}")
    data = pd.concat([t.data for t in tables], ignore_index=True)
    iso = data[f"{by}_iso3"]
    code = data[f"{by}_code"]
    name = data[by].where(data[by] != "", code)
    if (name == "").all():
        raise InputError(
            f"the download(s) have no {by!r} column; use --by {'origin' if by == 'office' else 'office'}"
        )
    # ISO3 from the download's ISO3 column, else from a two-letter country code; regional
    # offices (EP, OA), regions and World have neither and are kept apart.
    from_code = code.map(
        lambda c: iso2_to_iso3(c) if len(c) == 2 else (c if re.fullmatch(r"[A-Z]{3}", c) else None)
    )
    ucode = iso.where(iso != "", from_code.fillna(""))
    other = "origin" if by == "office" else "office"
    parts = [data[c] for c in (other, "type", "field") if data[c].nunique() > 1]
    suffix = pd.Series("", index=data.index)
    for part in parts:
        suffix = (
            suffix
            + "."
            + part.str.lower().str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_")
        )
    long = pd.DataFrame(
        {
            "uCode": ucode.where(ucode != "", code.where(code != "", name)),
            "uName": name,
            "Time": data["year"].astype(int),
            "series": series + suffix,
            "value": data["value"].astype(float),
        }
    )
    dup = long.duplicated(["uCode", "Time", "series"])
    if dup.any():
        where = [(t.file, r) for t in tables for r in _rows_of(t)]
        i = int(dup.to_numpy().nonzero()[0][0])
        key = long.loc[i, ["uCode", "Time", "series"]]
        first = int((long[["uCode", "Time", "series"]] == key).all(axis=1).to_numpy().argmax())
        f0, r0 = where[first]
        seen = f"row {r0}" if f0 == where[i][0] else f"{f0} row {r0}"
        raise InputError(
            f"{key['uCode']} {key['Time']} appears twice for series {key['series']!r} "
            f"(first at {seen}); expected one row per office, origin, type and year "
            "(the same file given twice?)",
            file=where[i][0],
            row=where[i][1],
        )
    agg = ucode == ""
    provenance = {
        "source": "wipo",
        "dataset": "WIPO IP Statistics Data Center (downloaded file)",
        "query": {"by": by, "series": series},
        "files": [{"file": t.file, "sha256": t.sha256, "indicator": t.indicator} for t in tables],
        "last_updated": next((t.last_updated for t in tables if t.last_updated), None),
        "requests": [],
    }
    names = list(dict.fromkeys(long["series"]))
    return Fetched(
        data=long[~agg][LONG_COLUMNS].reset_index(drop=True),
        provenance=provenance,
        series=names,
        aggregates=long[agg][LONG_COLUMNS].reset_index(drop=True),
    )


def store_wipo(tables: list[WipoTable], db: str | Path) -> int:
    """Write the downloads to the store table ``source_wipo_ipstats`` (one transaction).

    Rows of a file already loaded (same SHA-256) are replaced, so loading twice does not
    double count. Returns the number of rows written.
    """
    from ..dbfile import insert_frame, store_transaction

    frames = []
    loaded = datetime.now(UTC).isoformat(timespec="seconds")
    for t in tables:
        f = t.data.copy()
        f["indicator"] = t.indicator or ""
        f["file_sha256"] = t.sha256
        f["file"] = Path(t.file).name
        f["last_updated"] = t.last_updated or ""
        f["loaded"] = loaded
        frames.append(f)
    frame = pd.concat(frames, ignore_index=True)
    with store_transaction(db) as con:
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {STORE_TABLE} (office VARCHAR, office_code VARCHAR, "
            "office_iso3 VARCHAR, origin VARCHAR, origin_code VARCHAR, origin_iso3 VARCHAR, "
            "type VARCHAR, field VARCHAR, year INTEGER, value DOUBLE, indicator VARCHAR, "
            "file_sha256 VARCHAR, file VARCHAR, last_updated VARCHAR, loaded VARCHAR)"
        )
        for sha in {t.sha256 for t in tables}:
            con.execute(f"DELETE FROM {STORE_TABLE} WHERE file_sha256 = ?", [sha])
        insert_frame(con, STORE_TABLE, frame)
    return len(frame)


def _rows_of(t: WipoTable) -> list[int]:
    """File line of each row of ``t.data`` (unknown lines, from a table built by hand, as 0)."""
    return t.rows if len(t.rows) == len(t.data) else [0] * len(t.data)


def _is_header(row: list[Any]) -> bool:
    cells = [canonical(str(c or "")).lower() for c in row]
    has_label = "office" in cells or "origin" in cells
    return has_label and sum(1 for c in cells if _YEAR.match(c)) >= 1


def _number(v: Any, p: Path, row: int, col: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, int | float) and not isinstance(v, bool):
        return check_value(float(v), file=p, row=row, column=col)
    text = canonical(str(v))
    if text in ("", "-", ".."):
        return None
    if _NUMBER.match(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{text!r} is not a number", file=p, row=row, column=col) from None
    return check_value(value, file=p, row=row, column=col)


def _after(text: str, pattern: str) -> str | None:
    m = re.search(pattern, text)
    return " ".join(m.group(1).split()) if m else None


def _csv_rows(p: Path) -> list[list[Any]]:
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict") if _cp1252(raw) else ""
        if not text:
            raise InputError(
                "the download is neither UTF-8 nor Windows-1252 text", file=p
            ) from None
    if "\x00" in text[:1000]:
        raise InputError("the download is not a text CSV (binary content)", file=p)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise InputError(f"cannot parse the CSV: {exc}", file=p) from None


def _cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _xlsx_rows(p: Path) -> tuple[list[list[Any]], list[str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise InputError(f"cannot read the workbook ({type(exc).__name__})", file=p) from None
    try:
        sheets = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
    finally:
        wb.close()
    main = next(
        (s for s in sheets if any(_is_header(r) for r in s[:50])), sheets[0] if sheets else []
    )
    notes = [
        " ".join(str(c) for c in r if c not in (None, ""))
        for s in sheets
        if s is not main
        for r in s
    ]
    return main, notes
