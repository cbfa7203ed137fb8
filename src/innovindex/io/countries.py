"""Country names to codes, through country_converter (``coco``).

Published tables often name economies ("Czech Republic (the)", "Hong Kong, China") where an
index needs codes. :func:`names_to_iso3` maps them to ISO 3166 alpha-3 codes and refuses, in one
line, every name it cannot map or that two names would share. :func:`iso2_to_iso3` turns the
two-letter codes of SDMX and WIPO files into the same codes. This is the one place innovindex
reads country_converter's table.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..errors import InputError

__all__ = ["names_to_iso3", "iso2_to_iso3", "iso_numeric_to_iso3"]

_NOT_FOUND = "\x00not found"
#: country_converter's columns that hold text (everything else numeric or flags).
_TEXT = {"name_short", "name_official", "regex", "ISO2", "ISO3", "continent", "UNregion",
         "EXIO1", "EXIO2", "EXIO3", "WIOD"}  # fmt: skip
_INT = ["ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete",
        "GEOnumeric"]  # fmt: skip


@lru_cache(maxsize=1)
def _country_table() -> Any:
    """country_converter's table with text kept as text: its own loader reads Namibia's ISO2
    code "NA" as missing under pandas 3."""
    try:
        import pandas as pd
        from country_converter.country_converter import COUNTRY_DATA_FILE
    except ImportError:  # pragma: no cover - a locked dependency
        raise InputError(
            "mapping country names to codes needs country_converter: pip install country_converter"
        ) from None
    return pd.read_csv(COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str,
                       keep_default_na=False)  # fmt: skip


@lru_cache(maxsize=1)
def _converter() -> Any:
    import country_converter as coco
    import pandas as pd

    table = _country_table().copy()
    for col in table.columns:
        if col not in _TEXT:
            table[col] = table[col].replace("", pd.NA)
    table = table.astype({c: "Int64" for c in _INT if c in table.columns})
    return coco.CountryConverter(country_data=table)


def iso2_to_iso3(code: str) -> str | None:
    """The ISO3 code of an ISO2 code, or None when it is not a country's (EP, EU27_2020, ...).

    Examples
    --------
    >>> iso2_to_iso3("DE"), iso2_to_iso3("NA"), iso2_to_iso3("EP")
    ('DEU', 'NAM', None)
    """
    return _iso2_table().get(code.upper())


@lru_cache(maxsize=1)
def iso_numeric_to_iso3() -> dict[int, str]:
    """ISO 3166-1 numeric code -> ISO3 (map geometries are keyed by the numeric code).

    Examples
    --------
    >>> iso_numeric_to_iso3()[156]
    'CHN'
    """
    table = _country_table()
    table = table[table["ISOnumeric"].str.fullmatch(r"\d+")]
    return {int(n): str(c) for n, c in zip(table["ISOnumeric"], table["ISO3"], strict=True)}


@lru_cache(maxsize=1)
def _iso2_table() -> dict[str, str]:
    table = _country_table()
    return {a: b for a, b in zip(table["ISO2"], table["ISO3"], strict=True) if a and b}


def names_to_iso3(
    names: Sequence[str],
    *,
    file: str | None = None,
    column: str,
    allow_aliases: bool = False,
) -> dict[str, str]:
    """Map each distinct country name (or code) to its ISO3 code.

    Parameters
    ----------
    names
        Names as published; ISO2/ISO3 codes are accepted too.
    file, column
        Where the names come from, for the error message.
    allow_aliases
        Accept several spellings of one country (a panel whose editions say "Czech Republic"
        and later "Czechia"); by default two names sharing a code are refused.

    Raises
    ------
    InputError
        Naming every name that cannot be mapped, and names that map to the same code.
    """
    distinct = list(dict.fromkeys(names))
    log = logging.getLogger("country_converter")
    level, log.level = log.level, logging.CRITICAL  # coco logs every miss; we report them once
    try:
        codes = _converter().convert(distinct, to="ISO3", not_found=_NOT_FOUND)
    finally:
        log.level = level
    if isinstance(codes, str):
        codes = [codes]
    out: dict[str, str] = {}
    bad: list[str] = []
    for name, code in zip(distinct, codes, strict=True):
        if isinstance(code, str) and code != _NOT_FOUND:
            out[name] = code
        else:  # not found, or a list: the name matches several countries
            bad.append(name)
    if bad:
        raise InputError(
            f"{len(bad)} unit name(s) cannot be mapped to country codes: {bad}; "
            "give a uCode column, or spell them as country names or ISO codes",
            file=file,
            column=column,
        )
    by_code: dict[str, list[str]] = {}
    for name, code in out.items():
        by_code.setdefault(code, []).append(name)
    clash = {code: ns for code, ns in by_code.items() if len(ns) > 1}
    if clash and not allow_aliases:
        code, ns = next(iter(clash.items()))
        raise InputError(
            f"unit names {ns} all map to the country code {code!r}; keep one spelling, or give "
            "a uCode column",
            file=file,
            column=column,
        )
    return out
