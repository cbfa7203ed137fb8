"""Derived patent indicators as pure Ibis expressions: resident split, RTA, concentration,
self-reliance, growth and shares. Built on the counts in :mod:`.queries`."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from ..errors import SpecError
from .queries import (
    DEFAULT_FRACTIONAL,
    Fractional,
    PatentTables,
    YearBasis,
    _fields,
    by_field,
    frac_column,
    office_type,
    scoped_fact,
    year_column,
)
from .schema import REGIONAL_OFFICES

__all__ = [
    "DEFAULT_KEY_FIELDS",
    "concentration",
    "growth",
    "resident",
    "rta",
    "self_reliance",
    "shares",
]

# WIPO field numbers: optics 9 ... chosen as the default "key" technologies.
DEFAULT_KEY_FIELDS = {
    "Semiconductors": 8,
    "Optics": 9,
    "Computer technology": 6,
    "Digital communication": 4,
    "Measurement": 10,
    "Biotechnology": 15,
    "Pharmaceuticals": 16,
}
_NO_YEAR = -1  # internal stand-in so unknown years survive joins; turned back into null


def _y(expr: ir.Table, ycol: str) -> ir.Table:
    return expr.mutate(**{ycol: ibis.coalesce(expr[ycol], ibis.literal(_NO_YEAR))})


def _unY(expr: ir.Table, ycol: str) -> ir.Table:
    return expr.mutate(**{ycol: expr[ycol].nullif(_NO_YEAR)})


def resident(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """Resident, non-resident and abroad filings by country and year.

    Columns: ``country, office_type, <year>, applications`` (filed at the country's
    office), ``resident``, ``non_resident``, ``unknown_origin``, ``resident_share``
    (resident / (resident + non_resident), i.e. over known origin), ``abroad`` (filings by
    the country's residents at any other office, regional ones included).
    Regional/international authorities get their own rows with resident and non-resident
    left null (residence in a member state is not treated as resident).
    """
    ycol = year_column(year)
    o = _y(scoped_fact(t, "origin", year=year, years=years), ycol)
    n = o.applications
    at = o.group_by([o.office.name("country"), ycol]).aggregate(
        applications=n.sum(),
        _res=ibis.ifelse(o.origin == o.office, n, 0).sum(),
        unknown_origin=ibis.ifelse(o.origin == "unknown", n, 0).sum(),
    )
    ab = o.filter((o.origin != "unknown") & (o.origin != o.office))
    ab = ab.group_by([ab.origin.name("country"), ycol]).aggregate(abroad=ab.applications.sum())
    j = at.outer_join(ab, [at.country == ab.country, at[ycol] == ab[ycol]])
    country = ibis.coalesce(j.country, j.country_right)
    regional = country.isin(sorted(REGIONAL_OFFICES))
    apps = ibis.coalesce(j.applications, 0)
    res = ibis.ifelse(regional, ibis.null("int64"), ibis.coalesce(j._res, 0))
    unknown = ibis.coalesce(j.unknown_origin, 0)
    nonres = ibis.ifelse(regional, ibis.null("int64"), apps - ibis.coalesce(j._res, 0) - unknown)
    r = j.select(
        country=country,
        office_type=office_type(country),
        **{ycol: ibis.coalesce(j[ycol], j[f"{ycol}_right"])},
        applications=apps,
        resident=res,
        non_resident=nonres,
        unknown_origin=unknown,
        abroad=ibis.coalesce(j.abroad, 0),
    )
    known = r.resident + r.non_resident
    r = r.mutate(
        resident_share=ibis.ifelse(
            known > 0, r.resident.cast("float64") / known, ibis.null("float64")
        )
    )
    r = r.select(
        "country",
        "office_type",
        ycol,
        "applications",
        "resident",
        "non_resident",
        "unknown_origin",
        "resident_share",
        "abroad",
    )
    r = _unY(r, ycol)
    return r.order_by([r.country, r[ycol]])


def rta(
    t: PatentTables,
    *,
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    fractional: Fractional = DEFAULT_FRACTIONAL,
) -> ir.Table:
    """Revealed technological advantage by origin, field and year (fractional counts).

    ``rta = (x_cf / x_c) / (x_f / x)`` over applications of known origin, where ``x_cf`` is
    the country's fractional count in the field. Above 1 = specialised.
    """
    ycol = year_column(year)
    f = _y(by_field(t, by=("origin",), year=year, years=years, fractional=fractional), ycol)
    f = f.filter(f.origin != "unknown")
    v = f.applications_fractional
    x_c = v.sum().over(group_by=[f.origin, f[ycol]])
    x_f = v.sum().over(group_by=[f.field, f[ycol]])
    x = v.sum().over(group_by=[f[ycol]])
    r = f.select(
        "origin",
        "field",
        "field_name",
        "sector",
        ycol,
        "applications_fractional",
        rta=(v / x_c) / (x_f / x),
    )
    r = _unY(r, ycol)
    return r.order_by([r.origin, r.field, r[ycol]])


def concentration(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """Applicant concentration (Herfindahl-Hirschman index, 0-1) by office and year.

    Each application is shared equally among its named applicants (names compared
    upper-cased, as imported: importers trim them); ``hhi`` = sum of squared applicant shares. Columns: ``office, office_type,
    <year>, applications`` (with at least one named applicant), ``applicants``, ``hhi``.
    """
    ycol = year_column(year)
    f = _y(scoped_fact(t, "applicant", year=year, years=years), ycol)
    s = f.group_by(["office", ycol, "_name"]).aggregate(_s=f._s.sum())
    # sum of squared shares = sum(s^2) / (sum s)^2: two sums per office-year, no window
    h = s.group_by(["office", ycol]).aggregate(
        applicants=s.count(), _ss=(s._s * s._s).sum(), _t=s._s.sum()
    )
    h = h.select("office", ycol, "applicants", hhi=h._ss / (h._t * h._t))
    o = _y(scoped_fact(t, "origin", year=year, years=years), ycol)
    apps = o.group_by(["office", ycol]).aggregate(applications=o.named.sum())
    r = apps.join(h, ["office", ycol])
    r = r.select(
        "office",
        office_type(r.office).name("office_type"),
        ycol,
        "applications",
        "applicants",
        "hhi",
    )
    r = _unY(r, ycol)
    return r.order_by([r.office, r[ycol]])


def self_reliance(
    t: PatentTables,
    *,
    key_fields: Sequence[int] | None = None,
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    fractional: Fractional = DEFAULT_FRACTIONAL,
) -> ir.Table:
    """Self-reliance by country, field and year, at the country's own (national) office.

    One row per country and year with ``field = 0`` (all fields: whole counts), plus one per
    key field (fractional counts). Columns: ``country, field, field_name, <year>,
    applications`` (known origin), ``applications_fractional``, ``unknown_origin``,
    ``domestic_share`` (residents' share of known-origin filings), ``foreign_share``
    (1 - domestic_share), and their trends ``domestic_share_change_pp`` /
    ``foreign_share_change_pp``: the change from the previous year present in percentage
    points (shares are 0-1; 0.40 -> 0.45 is +5.0).
    """
    col = frac_column(fractional)
    ycol = year_column(year)
    keys = (
        sorted(DEFAULT_KEY_FIELDS.values())
        if key_fields is None
        else sorted({int(k) for k in key_fields})
    )
    bad = [k for k in keys if not 1 <= k <= 35]
    if bad or not keys:
        raise SpecError(f"key fields must be WIPO field numbers 1-35; got {list(key_fields or [])}")
    o = _y(scoped_fact(t, "origin", year=year, years=years), ycol)
    o = o.filter(~o.office.isin(sorted(REGIONAL_OFFICES)))
    known = o.origin != "unknown"
    n_known = ibis.ifelse(known, o.applications, 0)
    allf = o.group_by([o.office.name("country"), ycol]).aggregate(
        field=ibis.literal(0),
        field_name=ibis.literal("All fields"),
        applications=n_known.sum(),
        applications_fractional=n_known.cast("float64").sum(),
        unknown_origin=ibis.ifelse(known, 0, o.applications).sum(),
        _dom=ibis.ifelse(known & (o.origin == o.office), o.applications, 0).cast("float64").sum(),
    )
    j = _y(scoped_fact(t, "field", year=year, years=years), ycol)
    j = j.filter(j.field.isin(keys) & ~j.office.isin(sorted(REGIONAL_OFFICES))).join(
        _fields(t), "field"
    )
    kn = j.origin != "unknown"
    frac = ibis.ifelse(kn, j[col], 0.0)
    fld = j.group_by([j.office.name("country"), ycol, "field", "field_name"]).aggregate(
        applications=ibis.ifelse(kn, j.applications, 0).sum(),
        applications_fractional=frac.sum(),
        unknown_origin=ibis.ifelse(kn, 0, j.applications).sum(),
        _dom=ibis.ifelse(j.origin == j.office, frac, 0.0).sum(),
    )
    cols = [
        "country",
        "field",
        "field_name",
        ycol,
        "applications",
        "applications_fractional",
        "unknown_origin",
        "_dom",
    ]
    u = allf.select(allf.country, allf.field.cast("int32").name("field"), *cols[2:]).union(
        fld.select(fld.country, fld.field.cast("int32").name("field"), *cols[2:])
    )
    share = ibis.ifelse(
        u.applications_fractional > 0, u._dom / u.applications_fractional, ibis.null("float64")
    )
    u = u.mutate(domestic_share=share).drop("_dom")
    u = u.mutate(foreign_share=1.0 - u.domestic_share)
    win = ibis.window(group_by=[u.country, u.field], order_by=u[ycol])
    u = u.mutate(
        domestic_share_change_pp=(u.domestic_share - u.domestic_share.lag().over(win)) * 100.0,
        foreign_share_change_pp=(u.foreign_share - u.foreign_share.lag().over(win)) * 100.0,
    )
    u = _unY(u, ycol)
    return u.order_by([u.country, u.field, u[ycol]])


def growth(table: ir.Table, *, value: str = "applications", year: str | None = None) -> ir.Table:
    """Add growth columns to a count table, within each combination of its key columns.

    Added: ``<value>_yoy_pct`` (percent change on the previous year present),
    ``fold_vs_first`` (level / level in the first year), ``increase_pct_vs_first``
    ((fold - 1) x 100: 49,000 -> 330,000 is a 6.7-fold level and a 573% increase) and
    ``cagr_pct_vs_first`` (compound annual growth since the first year, percent).
    """
    ycol = year or _find_year(table)
    if value not in table.columns:
        raise SpecError(f"growth: no column {value!r}; columns are {list(table.columns)}")
    keys = [c for c in table.columns if c in ("office", "origin", "country", "field", "sector")]
    v = table[value].cast("float64")
    win = ibis.window(group_by=[table[k] for k in keys], order_by=table[ycol])
    first_v = v.first().over(win)
    first_y = table[ycol].min().over(win)
    prev = v.lag().over(win)
    fold = ibis.ifelse(first_v > 0, v / first_v, ibis.null("float64"))
    span = (table[ycol] - first_y).cast("float64")
    return table.mutate(
        **{
            f"{value}_yoy_pct": ibis.ifelse(
                prev > 0, (v / prev - 1.0) * 100.0, ibis.null("float64")
            )
        },
        fold_vs_first=fold,
        increase_pct_vs_first=(fold - 1.0) * 100.0,
        cagr_pct_vs_first=ibis.ifelse(
            span > 0, (fold.pow(1.0 / span) - 1.0) * 100.0, ibis.null("float64")
        ),
    ).order_by([table[k] for k in keys] + [table[ycol]])


def shares(table: ir.Table, *, value: str = "applications", year: str | None = None) -> ir.Table:
    """Add ``<value>_share``: each row's share of its year's total (0-1)."""
    ycol = year or _find_year(table)
    if value not in table.columns:
        raise SpecError(f"shares: no column {value!r}; columns are {list(table.columns)}")
    v = table[value].cast("float64")
    tot = v.sum().over(group_by=[table[ycol]])
    keys = [c for c in table.columns if c in ("office", "origin", "country", "field", "sector")]
    return table.mutate(
        **{f"{value}_share": ibis.ifelse(tot > 0, v / tot, ibis.null("float64"))}
    ).order_by([table[k] for k in keys] + [table[ycol]])


def _find_year(table: ir.Table) -> str:
    for c in ("filing_year", "priority_year"):
        if c in table.columns:
            return c
    raise SpecError(f"no filing_year or priority_year column in {list(table.columns)}")
