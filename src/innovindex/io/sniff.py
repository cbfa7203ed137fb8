"""Detect how a published CSV file is written: encoding, delimiter and decimal mark.

Statistical offices and data portals publish the same table as ``a,b`` with ``1.5`` (English
locales), ``a;b`` with ``1,5`` (most of continental Europe), tab-separated, or in Latin-1 /
Windows-1252 instead of UTF-8. Each choice is detected here from the text itself; an explicit
choice (``--sep``, ``--decimal``, ``--encoding``) always wins and is checked.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, SpecError

__all__ = ["CsvDialect", "DECIMALS", "SEPARATORS", "check_options", "decode", "sniff_dialect"]

#: Delimiters tried by detection, in order of preference on a tie.
SEPARATORS = (",", ";", "\t", "|")
#: Accepted decimal marks.
DECIMALS = (".", ",")
_SEP_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_SAMPLE_LINES = 200
_COMMA_NUMBER = re.compile(r"^[+-]?\d+,\d+$")
_POINT_NUMBER = re.compile(r"^[+-]?\d+\.\d+$")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: delimiter and decimal mark (and the encoding used)."""

    sep: str
    decimal: str

    def describe(self, encoding: str) -> str:
        """E.g. ``"';'-separated, decimal ',', cp1252"``, for messages."""
        name = "tab" if self.sep == "\t" else repr(self.sep)
        return f"{name}-separated, decimal {self.decimal!r}, {encoding}"


def check_options(
    sep: str | None, decimal: str | None, encoding: str | None
) -> tuple[str | None, str | None, str | None]:
    """Validate explicit ``--sep``/``--decimal``/``--encoding`` values; return them normalised.

    ``sep`` may also be written ``tab``, ``\\t``, ``comma``, ``semicolon`` or ``pipe``.

    Raises
    ------
    SpecError
        On a delimiter that is not one character, a decimal mark other than ``.`` or ``,``,
        the same character for both, or an encoding Python does not know.
    """
    if sep is not None:
        sep = _SEP_NAMES.get(sep.lower(), sep)
        if len(sep) != 1 or sep in "\"'\n\r" or sep.isalnum():
            raise SpecError(
                f"--sep must be one delimiter character such as ',', ';', '|' or 'tab'; got {sep!r}"
            )
    if decimal is not None and decimal not in DECIMALS:
        raise SpecError(f"--decimal must be '.' or ','; got {decimal!r}")
    if sep is not None and decimal is not None and sep == decimal:
        raise SpecError(f"--sep and --decimal cannot both be {sep!r}")
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise SpecError(
                f"unknown --encoding {encoding!r}; expected e.g. utf-8, latin-1, cp1252, utf-16"
            ) from None
    return sep, decimal, encoding


def decode(raw: bytes, encoding: str | None, *, file: str | Path) -> tuple[str, str]:
    """The text of a file and the encoding used.

    Detection: a UTF-16/UTF-32 byte-order mark, else UTF-8 (with or without BOM), else
    Windows-1252, else Latin-1 (which decodes any byte).

    Raises
    ------
    InputError
        If the file does not decode in the given ``encoding`` (naming the line and byte).
    """
    if encoding is not None:
        enc = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        try:
            return raw.decode(enc), encoding
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError(
                f"not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "give the file's encoding with --encoding, or leave it out to detect it",
                file=file,
                row=line,
            ) from None
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        candidates = ["utf-32"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252", "latin-1"]
    for enc in candidates:
        try:
            return raw.decode(enc), "utf-8" if enc == "utf-8-sig" else enc
        except UnicodeDecodeError:
            continue
    raise InputError(  # only a file with a BOM that lies gets here
        f"cannot be decoded as {candidates[0]} although it starts with its byte-order mark",
        file=file,
    )


def _fields(lines: list[str], sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))


def sniff_dialect(
    text: str, *, sep: str | None = None, decimal: str | None = None, file: str | Path = "<csv>"
) -> CsvDialect:
    """Detect the delimiter and decimal mark of CSV ``text`` (explicit values are kept).

    The delimiter is the candidate that splits the header into the most columns with every
    sampled row the same width (quoted fields are honoured). The decimal mark is ``,`` when
    the delimiter is not a comma and numbers such as ``65,2`` occur with none such as ``65.2``.

    Raises
    ------
    InputError
        If no delimiter gives rows of one width, or ``decimal`` equals the delimiter found.
    """
    head = text[: 1 << 20]  # the first MiB is plenty; never split a whole large file
    lines = [ln for ln in head.splitlines()[:_SAMPLE_LINES] if ln.strip()]
    if sep is None:
        sep = _detect_sep(lines)
    if decimal is None:
        decimal = _detect_decimal(lines, sep)
    elif decimal == sep:
        raise InputError(
            f"the decimal mark {decimal!r} is also the file's delimiter; "
            "give the delimiter with --sep",
            file=file,
        )
    return CsvDialect(sep, decimal)


def _detect_sep(lines: list[str]) -> str:
    if not lines:
        return ","
    # the last sampled line may be cut short: judge the complete ones
    sample = lines[:-1] if len(lines) > 1 else lines
    scored = []
    for rank, cand in enumerate(SEPARATORS):
        if cand not in lines[0]:
            continue
        widths = Counter(len(r) for r in _fields(sample, cand))
        width, n = widths.most_common(1)[0]
        if width >= 2:
            scored.append((n == sum(widths.values()), width, -rank, cand))
    # one column: read as is, and the caller reports what is missing
    return max(scored)[3] if scored else ","


def _detect_decimal(lines: list[str], sep: str) -> str:
    if sep == ",":
        return "."
    comma = point = 0
    for row in _fields(lines[1:], sep):
        for cell in row:
            cell = cell.strip()
            if _COMMA_NUMBER.match(cell):
                comma += 1
            elif _POINT_NUMBER.match(cell):
                point += 1
    return "," if comma and not point else "."
