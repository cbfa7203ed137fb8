"""Checks of the query arguments every connector shares: years, countries, series codes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._identity import canonical
from ..errors import SpecError

__all__ = ["parse_years", "parse_countries", "check_codes"]

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-:]\s*(\d{4}))?\s*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``"2010-2020"`` (or one year ``"2020"``) to an inclusive span; None when not given.

    Examples
    --------
    >>> parse_years("2015-2020")
    (2015, 2020)
    >>> parse_years("2020")
    (2020, 2020)
    """
    if text is None or text.strip() == "":
        return None
    m = _YEARS.match(text)
    if m is None:
        raise SpecError(f"--years must be A-B with four-digit years, e.g. 2010-2020; got {text!r}")
    a = int(m.group(1))
    b = int(m.group(2) or a)
    if a > b:
        raise SpecError(f"--years {text!r} is reversed: the first year must not be after the last")
    return a, b


def parse_countries(text: str | Sequence[str] | None) -> list[str] | None:
    """Comma-separated ISO3 codes, upper-cased and checked; None = every country."""
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    codes = [canonical(c).upper() for c in items if canonical(c)]
    if not codes:
        return None
    bad = [c for c in codes if not _ISO3.match(c)]
    if bad:
        raise SpecError(f"--countries takes ISO3 codes such as DEU,FRA; not {bad[:5]}")
    return list(dict.fromkeys(codes))


def check_codes(codes: Sequence[str], pattern: str, what: str, example: str) -> list[str]:
    """Canonical series codes, each matching ``pattern``; at least one."""
    out = [canonical(c) for c in codes]
    if not out:
        raise SpecError(f"give at least one {what}, e.g. {example}")
    rx = re.compile(pattern)
    bad = [c for c in out if not rx.fullmatch(c)]
    if bad:
        raise SpecError(f"{bad[0]!r} is not a valid {what} (expected something like {example})")
    return list(dict.fromkeys(out))
