"""Importing published results (scores by edition, no indicators) as a run of the store."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .._identity import canonical
from ..errors import DataWarning, InputError
from ..framework import Framework
from ..io.countries import names_to_iso3

__all__ = ["import_results", "read_published", "to_iso3"]

UNIT_NAMES = (
    "ucode",
    "country",
    "countries",
    "economy",
    "economies",
    "country name",
    "country code",
    "iso3",
)


def _decode(raw: bytes, file: str) -> str:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("cannot decode the file as UTF-8 or latin-1", file=file)  # pragma: no cover


def read_published(file: str | Path) -> tuple[pd.DataFrame, bool]:
    """The file as text cells (``;`` or ``,``, UTF-8 with or without BOM, or latin-1) and
    whether it uses decimal commas."""
    path = Path(file)
    if not path.is_file():
        raise InputError("file not found", file=path)
    text = _decode(path.read_bytes(), str(path))
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise InputError(
            "the file is empty: expected a header and one row per economy and year", file=path
        )
    sep = (
        ";"
        if first.count(";") > first.count(",")
        else ("\t" if first.count("\t") > first.count(",") else ",")
    )
    try:
        df = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(
            f"cannot parse the file as {sep!r}-separated text ({str(exc).splitlines()[0]})",
            file=path,
        ) from None
    df.columns = [canonical(str(c)).strip() for c in df.columns]
    body = df.to_numpy(dtype=str).ravel() if len(df) else np.array([], dtype=str)
    decimal_comma = sep != "," and any(re.fullmatch(r"-?\d+,\d+", v.strip()) for v in body[:5000])
    return df, decimal_comma


def _numbers(
    df: pd.DataFrame, col: str, decimal_comma: bool, file: str, what: str = "a number"
) -> pd.Series:
    s = df[col].astype(str).str.strip()
    if decimal_comma:
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    s = s.str.replace("\u00a0", "", regex=False)
    missing = s.isin(["", "NA", "N/A", "n/a", "NaN", "nan", "..", "-"])
    out = pd.to_numeric(s.where(~missing), errors="coerce")
    bad = out.isna() & ~missing
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"expected {what}, found {df[col].iloc[i]!r}", file=file, row=i + 2, column=col
        )
    return out.astype(float)


def to_iso3(names: list[str], *, file: str, column: str) -> dict[str, str]:
    """ISO3 code of every distinct name; stops with one line listing every unmappable name.

    A panel may spell one country differently across editions, so aliases are accepted."""
    distinct = sorted(set(names))
    if all(re.fullmatch(r"[A-Z]{3}", n) for n in distinct):
        return {n: n for n in distinct}
    return names_to_iso3(distinct, file=file, column=column, allow_aliases=True)


def _match_columns(
    df: pd.DataFrame, fw: Framework, skip: set[str], mapping: Mapping[str, str], file: str
) -> dict[str, str]:
    meta = fw.meta
    tree = meta[meta["Type"].isin(["Aggregate", "Indicator"])]
    by_key = {}
    for code, name in zip(tree["iCode"].astype(str), tree["iName"].astype(str), strict=True):
        by_key[code.casefold()] = code
        by_key[canonical(name).strip().casefold()] = code
    cols = {}
    for col, code in mapping.items():
        if col not in df.columns:
            raise InputError(
                f"--map names column {col!r}, which the file does not have; columns: {list(df.columns)}",
                file=file,
            )
        if code not in set(tree["iCode"].astype(str)):
            raise InputError(
                f"--map {col}={code}: {code!r} is not a code of the framework {fw.source}",
                file=file,
            )
        cols[col] = code
    for col in df.columns:
        if col in skip or col in cols:
            continue
        found = by_key.get(col.casefold())
        if found is not None:
            cols[col] = found
    if not cols:
        raise InputError(
            f"no column matches a code or name of the framework {fw.source}; columns: {list(df.columns)}; "
            "use --map COLUMN=CODE",
            file=file,
        )
    dup = pd.Series(list(cols.values()))
    if dup.duplicated().any():
        code = dup[dup.duplicated()].iloc[0]
        raise InputError(
            f"two columns map to {code!r}: {[c for c, v in cols.items() if v == code]}", file=file
        )
    return cols


#: Largest gap between a published aggregate and the mean of its published components that
#: rounding explains (components and aggregate rounded to 1-2 decimals, up to three levels).
IDENTITY_TOLERANCE = 0.2


def _identity_check(
    scores: pd.DataFrame, fw: Framework, where: list[str], rows: list[int], file: str, strict: bool
) -> list[str]:
    """Messages for rows whose top published aggregate is not the weighted mean of its
    components (computed down to the published ones) within :data:`IDENTITY_TOLERANCE`."""
    have = set(scores.columns)
    tops = [c for c in reversed(fw.aggregates) if c in have and fw.children(c)]
    if not tops:
        return []
    top = tops[0]

    def value(code: str) -> np.ndarray | None:
        if code != top and code in have:
            return scores[code].to_numpy(dtype=float)
        kids = fw.children(code) if code in fw.aggregates else ()
        if not kids:
            return None
        parts = [value(k) for k in kids]
        if any(p is None for p in parts):
            return None
        w = np.array([fw.weights[k] for k in kids])
        return np.asarray(np.column_stack(parts) @ w / w.sum(), dtype=float)  # type: ignore[arg-type]

    computed = value(top)
    if computed is None:
        return []
    diff = np.abs(scores[top].to_numpy(dtype=float) - computed)
    messages = [
        f"{file}, row {rows[i]} ({where[i]}): {top} is {scores[top].iloc[i]:g} but the mean of its "
        f"components gives {computed[i]:.2f} (off by {diff[i]:.2f}; rounding explains {IDENTITY_TOLERANCE})"
        for i in np.flatnonzero(diff > IDENTITY_TOLERANCE)
    ]
    if messages and strict:
        i = int(np.flatnonzero(diff > IDENTITY_TOLERANCE)[0])
        raise InputError(
            f"({where[i]}) {top} is {scores[top].iloc[i]:g} but the mean of its components gives "
            f"{computed[i]:.2f}; {len(messages)} row(s) break the aggregation identity (--strict)",
            file=file,
            row=rows[i],
        )
    return messages


def import_results(
    file: str | Path,
    *,
    framework: str,
    db: str | Path,
    time: int | None = None,
    time_column: str | None = None,
    unit_column: str | None = None,
    mapping: Mapping[str, str] | None = None,
    strict: bool = False,
    dataset: str | None = None,
    name: str | None = None,
) -> str:
    """Store a published results file as a run; returns the run id.

    ``name`` is how messages and the run's recorded inputs call the file (default: its path;
    the web API passes the uploaded file's name, not its temporary copy).

    The file is read as published: ``;`` or ``,`` separated, decimal commas, UTF-8 (with or
    without BOM) or latin-1. Columns are matched to the framework's codes or names
    (case-insensitive); ``mapping`` maps a column the framework cannot match to a code
    (``{"Score": "GII"}``). The unit column is found by its usual names (Country, Economy,
    Economies, uCode) or given by ``unit_column``; country names become ISO3 codes with
    country_converter. Other columns (income, GDP) are kept as unit metadata.

    For a known framework each row's aggregation identity is checked (for the GII: the index
    is the mean of the input and output sub-indices, each the mean of its pillars, within the
    published rounding); each row that breaks it is a :class:`~innovindex.errors.DataWarning`
    naming the row, or an :class:`~innovindex.errors.InputError` with ``strict=True``.

    Raises
    ------
    InputError
        One line naming the place: an unmappable country name (every one is listed), a
        non-numeric score, a year column with text, duplicate unit-year rows, no scores.
        Nothing is written.
    """
    from ..building import resolve_framework
    from ..io.writers import file_sha256
    from ..store import record_results

    src = name or str(file)
    fw = resolve_framework(framework)
    df, dec = read_published(file)
    if len(df) == 0:
        raise InputError("no data rows: expected one row per economy and year", file=src)
    if (time is None) == (time_column is None):
        raise InputError("give exactly one of --time YEAR or --time-column COLUMN", file=src)
    if unit_column is None:
        found = [c for c in df.columns if c.casefold() in UNIT_NAMES]
        if not found:
            raise InputError(
                f"no unit column (Country, Economy, Economies, uCode); columns: {list(df.columns)}; use --unit-column",
                file=src,
            )
        unit_column = found[0]
    elif unit_column not in df.columns:
        raise InputError(f"no unit column {unit_column!r}; columns: {list(df.columns)}", file=src)
    if time_column is not None:
        if time_column not in df.columns:
            raise InputError(
                f"no time column {time_column!r}; columns: {list(df.columns)}", file=src
            )
        years = _numbers(df, time_column, False, src, "a year")
        if years.isna().any() or (years != years.round()).any():
            i = int(np.flatnonzero((years.isna() | (years != years.round())).to_numpy())[0])
            raise InputError(
                f"expected a whole year, found {df[time_column].iloc[i]!r}",
                file=src,
                row=i + 2,
                column=time_column,
            )
        years = years.astype(int)
    else:
        years = pd.Series(int(time), index=df.index)  # type: ignore[arg-type]
    names = df[unit_column].map(lambda v: canonical(str(v)).strip())
    if (names == "").any():
        i = int(np.flatnonzero((names == "").to_numpy())[0])
        raise InputError("empty unit name", file=src, row=i + 2, column=unit_column)
    iso = to_iso3(list(names), file=src, column=unit_column)
    codes = names.map(iso)
    key = pd.DataFrame({"uCode": codes, "time": years})
    dup = key.duplicated(keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(
            np.flatnonzero(
                ((key["uCode"] == codes.iloc[i]) & (key["time"] == years.iloc[i])).to_numpy()
            )[0]
        )
        raise InputError(
            f"duplicate unit-year: {names.iloc[i]!r} ({codes.iloc[i]}) in {years.iloc[i]} also on row {first + 2}",
            file=src, row=i + 2, column=unit_column,
        )  # fmt: skip
    skip = {unit_column, *([time_column] if time_column else [])}
    cols = _match_columns(df, fw, skip, dict(mapping or {}), src)
    scores = pd.DataFrame({code: _numbers(df, col, dec, src) for col, code in cols.items()})
    if scores.isna().all().all():
        raise InputError(f"the score columns {list(cols)} hold no numbers", file=src)
    where = [f"{n}, {t}" for n, t in zip(names, years, strict=True)]
    msgs = _identity_check(scores, fw, where, list(range(2, len(df) + 2)), src, strict)
    for m in msgs:
        warnings.warn(m, DataWarning, stacklevel=2)
    long = scores.assign(uCode=codes.to_numpy(), uName=names.to_numpy(), time=years.to_numpy())
    long = long.melt(["uCode", "uName", "time"], var_name="code", value_name="score").dropna(
        subset=["score"]
    )
    long["level"] = long["code"].map(lambda c: fw.level(c))
    extra = [c for c in df.columns if c not in skip and c not in cols]
    units = pd.DataFrame({"uCode": codes, "time": years, "uName": names})
    for c in extra:
        units[c] = df[c].astype(str).str.strip()
    units = units.melt(["uCode", "time"], var_name="attribute", value_name="value")
    units = units[units["value"] != ""]
    inputs = {"results": {"path": src, "sha256": file_sha256(Path(file))}, "columns": cols}
    return record_results(
        db,
        long,
        units,
        framework=fw,
        dataset=dataset or Path(file).stem,
        inputs=inputs,
        warnings=msgs,
    )
