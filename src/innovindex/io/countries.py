"""Country names to codes, through country_converter (``coco``).

Published tables often name economies ("Czech Republic (the)", "Hong Kong, China") where an
index needs codes. :func:`names_to_iso3` maps them to ISO 3166 alpha-3 codes and refuses, in one
line, every name it cannot map or that two names would share.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..errors import InputError

__all__ = ["names_to_iso3"]

_NOT_FOUND = "\x00not found"
#: country_converter's columns that hold text (everything else numeric or flags).
_TEXT = {"name_short", "name_official", "regex", "ISO2", "ISO3", "continent", "UNregion",
         "EXIO1", "EXIO2", "EXIO3", "WIOD"}  # fmt: skip
_INT = ["ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember", "obsolete",
        "GEOnumeric"]  # fmt: skip


@lru_cache(maxsize=1)
def _converter() -> Any:
    try:
        import country_converter as coco
        import pandas as pd
        from country_converter.country_converter import COUNTRY_DATA_FILE
    except ImportError:  # pragma: no cover - a locked dependency
        raise InputError(
            "mapping country names to codes needs country_converter: pip install country_converter"
        ) from None
    # coco's own loader reads Namibia's ISO2 code "NA" as missing under pandas 3; read the
    # table with text kept as text and hand it over as a frame
    table = pd.read_csv(COUNTRY_DATA_FILE, sep="\t", encoding="utf-8", dtype=str,
                        keep_default_na=False)  # fmt: skip
    for col in table.columns:
        if col not in _TEXT:
            table[col] = table[col].replace("", pd.NA)
    table = table.astype({c: "Int64" for c in _INT if c in table.columns})
    return coco.CountryConverter(country_data=table)


def names_to_iso3(names: Sequence[str], *, file: str | None = None, column: str) -> dict[str, str]:
    """Map each distinct country name (or code) to its ISO3 code.

    Parameters
    ----------
    names
        Names as published; ISO2/ISO3 codes are accepted too.
    file, column
        Where the names come from, for the error message.

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
    if clash:
        code, ns = next(iter(clash.items()))
        raise InputError(
            f"unit names {ns} all map to the country code {code!r}; keep one spelling, or give "
            "a uCode column",
            file=file,
            column=column,
        )
    return out
