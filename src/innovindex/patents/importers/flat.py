"""Importers for flat search-tool exports: Espacenet, The Lens and PATENTSCOPE.

These exports are often mac_roman with CR-only line endings; the raw files are read
directly (``encoding="auto"``: UTF-8 when valid, else mac_roman; CR, LF and CRLF accepted).

=============  ==========================  ===================  =======================
export         application id / office     filing date          party countries
=============  ==========================  ===================  =======================
espacenet      Application number / first  Date of application  ``[CC]`` after a name
               publication number prefix   (YYYYMMDD, 0 = none)
lens           Application Number /        Application Date     none
               Jurisdiction                (DD/MM/YY)
patentscope    Publication Number / its    none (priority year  none
               prefix                      from Priority Data)
=============  ==========================  ===================  =======================
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from ...errors import InputError
from ._base import Collector, ImportResult, OnError, RowProblem, parse_date, read_text_rows

__all__ = ["import_espacenet", "import_lens", "import_patentscope"]

_CC_AFTER_NAME = re.compile(r"\[([A-Za-z]{2,3})\]\s*$")
_JUNK = re.compile("(?:\u00e2\u20ac\u201a|\u2002|\u00a0|\\s)+")  # mangled EN SPACE + blanks
_DATE8 = re.compile(r"\b(\d{8})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-\d{2}-\d{2}")

RowParser = Callable[[Collector, dict[str, str], str, int], None]


def _run(
    fmt: str,
    files: Sequence[str | Path],
    required: tuple[str, ...],
    parse: RowParser,
    *,
    encoding: str,
    on_error: OnError,
) -> ImportResult:
    if not files:
        raise InputError(f"no {fmt} files given")
    col = Collector(fmt, on_error)
    for f in files:
        path = Path(f)
        for line, rec, fields in read_text_rows(path, encoding=encoding, required=required):
            col.read += 1
            if rec is None:
                col.reject(
                    str(path),
                    line,
                    f"expected a row of the header's width, found {len(fields)} fields",
                )
                continue
            try:
                parse(col, rec, str(path), line)
            except RowProblem as p:
                col.reject(str(path), line, p.reason, p.column)
    return col.result()


def _office(code: str, col: Collector, column: str) -> str:
    c = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", c):
        raise RowProblem(f"no two-letter office code in {code!r}", column)
    from ..schema import is_country_code

    if not is_country_code(c):
        raise RowProblem(f"unknown office code {c!r}", column)
    return c


def _min_year(years: list[int]) -> int | None:
    ok = [y for y in years if 1782 <= y <= dt.date.today().year + 1]
    return min(ok) if ok else None


def _names(cell: str, sep: str) -> list[str]:
    out = []
    for part in cell.split(sep):
        name = _JUNK.sub(" ", part).strip()
        if name and name.upper() != "NA":
            out.append(name)
    return out


# --------------------------------------------------------------------------- Espacenet
_ESP_REQUIRED = (
    "Publication number",
    "Inventor(s)",
    "Applicant(s)",
    "International classification",
    "Application number",
    "Date of application",
    "Priority number(s)",
)


def _espacenet_row(col: Collector, r: dict[str, str], source: str, line: int) -> None:
    appln_id = r["Application number"].strip()
    if not appln_id:
        raise RowProblem("empty application number", "Application number")
    col.check_new_id(appln_id, source)
    office = _office(r["Publication number"].strip()[:2], col, "Publication number")
    filing = parse_date(r["Date of application"], "%Y%m%d", "Date of application")
    kind = re.search(r"\(([A-Z0-9]{1,2})\)", r["Publication number"])
    parties: list[tuple[str, str, str | None]] = []
    for role, column in (("applicant", "Applicant(s)"), ("inventor", "Inventor(s)")):
        for name in _names(r[column], ";"):
            m = _CC_AFTER_NAME.search(name)
            country = col.country(m.group(1), source, line, column) if m else None
            parties.append((role, (name[: m.start()] if m else name).strip(), country))
    col.add(
        source=source,
        line=line,
        app={
            "appln_id": appln_id,
            "office": office,
            "filing_date": filing,
            "filing_year": filing.year if filing else None,
            "priority_year": _min_year(
                [int(d[:4]) for d in _DATE8.findall(r["Priority number(s)"])]
            ),
            "kind": kind.group(1) if kind else None,
        },
        ipcs=r["International classification"].split(";"),
        parties=parties,
        ipc_column="International classification",
    )


def import_espacenet(
    files: Sequence[str | Path], *, encoding: str = "auto", on_error: OnError = "skip"
) -> ImportResult:
    """Import Espacenet CSV exports (e.g. the raw ``pizza_sliced_*.csv`` files).

    Parameters
    ----------
    files
        One or more export files; ids must be unique across all of them.
    encoding
        ``"auto"`` (UTF-8 when valid, else mac_roman) or a Python codec name.
    on_error
        ``"skip"``: reject bad rows and report them; ``"raise"``: stop at the first one.

    Raises
    ------
    InputError
        Unreadable file, wrong encoding, missing columns; any bad row with ``on_error="raise"``.
    """
    return _run(
        "espacenet", files, _ESP_REQUIRED, _espacenet_row, encoding=encoding, on_error=on_error
    )


# --------------------------------------------------------------------------- The Lens
_LENS_REQUIRED = (
    "Jurisdiction",
    "Kind",
    "Application Number",
    "Application Date",
    "Priority Numbers",
    "Applicants",
    "Inventors",
    "Type",
    "IPCR Classifications",
)


def _dmy2(text: str, column: str) -> dt.date | None:
    t = text.strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", t)
    if m is None:
        raise RowProblem(f"date {t!r} is not DD/MM/YY", column)
    yy = int(m.group(3))
    if len(m.group(3)) == 2:  # two-digit years: the latest century not in the future
        yy += 2000 if yy <= dt.date.today().year % 100 else 1900
    try:
        return dt.date(yy, int(m.group(2)), int(m.group(1)))
    except ValueError:
        raise RowProblem(f"date {t!r} is not a real date", column) from None


def _lens_row(col: Collector, r: dict[str, str], source: str, line: int) -> None:
    appln_id = re.sub(r"\s+", "", r["Application Number"])
    if not appln_id:
        raise RowProblem("empty application number", "Application Number")
    col.check_new_id(appln_id, source)
    office = _office(r["Jurisdiction"], col, "Jurisdiction")
    filing = _dmy2(r["Application Date"], "Application Date")
    parties = [("applicant", n, None) for n in _names(r["Applicants"], ";;")]
    parties += [("inventor", n, None) for n in _names(r["Inventors"], ";;")]
    col.add(
        source=source,
        line=line,
        app={
            "appln_id": appln_id,
            "office": office,
            "filing_date": filing,
            "filing_year": filing.year if filing else None,
            "priority_year": _min_year([int(d[:4]) for d in _DATE8.findall(r["Priority Numbers"])]),
            "kind": r["Kind"].strip() or None,
            "granted": r["Type"].strip().lower().startswith("granted"),
        },
        ipcs=r["IPCR Classifications"].split(";;"),
        parties=parties,
        ipc_column="IPCR Classifications",
    )


def import_lens(
    files: Sequence[str | Path], *, encoding: str = "auto", on_error: OnError = "skip"
) -> ImportResult:
    """Import The Lens CSV exports (same parameters as :func:`import_espacenet`).

    Lens exports list publications; a second publication of an application already read
    is rejected as a duplicate and counted.
    """
    return _run("lens", files, _LENS_REQUIRED, _lens_row, encoding=encoding, on_error=on_error)


# --------------------------------------------------------------------------- PATENTSCOPE
_PS_REQUIRED = (
    "Publication Number",
    "Publication Date",
    "Priority Data",
    "IPC",
    "Applicants",
    "Inventors",
)


def _patentscope_row(col: Collector, r: dict[str, str], source: str, line: int) -> None:
    appln_id = r["Publication Number"].strip().upper()
    if not appln_id:
        raise RowProblem("empty publication number", "Publication Number")
    col.check_new_id(appln_id, source)
    office = _office(appln_id[:2], col, "Publication Number")
    parse_date(r["Publication Date"], "%d.%m.%Y", "Publication Date")  # validated, not stored
    parties = [("applicant", n, None) for n in _names(r["Applicants"], ";")]
    parties += [("inventor", n, None) for n in _names(r["Inventors"], ";")]
    col.add(
        source=source,
        line=line,
        app={
            "appln_id": appln_id,
            "office": office,
            "priority_year": _min_year([int(y) for y in _ISO_DATE.findall(r["Priority Data"])]),
        },
        ipcs=r["IPC"].split(";"),
        parties=parties,
    )


def import_patentscope(
    files: Sequence[str | Path], *, encoding: str = "auto", on_error: OnError = "skip"
) -> ImportResult:
    """Import PATENTSCOPE CSV exports (same parameters as :func:`import_espacenet`).

    The export has no filing date, so ``filing_year`` is null; use the priority-year basis.
    The publication number is the record id.
    """
    return _run(
        "patentscope", files, _PS_REQUIRED, _patentscope_row, encoding=encoding, on_error=on_error
    )
