"""The canonical tables on an engine, and the small pre-aggregated "facts" every indicator
is computed from.

Every indicator groups by a few low-cardinality keys (office, origin, country, field, year),
so the expensive part, joining tens of millions of classification and party rows to their
applications by ``appln_id``, is done once per fact table, keyed by everything an
indicator may group on (both year bases included). The indicators then only re-group
these small tables:

* ``origin``: ``office, origin, filing_year, priority_year, applications, named``
  (``named`` = applications with at least one named applicant);
* ``field``: ``office, origin, field, filing_year, priority_year, applications,
  frac_fields, frac_symbols`` (whole counts, and fractional counts under both conventions:
  split equally over the application's distinct fields, or by its distinct mapped symbols);
* ``inventor``: ``office, origin, country, filing_year, priority_year, applications,
  frac_share, frac_ignore`` (OECD inventor-country counts; inventors of unknown residence
  shared as ``unknown`` or ignored);
* ``applicant``: ``office, origin, filing_year, priority_year, _name, _s`` (each applicant
  name's share of applications).

Every fact carries ``office`` and ``origin``, so a table can be restricted to some offices or
origins (``PatentTables.where``) by filtering its facts.

:func:`with_cache` materialises them on the engine for a whole indicator set; without it
each indicator builds the facts it needs as a plain (lazy) expression. Both paths run the
same expressions, so results agree (fractional sums up to float addition order).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import ibis
import ibis.expr.types as ir

from ..errors import SpecError

__all__ = [
    "FACTS",
    "TABLE_FACTS",
    "PatentTables",
    "YearBasis",
    "applications",
    "fact",
    "field_weights",
    "origins",
    "per_application",
    "release_cache",
    "with_cache",
    "year_column",
]

YearBasis = Literal["filing", "priority"]
_YEARS = ("filing_year", "priority_year")
FACTS = ("origin", "field", "sector", "inventor", "applicant")
# facts worth materialising for a whole indicator set ("sector" only serves --by sector)
_CACHED = ("origin", "field", "inventor", "applicant")
# the facts each table reads (a whole set caches the union)
TABLE_FACTS = {
    "by_office": ("origin",),
    "by_origin": ("origin",),
    "resident": ("origin",),
    "inventor_fractional": ("inventor",),
    "by_field": ("field",),
    "rta": ("field",),
    "concentration": ("applicant", "origin"),
    "self_reliance": ("origin", "field"),
}


@dataclass(frozen=True)
class PatentTables:
    """The canonical tables on one engine, plus the concordance as an Ibis table.

    ``summary`` is the stored result of :func:`per_application` (:mod:`.summary`), or None
    (computed then). ``app_table``, ``app_fields`` and ``facts`` hold materialised
    intermediates (see :func:`with_cache`).
    ``concordance`` is None when no IPC concordance was given: office, origin, resident,
    inventor and concentration tables do not need it. ``where`` restricts every fact to
    some values of ``office`` or ``origin`` (``(column, values)`` pairs). ``dataset``
    labels the tables built from these tables (:class:`.datasets.Dataset`), or is None.
    """

    applications: ir.Table
    classifications: ir.Table
    parties: ir.Table
    concordance: ir.Table | None = None
    summary: ir.Table | None = None
    app_table: ir.Table | None = None
    app_fields: ir.Table | None = None
    facts: dict[str, ir.Table] = field(default_factory=dict)
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    dataset: object = None

    def conc(self) -> ir.Table:
        """The concordance, or a one-line error saying how to get it."""
        if self.concordance is None:
            raise SpecError(
                "this table needs WIPO's IPC-technology concordance: pass --concordance PATH "
                "or run `innovindex data fetch` once"
            )
        return self.concordance


def year_column(year: YearBasis) -> str:
    """Name of the year column for a basis (``filing_year`` or ``priority_year``)."""
    if year not in ("filing", "priority"):
        raise SpecError(f"year basis must be 'filing' or 'priority'; got {year!r}")
    return f"{year}_year"


def applications(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """``appln_id, office, <year>`` for the applications in scope (``years`` inclusive)."""
    ycol = year_column(year)
    a = t.applications.select("appln_id", "office", t.applications[ycol])
    return _in_years(a, ycol, years)


def _in_years(expr: ir.Table, ycol: str, years: tuple[int, int] | None) -> ir.Table:
    if years is None:
        return expr
    lo, hi = years
    if lo > hi:
        raise SpecError(f"years must be ascending; got {lo}-{hi}")
    return expr.filter(expr[ycol].between(lo, hi))


def per_application(t: PatentTables) -> ir.Table:
    """One row per application: ``appln_id, office, filing_year, priority_year, origin,
    inventors, known_inventors, applicants``.

    ``origin`` is the country of the first-named applicant, else of the first-named
    inventor, else ``"unknown"``; ``inventors`` counts the named inventors and
    ``applicants`` the applicants with a name. One pass over the parties, grouped by
    application (canonical sequences start at 1 = first-named). The import stores this
    table (``t.summary``, :mod:`.summary`); it is computed here only when absent.
    """
    if t.summary is not None:
        return t.summary
    if t.app_table is not None:
        return t.app_table
    p = t.parties
    is_app = p.role == "applicant"
    is_inv = p.role == "inventor"
    agg = p.group_by("appln_id").aggregate(
        _ac=p.country.max(where=is_app & (p.sequence == 1)),
        _ic=p.country.max(where=is_inv & (p.sequence == 1)),
        _ni=is_inv.cast("int64").sum(),
        _nk=(is_inv & p.country.notnull()).cast("int64").sum(),
        _na=(is_app & p.name.notnull()).cast("int64").sum(),
    )
    a = t.applications.select("appln_id", "office", *_YEARS)
    j = a.left_join(agg, "appln_id")
    return j.select(
        "appln_id",
        "office",
        *_YEARS,
        origin=ibis.coalesce(j._ac, j._ic, ibis.literal("unknown")),
        inventors=ibis.coalesce(j._ni, 0),
        known_inventors=ibis.coalesce(j._nk, 0),
        applicants=ibis.coalesce(j._na, 0),
    )


def origins(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """``appln_id, office, origin, <year>``: WIPO origin of each application in scope."""
    ycol = year_column(year)
    o = _in_years(per_application(t), ycol, years)
    return o.select("appln_id", "office", "origin", ycol)


def _mapped_symbols(t: PatentTables) -> ir.Table:
    """``ipc, field`` for the distinct symbols that map to a field (most specific level)."""
    sym = t.classifications.select("ipc").distinct()
    conc = t.conc()
    sym = sym.mutate(_k9=sym.ipc.substr(0, 9), _k4=sym.ipc.substr(0, 4), _k3=sym.ipc.substr(0, 3))
    for n in (9, 4, 3):
        sub = conc.filter(conc.level == n)
        sym = sym.left_join(sub.select(**{f"_k{n}": sub.key, f"_f{n}": sub.field}), f"_k{n}")
    mapped = sym.select("ipc", field=ibis.coalesce(sym._f9, sym._f4, sym._f3))
    return mapped.filter(mapped.field.notnull())


def _app_fields(t: PatentTables) -> ir.Table:
    """``appln_id, field, symbols``: distinct mapped symbols per application and field."""
    if t.app_fields is not None:
        return t.app_fields
    m = t.classifications.select("appln_id", "ipc").join(_mapped_symbols(t), "ipc")
    return m.group_by(["appln_id", "field"]).aggregate(symbols=m.count())


def field_weights(t: PatentTables) -> ir.Table:
    """``appln_id, field, weight, symbols``: each application's share in each field.

    A symbol is matched at main group (9 characters), else subclass (4), else class (3).
    ``weight`` = the application's distinct mapped symbols in the field / all its distinct
    mapped symbols; unmapped symbols are ignored, so weights sum to 1 per classified
    application.
    """
    af = _app_fields(t)
    tot = af.group_by("appln_id").aggregate(_total=af.symbols.sum())
    j = af.join(tot, "appln_id")
    return j.select(
        "appln_id", "field", weight=j.symbols.cast("float64") / j._total, symbols=j.symbols
    )


def fields_table(t: PatentTables) -> ir.Table:
    """``field, field_name, sector`` (one row per WIPO field of the concordance)."""
    c = t.conc()
    return c.group_by("field").aggregate(field_name=c.field_name.min(), sector=c.sector.min())


def _origin_fact(t: PatentTables) -> ir.Table:
    o = per_application(t)
    return o.group_by(["office", "origin", *_YEARS]).aggregate(
        applications=o.count(), named=(o.applicants > 0).cast("int64").sum()
    )


def _field_fact(t: PatentTables, level: str) -> ir.Table:
    af = _app_fields(t)
    if level == "sector":
        fs = af.join(fields_table(t).select("field", "sector"), "field")
        af = fs.group_by(["appln_id", "sector"]).aggregate(symbols=fs.symbols.sum())
    # per application: its distinct mapped symbols and its distinct fields (sectors)
    tot = af.group_by("appln_id").aggregate(_total=af.symbols.sum(), _nf=af.count())
    # attach the application's keys to its (few) totals, then one join on the big side
    o = per_application(t).select("appln_id", "office", "origin", *_YEARS)
    to = tot.join(o, "appln_id")
    j = af.join(to, "appln_id")
    return j.group_by(["office", "origin", level, *_YEARS]).aggregate(
        applications=j.count(),
        frac_fields=(ibis.literal(1.0) / j._nf.cast("float64")).sum(),
        frac_symbols=(j.symbols.cast("float64") / j._total).sum(),
    )


def _inventor_fact(t: PatentTables) -> ir.Table:
    keys = ["office", "origin", "country", *_YEARS]
    inv = t.parties.filter(t.parties.role == "inventor")
    inv = inv.select("appln_id", country=ibis.coalesce(inv.country, ibis.literal("unknown")))
    ic = inv.group_by(["appln_id", "country"]).aggregate(_c=inv.count())
    o = per_application(t)
    j = ic.join(
        o.select("appln_id", "office", "origin", *_YEARS, "inventors", "known_inventors"),
        "appln_id",
    )
    known = j.country != "unknown"
    # 'ignore': inventors of unknown residence are left out; an application without any
    # inventor of known residence stays whole under 'unknown'
    ignore = ibis.cases(
        (j.known_inventors == 0, ibis.literal(1.0)),
        (known, j._c.cast("float64") / j.known_inventors.cast("float64")),
        else_=ibis.literal(0.0),
    )
    named = j.group_by(keys).aggregate(
        applications=j.count(),
        frac_share=(j._c.cast("float64") / j.inventors).sum(),
        frac_ignore=ignore.sum(),
    )
    none = o.filter(o.inventors == 0)  # no inventor: the whole application is 'unknown'
    none = none.group_by(["office", "origin", *_YEARS]).aggregate(applications=none.count())
    whole = none.applications.cast("float64")
    none = none.mutate(country=ibis.literal("unknown"), frac_share=whole, frac_ignore=whole)
    none = none.select(*keys, "applications", "frac_share", "frac_ignore")
    u = named.union(none)
    return u.group_by(keys).aggregate(
        applications=u.applications.sum(),
        frac_share=u.frac_share.sum(),
        frac_ignore=u.frac_ignore.sum(),
    )


def _applicant_fact(t: PatentTables) -> ir.Table:
    p = t.parties.filter((t.parties.role == "applicant") & t.parties.name.notnull())
    p = p.select("appln_id", _name=p.name.upper())
    o = per_application(t)
    j = p.join(o.select("appln_id", "office", "origin", *_YEARS, "applicants"), "appln_id")
    return j.group_by(["office", "origin", *_YEARS, "_name"]).aggregate(
        _s=(ibis.literal(1.0) / j.applicants.cast("float64")).sum()
    )


_BUILDERS = {
    "origin": _origin_fact,
    "inventor": _inventor_fact,
    "applicant": _applicant_fact,
}


def fact(t: PatentTables, name: str) -> ir.Table:
    """The fact table ``name`` (see the module docstring): materialised, else an expression;
    restricted to ``t.where``."""
    if name in t.facts:
        f = t.facts[name]
    elif name in ("field", "sector"):
        f = _field_fact(t, name)
    elif name in _BUILDERS:
        f = _BUILDERS[name](t)
    else:
        raise SpecError(f"unknown fact table {name!r}; expected one of {list(FACTS)}")
    for column, values in t.where:
        f = f.filter(f[column].isin(list(values)))
    return f


def with_cache(t: PatentTables, facts: tuple[str, ...] | None = None) -> PatentTables:
    """Materialise the per-application table and the fact tables on the engine, for
    computing a whole indicator set (``facts``: only these, e.g. ``("origin", "field")``;
    the others stay plain expressions).

    Uses Ibis's ``Table.cache()`` (a temporary table on DuckDB, a persisted DataFrame on
    Spark); results are identical to the uncached expressions (fractional sums up to the
    order of float additions). Call :func:`release_cache` when done.
    """
    base = replace(t, app_table=None, app_fields=None, facts={}, where=())
    if base.summary is None:  # else the stored summary is already a table
        base = replace(base, app_table=per_application(base).cache())
    wanted = _CACHED if facts is None else tuple(facts)
    bad = [n for n in wanted if n not in _CACHED]
    if bad:
        raise SpecError(f"cannot cache facts {bad}; expected some of {list(_CACHED)}")
    names = [n for n in wanted if n != "field" or t.concordance is not None]
    if "field" in names:
        # the (application, field) pairs feed two aggregations of the field fact: built once
        # from the stored rows (in key order, which keeps DuckDB's grouping cache-friendly)
        # rather than as a common table expression inside the fact's query
        base = replace(base, app_fields=_app_fields(base).cache())
    cached = {name: fact(base, name).cache() for name in names}
    return replace(base, facts=cached, where=t.where)


def release_cache(t: PatentTables) -> None:
    """Drop the intermediates of :func:`with_cache` (call before closing the connection)."""
    for c in (t.app_table, t.app_fields, *t.facts.values()):
        if c is not None and hasattr(c, "release"):
            c.release()
