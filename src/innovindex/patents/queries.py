"""Patent indicators as pure Ibis expressions: ``PatentTables -> ibis.Table``.

Nothing here knows which engine runs the expression; :mod:`.backends` supplies tables
from DuckDB or Spark. Every table carries its year basis in the name of its year column:
``filing_year`` (WIPO's default) or ``priority_year`` (earliest priority). Applications
whose year is unknown are kept on a row with a null year, never dropped.

Counting conventions (see docs/patents.md):

* origin = country of the first-named applicant, else of the first-named inventor, else
  ``"unknown"`` (its own category);
* technology fields: fractional counts (``applications_fractional``) sum to 1 per
  classified application, split equally over its distinct fields (``fractional="fields"``,
  the default) or over its distinct mapped IPC symbols (``"symbols"``); whole counts give 1
  to each field it touches (``applications``);
* inventor countries: each named inventor carries ``1 / number of inventors``
  (``unknown_inventors="share"``: inventors of unknown residence go to ``"unknown"``) or
  ``1 / number of inventors of known residence`` (``"ignore"``); applications without
  inventors (of known residence, for ``"ignore"``) go to ``"unknown"`` whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..errors import SpecError
from .facts import (
    PatentTables,
    YearBasis,
    _in_years,
    applications,
    fact,
    field_weights,
    fields_table,
    origins,
    release_cache,
    with_cache,
    year_column,
)
from .schema import REGIONAL_OFFICES

__all__ = [
    "DEFAULT_FRACTIONAL",
    "DEFAULT_UNKNOWN_INVENTORS",
    "FRACTIONAL",
    "UNKNOWN_INVENTORS",
    "PatentTables",
    "YearBasis",
    "applications",
    "by_field",
    "by_office",
    "by_origin",
    "field_weights",
    "inventor_fractional",
    "origins",
    "release_cache",
    "with_cache",
    "year_column",
]

_KEY_ORDER = ("office", "origin", "country", "field", "sector")
Fractional = Literal["fields", "symbols"]
UnknownInventors = Literal["share", "ignore"]
FRACTIONAL: tuple[str, ...] = ("fields", "symbols")
UNKNOWN_INVENTORS: tuple[str, ...] = ("share", "ignore")
DEFAULT_FRACTIONAL: Fractional = "fields"  # WIPO's published method (docs/patents.md)
DEFAULT_UNKNOWN_INVENTORS: UnknownInventors = "share"


def frac_column(fractional: str) -> str:
    """The field fact's column for a fractional convention (``fields`` or ``symbols``)."""
    if fractional not in FRACTIONAL:
        raise SpecError(f"--fractional must be one of {list(FRACTIONAL)}; got {fractional!r}")
    return f"frac_{fractional}"


def inventor_column(unknown: str) -> str:
    """The inventor fact's column for a convention on unknown residence (``share``/``ignore``)."""
    if unknown not in UNKNOWN_INVENTORS:
        raise SpecError(
            f"--unknown-inventors must be one of {list(UNKNOWN_INVENTORS)}; got {unknown!r}"
        )
    return f"frac_{unknown}"


def concordance_table(table: pa.Table) -> ir.Table:
    """An in-memory Ibis table of concordance keys (``key, level, field, field_name, sector``)."""
    return ibis.memtable(table)


def _check_by(by: Sequence[str], allowed: Sequence[str], table: str) -> list[str]:
    bad = [b for b in by if b not in allowed]
    if bad:
        raise SpecError(f"{table}: cannot break down by {bad}; allowed: {list(allowed)}")
    return [k for k in _KEY_ORDER if k in by]


def office_type(office: ir.StringValue) -> ir.StringValue:
    """``"regional"`` for EP, WO, EA, AP, OA, GC; else ``"national"``."""
    return ibis.cases((office.isin(sorted(REGIONAL_OFFICES)), "regional"), else_="national")


def _ordered(expr: ir.Table, keys: Sequence[str]) -> ir.Table:
    return expr.order_by([expr[k] for k in keys])


def _fields(t: PatentTables) -> ir.Table:
    return fields_table(t)


def scoped_fact(
    t: PatentTables, name: str, *, year: YearBasis, years: tuple[int, int] | None
) -> ir.Table:
    """Fact table ``name`` (:mod:`.facts`) restricted to ``years`` on the given basis."""
    return _in_years(fact(t, name), year_column(year), years)


def by_office(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """Applications by filing office and year: ``office, office_type, <year>, applications``."""
    ycol = year_column(year)
    f = scoped_fact(t, "origin", year=year, years=years)
    g = f.group_by(["office", ycol]).aggregate(applications=f.applications.sum())
    g = g.select("office", office_type(g.office).name("office_type"), ycol, "applications")
    return _ordered(g, ["office", ycol])


def by_origin(
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
) -> ir.Table:
    """Applications by origin (first applicant, else first inventor, else ``unknown``).

    ``by=("office",)`` adds the filing office: ``office, origin, <year>, applications``.
    """
    keys = _check_by(by, ("office",), "by_origin") + ["origin", year_column(year)]
    f = scoped_fact(t, "origin", year=year, years=years)
    g = f.group_by(keys).aggregate(applications=f.applications.sum())
    return _ordered(g, keys)


def inventor_fractional(
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    unknown_inventors: UnknownInventors = DEFAULT_UNKNOWN_INVENTORS,
) -> ir.Table:
    """OECD-style counts by inventor country.

    Columns: ``[office,] country, <year>, applications, applications_fractional`` where
    ``applications`` counts applications with at least one inventor from the country
    (whole counting) and ``applications_fractional`` sums each inventor's
    ``1 / number of inventors`` (so it adds up to the number of applications);
    ``unknown_inventors="ignore"`` divides among inventors of known residence only.
    """
    col = inventor_column(unknown_inventors)
    keys = _check_by(by, ("office",), "inventor_fractional") + ["country", year_column(year)]
    f = scoped_fact(t, "inventor", year=year, years=years)
    g = f.group_by(keys).aggregate(
        applications=f.applications.sum(), applications_fractional=f[col].sum()
    )
    return _ordered(g, keys)


def by_field(
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    level: Literal["field", "sector"] = "field",
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    fractional: Fractional = DEFAULT_FRACTIONAL,
) -> ir.Table:
    """Applications by WIPO technology field (or sector) and year.

    Columns: ``[office,] [origin,] field, field_name, sector, <year>, applications,
    applications_fractional`` (``level="sector"``: ``sector`` instead of the field
    columns). Unclassified applications (no mapped IPC symbol) are not in this table.
    Whole counts: an application counts once per field (sector) it touches; fractional
    counts split it over its fields (``fractional="fields"``) or its mapped symbols
    (``"symbols"``).
    """
    col = frac_column(fractional)
    ycol = year_column(year)
    extra = _check_by(by, ("office", "origin"), "by_field")
    if level not in ("field", "sector"):
        raise SpecError(f"level must be 'field' or 'sector'; got {level!r}")
    f = scoped_fact(t, level, year=year, years=years)
    g = f.group_by([*extra, level, ycol]).aggregate(
        applications=f.applications.sum(), applications_fractional=f[col].sum()
    )
    if level == "field":
        g = g.join(_fields(t), "field")
        keys = extra + ["field", "field_name", "sector", ycol]
    else:
        keys = extra + ["sector", ycol]
    g = g.select(*keys, "applications", "applications_fractional")
    return _ordered(g, [k for k in keys if k != "field_name"])
