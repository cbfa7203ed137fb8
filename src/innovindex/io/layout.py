"""Bring indicator data as published into the iData layout (one row per unit and year).

Two layouts are read:

* **wide**: one column per indicator (COINr's iData). Columns may carry the framework's codes
  or labels that match them (``1.1.1.``, an ``iName``; see :mod:`innovindex.framework.codes`).
* **long**: one row per unit, indicator and (optionally) year, with a value column, as
  statistical databases publish (the GII database, SDMX/OECD/World Bank downloads).

Columns are recognised by name, ignoring case, spaces, ``_``, ``-`` and ``.``:

======== ==================================================================================
role     names
======== ==================================================================================
unit     ``uCode``, ``unit``, ``unit_code``, ``iso3``, ``iso``, ``country_code``, ``geo``, ...
name     ``uName``, ``unit_name``, ``economy``, ``economies``, ``country``, ``country_name``
time     ``Time``, ``year``, ``period``, ``time_period``
code     (long only) ``iCode``, ``indicator``, ``indicator_code``, ``code``, ``variable``, ``series``
value    (long only) ``value``, ``obs_value``
======== ==================================================================================

Without a unit-code column, unit names are mapped to ISO3 country codes
(:func:`innovindex.io.countries.names_to_iso3`) and kept as ``uName``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._identity import canonical
from .._limits import INFINITE_VALUE
from ..errors import InputError
from ..framework import Framework
from ..framework.codes import match_labels

__all__ = ["ROLE_NAMES", "is_text_column", "numeric_column", "to_idata"]

ROLE_NAMES: dict[str, frozenset[str]] = {
    "uCode": frozenset({"ucode", "unitcode", "unit", "iso3", "iso3code", "iso", "isocode",
                        "countrycode", "countryiso3", "economycode", "geo", "refarea"}),
    "uName": frozenset({"uname", "unitname", "economy", "economies", "country", "countries",
                        "countryname", "economyname"}),
    "Time": frozenset({"time", "year", "period", "timeperiod"}),
    "iCode": frozenset({"icode", "indicator", "indicatorcode", "indicatorid", "code",
                        "variable", "series", "seriescode"}),
    "value": frozenset({"value", "obsvalue"}),
}  # fmt: skip
_PUNCT = re.compile(r"[\s_\-.]+")
_NA_TEXT = ("NA", "NAN", "N/A", "..")


def _key(name: object) -> str:
    return _PUNCT.sub("", canonical(str(name))).casefold()


def is_text_column(name: str) -> bool:
    """True for columns read as text: unit codes and names, indicator codes."""
    k = _key(name)
    return any(k in ROLE_NAMES[r] for r in ("uCode", "uName", "iCode"))


def numeric_column(s: pd.Series, *, file: str, column: str) -> pd.Series:
    """``s`` as float; text other than missing markers is an error naming its file row."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        out = s.astype(float)
    else:
        out = pd.to_numeric(s, errors="coerce").astype(float)
        text = s.astype("string").str.strip()
        bad = out.isna() & s.notna() & (text != "") & ~text.str.upper().isin(_NA_TEXT)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"expected a number, found {s.iloc[i]!r}", file=file, row=i + 2, column=column
            )
    if np.isinf(out.to_numpy()).any():
        i = int(np.flatnonzero(np.isinf(out.to_numpy()))[0])
        raise InputError(INFINITE_VALUE, file=file, row=i + 2, column=column)
    return out


def _roles(columns: list[str], long_roles: bool, source: str) -> dict[str, str]:
    """Column found for each role; an exact canonical name wins over its aliases."""
    found: dict[str, str] = {}
    for role, names in ROLE_NAMES.items():
        if role in ("iCode", "value") and not long_roles:
            continue
        if role in columns:
            found[role] = role
            continue
        hits = [c for c in columns if _key(c) in names]
        if len(hits) > 1:
            raise InputError(
                f"ambiguous layout: columns {hits} could each be the {_ROLE_TEXT[role]}; "
                f"rename the one to use {role!r}",
                file=source,
                row=1,
            )
        if hits:
            found[role] = hits[0]
    return found


_ROLE_TEXT = {
    "uCode": "unit code",
    "uName": "unit name",
    "Time": "year",
    "iCode": "indicator code",
    "value": "value",
}


def to_idata(data: pd.DataFrame, framework: Framework, *, source: str) -> pd.DataFrame:
    """The iData (wide) form of ``data``, whichever layout it is in.

    Columns are renamed to ``uCode``/``uName``/``Time`` and to indicator codes; a long
    table is pivoted. Other checks (duplicates, numbers) are left to
    :func:`innovindex.io.idata.check_data`, except those only the long form can name.

    Raises
    ------
    InputError
        On an ambiguous layout, unit names that map to no country, or (long form) an
        indicator label that matches nothing in the framework, or a repeated unit,
        indicator and year.
    """
    columns = [str(c) for c in data.columns]
    data = data.set_axis(columns, axis=1)
    wanted = set(framework.indicators) | set(framework.denominators)
    labels = match_labels([c for c in columns if c not in wanted], framework)
    by_label = {lab: code for lab, code in labels.items() if code in wanted}
    present = (wanted & set(columns)) | set(by_label.values())
    is_long = not (present & set(framework.indicators))
    roles = _roles(columns, is_long, source)
    if is_long and not {"iCode", "value"} <= set(roles):
        is_long = False  # not long either: report what the wide form misses
        roles = {r: c for r, c in roles.items() if r not in ("iCode", "value")}
    if not is_long:
        clash = _clashes(by_label, columns)
        if clash:
            raise InputError(clash, file=source, row=1)
        data = data.rename(columns=by_label)
    data = data.rename(columns={c: r for r, c in roles.items() if r in ("uCode", "uName", "Time")})
    if "uCode" not in data.columns and "uName" in data.columns:
        data = _codes_from_names(data, source, roles["uName"])
    if is_long:
        data = _pivot(data, framework, source, roles)
    return data


def _clashes(by_label: dict[str, str], columns: list[str]) -> str | None:
    seen: dict[str, str] = {c: c for c in columns if c not in by_label}
    for label, code in by_label.items():
        if code in seen:
            return (
                f"columns {seen[code]!r} and {label!r} both give indicator {code!r}; "
                "keep one of them"
            )
        seen[code] = label
    return None


def _codes_from_names(data: pd.DataFrame, source: str, column: str) -> pd.DataFrame:
    from .countries import names_to_iso3

    names = data["uName"]
    blank = names.isna() | (names.astype(str).str.strip() == "")
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError("empty unit name", file=source, row=i + 2, column=column)
    names = names.astype(str).map(canonical)
    mapping = names_to_iso3(list(names.unique()), file=source, column=column)
    data = data.copy()
    data["uName"] = names
    data.insert(0, "uCode", names.map(mapping))
    return data


def _pivot(
    data: pd.DataFrame, framework: Framework, source: str, roles: dict[str, str]
) -> pd.DataFrame:
    code_col, value_col = roles["iCode"], roles["value"]
    raw = data[code_col]
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError("empty indicator code", file=source, row=i + 2, column=code_col)
    labels = raw.astype(str)
    mapping = match_labels(list(labels.unique()), framework)
    unmapped = [lab for lab in labels.unique() if lab not in mapping]
    if unmapped:
        raise InputError(
            f"{len(unmapped)} indicator code(s) match nothing in the framework "
            f"({framework.source}): {unmapped[:20]}{' ...' if len(unmapped) > 20 else ''}",
            file=source,
            column=code_col,
        )
    codes = labels.map(mapping)
    keep = codes.isin(set(framework.indicators) | set(framework.denominators)).to_numpy()
    # rows of aggregates (published scores) are not data: they are left out
    df = data.assign(_code=codes, _value=numeric_column(data[value_col], file=source,
                                                         column=value_col))  # fmt: skip
    df = df[keep]
    if "uCode" not in df.columns:
        raise InputError(
            "no unit column: expected 'uCode' (or unit, iso3, country_code) or a unit name "
            "column (economy, country)",
            file=source,
            row=1,
        )
    key = ["uCode", "Time"] if "Time" in df.columns else ["uCode"]
    for col in key:  # before pivoting, while rows are still the file's rows
        blank = df[col].isna() | (df[col].astype(str).str.strip() == "")
        if blank.any():
            row = int(np.flatnonzero(keep)[np.flatnonzero(blank.to_numpy())[0]]) + 2
            raise InputError(f"empty {col}", file=source, row=row, column=roles.get(col, col))
    dup = df.duplicated([*key, "_code"], keep=False)
    if dup.any():
        rows = np.flatnonzero(keep)[np.flatnonzero(dup.to_numpy())] + 2
        first = df[dup].iloc[0]
        what = ", ".join(f"{k}={first[k]!r}" for k in key)
        raise InputError(
            f"duplicate rows for {what}, indicator {first['_code']!r} (rows {list(rows[:2])}); "
            "expected one value per unit, indicator and year",
            file=source,
            column=code_col,
        )
    wide = df.pivot(index=key, columns="_code", values="_value")
    wide.columns.name = None
    carry = [c for c in ("uName", *framework.groups) if c in df.columns and c not in key]
    if carry:
        wide = wide.join(df.groupby(key, sort=False)[carry].first())
    return wide.reset_index()
