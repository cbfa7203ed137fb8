"""Enterprise patent tables as pure Ibis expressions (DuckDB and Spark alike):

* ``by_sector``: applications by origin, applicant sector and year, fractional over the
  sectors of an application's applicants, with each sector's share and the business
  (company) share;
* ``top_applicants``: the leading harmonised applicants per office, origin, field and
  year, with their share;
* ``self_reliance_firms``: per national office and key field, the share of filings held by
  domestic companies and the top domestic and foreign firms.

Applicants are harmonised and given a sector by :mod:`innovindex.firms.applicants`. The
mapping is the store's ``firm_applicants`` rows of the tables' data set when the engine
has them (so corrections from an overrides file apply), else it is computed from the
engine's applicant names (the same Python code on every engine, so the engines agree). Counting:
each named applicant carries ``1 / number of named applicants`` of the application;
applications without a named applicant count as sector ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence

import ibis
import ibis.expr.types as ir

from ..errors import SpecError
from .facts import (
    PatentTables,
    YearBasis,
    _in_years,
    field_weights,
    fields_table,
    per_application,
    year_column,
)
from .schema import REGIONAL_OFFICES

__all__ = [
    "TABLES",
    "BY_OPTIONS",
    "applicant_map",
    "by_sector",
    "top_applicants",
    "self_reliance_firms",
    "register",
]

_NO_COUNTRY = ""


def applicant_map(t: PatentTables) -> ir.Table:
    """``raw_name, country, applicant_id, applicant_name, sector`` on the engine of ``t``."""
    from ..firms.store import stored_mapping

    m = stored_mapping(t)  # the mapping stored for t's data set, if any
    if m is None:
        from ..firms.applicants import harmonise

        p = t.parties.filter((t.parties.role == "applicant") & t.parties.name.notnull())
        names = p.group_by(["name", "country"]).aggregate(applications=p.count()).to_pandas()
        names = names.rename(columns={"name": "raw_name"})
        names["country"] = names["country"].astype(object).where(names["country"].notna(), None)
        mapping = harmonise(
            names.sort_values(["raw_name", "country"], na_position="first", kind="mergesort")
        )
        mapping["country"] = mapping["country"].fillna(_NO_COUNTRY)
        m = ibis.memtable(
            mapping[["raw_name", "country", "applicant_id", "applicant_name", "sector"]]
        )
    else:
        # cast: a store written before types were explicit may hold a NULL-typed column
        m = m.mutate(country=ibis.coalesce(m.country.cast("string"), ibis.literal(_NO_COUNTRY)))
    return m.select("raw_name", "country", "applicant_id", "applicant_name", "sector")


def _applicant_shares(t: PatentTables) -> ir.Table:
    """``appln_id, applicant_id, applicant_name, sector, a_country, share`` (share = 1 / named
    applicants) plus one ``unknown`` row of share 1 for applications without applicants."""
    p = t.parties.filter((t.parties.role == "applicant") & t.parties.name.notnull())
    p = p.select(
        "appln_id", name=p.name, country=ibis.coalesce(p.country, ibis.literal(_NO_COUNTRY))
    )
    m = applicant_map(t)
    j = p.join(m, [p.name == m.raw_name, p.country == m.country])
    n = j.group_by("appln_id").aggregate(_n=j.count())
    j = j.join(n, "appln_id")
    named = j.select(
        "appln_id",
        "applicant_id",
        "applicant_name",
        "sector",
        a_country=ibis.ifelse(j.country == _NO_COUNTRY, ibis.null("string"), j.country),
        share=ibis.literal(1.0) / j._n.cast("float64"),
    )
    apps = per_application(t)
    none = apps.filter(apps.applicants == 0).select(
        "appln_id",
        applicant_id=ibis.null("string"),
        applicant_name=ibis.null("string"),
        sector=ibis.literal("unknown"),
        a_country=ibis.null("string"),
        share=ibis.literal(1.0),
    )
    return named.union(none)


def _scope(t: PatentTables, year: YearBasis, years: tuple[int, int] | None) -> tuple[ir.Table, str]:
    ycol = year_column(year)
    o = _in_years(per_application(t), ycol, years)
    return o.select("appln_id", "office", "origin", ycol), ycol


def by_sector(
    t: PatentTables, *, year: YearBasis = "filing", years: tuple[int, int] | None = None
) -> ir.Table:
    """Applications by origin, sector and year.

    Columns: ``origin, sector, <year>, applications`` (applications with at least one
    applicant of the sector), ``applications_fractional`` (sum of the sector's applicant
    shares: over the sectors they add up to the applications), ``share`` (of the origin's
    applications in the year) and ``business_share`` (the company share, on every row).
    """
    o, ycol = _scope(t, year, years)
    s = _applicant_shares(t)
    per = s.group_by(["appln_id", "sector"]).aggregate(w=s.share.sum())
    j = per.join(o, "appln_id")
    g = j.group_by(["origin", "sector", ycol]).aggregate(
        applications=j.count(), applications_fractional=j.w.sum()
    )
    tot = g.applications_fractional.sum().over(group_by=[g.origin, g[ycol]])
    biz = (
        ibis.ifelse(g.sector == "company", g.applications_fractional, 0.0)
        .sum()
        .over(group_by=[g.origin, g[ycol]])
    )
    g = g.mutate(share=g.applications_fractional / tot, business_share=biz / tot)
    g = g.select(
        "origin",
        "sector",
        ycol,
        "applications",
        "applications_fractional",
        "share",
        "business_share",
    )
    return g.order_by([g.origin, g.sector, g[ycol]])


def _ranked(g: ir.Table, keys: list[str], top: int) -> ir.Table:
    # rank on a rounded value so engines that add fractions in another order still agree
    win = ibis.window(
        group_by=[g[k] for k in keys],
        order_by=[ibis.desc(g.applications_fractional.round(9)), g.applicant_id],
    )
    g = g.mutate(rank=(ibis.row_number().over(win) + 1).cast("int64"))
    return g.filter(g["rank"] <= top)


def top_applicants(
    t: PatentTables,
    *,
    by: Sequence[str] = ("office", "origin", "field"),
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    top: int = 10,
) -> ir.Table:
    """The ``top`` harmonised applicants per office, origin, technology field and year.

    Columns: ``[office,] [origin,] [field, field_name,] <year>, rank, applicant_id,
    applicant_name, sector, applications, applications_fractional, share``: whole and
    fractional counts (applicant share x field weight) and the share of the group's
    fractional applications. ``by`` chooses the grouping keys among office, origin, field.
    """
    by = list(by) or ["office", "origin", "field"]  # none given (the CLI's default): all three
    if top < 1:
        raise SpecError(f"top must be at least 1; got {top}")
    bad = [b for b in by if b not in ("office", "origin", "field")]
    if bad:
        raise SpecError(
            f"top_applicants: cannot group by {bad}; allowed: ['office', 'origin', 'field']"
        )
    o, ycol = _scope(t, year, years)
    s = _applicant_shares(t)
    s = s.filter(s.applicant_id.notnull())
    j = s.join(o, "appln_id")
    keys: list[str] = [k for k in ("office", "origin") if k in by]
    w = j.share
    if "field" in by:
        fw = field_weights(t)
        j = j.join(fw.select("appln_id", "field", fweight=fw.weight), "appln_id")
        keys.append("field")
        w = j.share * j.fweight
    j = j.mutate(_w=w)
    g = j.group_by([*keys, ycol, "applicant_id"]).aggregate(
        applications=j.appln_id.nunique(),
        applications_fractional=j._w.sum(),
        applicant_name=j.applicant_name.min(),
        sector=j.sector.min(),
    )
    tot = g.applications_fractional.sum().over(group_by=[g[k] for k in [*keys, ycol]])
    g = g.mutate(share=g.applications_fractional / tot)
    g = _ranked(g, [*keys, ycol], top)
    cols = [
        *keys,
        ycol,
        "rank",
        "applicant_id",
        "applicant_name",
        "sector",
        "applications",
        "applications_fractional",
        "share",
    ]
    if "field" in keys:
        g = g.join(fields_table(t).select("field", "field_name"), "field")
        cols.insert(keys.index("field") + 1, "field_name")
    g = g.select(*cols)
    return g.order_by([g[k] for k in [*keys, ycol]] + [g["rank"]])


def self_reliance_firms(
    t: PatentTables,
    *,
    year: YearBasis = "filing",
    years: tuple[int, int] | None = None,
    key_fields: Sequence[int] | None = None,
) -> ir.Table:
    """Domestic companies in key fields at each national office.

    Columns: ``country, field, field_name, <year>, applications_fractional`` (key-field
    filings at the office, field weight x applicant share), ``unknown_home`` (the part whose
    applicant country and origin are both unknown), ``domestic_company_share`` (of the
    known-home part, held by companies of the office's country: the applicant's country,
    else the application's origin), ``top_domestic_id / _name / _share`` and ``top_foreign_id /
    _name / _share`` (the leading company from the country and from abroad).
    """
    from .measures import DEFAULT_KEY_FIELDS

    keys = (
        sorted(DEFAULT_KEY_FIELDS.values())
        if key_fields is None
        else sorted({int(k) for k in key_fields})
    )
    if not keys or any(not 1 <= k <= 35 for k in keys):
        raise SpecError(f"key fields must be WIPO field numbers 1-35; got {list(key_fields or [])}")
    o, ycol = _scope(t, year, years)
    o = o.filter(~o.office.isin(sorted(REGIONAL_OFFICES)))
    fw = field_weights(t)
    fw = fw.filter(fw.field.isin(keys)).select("appln_id", "field", fweight=fw.weight)
    s = _applicant_shares(t)
    j = s.join(o, "appln_id").join(fw, "appln_id")
    j = j.mutate(
        _w=j.share * j.fweight, _home=ibis.coalesce(j.a_country, j.origin.nullif("unknown"))
    )
    grp = [j.office.name("country"), "field", ycol]
    company = j.sector == "company"
    dom = company & (j._home == j.office)
    known = j._home.notnull()
    g = j.group_by(grp).aggregate(
        applications_fractional=j._w.sum(),
        unknown_home=ibis.ifelse(known, 0.0, j._w).sum(),
        _known=ibis.ifelse(known, j._w, 0.0).sum(),
        _dom=ibis.ifelse(dom, j._w, 0.0).sum(),
    )
    share = ibis.ifelse(g._known > 0, g._dom / g._known, ibis.null("float64"))
    g = g.mutate(domestic_company_share=share).drop("_dom", "_known")
    c = j.filter(company & j.applicant_id.notnull() & known)
    c = c.mutate(side=ibis.ifelse(c._home == c.office, "domestic", "foreign"))
    f = c.group_by([c.office.name("country"), "field", ycol, "side", "applicant_id"]).aggregate(
        applications_fractional=c._w.sum(), applicant_name=c.applicant_name.min()
    )
    tot = j.group_by([j.office.name("country"), "field", ycol]).aggregate(_tot=j._w.sum())
    f = _ranked(f, ["country", "field", ycol, "side"], 1)
    tot = tot.select(_tc=tot.country, _tf=tot.field, _ty=tot[ycol], _tot=tot._tot)
    f = f.join(
        tot,
        [
            f.country == tot._tc,
            f.field == tot._tf,
            (f[ycol] == tot._ty) | (f[ycol].isnull() & tot._ty.isnull()),
        ],
    )
    f = f.mutate(_share=f.applications_fractional / f._tot)
    out = g
    for side in ("domestic", "foreign"):
        s_ = f.filter(f.side == side).select(
            _c=f.country,
            _f=f.field,
            _y=f[ycol],
            **{
                f"top_{side}_id": f.applicant_id,
                f"top_{side}_name": f.applicant_name,
                f"top_{side}_share": f._share,
            },
        )
        out = out.left_join(
            s_,
            [
                out.country == s_._c,
                out.field == s_._f,
                (out[ycol] == s_._y) | (out[ycol].isnull() & s_._y.isnull()),
            ],
        )
        out = out.drop("_c", "_f", "_y")
    out = out.join(fields_table(t).select("field", "field_name"), "field")
    out = out.select(
        "country",
        out.field.cast("int32").name("field"),
        "field_name",
        ycol,
        "applications_fractional",
        "unknown_home",
        "domestic_company_share",
        "top_domestic_id",
        "top_domestic_name",
        "top_domestic_share",
        "top_foreign_id",
        "top_foreign_name",
        "top_foreign_share",
    )
    return out.order_by([out.country, out.field, out[ycol]])


TABLES: dict[str, Callable[..., ir.Table]] = {
    "by_sector": by_sector,
    "top_applicants": top_applicants,
    "self_reliance_firms": self_reliance_firms,
}
BY_OPTIONS: dict[str, tuple[str, ...]] = {"top_applicants": ("office", "origin", "field")}


def register(
    tables: MutableMapping[str, Callable[..., ir.Table]],
    by_options: MutableMapping[str, tuple[str, ...]],
) -> None:
    """Add the enterprise tables to the patent table registry (the hook in :mod:`.tables`)."""
    tables.update(TABLES)
    by_options.update(BY_OPTIONS)
