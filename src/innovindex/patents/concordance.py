"""IPC symbol normalisation and the IPC -> 35 WIPO technology fields concordance.

The concordance is WIPO's official "IPC - Technology Concordance" table (35 fields in 5
sectors). Each of its ``IPC_code`` values is a SQL LIKE pattern at one of three levels:

* an IPC class, e.g. ``H10%`` (3 characters before ``%``);
* a subclass, e.g. ``H01M%`` (4 characters);
* a main group inside a split subclass, e.g. ``H04N   5/%`` (subclass, main group
  right-aligned in 4 characters, ``/``), used where WIPO splits a subclass between fields
  (H04N, A61K, G01N, B01D, C13B).

A symbol is matched at the most specific level available: main group, then subclass, then
class. Symbols are first normalised to the PATSTAT padded form (:func:`normalise_ipc`), so
the three match keys are plain prefixes of the normalised symbol (lengths 9, 4 and 3).

The file itself is third-party and never shipped: :func:`load_concordance` reads it from a
path, from ``$INNOVINDEX_CONCORDANCE``, or from the user cache filled by
``innovindex data fetch`` (:func:`fetch_concordance`).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..errors import InputError

__all__ = [
    "CONCORDANCE_URL",
    "Concordance",
    "cache_dir",
    "fetch_concordance",
    "load_concordance",
    "normalise_ipc",
]

CONCORDANCE_URL = "https://www.wipo.int/documents/2948119/3215563/ipc_technology.xlsx"
_CACHE_NAME = "ipc_technology_concordance.csv"
_REQUIRED = ("Field_number", "Sector_en", "Field_en", "IPC_code")

# Section letter, 2-digit class, subclass letter, then optionally main group / subgroup.
_IPC_RE = re.compile(r"^([A-H])\s*(\d{2})\s*([A-Z])(?:\s*(\d{1,4})\s*(?:/\s*(\d{1,6})?)?)?$")
# IPC version indicators some exports append: "A21D 13/00 20060101", "A23C 19/09 (2006.01)"
_VERSION_RE = re.compile(r"\s*\(\d{4}\.\d{2}\)$|\s+\d{8}[A-Z0-9]*$")
_COMPACT_RE = re.compile(r"^([A-H]\d{2}[A-Z])(\d{3})(\d{2,6})$")  # A61K031426 = A61K 31/426


def normalise_ipc(symbol: str) -> str | None:
    """Return the PATSTAT padded form of an IPC symbol, or None if it is not one.

    Spacing, case and zero padding are normalised: ``"a21d 13/00"``, ``"A21D13/00"``,
    ``"A21D  13/00"``, ``"A21D 13/00 (2006.01)"`` and the compact landscape form
    ``"A21D01300"`` all give ``"A21D  13/00"``. A bare subclass (``"A23L"``) is kept as ``"A23L"``; a main group
    without subgroup (``"A23L 1"`` or ``"A23L 1/"``) gives ``"A23L   1/"``.

    Examples
    --------
    >>> normalise_ipc("h04n 5/44")
    'H04N   5/44'
    >>> normalise_ipc("H01J04900") is not None
    True
    >>> normalise_ipc("pizza") is None
    True
    """
    s = _VERSION_RE.sub("", symbol.strip().upper())
    if not s:
        return None
    m = _IPC_RE.match(s)
    if m is None:
        c = _COMPACT_RE.match(s.replace(" ", ""))
        if c is None:
            return None
        if int(c.group(2)) == 0:
            return None
        return f"{c.group(1)}{int(c.group(2)):>4d}/{c.group(3)}"
    sub = f"{m.group(1)}{m.group(2)}{m.group(3)}"
    if m.group(4) is None:
        return sub
    group = int(m.group(4))
    if group == 0:
        return None
    sg = m.group(5)
    if sg is None:
        return f"{sub}{group:>4d}/"
    return f"{sub}{group:>4d}/{sg if len(sg) >= 2 else sg.zfill(2)}"


@dataclass(frozen=True)
class Concordance:
    """The concordance as match keys.

    Attributes
    ----------
    table
        Arrow table with columns ``key`` (string; a 3-, 4- or 9-character prefix of a
        normalised IPC symbol), ``level`` (3, 4 or 9), ``field`` (int 1-35),
        ``field_name`` and ``sector``.
    source
        Where it was read from.
    """

    table: pa.Table
    source: str

    def fields(self) -> pa.Table:
        """The 35 fields: ``field``, ``field_name``, ``sector`` (one row each)."""
        seen: dict[int, tuple[str, str]] = {}
        for f, n, s in zip(
            self.table["field"].to_pylist(),
            self.table["field_name"].to_pylist(),
            self.table["sector"].to_pylist(),
            strict=True,
        ):
            seen.setdefault(f, (n, s))
        keys = sorted(seen)
        return pa.table(
            {
                "field": pa.array(keys, pa.int32()),
                "field_name": [seen[k][0] for k in keys],
                "sector": [seen[k][1] for k in keys],
            }
        )

    def lookup(self, symbol: str) -> int | None:
        """Field number of one symbol (normalised first), or None when unmapped."""
        norm = normalise_ipc(symbol)
        if norm is None:
            return None
        index = dict(
            zip(self.table["key"].to_pylist(), self.table["field"].to_pylist(), strict=True)
        )
        for n in (9, 4, 3):
            if len(norm) >= n and norm[:n] in index:
                return int(index[norm[:n]])
        return None


def cache_dir() -> Path:
    """The user cache directory of innovindex (``$INNOVINDEX_CACHE`` or XDG cache)."""
    env = os.environ.get("INNOVINDEX_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "innovindex"


def load_concordance(path: str | Path | None = None) -> Concordance:
    """Load WIPO's IPC-technology concordance (CSV or XLSX).

    Parameters
    ----------
    path
        The file. When None: ``$INNOVINDEX_CONCORDANCE``, else the user cache
        (:func:`cache_dir`), filled by ``innovindex data fetch``.

    Raises
    ------
    InputError
        If no file is found, a required column is missing, or a pattern or field number
        cannot be read.
    """
    if path is None:
        env = os.environ.get("INNOVINDEX_CONCORDANCE")
        path = Path(env) if env else cache_dir() / _CACHE_NAME
        if not path.exists():
            raise InputError(
                "WIPO IPC-technology concordance not found: pass --concordance PATH, set "
                "$INNOVINDEX_CONCORDANCE, or run `innovindex data fetch` when online",
                file=path,
            )
    p = Path(path)
    if not p.exists():
        raise InputError("concordance file not found", file=p)
    rows = _read_xlsx(p) if p.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(p)
    return _build(rows, str(p))


def _read_csv(p: Path) -> list[dict[str, str]]:
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("concordance CSV is not UTF-8", file=p) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _read_xlsx(p: Path) -> list[dict[str, str]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad workbook
        raise InputError(f"cannot read the concordance workbook: {exc}", file=p) from None
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    for i, r in enumerate(rows):  # the header row comes after a few title lines
        if r and "IPC_code" in [str(c) for c in r]:
            header = [str(c) for c in r]
            return [
                {h: "" if v is None else str(v) for h, v in zip(header, row, strict=False)}
                for row in rows[i + 1 :]
                if row and any(v is not None for v in row)
            ]
    raise InputError("no header row with an 'IPC_code' column in the workbook", file=p)


def _build(rows: list[dict[str, str]], source: str) -> Concordance:
    if not rows:
        raise InputError("the concordance has no rows", file=source)
    missing = [c for c in _REQUIRED if c not in rows[0]]
    if missing:
        raise InputError(
            f"missing concordance column(s) {missing}; expected {list(_REQUIRED)}, "
            f"found {list(rows[0])}",
            file=source,
        )
    keys: list[str] = []
    levels: list[int] = []
    fields: list[int] = []
    names: list[str] = []
    sectors: list[str] = []
    for i, r in enumerate(rows, start=2):
        code = r["IPC_code"]
        if not code.endswith("%") or len(code) - 1 not in (3, 4, 9):
            raise InputError(
                f"IPC_code {code!r} is not a class, subclass or main-group LIKE pattern",
                file=source,
                row=i,
                column="IPC_code",
            )
        try:
            field = int(float(r["Field_number"]))
        except ValueError:
            raise InputError(
                f"Field_number {r['Field_number']!r} is not a number",
                file=source,
                row=i,
                column="Field_number",
            ) from None
        keys.append(code[:-1])
        levels.append(len(code) - 1)
        fields.append(field)
        names.append(r["Field_en"].strip())
        sectors.append(r["Sector_en"].strip())
    table = pa.table(
        {
            "key": keys,
            "level": pa.array(levels, pa.int32()),
            "field": pa.array(fields, pa.int32()),
            "field_name": names,
            "sector": sectors,
        }
    )
    return Concordance(table=table, source=source)


def fetch_concordance(dest: Path | None = None, *, url: str = CONCORDANCE_URL) -> Path:
    """Download WIPO's concordance workbook and cache it as CSV.

    Returns the cached path. Raises :class:`InputError` when offline or when the download
    is not a readable concordance.
    """
    import urllib.error
    import urllib.request

    dest = dest or cache_dir() / _CACHE_NAME
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp_xlsx = dest.with_suffix(".download.xlsx")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - fixed https URL
            tmp_xlsx.write_bytes(resp.read())
    except (urllib.error.URLError, OSError) as exc:
        raise InputError(f"cannot download the concordance from {url}: {exc}") from None
    try:
        rows = _read_xlsx(tmp_xlsx)
        _build(rows, url)
        tmp = dest.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        os.replace(tmp, dest)
    finally:
        tmp_xlsx.unlink(missing_ok=True)
    return dest
