"""Patent indicators as pure Ibis expressions: ``PatentTables -> ibis.Table``.

Nothing here knows which engine runs the expression; :mod:`.backends` supplies tables
from DuckDB or Spark. Every table carries its year basis in the name of its year column:
``filing_year`` (WIPO's default) or ``priority_year`` (earliest priority). Applications
whose year is unknown are kept on a row with a null year, never dropped.

Counting conventions (see docs/patents.md):

* origin = country of the first-named applicant, else of the first-named inventor, else
  ``"unknown"`` (its own category);
* technology fields: an application's distinct mapped IPC symbols are shared equally, so
  its fractional field counts sum to 1 (``applications_fractional``); whole counts give 1
  to each field it touches (``applications``);
* inventor countries: each named inventor carries ``1 / number of inventors``; inventors of
  unknown residence and applications without inventors go to ``"unknown"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from ..errors import SpecError
from .schema import REGIONAL_OFFICES

__all__ = [
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

YearBasis = Literal["filing", "priority"]
_KEY_ORDER = ("office", "origin", "country", "field", "sector")


@dataclass(frozen=True)
class PatentTables:
    """The canonical tables on one engine, plus the concordance as an Ibis table."""

    applications: ir.Table
    classifications: ir.Table
    parties: ir.Table
    concordance: ir.Table
    # optional materialised intermediates (see :func:`with_cache`)
    origin_table: ir.Table | None = None
    weight_table: ir.Table | None = None


def with_cache(t: PatentTables) -> PatentTables:
    """Materialise the intermediates shared by many indicators (each application's origin,
    each application's field weights) on the engine, for computing a whole indicator set.

    Uses Ibis's ``Table.cache()`` (a temporary table on DuckDB, a persisted DataFrame on
    Spark); results are identical to the uncached expressions.
    """
    a = t.applications
    fa = _first(t.parties, "applicant", "_ac")
    fi = _first(t.parties, "inventor", "_ic")
    j = a.select("appln_id", "office", "filing_year", "priority_year").left_join(fa, "appln_id")
    j = j.left_join(fi, "appln_id")
    o = j.select("appln_id", "office", "filing_year", "priority_year",
                 origin=ibis.coalesce(j._ac, j._ic, ibis.literal("unknown"))).cache()
    return PatentTables(t.applications, t.classifications, t.parties, t.concordance,
                        origin_table=o, weight_table=field_weights(t).cache())


def release_cache(t: PatentTables) -> None:
    """Drop the intermediates of :func:`with_cache` (call before closing the connection)."""
    for c in (t.origin_table, t.weight_table):
        if c is not None and hasattr(c, "release"):
            c.release()


def concordance_table(table: pa.Table) -> ir.Table:
    """An in-memory Ibis table of concordance keys (``key, level, field, field_name, sector``)."""
    return ibis.memtable(table)


def year_column(year: YearBasis) -> str:
    """Name of the year column for a basis (``filing_year`` or ``priority_year``)."""
    if year not in ("filing", "priority"):
        raise SpecError(f"year basis must be 'filing' or 'priority'; got {year!r}")
    return f"{year}_year"


def _check_by(by: Sequence[str], allowed: Sequence[str], table: str) -> list[str]:
    bad = [b for b in by if b not in allowed]
    if bad:
        raise SpecError(f"{table}: cannot break down by {bad}; allowed: {list(allowed)}")
    return [k for k in _KEY_ORDER if k in by]


def office_type(office: ir.StringValue) -> ir.StringValue:
    """``"regional"`` for EP, WO, EA, AP, OA, GC; else ``"national"``."""
    return ibis.cases((office.isin(sorted(REGIONAL_OFFICES)), "regional"), else_="national")


def applications(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """``appln_id, office, <year>`` for the applications in scope (``years`` inclusive)."""
    ycol = year_column(year)
    a = t.applications.select("appln_id", "office", t.applications[ycol])
    if years is not None:
        lo, hi = years
        if lo > hi:
            raise SpecError(f"years must be ascending; got {lo}-{hi}")
        a = a.filter(a[ycol].between(lo, hi))
    return a


def _first(parties: ir.Table, role: str, name: str) -> ir.Table:
    # canonical sequences start at 1 (= first-named); every importer numbers them so
    p = parties.filter((parties.role == role) & (parties.sequence == 1))
    return p.select("appln_id", **{name: p.country})


def origins(t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None) -> ir.Table:
    """``appln_id, office, origin, <year>``: WIPO origin of each application in scope."""
    if t.origin_table is not None:
        o = t.origin_table
        ycol = year_column(year)
        if years is not None:
            o = o.filter(o[ycol].between(*years))
        return o.select("appln_id", "office", "origin", ycol)
    a = applications(t, year=year, years=years)
    fa = _first(t.parties, "applicant", "_ac")
    fi = _first(t.parties, "inventor", "_ic")
    j = a.left_join(fa, "appln_id").left_join(fi, "appln_id")
    return j.select("appln_id", "office", origin=ibis.coalesce(j._ac, j._ic, ibis.literal("unknown")),
                    **{year_column(year): j[year_column(year)]})


def _ordered(expr: ir.Table, keys: Sequence[str]) -> ir.Table:
    return expr.order_by([expr[k] for k in keys])


def by_office(t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None) -> ir.Table:
    """Applications by filing office and year: ``office, office_type, <year>, applications``."""
    ycol = year_column(year)
    a = applications(t, year=year, years=years)
    g = a.group_by(["office", ycol]).aggregate(applications=a.count())
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
    o = origins(t, year=year, years=years)
    g = o.group_by(keys).aggregate(applications=o.count())
    return _ordered(g, keys)


def inventor_fractional(
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
) -> ir.Table:
    """OECD-style counts by inventor country.

    Columns: ``[office,] country, <year>, applications, applications_fractional`` where
    ``applications`` counts applications with at least one inventor from the country
    (whole counting) and ``applications_fractional`` sums each inventor's
    ``1 / number of inventors`` (so it adds up to the number of applications).
    """
    ycol = year_column(year)
    keys = _check_by(by, ("office",), "inventor_fractional") + ["country", ycol]
    a = applications(t, year=year, years=years)
    inv = t.parties.filter(t.parties.role == "inventor")
    n = inv.group_by("appln_id").aggregate(_n=inv.count())
    w = inv.join(n, "appln_id")
    w = w.select("appln_id", country=ibis.coalesce(w.country, ibis.literal("unknown")),
                 _w=ibis.literal(1.0) / w._n.cast("float64"))
    none = a.anti_join(inv, "appln_id").select(
        "appln_id", country=ibis.literal("unknown"), _w=ibis.literal(1.0).cast("float64")
    )
    u = w.union(none)
    # one row per (application, country): whole count = rows, no COUNT(DISTINCT) needed
    per = u.group_by(["appln_id", "country"]).aggregate(_w=u._w.sum())
    j = per.join(a, "appln_id")
    g = j.group_by(keys).aggregate(applications=j.count(), applications_fractional=j._w.sum())
    return _ordered(g, keys)


def field_weights(t: PatentTables) -> ir.Table:
    """``appln_id, field, weight, symbols``: each application's share in each field.

    A symbol is matched at main group (9 characters), else subclass (4), else class (3).
    ``weight`` = the application's distinct mapped symbols in the field / all its distinct
    mapped symbols; unmapped symbols are ignored, so weights sum to 1 per classified
    application.
    """
    if t.weight_table is not None:
        return t.weight_table
    # map the (few) distinct symbols first, then join them back: one join on the big table
    sym = t.classifications.select("ipc").distinct()
    conc = t.concordance
    levels = {}
    for n in (9, 4, 3):
        sub = conc.filter(conc.level == n)
        levels[n] = sub.select(**{f"_k{n}": sub.key, f"_f{n}": sub.field})
    sym = sym.mutate(_k9=sym.ipc.substr(0, 9), _k4=sym.ipc.substr(0, 4), _k3=sym.ipc.substr(0, 3))
    for n in (9, 4, 3):
        sym = sym.left_join(levels[n], f"_k{n}")
    mapped = sym.select("ipc", field=ibis.coalesce(sym._f9, sym._f4, sym._f3))
    mapped = mapped.filter(mapped.field.notnull())
    m = t.classifications.select("appln_id", "ipc").join(mapped, "ipc")
    af = m.group_by(["appln_id", "field"]).aggregate(symbols=m.count())
    tot = af.group_by("appln_id").aggregate(_total=af.symbols.sum())
    j = af.join(tot, "appln_id")
    return j.select("appln_id", "field", weight=j.symbols.cast("float64") / j._total, symbols=j.symbols)


def _fields(t: PatentTables) -> ir.Table:
    c = t.concordance
    return c.group_by("field").aggregate(field_name=c.field_name.min(), sector=c.sector.min())


def by_field(
    t: PatentTables,
    *,
    by: Sequence[str] = (),
    level: Literal["field", "sector"] = "field",
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
) -> ir.Table:
    """Applications by WIPO technology field (or sector) and year.

    Columns: ``[office,] [origin,] field, field_name, sector, <year>, applications,
    applications_fractional`` (``level="sector"``: ``sector`` instead of the field
    columns). Unclassified applications (no mapped IPC symbol) are not in this table.
    """
    ycol = year_column(year)
    extra = _check_by(by, ("office", "origin"), "by_field")
    if level not in ("field", "sector"):
        raise SpecError(f"level must be 'field' or 'sector'; got {level!r}")
    base = origins(t, year=year, years=years) if "origin" in extra else applications(t, year=year, years=years)
    w = field_weights(t).join(_fields(t), "field")
    if level == "field":
        keys = extra + ["field", "field_name", "sector", ycol]
    else:
        keys = extra + ["sector", ycol]
        w = w.group_by(["appln_id", "sector"]).aggregate(weight=w.weight.sum())
    # w has one row per (application, field or sector): whole count = rows
    j = w.join(base, "appln_id")
    g = j.group_by(keys).aggregate(applications=j.count(), applications_fractional=j.weight.sum())
    return _ordered(g, [k for k in keys if k != "field_name"])
